"""Collect 2,000 generated county workbooks and compare with a plain openpyxl loop.

Target (issue 6): at least 50 workbooks per second on this 2-core machine, so all ~2,000 达标
counties of the country are reviewed in under a minute. The baseline loads each file fully with
openpyxl, one after another, in the same run on the same files.

    python benchmarks/bench_collect.py [--counties 2000] [--dir DIR] [--baseline N]
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import os
import tempfile
import time
from pathlib import Path

import openpyxl

from jieshui.buildtime.samples import counties, county_workbook
from jieshui.builder import shipped_vba
from jieshui.engine import default_standard
from jieshui.review.collect import find_workbooks, score_files
from jieshui.workbook.readers import read_workbook


def _write(args: tuple[int, dict, str, bytes]) -> None:
    index, raw, folder, vba = args
    Path(folder, f"county_{index:05d}.xlsm").write_bytes(county_workbook(raw, default_standard(), vba))


def generate(n: int, folder: Path) -> None:
    vba = shipped_vba()
    jobs = ((i, raw, str(folder), vba) for i, raw in enumerate(counties(n, 7, default_standard())))
    with futures.ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_write, jobs, chunksize=16))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=2000)
    parser.add_argument("--dir", type=Path, help="reuse (or fill) this folder of workbooks")
    parser.add_argument("--baseline", type=int, default=0,
                        help="files for the openpyxl loop (default: all of them)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if len(find_workbooks([folder]).workbooks) < args.counties:
            start = time.perf_counter()
            generate(args.counties, folder)
            print(f"generated {args.counties} workbooks in {time.perf_counter() - start:.0f} s")
        files = find_workbooks([folder]).workbooks[:args.counties]
        start = time.perf_counter()
        results = score_files(files)
        ours = time.perf_counter() - start
        unreadable = sum(1 for r in results if r.error)
        print(f"jieshui collect: {len(files)} workbooks in {ours:.1f} s -> "
              f"{len(files) / ours:.0f} workbooks/s on {os.cpu_count()} cores "
              f"({unreadable} unreadable)")
        sample = files[:args.baseline or len(files)]
        start = time.perf_counter()
        for path in sample:
            openpyxl.load_workbook(path)
        plain = time.perf_counter() - start
        print(f"openpyxl loop:   {len(sample)} workbooks in {plain:.1f} s -> "
              f"{len(sample) / plain:.1f} workbooks/s (one process, full load, no scoring)")
        print(f"ratio: {(len(files) / ours) / (len(sample) / plain):.1f}x")
        single_reads(files[:200])


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


if __name__ == "__main__":
    main()
