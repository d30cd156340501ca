"""Gap hints (差距分析): what closes each gap, in the unit the responsible office acts on."""

from __future__ import annotations

import math

from .standard import Content, Standard


def quantity(amount: float, kind: str, tol: float) -> str:
    """Round up what must be added: whole items for counts, 0.01 of a unit otherwise.

    The slack is relative, so that 3.35万m³ (335.00000000000006 hundredths) is not 3.36."""
    if kind == "count":
        return str(math.ceil(amount - tol * max(1.0, abs(amount))))
    scaled = amount * 100
    hundredths = math.ceil(scaled - tol * max(1.0, abs(scaled))) / 100
    return f"{hundredths:.2f}".rstrip("0").rstrip(".")


def ratio_gap(content: Content, std: Standard, numerator: float, denominator: float,
              value: float | None) -> str:
    target = content.rule.full_at
    if value is None or value >= target - std.tolerance:
        return ""
    spec = std.inputs[content.numerator or ""]
    need = target * denominator - numerator
    pp = (target - value) * 100
    return (f"还需{content.gap_action} {quantity(need, spec.kind, std.tolerance)} {spec.unit}"
            f"（距目标{target * 100:g}%差{pp:.1f}个百分点）")


def leakage_gap(content: Content, value: float | None, supply: float, tol: float) -> str:
    target = content.rule.full_at
    if value is None or value <= target + tol:
        return ""
    excess = value - target
    return (f"漏损率需再降低{quantity(excess * 100, 'fraction', tol)}个百分点"
            f"（约{quantity(excess * supply, 'volume', tol)}万m³ 漏损水量）")


def items_gap(content: Content, met: tuple[bool, ...], points: float, tol: float) -> str:
    if points >= content.max_points - tol:
        return ""
    missing = [f"{i.label}（{i.points:g}分）" for i, ok in zip(content.rule.items, met) if not ok]
    return "尚缺：" + "；".join(missing)


def not_applicable_note(content: Content) -> str:
    """What a rate content whose denominator is 0 earns, in the annex's words."""
    award = "按满分计" if content.rule.not_applicable == "full" else "计0分"
    return f"不适用：分母为0，{award}"
