"""Provincial review: score a folder of county workbooks with the official standard and cross-check
every claim. Each file is read in a worker process; a file that cannot be read becomes a problem
row, never a crash; memory holds one small result per file."""

from __future__ import annotations

import re
import concurrent.futures as futures
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from concurrent.futures.process import BrokenProcessPool

from ..engine import Standard, default_standard
from ..engine.words import shown
from ..workbook.readers import WorkbookData, WorkbookError, read_workbook
from ..workbook.check import Problem, check

SUFFIXES = (".xlsm", ".xlsx")
IN_FLIGHT_PER_WORKER = 8
SERIAL_BELOW = 8  # starting worker processes costs more than reading a handful of files


# What a row that is not a scored county is: the 问题清单 category. 重复: a copy with the same
# data as the counted file; 多次报送: a file of the same county and year whose data differ.
UNREADABLE, SKIPPED, DUPLICATE, RESUBMITTED = "无法读取", "未读取", "重复", "多次报送"
# Where such a row ranks among check's problem kinds (workbook.check.SEVERITY): a county that
# could not be scored is as grave as a data error; a resubmission or a file not read is for the
# reviewer to verify; an identical copy is a reminder.
FILE_SEVERITY = {UNREADABLE: 1, RESUBMITTED: 3, SKIPPED: 3, DUPLICATE: 4}


@dataclass
class CountyResult:
    file: str
    name: str = ""
    province: str = ""
    city: str = ""
    year: Any = None
    total: float | None = None
    base: float | None = None
    bonus: float | None = None
    verdict: str = ""
    claimed_total: Any = None
    points: list[float | None] = field(default_factory=list)
    claimed_points: list[Any] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    # Contents that lost points, most recoverable first: {"id", "title", "lost", "gap"}.
    gaps: list[dict[str, Any]] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)  # the figures as typed, for the history
    standard_version: str = ""  # the workbook's 评价标准版本 as it shows it
    report_date: str = ""       # 填报日期 as YYYY-MM-DD, "" when blank or not a date
    modified: float = 0.0       # the file's modification time (a resubmission's tie-break)
    digest: str = ""            # SHA-256 of everything read: equal digests are the same data
    note: str = ""              # for a counted file: the other files of its county not counted
    error: str = ""
    error_kind: str = ""  # UNREADABLE, SKIPPED, DUPLICATE or RESUBMITTED when `error` is set

    @property
    def severity(self) -> int:
        """A file row's rank among the problems (FILE_SEVERITY); 0 for a scored county."""
        return FILE_SEVERITY.get(self.error_kind, 1) if self.error else 0


@dataclass
class Found:
    """What lies under the paths: workbooks to score, and every other file with why not."""
    workbooks: list[Path]
    skipped: list[CountyResult]


BACKUP_MARK = "_备份"  # merge and recalc --in-place keep the original as <name>_备份[_n].xlsm
MARKS = (  # files an office suite or jieshui leaves beside a workbook while it is open or written
    (re.compile(r"~\$.*"), "Excel 或 WPS 打开工作簿时生成的临时锁定文件，不是县域工作簿"),
    (re.compile(r"\.~lock\..*#"), "LibreOffice 打开工作簿时生成的临时锁定文件，不是县域工作簿"),
    (re.compile(r"\.~jieshui\..*\.lock(?:\.takeover)?"), "jieshui 写入工作簿时的临时标记文件，不是县域工作簿"),
    (re.compile(r"\..+\.merging(?:_\d+)?\.xls[xm]"),
     "汇总填报表中断时留下的临时副本，不是报送的工作簿（下次汇总时自动清除）"),
    (re.compile(r"\..+\.[a-z0-9_]{8}\.tmp"), "写入中断时留下的临时文件，不是县域工作簿"),
)


def _why_not(path: Path) -> str:
    """Why a file found in a folder is not read ("" when it is a workbook to score)."""
    suffix = path.suffix.lower()
    for mark, why in MARKS:
        if mark.fullmatch(path.name):
            return why
    if suffix in SUFFIXES:
        return "备份文件（汇总填报表或重新计算前自动保留的原文件），不重复计入" if BACKUP_MARK in path.stem else ""
    if suffix in (".xls", ".et"):
        return "旧版 Excel 或 WPS 表格格式：请用 Excel 或 WPS 打开后另存为 .xlsm 再提交"
    if suffix == ".pdf":
        return "PDF 文件，不是县域复核工作簿（无法从中读取数据）"
    return f"不是 Excel 工作簿（{suffix or '无扩展名'}），未读取"


def find_workbooks(paths: Iterable[Path]) -> Found:
    """Every file under the paths, in a stable order: .xlsm/.xlsx to score, the rest listed.
    A file named on the command line is always read (its reader says what is wrong with it)."""
    named: set[Path] = set()
    under: set[Path] = set()
    for path in paths:
        if path.is_dir():
            under.update(p for p in path.rglob("*") if p.is_file() or p.is_symlink())
        elif path.exists() or path.is_symlink():
            named.add(path)
    skipped = [CountyResult(str(p), error=_why_not(p), error_kind=SKIPPED)
               for p in sorted(under - named, key=str) if _why_not(p)]
    skipped_files = {r.file for r in skipped}
    workbooks = sorted((p for p in named | under if str(p) not in skipped_files), key=str)
    return Found(workbooks, skipped)


_STANDARD: Standard | None = None


def _init_worker(std: Standard | None) -> None:
    global _STANDARD
    _STANDARD = std or default_standard()


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float, str)) or value is None else shown(value)


def score_file(path: str) -> CountyResult:
    """Read, recompute and cross-check one workbook; any failure is the result's `error`."""
    std = _STANDARD or default_standard()
    try:
        data = read_workbook(path, std)
        checked = check(data, std)
        modified = os.stat(path).st_mtime
    except WorkbookError as exc:
        return CountyResult(path, error=str(exc), error_kind=UNREADABLE)
    except Exception:  # an untrusted file must never stop the batch
        return CountyResult(path, error="读取时程序内部出错（文件内容异常）：请用 Excel 或 WPS 打开后另存一次，"
                                        "或运行 jieshui check 查看", error_kind=UNREADABLE)
    county, result = data.inputs.county, checked.assessment
    report_date = county.get("report_date")
    return CountyResult(
        file=path, name=str(county.get("name") or ""), province=str(county.get("province") or ""),
        city=str(county.get("city") or ""), year=_plain(county.get("year")), total=result.total,
        base=result.base, bonus=result.bonus, verdict=std.review_verdict(result.verdict),
        claimed_total=_plain(data.claimed.get("out_total")),
        points=[c.points for c in result.contents],
        claimed_points=[_plain(v) for v in data.claimed.get("out_points", [])],
        flags=_flags(checked.problems, data, std),
        gaps=[{"id": c.id, "title": c.title, "lost": c.lost, "gap": c.gap or c.note}
              for c in result.ranked_gaps],
        inputs={k: _plain(v) for k, v in data.inputs.inputs.items()},
        standard_version="" if data.standard_version in (None, "") else str(_plain(data.standard_version)),
        report_date=report_date.isoformat()[:10] if hasattr(report_date, "isoformat") else "",
        modified=modified, digest=_digest(data))


def _flags(problems: list[Problem], data: WorkbookData, std: Standard) -> list[dict[str, Any]]:
    """The problems as the summary, feedback and history keep them, most severe first; `item`
    is the content or prerequisite a cell belongs to ("" for others), so evidence reminders can
    be listed by number and a mismatch be told apart from an edited rule."""
    items: dict[str, str] = {}
    # The 评价标准 table's hundreds of cells only when one of them is flagged (most workbooks: none).
    table_sheet = data.cell("std_table").split("!")[0]
    edited = bool(table_sheet) and any(p.sheet == table_sheet for p in problems)
    for i, content in enumerate(std.contents):
        for name in ("in_evidence", "out_points"):
            items[data.cell(name, i)] = str(content.id)
        for col in range(len(data.standard_table[i]) if edited and i < len(data.standard_table) else 0):
            items[data.cell("std_table", i, col)] = str(content.id)
    for i, prereq in enumerate(std.prerequisites):
        for name in ("in_prereq_evidence", "out_prereqs"):
            items[data.cell(name, i)] = str(prereq.id)
    items.pop("", None)
    return [{"kind": p.kind, "cell": p.cell, "message": p.message, "severity": p.severity,
             "item": items.get(p.cell, "")} for p in sorted(problems, key=lambda p: p.severity)]


def _digest(data: WorkbookData) -> str:
    """Everything read from a workbook, hashed: two files with the same digest hold the same data
    whatever their bytes (another save, another program)."""
    # vars, not dataclasses.asdict: its deep copy would cost a sixth of reading the file. The
    # readers fill every dict in the standard's order, so equal data gives equal text.
    values = [vars(data.inputs), data.claimed, data.template_version, data.standard_version, data.standard_table]
    text = json.dumps(values, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def score_files(paths: list[Path], std: Standard | None = None, workers: int | None = None,
                on_done: Callable[[CountyResult], None] | None = None) -> list[CountyResult]:
    """Score every file, in parallel when there are enough of them; results in input order (which
    of a county's several files counts is duplicates.resolve's to say). `std` is loaded once by the
    caller and handed to each worker (default: the packaged standard)."""
    results = list(_run(paths, std, workers or os.cpu_count() or 1, on_done))
    order = {str(p): i for i, p in enumerate(paths)}
    return sorted(results, key=lambda r: order[r.file])


def _run(paths: list[Path], std: Standard | None, workers: int,
         on_done: Callable[[CountyResult], None] | None) -> Iterator[CountyResult]:
    done = on_done or (lambda _: None)
    if workers == 1 or len(paths) < SERIAL_BELOW:
        _init_worker(std)
        for path in paths:
            result = score_file(str(path))
            done(result)
            yield result
        return
    lost: list[str] = []
    for result in _pooled([str(p) for p in paths], std, workers, lost):
        done(result)
        yield result
    for path in lost:  # alone in a fresh process each: an innocent file in flight scores now
        retried = list(_pooled([path], std, 1, []))
        result = retried[0] if retried else CountyResult(path, error_kind=UNREADABLE, error=WORKER_DIED)
        done(result)
        yield result


WORKER_DIED = ("读取这个文件时工作进程被系统终止（可能是内存不足或文件异常），"
               "请单独运行 jieshui check 检查该文件")


def _pooled(paths: list[str], std: Standard | None, workers: int,
            lost: list[str]) -> Iterator[CountyResult]:
    """Score in a process pool; a pool broken by a killed worker is replaced, and the files it
    had in flight are added to `lost`."""
    queue = iter(paths)
    while True:
        pending: dict[futures.Future[CountyResult], str] = {}
        pool = futures.ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(std,))
        try:
            for path in queue:
                try:
                    pending[pool.submit(score_file, path)] = path
                except BrokenProcessPool:
                    lost.append(path)
                    raise
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    yield from _drain(pending, lost, futures.FIRST_COMPLETED)
            yield from _drain(pending, lost, futures.ALL_COMPLETED)
        except BrokenProcessPool:
            lost.extend(pending.values())
            continue
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return


def _drain(pending: dict[futures.Future[CountyResult], str], lost: list[str],
           when: str) -> Iterator[CountyResult]:
    finished, _ = futures.wait(pending, return_when=when)
    for future in finished:
        path = pending.pop(future)
        try:
            result = future.result()
        except BrokenProcessPool:
            lost.append(path)
            raise
        yield result


def to_json(results: list[CountyResult]) -> dict[str, Any]:
    """Counties (each one's flags most severe first) and the files not counted, most severe first."""
    return {"counties": [{"file": r.file, "name": r.name, "province": r.province, "city": r.city,
                          "year": r.year, "total": r.total, "base": r.base, "bonus": r.bonus,
                          "claimed_total": r.claimed_total, "verdict": r.verdict,
                          "standard_version": r.standard_version, "report_date": r.report_date,
                          "note": r.note, "flags": r.flags}
                         for r in results if not r.error],
            "problems": [{"file": r.file, "kind": r.error_kind, "severity": r.severity, "message": r.error}
                         for r in sorted((r for r in results if r.error), key=lambda r: r.severity)]}
