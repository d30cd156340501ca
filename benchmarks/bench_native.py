"""LibreOffice's full recalculation of the example workbook (the native twin formulas, no
Python), beside the number of formula cells it holds.

LibreOffice headless converts copies of the example in one call, once with a profile that
recalculates every formula on load and once with one that never does; the difference per copy
is the recalculation (many copies per call, so that starting LibreOffice does not drown it).
The UDF figures (calls per recalculation, Python time) come from bench_udfs.py.

    python benchmarks/bench_native.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "jieshui_example_shiliqi.xlsm"
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>{mode}</value></prop></item>
</oor:items>
"""
MODES = {"always": 0, "never": 1}


def formula_counts(path: Path) -> dict[str, int]:
    archive = zipfile.ZipFile(path)
    formulas = [f for name in archive.namelist() if name.startswith("xl/worksheets/sheet")
                for f in re.findall(r"<f>(.*?)</f>", archive.read(name).decode("utf-8"))]
    return {"formula cells": len(formulas),
            "JS_ calls": sum(1 for f in formulas if "JS_" in f),
            "native only": sum(1 for f in formulas if "JS_" not in f)}


def convert(office: str, profile: Path, files: list[Path], out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=1200)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit("LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui")
    print(", ".join(f"{k} {v}" for k, v in formula_counts(EXAMPLE).items()))
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp) / f"copy{k}.xlsm" for k in range(args.copies)]
        for path in files:
            shutil.copy(EXAMPLE, path)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        for mode, value in MODES.items():
            profile = Path(tmp) / mode
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(PROFILE.format(mode=value))
            convert(office, profile, files[:1], Path(tmp) / "warm")  # the first start builds it
        for _ in range(args.repeat):
            for mode in MODES:
                times[mode].append(convert(office, Path(tmp) / mode, files, Path(tmp) / mode / "out"))
    always, never = (statistics.median(times[m]) / args.copies for m in MODES)
    print(f"LibreOffice open + save of one copy ({args.copies} per call, median of {args.repeat}): "
          f"{always * 1000:.0f} ms recalculating every formula, {never * 1000:.0f} ms without")
    print(f"full recalculation of the example without Python: ~{(always - never) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
