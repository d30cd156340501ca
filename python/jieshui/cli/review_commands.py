"""The provincial reviewer's commands: collect (score a folder of counties, the summary, the
feedback to each county, the history, CSV files; the run itself is province.run) and history (a
county's totals over the years)."""

from __future__ import annotations

import json
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn
from rich.progress import TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..engine.words import BLANK, number, shown
from .common import JSON_HELP, StandardOption, fail, make_console, read_standard

if TYPE_CHECKING:  # imported where used: each command loads only what it needs
    from ..province.run import Progress


def collect_command(
    paths: Annotated[list[Path], typer.Argument(help="县域复核工作簿或所在文件夹（可多个）", metavar="工作簿或文件夹", readable=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="汇总工作簿（.xlsx），已存在时自动改名", metavar="文件", readable=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    standard: StandardOption = None,
    workers: Annotated[Optional[int], typer.Option("--workers", help="同时读取的进程数（默认为本机 CPU 核数）", metavar="数字")] = None,
    feedback: Annotated[Optional[Path], typer.Option(
        "--feedback", help="为每个县写出“<县名>_复核意见_<日期>.xlsx”的文件夹", metavar="文件夹", readable=False)] = None,
    db: Annotated[Optional[Path], typer.Option(
        "--db", help="复核历史数据库（.sqlite，没有则新建）：记录本次复核，汇总中列出上年总分和变化", metavar="文件",
        readable=False)] = None,  # an unreadable file is said in Chinese (HistoryError), not by click
    csv: Annotated[Optional[Path], typer.Option(
        "--csv", help="把汇总、明细、问题清单和统计另存为 CSV 文件（Excel 可直接打开）的文件夹", metavar="文件夹", readable=False)] = None,
    prefer: Annotated[Optional[list[Path]], typer.Option(
        "--prefer", help="同一县同一年度有多份数据不同的文件时，计入这一份（可多次指定，每县一份）；"
                         "不指定时计入填报日期较新的一份", metavar="文件", readable=False)] = None,
) -> None:
    """省级复核：读取文件夹中的全部县域工作簿，按评价标准重新计算，核对每项赋分，生成汇总、复核意见和复核历史。"""
    from ..province import tables
    from ..province.collect import to_json
    from ..province.run import Review, run
    review = Review(paths, summary=output, feedback=feedback, csv=csv, db=db, prefer=prefer or [], workers=workers,
                    printed=as_json)
    review.checked()  # a wrong option is said before the standard is read
    std = read_standard(standard)
    outcome = run(review, std, _progress(quiet=as_json))
    console = Console(stderr=True, highlight=False)
    table = Table(title="本次复核概况", show_header=False, title_justify="left")
    for label, text in tables.RunSummary.of(outcome.results).lines(std):
        table.add_row(label, text)
    console.print(table)
    if outcome.summary is not None:
        console.print(f"已写出汇总：{outcome.summary}", markup=False)
    if review.feedback is not None:
        console.print(f"已写出{len(outcome.feedback)}份复核意见：{review.feedback}", markup=False)
    if review.csv is not None:
        console.print(f"已写出{len(outcome.csv)}个 CSV 文件：{review.csv}", markup=False)
    if as_json:
        typer.echo(json.dumps(to_json(outcome.results), ensure_ascii=False, indent=2))


class _Times(TimeRemainingColumn):
    """3/15，用时0:00:03，剩余0:00:12 in one column: rich sets columns apart with a space, and
    Chinese sets none between a word and a figure."""

    def render(self, task):  # type: ignore[no-untyped-def]
        used = TimeElapsedColumn().render(task).plain
        done = MofNCompleteColumn().render(task).plain
        return Text(f"{done}，用时{used}，剩余{super().render(task).plain}", style="progress.remaining")


def _progress(quiet: bool) -> Progress:
    """A rich progress bar on stderr per stage; with --json, gone when the stage is done."""
    @contextmanager
    def stage(label: str, total: int) -> Iterator[Callable[[], None]]:
        with RichProgress(TextColumn("{task.description}"), BarColumn(), _Times(),
                          console=Console(stderr=True),
                          transient=quiet) as bar:
            task = bar.add_task(label, total=total)
            yield lambda: bar.advance(task)
    return stage


def _change(points: float) -> str:
    """+1.5, -2, 0: a change of total as the table shows it, without needless decimals."""
    return ("+" if points > 0 else "") + number(points)


def history_command(
    db: Annotated[Path, typer.Argument(help="复核历史数据库（jieshui collect --db 写出的 .sqlite）", metavar="数据库",
                                       readable=False)],  # an unreadable file is said in Chinese, not by click
    county: Annotated[Optional[str], typer.Argument(help="县名（不填则列出全部县）", metavar="县名")] = None,
) -> None:
    """查看复核历史：各县历次复核、各年度的总分与结论。"""
    from ..province.history import open_readonly, records
    with closing(open_readonly(db)) as history:
        found = records(history, db, county)
    if not found:
        raise fail(f"复核历史中没有“{county}”的记录" if county else "复核历史中还没有任何记录")
    table = Table(title=f"复核历史：{county or '全部县'}（{db.name}）")
    for heading in ("县（旗、区）", "市（盟、州）", "评价年度", "复核时间", "总分", "较上年", "结论", "评价标准版本"):
        table.add_column(heading, overflow="fold")  # a province's version name runs long: wrap, never cut
    latest: dict[tuple[str, str], float | None] = {}
    for r in sorted(found, key=lambda r: (r.province, r.city, r.name, r.year, r.run)):
        previous = latest.get((r.name, str(int(r.year) - 1) if r.year.isdigit() else ""))
        change = BLANK if previous is None or r.total is None else _change(r.total - previous)
        table.add_row(r.name, r.city, r.year, r.started.replace("T", " "), BLANK if r.total is None else shown(r.total),
                      change, r.verdict, r.detail.get("standard_version") or BLANK)  # runs before issue 21: none
        latest[(r.name, r.year)] = r.total
    make_console().print(table)
