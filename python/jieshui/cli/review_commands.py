"""The provincial reviewer's commands: collect (score a folder of counties, the summary, the
feedback to each county, the history, CSV files) and history (a county's totals over the years)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from ..engine import Standard
from ..engine.words import BLANK, os_reason, shown
from ..files import claim, write_atomically, write_new
from ..province import tables
from ..province.collect import CountyResult, find_workbooks, score_files, to_json
from ..province.duplicates import PreferError
from ..province.feedback import write_feedback
from ..province.history import (HistoryError, file_sha256, last_year, open_history, open_readonly, record_run,
                                records)
from ..province.summary import SummaryWriter, YearOverYear
from .common import StandardOption, fail, make_console, output_folder, read_standard

MAX_WORKERS = 64
CSV_ENCODING = "utf-8-sig"  # Excel and WPS open a CSV with a BOM as UTF-8, not as GBK


def collect_command(
    paths: Annotated[list[Path], typer.Argument(help="县域复核工作簿或所在文件夹（可多个）", metavar="路径...", readable=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="汇总工作簿（.xlsx），已存在时自动改名", readable=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    standard: StandardOption = None,
    workers: Annotated[Optional[int], typer.Option("--workers", help="并行进程数（默认为 CPU 核数）")] = None,
    feedback: Annotated[Optional[Path], typer.Option(
        "--feedback", help="为每个县写出“<县名>_复核意见_<日期>.xlsx”的文件夹", metavar="文件夹", readable=False)] = None,
    db: Annotated[Optional[Path], typer.Option(
        "--db", help="复核历史数据库（.sqlite，没有则新建）：记录本次复核，汇总中列出上年总分和变化", metavar="文件",
        readable=False)] = None,  # an unreadable file is said in Chinese (HistoryError), not by click
    csv: Annotated[Optional[Path], typer.Option(
        "--csv", help="把汇总、明细、问题清单和统计另存为 CSV 文件（UTF-8）的文件夹", metavar="文件夹", readable=False)] = None,
    prefer: Annotated[Optional[list[Path]], typer.Option(
        "--prefer", help="同一县同一年度有多份数据不同的文件时，计入这一份（可多次指定，每县一份）；"
                         "不指定时计入填报日期较新的一份", metavar="文件", readable=False)] = None,
) -> None:
    """省级复核：读取文件夹中的全部县域工作簿，用官方评价标准重新计算，核对每项赋分，生成汇总、复核意见和历史记录。"""
    if output is None and not as_json and feedback is None and csv is None and db is None:
        raise fail("请用 -o 指定汇总工作簿，或用 --feedback、--csv、--db、--json 指定要输出的内容")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise fail(f"--workers 应为 1 到 {MAX_WORKERS} 之间的整数（当前为 {workers}）")
    std = read_standard(standard)
    found = find_workbooks(paths)
    if not found.workbooks:
        raise fail("在给定路径中没有找到 .xlsm 或 .xlsx 文件")
    _check_prefer(prefer or [], found.workbooks)
    # Everything that can fail without reading a workbook fails now, not after hours of reading.
    history = _open_history(db) if db is not None else None
    compared = None
    for folder in (feedback, csv):
        output_folder(folder, Path("."))
    target = _claim_output(output) if output is not None else None
    try:
        results = _score_with_progress(found.workbooks, standard, workers, as_json, prefer or []) + found.skipped
        compared = _record(history, db, results, std) if history is not None and db is not None else None
        if target is not None:
            write_atomically(target, SummaryWriter(results, std, compared).build())
    except BaseException:
        if target is not None and not target.stat().st_size:
            target.unlink(missing_ok=True)
        raise
    finally:
        if history is not None:
            history.close()
    _print_summary(results, std, target)
    if feedback is not None:
        _write_feedback(results, std, feedback)
    if csv is not None:
        _write_csv(results, std, csv, compared)
    if as_json:
        typer.echo(json.dumps(to_json(results), ensure_ascii=False, indent=2))


def _open_history(db: Path) -> sqlite3.Connection:
    try:
        return open_history(db)
    except HistoryError as exc:
        raise fail(str(exc)) from exc


def _record(history: sqlite3.Connection, db: Path, results: list[CountyResult], std: Standard) -> YearOverYear:
    """Last year's figures (read before this run is added), then this run recorded."""
    try:
        totals, changes = last_year(history, db, results, std)
        hashes = {r.file: file_sha256(r.file) for r in results if r.error_kind != "未读取"}
        record_run(history, db, results, std, hashes)
    except HistoryError as exc:  # the history was asked for: no summary without it, and said so
        raise fail(f"本次复核未能记入复核历史，也未写出其他结果：{exc}") from exc
    return YearOverYear(totals, changes)


def _claim_output(output: Path) -> Path:
    """The summary's name, claimed now: a folder that cannot be written fails in a second."""
    if output.is_dir():
        raise fail(f"{output} 是文件夹：-o 请给出汇总工作簿的文件名，如 {output / '汇总.xlsx'}")
    try:
        return claim(output)
    except OSError as exc:
        raise fail(f"无法在 {output.parent} 中写出汇总工作簿：{os_reason(exc)}；请换一个文件夹") from None


def _progress(quiet: bool = False) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("剩余"), TimeRemainingColumn(), console=Console(stderr=True), transient=quiet)


def _check_prefer(prefer: list[Path], workbooks: list[Path]) -> None:
    """A --prefer file must be one of the workbooks to read: said now, before hours of reading."""
    read = {p.resolve() for p in workbooks}
    for path in prefer:
        if not path.is_file():
            raise fail(f"找不到 --prefer 指定的文件 {path}；请给出同一县多份文件中要计入的那一份")
        if path.resolve() not in read:
            raise fail(f"--prefer 指定的文件 {path} 不在本次复核的路径中（或不是 .xlsm/.xlsx 工作簿）；"
                       "请给出同一县多份文件中要计入的那一份")


def _score_with_progress(files: list[Path], standard: Path | None, workers: int | None,
                         quiet: bool, prefer: list[Path]) -> list[CountyResult]:
    with _progress(quiet) as progress:
        task = progress.add_task("复核", total=len(files))
        try:
            return score_files(files, str(standard) if standard else None, workers,
                               lambda _: progress.advance(task), prefer)
        except PreferError as exc:
            raise fail(str(exc)) from None


def _print_summary(results: list[CountyResult], std: Standard, target: Path | None) -> None:
    table = Table(title="本次复核概况", show_header=False, title_justify="left")
    for label, text in tables.RunSummary.of(results).lines(std):
        table.add_row(label, text)
    console = Console(stderr=True, highlight=False)
    console.print(table)
    if target is not None:
        console.print(f"已写出汇总：{target}", markup=False)


def _write_feedback(results: list[CountyResult], std: Standard, folder: Path) -> None:
    scored = sum(1 for r in results if not r.error and r.name.strip())
    with _progress() as progress:
        task = progress.add_task("复核意见", total=scored)
        try:
            written = write_feedback(results, std, folder, dt.date.today(), lambda: progress.advance(task))
        except OSError as exc:
            raise fail(f"无法在 {folder} 中写出复核意见：{os_reason(exc)}") from None
    Console(stderr=True).print(f"已写出 {len(written)} 份复核意见：{folder}", markup=False)


def _write_csv(results: list[CountyResult], std: Standard, folder: Path, compared: YearOverYear | None) -> None:
    frames = {"汇总": tables.county_table(results, compared.last_totals if compared else None),
              "明细": tables.points_table(results, std), "问题清单": tables.problem_table(results),
              "各市结论": tables.city_table(results, std), "各指标失分": tables.indicator_loss(results, std)}
    try:
        for name, frame in frames.items():
            write_new(folder / f"{name}.csv", frame.to_csv(index=False).encode(CSV_ENCODING))
    except OSError as exc:
        raise fail(f"无法在 {folder} 中写出 CSV 文件：{os_reason(exc)}") from None
    Console(stderr=True).print(f"已写出 {len(frames)} 个 CSV 文件：{folder}", markup=False)


def history_command(
    db: Annotated[Path, typer.Argument(help="复核历史数据库（jieshui collect --db 写出的 .sqlite）", metavar="数据库",
                                       readable=False)],  # an unreadable file is said in Chinese, not by click
    county: Annotated[Optional[str], typer.Argument(help="县名（不填则列出全部县）", metavar="县名")] = None,
) -> None:
    """查看复核历史：各县历次复核、各年度的总分与结论。"""
    try:
        with closing(open_readonly(db)) as history:
            found = records(history, db, county)
    except HistoryError as exc:
        raise fail(str(exc)) from exc
    if not found:
        raise fail(f"复核历史中没有“{county}”的记录" if county else "复核历史中还没有任何记录")
    table = Table(title=f"复核历史：{county or '全部县'}（{db.name}）")
    for heading in ("县（旗、区）", "市（盟、州）", "评价年度", "复核时间", "总分", "较上年", "结论", "评价标准版本"):
        table.add_column(heading)
    latest: dict[tuple[str, str], float | None] = {}
    for r in sorted(found, key=lambda r: (r.province, r.city, r.name, r.year, r.run)):
        previous = latest.get((r.name, str(int(r.year) - 1) if r.year.isdigit() else ""))
        change = BLANK if previous is None or r.total is None else f"{r.total - previous:+.1f}"
        table.add_row(r.name, r.city, r.year, r.started.replace("T", " "), BLANK if r.total is None else shown(r.total),
                      change, r.verdict, r.detail.get("standard_version") or BLANK)  # runs before issue 21: none
        latest[(r.name, r.year)] = r.total
    make_console().print(table)
