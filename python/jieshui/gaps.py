"""Gap hints (差距分析): what closes each gap, in the unit the responsible office acts on."""

from __future__ import annotations

import math

from .standard import Content, Standard


def quantity(amount: float, kind: str) -> str:
    """Round up what must be added: whole items for counts, 0.01 of a unit otherwise."""
    if kind == "count":
        return str(math.ceil(amount - 1e-9))
    hundredths = math.ceil(amount * 100 - 1e-6) / 100
    return f"{hundredths:.2f}".rstrip("0").rstrip(".")


def ratio_gap(content: Content, std: Standard, numerator: float, denominator: float,
              value: float | None) -> str:
    target = content.rule.target
    if value is None or value >= target - std.tolerance:
        return ""
    spec = std.inputs[content.numerator or ""]
    need = target * denominator - numerator
    pp = (target - value) * 100
    return (f"还需{content.gap_action} {quantity(need, spec.kind)} {spec.unit}"
            f"（距目标 {target * 100:g}% 差 {pp:.1f} 个百分点）")


def leakage_gap(content: Content, value: float | None, supply: float) -> str:
    target = content.rule.target
    if value is None or value <= target + 1e-9:
        return ""
    excess = value - target
    return (f"漏损率需再降低 {quantity(excess * 100, 'fraction')} 个百分点"
            f"（约 {quantity(excess * supply, 'volume')} 万m³ 漏损水量）")


def items_gap(content: Content, met: tuple[bool, ...], points: float) -> str:
    if points >= content.max_points - 1e-9:
        return ""
    missing = [f"{i.label}（{i.points:g}分）" for i, ok in zip(content.rule.items, met) if not ok]
    return "尚缺：" + "；".join(missing)
