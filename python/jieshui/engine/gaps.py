"""Gap hints (差距分析): what each content fell short by in the evaluation year, in the unit the
responsible office counts in, as sentences (the year is over when the county assesses it)."""

from __future__ import annotations

import math

from .standard import Content, Standard
from .words import number


def quantity(amount: float, kind: str, tol: float) -> str:
    """Round up what must be added: whole items for counts, 0.01 of a unit otherwise.

    The slack is relative, so that 3.35万m³ (335.00000000000006 hundredths) is not 3.36."""
    if kind == "count":
        return str(math.ceil(amount - tol * max(1.0, abs(amount))))
    scaled = amount * 100
    hundredths = math.ceil(scaled - tol * max(1.0, abs(scaled))) / 100
    return f"{hundredths:.2f}".rstrip("0").rstrip(".")


# Units as prose writes them: tables keep 万m³ in the header, a sentence says 万立方米.
_PROSE_UNITS = {"万m³": "万立方米", "m³": "立方米", "km": "千米"}


def prose_unit(unit: str) -> str:
    return _PROSE_UNITS.get(unit, unit)


def ratio_gap(content: Content, std: Standard, numerator: float, denominator: float,
              value: float | None) -> str:
    """What the evaluation year fell short by (the year is over when the county assesses it):
    "农业灌溉计量水量较目标少960万立方米（距目标100%差3.7个百分点）"."""
    target = content.rule.full_at
    if value is None or value >= target - std.tolerance:
        return ""
    spec = std.inputs[content.numerator or ""]
    need = target * denominator - numerator
    pp = (target - value) * 100
    return (f"{content.gap_action}较目标少{quantity(need, spec.kind, std.tolerance)}{prose_unit(spec.unit)}"
            f"（距目标{target * 100:g}%差{number(pp, 1)}个百分点）")


def leakage_gap(content: Content, value: float | None, supply: float, tol: float) -> str:
    target = content.rule.full_at
    if value is None or value <= target + tol:
        return ""
    excess = value - target
    return (f"漏损率较目标高{quantity(excess * 100, 'fraction', tol)}个百分点"
            f"（折合漏损水量约{quantity(excess * supply, 'volume', tol)}万立方米）")


# An item's label read as something done; "未" before it says it was not ("全面执行" → 未全面执行).
_DEEDS = ("全面", "开展", "纳入", "出台", "建立", "制定", "印发", "落实")


def unmet_item(label: str) -> str:
    """An item not met, as a sentence: 已出台 → 未出台, 全面执行 → 未全面执行, any other label
    → "…一项未得分"."""
    if label.startswith("已"):
        return "未" + label[1:]
    if label.startswith(_DEEDS):
        return "未" + label
    return f"{label}一项未得分"


def items_gap(content: Content, met: tuple[bool, ...], points: float, tol: float) -> str:
    """The items that earned nothing, with their points: "未全面执行（1.5分）"."""
    if points >= content.max_points - tol:
        return ""
    return "；".join(f"{unmet_item(i.label)}（{i.points:g}分）"
                    for i, ok in zip(content.rule.items, met) if not ok)


def not_applicable_note(content: Content) -> str:
    """What a rate content whose denominator is 0 earns, in the annex's words."""
    award = "按满分计" if content.rule.not_applicable == "full" else "计0分"
    return f"不适用：分母为0，{award}"
