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

from jieshui.county import read_county_file
from jieshui.standard import default_standard
from jieshui.workbook_inputs import example_extras, from_county_raw
from jieshui.workbook_writer import formula_cells
from jieshui.xlwings_shim import call_udf, load_udfs

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

    # Record each UDF's arguments once by wrapping the functions the cells call.
    recorded: list[tuple[object, tuple]] = []
    originals = {f.__name__: f for f in udfs.UDFS}
    for name, func in originals.items():
        setattr(udfs, name, lambda *a, _f=func: recorded.append((_f, a)) or _f(*a))
    for cell in cells:
        cell.compute()
    for name, func in originals.items():
        setattr(udfs, name, func)

    def bare() -> None:
        for func, arguments in recorded:
            func(*arguments)

    def converted() -> None:
        for func, arguments in recorded:
            call_udf(func, *arguments)

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
