"""Synthetic counties around the example, for benchmarks, tests and demonstrations: each figure
varied at random, booleans flipped, 1-5 utilities, and one in twenty with a planted data error."""

from __future__ import annotations

import copy
import io
import random
import zipfile
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
        raw = copy.deepcopy(base)
        raw["county"]["name"] = f"样本{i + 1:04d}县"
        raw["county"]["city"] = f"样本{i % 12 + 1}市"
        _vary_inputs(raw["inputs"], std, rng, keep=prerequisite_keys if rng.random() < 0.9 else set())
        raw["utilities"] = [dict(copy.deepcopy(rng.choice(base["utilities"])), name=f"供水单位{k}")
                            for k in range(rng.randint(1, 5))]
        if i % ERROR_EVERY == 0:
            raw["inputs"]["permits_total"] = "四十"
        yield raw


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


def template_vba() -> bytes:
    template = assets.asset(assets.TEMPLATE).read_bytes()
    return zipfile.ZipFile(io.BytesIO(template)).read("xl/vbaProject.bin")


def county_workbook(raw: dict[str, Any], std: Standard, vba: bytes) -> bytes:
    """A filled county workbook for these figures, as an official would hand it in."""
    return build_workbook(std, example_extras(from_county_raw(raw, std), std), vba)
