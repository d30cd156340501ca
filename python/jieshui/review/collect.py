"""Provincial review: score a folder of county workbooks with the official standard and cross-check
every claim. Each file is read in a worker process; a file that cannot be read becomes a problem
row, never a crash; memory holds one small result per file."""

from __future__ import annotations

import concurrent.futures as futures
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..engine import Standard, default_standard, load_standard
from ..workbook.readers import WorkbookError, read_fast
from .check import check

SUFFIXES = (".xlsm", ".xlsx")
IN_FLIGHT_PER_WORKER = 8
SERIAL_BELOW = 8  # starting worker processes costs more than reading a handful of files


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
    error: str = ""


def find_workbooks(paths: Iterable[Path]) -> list[Path]:
    """Every .xlsm/.xlsx under the paths (Excel's ~$ lock files skipped), in a stable order."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.exists():
            found.add(path)
    return sorted((p for p in found if not p.name.startswith("~$")), key=lambda p: str(p))


_STANDARD: Standard | None = None


def _init_worker(standard_path: str | None) -> None:
    global _STANDARD
    _STANDARD = load_standard(standard_path) if standard_path else default_standard()


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def score_file(path: str) -> CountyResult:
    """Read, recompute and cross-check one workbook; any failure is the result's `error`."""
    std = _STANDARD or default_standard()
    try:
        data = read_fast(path, std)
        checked = check(data, std)
    except WorkbookError as exc:
        return CountyResult(path, error=str(exc))
    except Exception as exc:  # an untrusted file must never stop the batch
        return CountyResult(path, error=f"无法读取（{type(exc).__name__}：{exc}）")
    county, result = data.inputs.county, checked.assessment
    return CountyResult(
        file=path, name=str(county.get("name") or ""), province=str(county.get("province") or ""),
        city=str(county.get("city") or ""), year=_plain(county.get("year")), total=result.total,
        base=result.base, bonus=result.bonus, verdict=result.verdict,
        claimed_total=_plain(data.claimed.get("out_total")),
        points=[c.points for c in result.contents],
        claimed_points=[_plain(v) for v in data.claimed.get("out_points", [])],
        flags=[{"kind": p.kind, "cell": p.cell, "message": p.message} for p in checked.problems])


def score_files(paths: list[Path], standard_path: str | None = None, workers: int | None = None,
                on_done: Callable[[CountyResult], None] | None = None) -> list[CountyResult]:
    """Score every file, in parallel when there are enough of them; results in input order."""
    results = list(_run(paths, standard_path, workers or os.cpu_count() or 1, on_done))
    order = {str(p): i for i, p in enumerate(paths)}
    return sorted(results, key=lambda r: order[r.file])


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
    pending: set[futures.Future[CountyResult]] = set()
    queue = iter(paths)
    with futures.ProcessPoolExecutor(workers, initializer=_init_worker,
                                     initargs=(standard_path,)) as pool:
        for path in queue:
            pending.add(pool.submit(score_file, str(path)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                finished, pending = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
                for future in finished:
                    done(future.result())
                    yield future.result()
        for future in futures.as_completed(pending):
            done(future.result())
            yield future.result()


def to_json(results: list[CountyResult]) -> dict[str, Any]:
    return {"counties": [{"file": r.file, "name": r.name, "province": r.province, "city": r.city,
                          "year": r.year, "total": r.total, "base": r.base, "bonus": r.bonus,
                          "claimed_total": r.claimed_total, "verdict": r.verdict, "flags": r.flags}
                         for r in results if not r.error],
            "problems": [{"file": r.file, "message": r.error} for r in results if r.error]}
