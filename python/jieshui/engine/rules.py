"""Scoring rules: points from a value (rate rules) or from 是/否 items (checklist, bonus)."""

from __future__ import annotations

import math
from typing import Iterable

from .standard import Rule


def shortfall_points(max_points: float, shortfall: float, step: float, deduct: float,
                     partial: str = "ceil", *, tol: float) -> float:
    """Points left after a shortfall (≥ 0, in fractions) measured in steps of `step`.

    ceil: a part step counts as a whole step. linear: a part step costs a part of `deduct`,
    so points fall in a straight line to 0 where the deductions add up to `max_points`.
    """
    if shortfall <= tol:
        return max_points
    steps = shortfall / step
    if partial == "ceil":
        # The tolerance keeps 0.95 against a 1.00 target at exactly one 5 pp step.
        steps = math.ceil(steps - tol)
    return max(0.0, max_points - steps * deduct)


def higher_better(value: float, max_points: float, target: float, step: float, deduct: float,
                  partial: str = "ceil", *, tol: float) -> float:
    return shortfall_points(max_points, target - value, step, deduct, partial, tol=tol)


def lower_better(value: float, max_points: float, target: float, step: float, deduct: float,
                 partial: str = "ceil", *, tol: float) -> float:
    return shortfall_points(max_points, value - target, step, deduct, partial, tol=tol)


def reaches(rule: Rule, value: float, limit: float, *, tol: float) -> bool:
    """Whether `value` is at `limit` or on its better side."""
    return value >= limit - tol if rule.higher else value <= limit + tol


def rate_points(rule: Rule, max_points: float, value: float | None,
                *, tol: float) -> float:
    """Points of a rate rule; `value` None means not applicable (denominator 0)."""
    if value is None:
        return max_points if rule.not_applicable == "full" else 0.0
    if rule.type == "threshold":
        return max_points if reaches(rule, value, rule.target, tol=tol) else 0.0
    if rule.type == "ladder":
        return max((points for limit, points in rule.bands if reaches(rule, value, limit, tol=tol)),
                   default=0.0)
    if rule.cutoff is not None and not reaches(rule, value, rule.cutoff, tol=tol):
        return 0.0
    score = higher_better if rule.type == "higher_better" else lower_better
    return score(value, max_points, rule.target, rule.step, rule.deduct, rule.partial, tol=tol)


def item_points(points: Iterable[float], met: Iterable[bool], cap: float | None = None) -> float:
    """Sum of the points of the items met, capped for a bonus."""
    total = sum(p for p, ok in zip(points, met) if ok)
    return min(total, cap) if cap is not None else total


def describe_rule(rule: Rule, na_note: bool = True) -> str:
    """The rule as an official reads it in the annex, e.g. ≥80%，每低5个百分点扣1分; a table
    that says the 0/0 rule once in a note under it passes na_note=False."""
    if rule.is_rate:
        relation, worse = ("≥", "低") if rule.higher else ("≤", "高")
        return _rate_text(rule, relation, worse) + (
            f"；分母为0时不适用，{'得满分' if rule.not_applicable == 'full' else '得0分'}" if na_note else "")
    items = "；".join(f"{i.label}（{i.points:g}分）" for i in rule.items)
    if rule.type == "bonus":
        return f"{items}；累计不超过{rule.cap:g}分"
    return items


def _rate_text(rule: Rule, relation: str, worse: str) -> str:
    if rule.type == "threshold":
        return f"{relation}{_pp(rule.target)}%得满分，否则不得分"
    if rule.type == "ladder":
        reach = "达到" if rule.higher else "不超过"
        return "；".join(f"{reach}{_pp(limit)}%得{points:g}分" for limit, points in rule.bands) + "；其余不得分"
    step_pp = _pp(rule.step)
    text = f"{relation}{_pp(rule.target)}%得满分；每{worse}{step_pp}个百分点扣{rule.deduct:g}分"
    text += ("（不足" + step_pp + "个百分点按" + step_pp + "个百分点计）"
             if rule.partial == "ceil" else "（按比例扣分）")
    text += "，扣完为止"
    if rule.cutoff is not None:
        text += f"；{worse}于{_pp(rule.cutoff)}%不得分"
    return text


def _pp(fraction: float) -> str:
    return f"{round(fraction * 100, 6):g}"
