"""Score 10,000 generated county datasets in-process and report the throughput.

Target (issue 2): at least 5,000 counties per second on the 2-core reference machine, so the
engine is never the bottleneck of a workbook recalculation or a provincial batch.

    python benchmarks/bench_score.py [--counties 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import time
from pathlib import Path

from jieshui.county import read_county_file
from jieshui.scoring import assess
from jieshui.standard import default_standard

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shiliqi.toml"


def generate(n: int, seed: int) -> list[dict]:
    """Counties around the example: each figure scaled at random, booleans flipped, 1-5
    utilities, and one in twenty with a planted error (so validation paths are timed too)."""
    rng = random.Random(seed)
    base = read_county_file(EXAMPLE)
    std = default_standard()
    counties = []
    for i in range(n):
        raw = copy.deepcopy(base)
        inputs = raw["inputs"]
        prerequisite_keys = {k for p in std.prerequisites for k in p.input_keys}
        keep_prerequisites = rng.random() < 0.9
        for key, value in inputs.items():
            if keep_prerequisites and key in prerequisite_keys:
                continue
            if isinstance(value, bool):
                inputs[key] = rng.random() < 0.85
            elif std.inputs[key].kind == "count":
                inputs[key] = int(value * rng.uniform(0.6, 1.0))
            elif std.inputs[key].kind in ("fraction", "coefficient"):
                inputs[key] = value * rng.uniform(0.8, 1.1)
            else:
                inputs[key] = value * rng.uniform(0.7, 1.0)
        for content in std.contents:
            if content.measure == "ratio":
                share = 1.0 if rng.random() < 0.5 else rng.uniform(0.6, 1.0)
                num = inputs[content.denominator] * share
                count = std.inputs[content.numerator].kind == "count"
                inputs[content.numerator] = int(num) if count else num
        raw["utilities"] = [dict(copy.deepcopy(rng.choice(base["utilities"])), name=f"供水单位{k}")
                            for k in range(rng.randint(1, 5))]
        if i % 20 == 0:
            inputs["permits_total"] = "四十"
        counties.append(raw)
    return counties


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
    counties = generate(args.counties, args.seed)
    runs = [streamed(counties, std) for _ in range(args.repeat)]
    print(f"scored {args.counties} generated counties, {args.repeat} runs each")
    report("streamed", args.counties, [t for t, _ in runs])
    report("retained", args.counties, [retained(counties, std) for _ in range(args.repeat)])
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(runs[0][1].items())))


if __name__ == "__main__":
    main()
