"""Rates: validated ratios and the CJJ 92-2016 leakage rate (with its 2018 amendment)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from .words import volume

# CJJ 92-2016 §5.2 correction constants.
R1_FACTOR = 0.08          # × share of water metered to resident households
R2_FACTOR = 0.99          # × (A − reference pipe length per supply)
R2_REFERENCE = 0.0693     # km of DN75+ pipe per 万m³ supplied
R2_LIMIT = 0.03           # R2 is clamped to ±3 %
R3_STEPS = ((0.75, 0.02), (0.55, 0.01), (0.35, 0.005))   # (pressure above MPa, correction)
R4_FROST_DEPTH = 1.4      # m; deeper frost earns the 1 % correction
R4_CORRECTION = 0.01


class RateError(ValueError):
    """Inputs that cannot form a rate; the message (Chinese) says what to fix, `field` where."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def ratio(numerator: float, denominator: float, *, tol: float) -> float | None:
    """numerator / denominator as a fraction; None when 0/0 (the content does not apply).

    `tol` is the standard's tolerance: a numerator above the denominator by less is rounding."""
    for name, field, x in (("分子", "numerator", numerator), ("分母", "denominator", denominator)):
        if not math.isfinite(x):
            raise RateError(f"{name}不是有效数字", field)
        if x < 0:
            raise RateError(f"{name}不能为负数", field)
    if numerator > denominator * (1 + tol) + tol:
        raise RateError(f"分子{numerator:g}大于分母{denominator:g}", "numerator")
    if denominator == 0:
        return None
    return min(numerator / denominator, 1.0)


@dataclass(frozen=True, slots=True)
class Leakage:
    """One utility's CJJ 92 components, all as fractions of its supply."""

    supply: float
    r_wl: float
    r1: float
    r2: float
    r3: float
    r4: float

    @property
    def correction(self) -> float:
        return self.r1 + self.r2 + self.r3 + self.r4

    @property
    def r_bl(self) -> float:
        return self.r_wl - self.correction


def pressure_correction(avg_pressure_mpa: float) -> float:
    for above, correction in R3_STEPS:
        if avg_pressure_mpa > above:
            return correction
    return 0.0


def leakage(supply_total: float, registered_use: float, resident_metered: float,
            pipe_length_km: float, avg_pressure_mpa: float, frost_depth_m: float,
            *, tol: float) -> Leakage:
    """CJJ 92-2016 leakage of one utility; raises RateError on impossible inputs."""
    values = {"supply_total": supply_total, "registered_use": registered_use,
              "resident_metered": resident_metered, "pipe_length_km": pipe_length_km,
              "avg_pressure_mpa": avg_pressure_mpa, "frost_depth_m": frost_depth_m}
    for field, v in values.items():
        if not (math.isfinite(v) and v >= 0):
            raise RateError("漏损计算的各项数据应为不小于0的数字", field)
    if supply_total <= 0:
        raise RateError("供水总量应大于0", "supply_total")
    for field, label in (("registered_use", "注册用户用水量"), ("resident_metered", "居民抄表到户水量")):
        if values[field] > supply_total * (1 + tol):
            raise RateError(f"{label}{volume(values[field])}，大于供水总量{volume(supply_total)}，请核对", field)
    r_wl = (supply_total - registered_use) / supply_total
    r1 = R1_FACTOR * resident_metered / supply_total
    r2 = R2_FACTOR * (pipe_length_km / supply_total - R2_REFERENCE)
    r2 = max(-R2_LIMIT, min(R2_LIMIT, r2))
    r4 = R4_CORRECTION if frost_depth_m > R4_FROST_DEPTH else 0.0
    return Leakage(supply_total, r_wl, r1, r2, pressure_correction(avg_pressure_mpa), r4)


def county_leakage(utilities: Iterable[Leakage]) -> float | None:
    """Supply-weighted R_BL over a county's utilities; None when nothing is supplied."""
    utilities = list(utilities)
    supply = sum(u.supply for u in utilities)
    if supply <= 0:
        return None
    return sum(u.r_bl * u.supply for u in utilities) / supply
