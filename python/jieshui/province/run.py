"""The province's run as one library operation: a `Review` (what to read, what to write) in, an
`Outcome` out. The command line (cli.review_commands) only turns options into a Review, shows the
progress and prints the outcome.

Everything that can fail without reading a workbook fails first (the options, the --prefer
files, the history, the output folders, the summary's name), not after hours of reading. The
standard is loaded once, by the caller, and handed to every worker."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..engine import Standard
from ..engine.words import os_reason
from ..errors import UserError
from ..files import claim, write_atomically, write_new
from . import tables
from .collect import CountyResult, find_workbooks, score_files
from .duplicates import resolve
from .feedback import write_feedback
from .history import HistoryError, file_sha256, last_year, open_history, record_run
from .summary import SummaryWriter, YearOverYear

MAX_WORKERS = 64
CSV_ENCODING = "utf-8-sig"  # Excel and WPS open a CSV with a BOM as UTF-8, not as GBK

# A progress display: given a label and a total, a context whose value advances it by one.
Progress = Callable[[str, int], AbstractContextManager[Callable[[], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    yield lambda: None


@dataclass
class Review:
    """What a reviewer asked for: the workbooks (files or folders) and where each output goes."""
    paths: list[Path]
    summary: Path | None = None      # the summary workbook (.xlsx); renamed if it exists
    feedback: Path | None = None     # a folder for one 复核意见 workbook per county
    csv: Path | None = None          # a folder for the tables as CSV files
    db: Path | None = None           # the history database
    prefer: list[Path] = field(default_factory=list)
    workers: int | None = None
    day: dt.date = field(default_factory=dt.date.today)
    printed: bool = False            # the results go to the screen (--json): an output enough

    def checked(self) -> None:
        if self.summary is None and not self.printed and self.feedback is None and self.csv is None \
                and self.db is None:
            raise UserError("请用 -o 指定汇总工作簿，或用 --feedback、--csv、--db、--json 指定要输出的内容")
        if self.workers is not None and not 1 <= self.workers <= MAX_WORKERS:
            raise UserError(f"--workers 应为1到{MAX_WORKERS}之间的整数（当前为{self.workers}）")
        for option, folder in (("--feedback", self.feedback), ("--csv", self.csv)):
            if folder is not None and folder.exists() and not folder.is_dir():
                raise UserError(f"{folder}是一个文件：{option}请给出输出文件夹")


@dataclass
class Outcome:
    results: list[CountyResult]
    summary: Path | None = None
    feedback: list[Path] = field(default_factory=list)
    csv: list[Path] = field(default_factory=list)


def run(review: Review, std: Standard, progress: Progress = no_progress) -> Outcome:
    """Read and score every workbook, then write what the review asked for."""
    review.checked()
    found = find_workbooks(review.paths)
    if not found.workbooks:
        raise UserError("在给定路径中没有找到 .xlsm 或 .xlsx 文件")
    _check_prefer(review.prefer, found.workbooks)
    history = open_history(review.db) if review.db is not None else None
    target = _claim_summary(review.summary) if review.summary is not None else None
    try:
        with progress("复核", len(found.workbooks)) as advance:
            scored = score_files(found.workbooks, std, review.workers, lambda _: advance())
        results = resolve(scored, review.prefer) + found.skipped  # one file counted per county and year
        compared = _record(history, review.db, results, std) if history is not None and review.db else None
        if target is not None:
            write_atomically(target, SummaryWriter(results, std, compared).build())
    except BaseException:
        if target is not None and not target.stat().st_size:
            target.unlink(missing_ok=True)
        raise
    finally:
        if history is not None:
            history.close()
    outcome = Outcome(results, target)
    if review.feedback is not None:
        outcome.feedback = _feedback(results, std, review.feedback, review.day, progress)
    if review.csv is not None:
        outcome.csv = _csv(results, std, review.csv, compared)
    return outcome


def _check_prefer(prefer: list[Path], workbooks: list[Path]) -> None:
    """A --prefer file must be one of the workbooks to read: said now, before hours of reading."""
    read = {p.resolve() for p in workbooks}
    for path in prefer:
        if not path.is_file():
            raise UserError(f"找不到 --prefer 指定的文件{path}；请给出同一县多份文件中要计入的那一份")
        if path.resolve() not in read:
            raise UserError(f"--prefer 指定的文件{path}不在本次复核的路径中（或不是 .xlsm/.xlsx 工作簿）；"
                            "请给出同一县多份文件中要计入的那一份")


def _claim_summary(output: Path) -> Path:
    """The summary's name, claimed now: a folder that cannot be written fails in a second."""
    if output.is_dir():
        raise UserError(f"{output}是文件夹：-o 请给出汇总工作簿的文件名，如{output / '汇总.xlsx'}")
    try:
        return claim(output)
    except OSError as exc:
        raise UserError(f"无法在{output.parent}中写出汇总工作簿：{os_reason(exc)}；请换一个文件夹") from None


def _record(history: sqlite3.Connection, db: Path, results: list[CountyResult], std: Standard) -> YearOverYear:
    """Last year's figures (read before this run is added), then this run recorded."""
    try:
        totals, changes = last_year(history, db, results, std)
        hashes = {r.file: file_sha256(r.file) for r in results if r.error_kind != "未读取"}
        record_run(history, db, results, std, hashes)
    except HistoryError as exc:  # the history was asked for: no summary without it, and said so
        raise UserError(f"本次复核未能记入复核历史，也未写出其他结果：{exc}") from exc
    return YearOverYear(totals, changes)


def _feedback(results: list[CountyResult], std: Standard, folder: Path, day: dt.date,
              progress: Progress) -> list[Path]:
    scored = sum(1 for r in results if not r.error and r.name.strip())
    with progress("复核意见", scored) as advance:
        try:
            return write_feedback(results, std, folder, day, advance)
        except OSError as exc:
            raise UserError(f"无法在{folder}中写出复核意见：{os_reason(exc)}") from None


def _csv(results: list[CountyResult], std: Standard, folder: Path, compared: YearOverYear | None) -> list[Path]:
    frames = {"汇总": tables.county_table(results, compared.last_totals if compared else None),
              "明细": tables.points_table(results, std), "问题清单": tables.problem_table(results),
              "各市结论": tables.city_table(results, std), "各指标失分": tables.indicator_loss(results, std)}
    try:
        return [write_new(folder / f"{name}.csv", frame.to_csv(index=False).encode(CSV_ENCODING))
                for name, frame in frames.items()]
    except OSError as exc:
        raise UserError(f"无法在{folder}中写出 CSV 文件：{os_reason(exc)}") from None
