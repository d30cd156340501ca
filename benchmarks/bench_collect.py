"""Collect 2,000 generated county workbooks; compare with python-calamine and an openpyxl loop.

Targets: issue 6, at least 50 workbooks per second on this 2-core machine (all ~2,000达标
counties of the country in under a minute); issue 16, read + score + cross-check per file in one
worker (process start-up excluded) at least as fast as python-calamine reading every sheet of
the same files (ratio >= 1.0). Every figure is measured in the same run on the same files; the
one-worker comparison alternates the two loops over several rounds and reports the median.

    python benchmarks/bench_collect.py [--counties 2000] [--dir DIR] [--baseline N] [--sample N]
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import os
import tempfile
import time
from pathlib import Path

import statistics

import openpyxl
from python_calamine import CalamineWorkbook

from jieshui.buildtime.samples import counties, county_workbook
from jieshui.builder import shipped_vba
from jieshui.engine import default_standard
from jieshui.province import collect
from jieshui.province.collect import find_workbooks, score_files
from jieshui.province.duplicates import resolve
from jieshui.workbook.readers import read_workbook


def _write(args: tuple[int, dict, str, bytes]) -> None:
    index, raw, folder, vba = args
    Path(folder, f"county_{index:05d}.xlsm").write_bytes(county_workbook(raw, default_standard(), vba))


def generate(n: int, folder: Path) -> None:
    vba = shipped_vba()
    jobs = ((i, raw, str(folder), vba) for i, raw in enumerate(counties(n, 7, default_standard())))
    with futures.ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_write, jobs, chunksize=16))


def fill_up(folder: Path, count: int) -> None:
    """Copies of the generated workbooks up to `count` files (collect marks them duplicates
    after reading and scoring each one in full, so each costs what a distinct county costs)."""
    files = find_workbooks([folder]).workbooks
    for i in range(len(files), count):
        (folder / f"copy_{i:05d}.xlsm").write_bytes(files[i % len(files)].read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=2000)
    parser.add_argument("--dir", type=Path, help="reuse (or fill) this folder of workbooks")
    parser.add_argument("--baseline", type=int, default=0,
                        help="files for the openpyxl loop (default: all of them)")
    parser.add_argument("--unique", type=int, default=0,
                        help="generate only this many counties and copy them up to --counties "
                             "(generating takes ~0.3 s a workbook; reading a copy costs the same)")
    parser.add_argument("--sample", type=int, default=300,
                        help="files for the one-worker comparison with python-calamine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        unique = args.unique or args.counties
        if len(find_workbooks([folder]).workbooks) < unique:
            start = time.perf_counter()
            generate(unique, folder)
            print(f"generated {unique} workbooks in {time.perf_counter() - start:.0f} s")
        fill_up(folder, args.counties)
        files = find_workbooks([folder]).workbooks[:args.counties]
        start = time.perf_counter()
        results = resolve(score_files(files), [])  # as the province run counts them
        ours = time.perf_counter() - start
        unreadable = sum(1 for r in results if r.error_kind == collect.UNREADABLE)
        copies = sum(1 for r in results if r.error_kind == collect.DUPLICATE)
        print(f"jieshui collect: {len(files)} workbooks in {ours:.1f} s -> "
              f"{len(files) / ours:.0f} workbooks/s on {os.cpu_count()} cores "
              f"({unreadable} unreadable, {copies} copies read in full and marked duplicates)")
        sample = files[:args.baseline or len(files)]
        start = time.perf_counter()
        for path in sample:
            openpyxl.load_workbook(path)
        plain = time.perf_counter() - start
        print(f"openpyxl loop:   {len(sample)} workbooks in {plain:.1f} s -> "
              f"{len(sample) / plain:.1f} workbooks/s (one process, full load, no scoring)")
        print(f"ratio: {(len(files) / ours) / (len(sample) / plain):.1f}x")
        single_reads(files[:50])
        one_worker(files[:args.sample])


def single_reads(files: list[Path]) -> None:
    """What `score`/`check` on one workbook spend reading it: the file reader against the
    openpyxl data-only load they used before issue 12, one process, same files."""
    std = default_standard()
    start = time.perf_counter()
    for path in files:
        read_workbook(path, std)
    ours = (time.perf_counter() - start) / len(files)
    start = time.perf_counter()
    for path in files:
        openpyxl.load_workbook(path, data_only=True, keep_links=False)
    plain = (time.perf_counter() - start) / len(files)
    print(f"one workbook read: file reader {ours * 1000:.1f} ms, openpyxl data-only load "
          f"{plain * 1000:.1f} ms -> {plain / ours:.1f}x")


def one_worker(files: list[Path], rounds: int = 5) -> None:
    """Issue 16: what one worker spends per file (read, score, cross-check: collect's own
    score_file) against python-calamine reading every sheet of the same file."""
    collect._init_worker(None)

    def ours() -> float:
        start = time.perf_counter()
        for path in files:
            assert not collect.score_file(str(path)).error
        return (time.perf_counter() - start) / len(files)

    def calamine() -> float:
        start = time.perf_counter()
        for path in files:
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
        return (time.perf_counter() - start) / len(files)

    ours(), calamine()  # warm the page cache and the imports
    pairs = [(ours(), calamine()) for _ in range(rounds)]
    mine, theirs = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    ratios = sorted(b / a for a, b in pairs)
    print(f"one worker, {len(files)} files x {rounds} rounds: read + score + cross-check "
          f"{mine * 1000:.2f} ms/file, python-calamine reading every sheet {theirs * 1000:.2f} ms/file "
          f"-> ratio {theirs / mine:.2f} (rounds {ratios[0]:.2f}-{ratios[-1]:.2f})")


if __name__ == "__main__":
    main()
