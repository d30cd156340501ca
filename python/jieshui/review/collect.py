"""Provincial review: score a folder of county workbooks with the official standard and cross-check
every claim. Each file is read in a worker process; a file that cannot be read becomes a problem
row, never a crash; memory holds one small result per file."""

from __future__ import annotations

import concurrent.futures as futures
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from concurrent.futures.process import BrokenProcessPool

from ..engine import Standard, default_standard
from ..engine.words import shown
from ..workbook.readers import WorkbookError, read_workbook
from .check import check
from .standard_import import load_any_standard

SUFFIXES = (".xlsm", ".xlsx")
IN_FLIGHT_PER_WORKER = 8
SERIAL_BELOW = 8  # starting worker processes costs more than reading a handful of files


# What a row that is not a scored county is: the 问题清单 category.
UNREADABLE, SKIPPED, DUPLICATE = "无法读取", "未读取", "重复"


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
    error: str = ""
    error_kind: str = ""  # UNREADABLE, SKIPPED or DUPLICATE when `error` is set


@dataclass
class Found:
    """What lies under the paths: workbooks to score, and every other file with why not."""
    workbooks: list[Path]
    skipped: list[CountyResult]


BACKUP_MARK = "_备份"  # recalc --in-place keeps the original as <name>_备份[_n].xlsm


def _why_not(path: Path) -> str:
    """Why a file found in a folder is not read ("" when it is a workbook to score)."""
    suffix = path.suffix.lower()
    if path.name.startswith("~$"):
        return "Excel 或 WPS 打开工作簿时生成的临时锁定文件，不是县域工作簿"
    if suffix in SUFFIXES:
        return "备份文件（jieshui recalc --in-place 生成），不重复计入" if BACKUP_MARK in path.stem else ""
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


def _init_worker(standard_path: str | None) -> None:
    global _STANDARD
    _STANDARD = load_any_standard(standard_path) if standard_path else default_standard()


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float, str)) or value is None else shown(value)


def score_file(path: str) -> CountyResult:
    """Read, recompute and cross-check one workbook; any failure is the result's `error`."""
    std = _STANDARD or default_standard()
    try:
        data = read_workbook(path, std)
        checked = check(data, std)
    except WorkbookError as exc:
        return CountyResult(path, error=str(exc), error_kind=UNREADABLE)
    except Exception:  # an untrusted file must never stop the batch
        return CountyResult(path, error="读取时程序内部出错（文件内容异常）：请用 Excel 或 WPS 打开后另存一次，"
                                        "或运行 jieshui check 查看", error_kind=UNREADABLE)
    county, result = data.inputs.county, checked.assessment
    return CountyResult(
        file=path, name=str(county.get("name") or ""), province=str(county.get("province") or ""),
        city=str(county.get("city") or ""), year=_plain(county.get("year")), total=result.total,
        base=result.base, bonus=result.bonus, verdict=result.verdict,
        claimed_total=_plain(data.claimed.get("out_total")),
        points=[c.points for c in result.contents],
        claimed_points=[_plain(v) for v in data.claimed.get("out_points", [])],
        flags=[{"kind": p.kind, "cell": p.cell, "message": p.message} for p in checked.problems],
        gaps=[{"id": c.id, "title": c.title, "lost": c.lost, "gap": c.gap or c.note}
              for c in result.ranked_gaps],
        inputs={k: _plain(v) for k, v in data.inputs.inputs.items()})


def mark_duplicates(results: list[CountyResult]) -> list[CountyResult]:
    """The same county (name, province, year) twice: the first file stays a row, each later one
    becomes a problem naming both files."""
    first: dict[tuple[str, str, str], CountyResult] = {}
    marked = []
    for r in results:
        key = (r.name.strip(), r.province.strip(), str(r.year))
        if r.error or not r.name.strip():
            marked.append(r)
        elif key in first:
            marked.append(CountyResult(r.file, name=r.name, province=r.province, city=r.city, year=r.year,
                                       error_kind=DUPLICATE,
                                       error=f"与 {first[key].file} 是同一个县（{r.name}，{r.province}，"
                                             f"{shown(r.year)} 年度），只计入前一份；请确认哪一份是最终报送的"))
        else:
            first[key] = r
            marked.append(r)
    return marked


def score_files(paths: list[Path], standard_path: str | None = None, workers: int | None = None,
                on_done: Callable[[CountyResult], None] | None = None) -> list[CountyResult]:
    """Score every file, in parallel when there are enough of them; results in input order."""
    results = list(_run(paths, standard_path, workers or os.cpu_count() or 1, on_done))
    order = {str(p): i for i, p in enumerate(paths)}
    return mark_duplicates(sorted(results, key=lambda r: order[r.file]))


def _run(paths: list[Path], standard_path: str | None, workers: int,
         on_done: Callable[[CountyResult], None] | None) -> Iterator[CountyResult]:
    done = on_done or (lambda _: None)
    if workers == 1 or len(paths) < SERIAL_BELOW:
        _init_worker(standard_path)
        for path in paths:
            result = score_file(str(path))
            done(result)
            yield result
        return
    lost: list[str] = []
    for result in _pooled([str(p) for p in paths], standard_path, workers, lost):
        done(result)
        yield result
    for path in lost:  # alone in a fresh process each: an innocent file in flight scores now
        retried = list(_pooled([path], standard_path, 1, []))
        result = retried[0] if retried else CountyResult(path, error_kind=UNREADABLE, error=WORKER_DIED)
        done(result)
        yield result


WORKER_DIED = ("读取这个文件时工作进程被系统终止（可能是内存不足或文件异常），"
               "请单独运行 jieshui check 检查该文件")


def _pooled(paths: list[str], standard_path: str | None, workers: int,
            lost: list[str]) -> Iterator[CountyResult]:
    """Score in a process pool; a pool broken by a killed worker is replaced, and the files it
    had in flight are added to `lost`."""
    queue = iter(paths)
    while True:
        pending: dict[futures.Future[CountyResult], str] = {}
        pool = futures.ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(standard_path,))
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
    return {"counties": [{"file": r.file, "name": r.name, "province": r.province, "city": r.city,
                          "year": r.year, "total": r.total, "base": r.base, "bonus": r.bonus,
                          "claimed_total": r.claimed_total, "verdict": r.verdict, "flags": r.flags}
                         for r in results if not r.error],
            "problems": [{"file": r.file, "kind": r.error_kind, "message": r.error}
                         for r in results if r.error]}
