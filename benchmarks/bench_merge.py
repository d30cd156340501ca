"""What issue 22's safeguards cost a merge, each against the same work without it, in one run.

- Reading the thirteen returned 填报表 with the check that every cell typed outside a unit's
  cells is named (unit_returns._stray: split's own file for the unit is built and compared)
  against the same reads with that check left out.
- Taking and releasing the workbook's lock (locks.workbook_lock: O_EXCL file, office marks,
  sweep) against nothing, around an empty block.

The rounds alternate the two sides and the medians are reported.

    python benchmarks/bench_merge.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from jieshui.engine import default_standard
from jieshui.locks import workbook_lock
from jieshui.county import unit_returns
from jieshui.county.unit_files import write_unit_files
from jieshui.workbook.assets import EXAMPLE_WORKBOOK, asset
from jieshui.workbook.readers import read_workbook


def _read_all(files: list[Path], std) -> float:
    began = time.perf_counter()
    for path in files:
        unit_returns.read_unit_file(path, std)
    return time.perf_counter() - began


def _locks(workbook: Path, locked: bool, times: int = 50) -> float:
    began = time.perf_counter()
    for _ in range(times):
        with workbook_lock(workbook) if locked else nullcontext():
            pass
    return (time.perf_counter() - began) / times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    std = default_standard()
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "县.xlsm"
        workbook.write_bytes(asset(EXAMPLE_WORKBOOK).read_bytes())
        files = write_unit_files(Path(folder) / "填报表", std, read_workbook(workbook, std).inputs, dt.date.today())
        checked, unchecked, held, free = [], [], [], []
        stray = unit_returns._stray
        for _ in range(rounds):
            checked.append(_read_all(files, std))
            unit_returns._stray = lambda *args: None  # the same reads without the check
            unchecked.append(_read_all(files, std))
            unit_returns._stray = stray
            held.append(_locks(workbook, True))
            free.append(_locks(workbook, False))
    a, b = statistics.median(checked), statistics.median(unchecked)
    print(f"reading {len(files)} returns: {a * 1000:.0f} ms with the outside-cells check, "
          f"{b * 1000:.0f} ms without (ratio {a / b:.2f}; +{(a - b) / len(files) * 1000:.0f} ms a file)")
    print(f"workbook lock taken and released: {statistics.median(held) * 1000:.2f} ms "
          f"(an empty block without it: {statistics.median(free) * 1000:.4f} ms)")


if __name__ == "__main__":
    main()
