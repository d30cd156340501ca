"""Synthetic counties around the example, for benchmarks, tests and demonstrations: each figure
varied at random, booleans flipped, 1-5 utilities, and one in twenty with a planted data error."""

from __future__ import annotations

import copy
import random
from importlib import resources
from typing import Any, Iterator

from ..builder import build_workbook
from ..engine import Standard, read_county_file
from ..workbook import assets
from ..workbook.inputs import example_extras, from_county_raw

ERROR_EVERY = 20


def example_raw() -> dict[str, Any]:
    """The example county's figures (examples/shiliqi.toml)."""
    with resources.as_file(assets.asset(assets.EXAMPLE_COUNTY)) as path:
        return read_county_file(path)


def counties(n: int, seed: int, std: Standard) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    base = example_raw()
    prerequisite_keys = {k for p in std.prerequisites for k in p.input_keys}
    for i in range(n):
        raw = _copy(base, f"样本{i + 1:04d}县", f"样本{i % 12 + 1}市")
        _vary_inputs(raw["inputs"], std, rng, keep=prerequisite_keys if rng.random() < 0.9 else set())
        raw["utilities"] = [dict(copy.deepcopy(rng.choice(base["utilities"])), name=f"供水单位{k}")
                            for k in range(rng.randint(1, 5))]
        if i % ERROR_EVERY == 0:
            raw["inputs"]["permits_total"] = "四十"
        yield raw


def _copy(base: dict[str, Any], name: str, city: str) -> dict[str, Any]:
    raw = copy.deepcopy(base)
    raw["county"].update(name=name, city=city)
    return raw


def _vary_inputs(inputs: dict[str, Any], std: Standard, rng: random.Random, keep: set[str]) -> None:
    for key, value in inputs.items():
        if key in keep:
            continue
        kind = std.inputs[key].kind
        if isinstance(value, bool):
            inputs[key] = rng.random() < 0.85
        elif kind == "count":
            inputs[key] = int(value * rng.uniform(0.6, 1.0))
        elif kind in ("fraction", "coefficient"):
            inputs[key] = value * rng.uniform(0.8, 1.1)
        else:
            inputs[key] = value * rng.uniform(0.7, 1.0)
    for content in std.contents:
        if content.measure == "ratio":
            share = 1.0 if rng.random() < 0.5 else rng.uniform(0.6, 1.0)
            numerator = inputs[content.denominator] * share
            count = std.inputs[content.numerator].kind == "count"
            inputs[content.numerator] = int(numerator) if count else numerator
    # Reclaimed water is part of the non-conventional water used: a generated county whose
    # figures contradict each other would carry a 复核提示 it was not meant to.
    inputs["nonconventional_use"] = max(inputs["nonconventional_use"],
                                        inputs["reclaimed_water_used"] * rng.uniform(1.0, 1.3))


def county_workbook(raw: dict[str, Any], std: Standard, vba: bytes) -> bytes:
    """A filled county workbook for these figures, as an official would hand it in."""
    return build_workbook(std, example_extras(from_county_raw(raw, std), std), vba)


BOUNDARIES = ("random", "zero", "at", "below", "above", "half", "below_by_hair")


def edge_counties(n: int, seed: int, std: Standard) -> Iterator[dict[str, Any]]:
    """Counties at the edges the rules turn on: every rate exactly at its target, one step
    either side, half a step short or 0/0 (not applicable); prerequisites exactly at their
    limits or just past them (vetoes); 1 to 10 utilities; one in twenty-five with a planted
    data error (a blank, text in a number cell, a numerator above its denominator)."""
    rng = random.Random(seed)
    base = example_raw()
    prerequisite_keys = {k for p in std.prerequisites for k in p.input_keys}
    for i in range(n):
        raw = _copy(base, f"边界{i + 1:04d}县", f"边界{i % 7 + 1}市")
        _vary_inputs(raw["inputs"], std, rng, keep=prerequisite_keys)
        for content in std.contents:
            if content.measure == "ratio":
                _at_boundary(raw["inputs"], content, std, rng.choice(BOUNDARIES), rng)
        _prerequisites_at_limits(raw["inputs"], std, rng)
        raw["utilities"] = [_utility(rng.choice(base["utilities"]), k, rng)
                            for k in range(rng.randint(1, 10))]
        if i % 25 == 7:
            _plant_error(raw, std, rng)
        yield raw


def _at_boundary(inputs: dict[str, Any], content: Any, std: Standard, case: str,
                 rng: random.Random) -> None:
    rule, num_key, den_key = content.rule, content.numerator, content.denominator
    count = std.inputs[num_key].kind == "count"
    den = float(rng.choice([100, 200, 300])) if count else round(rng.uniform(50, 5000), 2)
    sign = 1 if rule.higher else -1
    target, step = rule.full_at, rule.step or 0.05  # a threshold or ladder has no step
    share = {"zero": 0.0, "at": target, "below": target - sign * step,
             "above": target + sign * step, "half": target - sign * step / 2,
             "below_by_hair": target - sign * 1e-7,
             "random": rng.uniform(0.5, 1.0)}[case]
    share = min(max(share, 0.0), 1.0)
    num = share * den
    inputs[den_key] = 0 if case == "zero" else (int(den) if count else den)
    inputs[num_key] = 0 if case == "zero" else (int(round(num)) if count else num)


def _prerequisites_at_limits(inputs: dict[str, Any], std: Standard, rng: random.Random) -> None:
    for prereq in std.prerequisites:
        for cond in prereq.conditions:
            if cond.input is not None:
                inputs[cond.input] = rng.random() < 0.95
            elif rng.random() < 0.15:  # exactly at the limit (met), or just past it (a veto)
                past = rng.random() < 0.5
                step = abs(inputs[cond.right]) * 0.01 or 0.01
                worse = step if cond.op in ("<=", "<") else -step
                inputs[cond.left] = inputs[cond.right] + (worse if past else 0.0)


def _utility(source: dict[str, Any], k: int, rng: random.Random) -> dict[str, Any]:
    utility = dict(copy.deepcopy(source), name=f"供水单位{k + 1}")
    utility["supply_total"] = round(source["supply_total"] * rng.uniform(0.3, 2.0), 2)
    utility["registered_use"] = round(utility["supply_total"] * rng.uniform(0.75, 0.98), 2)
    utility["resident_metered"] = round(utility["registered_use"] * rng.uniform(0.2, 0.8), 2)
    utility["avg_pressure_mpa"] = rng.choice([0.3, 0.35, 0.36, 0.55, 0.56, 0.75, 0.8])
    utility["frost_depth_m"] = rng.choice([0.5, 1.4, 1.41, 2.0])
    return utility


def _plant_error(raw: dict[str, Any], std: Standard, rng: random.Random) -> None:
    key = rng.choice(sorted(raw["inputs"]))
    kind = rng.choice(("blank", "text", "over"))
    if kind == "blank":
        del raw["inputs"][key]
    elif kind == "text" and std.inputs[key].kind != "bool":
        raw["inputs"][key] = "约" + str(raw["inputs"][key])
    else:
        ratio = next(c for c in std.contents if c.measure == "ratio")
        raw["inputs"][ratio.numerator] = raw["inputs"][ratio.denominator] + 1
