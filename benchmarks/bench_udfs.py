"""How many UDF calls one full recalculation of the example workbook makes, and the Python time
of evaluating all of them (target: under 50 ms).

Each UDF cell is evaluated twice over: through xlwings' own argument conversion, as the COM
server's call_udf does (what Excel costs us beyond the COM hop), and as a bare Python call.
The COM round trip itself cannot be measured without Excel.

    python benchmarks/bench_udfs.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from jieshui.builder import basic_data, calc, contents, cover, formula_cells, prereqs
from jieshui.buildtime.xlwings_shim import call_udf, load_udfs
from jieshui.engine import default_standard, read_county_file
from jieshui.workbook.functions import FUNCTIONS
from jieshui.workbook.inputs import example_extras, from_county_raw

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shiliqi.toml"
UDF = re.compile(r"\b(JS_[A-Z_]+)\(")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    std = default_standard()
    udfs = load_udfs()
    inputs = example_extras(from_county_raw(read_county_file(EXAMPLE), std), std)
    cells = [c for c in formula_cells(std, inputs) if UDF.search(c.formula)]
    calls = {}
    for cell in cells:
        for name in UDF.findall(cell.formula):
            calls[name] = calls.get(name, 0) + 1

    # Record each call's arguments once: the sheet modules' cells call the functions by the
    # names they imported, so those names are wrapped while the cells compute again.
    recorded: list[tuple[str, tuple]] = []
    sheet_modules = (basic_data, prereqs, contents, cover, calc)
    for module in sheet_modules:
        for name in FUNCTIONS:
            if hasattr(module, name):
                setattr(module, name, lambda *a, _n=name: recorded.append((_n, a)) or FUNCTIONS[_n].call(*a))
    for cell in cells:
        cell.compute()
    for module in sheet_modules:
        for name in FUNCTIONS:
            if hasattr(module, name):
                setattr(module, name, FUNCTIONS[name].call)

    def bare() -> None:
        for name, arguments in recorded:
            FUNCTIONS[name].call(*arguments)

    def converted() -> None:
        for name, arguments in recorded:
            call_udf(getattr(udfs, name), *arguments)

    print(f"UDF cells in the example workbook: {len(cells)}; calls per full recalculation: "
          f"{len(recorded)}")
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
    for label, run in (("through xlwings conversion", converted), ("bare Python", bare)):
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        print(f"{label:<28} median {statistics.median(times) * 1000:6.2f} ms, "
              f"best {min(times) * 1000:6.2f} ms ({args.repeat} runs)")


if __name__ == "__main__":
    main()
