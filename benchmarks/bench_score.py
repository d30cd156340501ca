"""Score 10,000 generated county datasets in-process and report the throughput.

Target (issue 2): at least 5,000 counties per second on the 2-core reference machine, so the
engine is never the bottleneck of a workbook recalculation or a provincial batch.

    python benchmarks/bench_score.py [--counties 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

from jieshui.buildtime.samples import counties
from jieshui.engine import assess, default_standard

def streamed(counties: list[dict], std) -> tuple[float, dict[str, int]]:
    """Score each county and keep only its verdict, as a batch or a workbook does."""
    verdicts: dict[str, int] = {}
    start = time.perf_counter()
    for raw in counties:
        verdict = assess(raw, std).verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    return time.perf_counter() - start, verdicts


def retained(counties: list[dict], std) -> float:
    """Score all counties and keep every full result alive (more garbage-collector work)."""
    start = time.perf_counter()
    results = [assess(raw, std) for raw in counties]
    elapsed = time.perf_counter() - start
    del results
    return elapsed


def report(label: str, n: int, timings: list[float]) -> None:
    best, median = min(timings), statistics.median(timings)
    print(f"{label:<9} best {n / best:>7,.0f} counties/s ({best / n * 1e6:.0f} µs each), "
          f"median {n / median:>7,.0f} counties/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    std = default_standard()
    generated = list(counties(args.counties, args.seed, std))
    runs = [streamed(generated, std) for _ in range(args.repeat)]
    print(f"scored {args.counties} generated counties, {args.repeat} runs each")
    report("streamed", args.counties, [t for t, _ in runs])
    report("retained", args.counties, [retained(generated, std) for _ in range(args.repeat)])
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(runs[0][1].items())))


if __name__ == "__main__":
    main()
