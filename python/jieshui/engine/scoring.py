"""Score a county: every content's value and points, the prerequisites, totals and verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from . import gaps
from .county import CountyData, CountyInfo, FieldError, validate
from .rates import Leakage, county_leakage, ratio
from .rules import item_points, rate_points
from .standard import Condition, Content, Prerequisite, Standard


@dataclass(slots=True)
class ContentResult:
    id: int
    indicator: str
    title: str
    max_points: float
    value: float | None = None
    points: float | None = None
    not_applicable: bool = False
    gap: str = ""
    note: str = ""
    items_met: tuple[bool, ...] = ()

    @property
    def lost(self) -> float | None:
        return None if self.points is None else self.max_points - self.points


@dataclass(slots=True)
class PrerequisiteResult:
    id: str
    title: str
    met: bool | None
    unmet: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Assessment:
    county: CountyInfo
    standard: Standard
    contents: list[ContentResult]
    prerequisites: list[PrerequisiteResult]
    leakage: list[tuple[str, Leakage]]
    base: float | None
    bonus: float | None
    total: float | None
    verdict: str
    errors: list[FieldError]

    @property
    def ranked_gaps(self) -> list[ContentResult]:
        """Contents that lost points, most points recoverable first."""
        lost = [c for c in self.contents if c.lost]
        return sorted(lost, key=lambda c: (-(c.lost or 0.0), c.id))


def condition_met(cond: Condition, inputs: Mapping[str, Any], tol: float) -> bool | None:
    """None when an input the condition needs is missing or invalid."""
    if any(k not in inputs for k in cond.keys):
        return None
    if cond.input is not None:
        return bool(inputs[cond.input])
    return _COMPARE[cond.op or ""](inputs[cond.left or ""], inputs[cond.right or ""], tol)


_COMPARE = {
    "<=": lambda left, right, tol: left <= right + tol,
    ">=": lambda left, right, tol: left >= right - tol,
    "<": lambda left, right, tol: left < right - tol,
    ">": lambda left, right, tol: left > right + tol,
}


def assess(raw: Mapping[str, Any], std: Standard) -> Assessment:
    """Validate raw county values and score them; problems end up in `errors`, never raised."""
    return score(validate(raw, std), std)


def score(data: CountyData, std: Standard) -> Assessment:
    tol = std.tolerance
    utilities = list(data.leakages) if data.utilities_ok else []
    contents = [_score_content(c, data, utilities, std) for c in std.contents]
    prerequisites = [_prerequisite(p, data.inputs, tol) for p in std.prerequisites]
    base = bonus = total = None
    if all(c.points is not None for c in contents):
        base = bonus = 0.0
        for result, spec in zip(contents, std.contents):
            if spec.is_bonus:
                bonus += result.points or 0.0
            else:
                base += result.points or 0.0
        bonus = min(std.bonus_cap, bonus)
        total = base + bonus
    verdict = verdict_of(std, bool(data.errors), [p.met for p in prerequisites], total)
    return Assessment(data.county, std, contents, prerequisites, utilities, base, bonus, total,
                      verdict, data.errors)


def _score_content(content: Content, data: CountyData,
                   utilities: list[tuple[str, Leakage]], std: Standard) -> ContentResult:
    result = ContentResult(content.id, content.indicator, content.title, content.max_points)
    if content.measure == "leakage":
        _leakage_content(result, content, data.utilities_ok, utilities, std)
    elif not data.bad.isdisjoint(content.input_keys):
        missing = [k for k in content.input_keys if k in data.bad]
        result.gap = "缺少数据：" + "、".join(std.inputs[k].label for k in missing)
    elif content.measure == "ratio":
        _ratio_content(result, content, data.inputs, std)
    else:
        _items_content(result, content, data.inputs, std.tolerance)
    return result


def _leakage_content(result: ContentResult, content: Content, ok: bool,
                     utilities: list[tuple[str, Leakage]], std: Standard) -> None:
    if not ok:
        result.gap = "缺少数据：供水单位漏损数据（见 [[utilities]]）"
        return
    value = county_leakage(u for _, u in utilities)
    _rate_result(result, content, value, std)
    result.gap = gaps.leakage_gap(content, value, sum(u.supply for _, u in utilities), std.tolerance)


def _ratio_content(result: ContentResult, content: Content, inputs: Mapping[str, Any],
                   std: Standard) -> None:
    num = float(inputs[content.numerator or ""])
    den = float(inputs[content.denominator or ""])
    value = ratio(num, den, tol=std.tolerance)
    _rate_result(result, content, value, std)
    result.gap = gaps.ratio_gap(content, std, num, den, value)


def _items_content(result: ContentResult, content: Content, inputs: Mapping[str, Any],
                   tol: float) -> None:
    items = content.rule.items
    met = tuple(bool(condition_met(i, inputs, tol)) for i in items)
    result.items_met = met
    result.points = item_points((i.points for i in items), met,
                                content.rule.cap if content.is_bonus else None)
    result.gap = gaps.items_gap(content, met, result.points, tol)


def _rate_result(result: ContentResult, content: Content, value: float | None,
                 std: Standard) -> None:
    result.value = value
    result.points = rate_points(content.rule, content.max_points, value, tol=std.tolerance)
    if value is None:
        result.not_applicable = True
        result.note = gaps.not_applicable_note(content)


def _prerequisite(prereq: Prerequisite, inputs: Mapping[str, Any], tol: float) -> PrerequisiteResult:
    outcomes = [(c.label, condition_met(c, inputs, tol)) for c in prereq.conditions]
    unmet = [label for label, ok in outcomes if ok is False]
    met = False if unmet else (None if any(ok is None for _, ok in outcomes) else True)
    return PrerequisiteResult(prereq.id, prereq.title, met, unmet)


def verdict_of(std: Standard, has_errors: bool, prerequisites_met: list[bool | None],
               total: float | None) -> str:
    # Errors come first: a veto drawn from invalid figures would be as unreliable as a score.
    if has_errors or total is None or None in prerequisites_met:
        return std.verdicts["incomplete"]
    if False in prerequisites_met:
        return std.verdicts["veto"]
    return std.verdicts["pass"] if total >= std.pass_mark - std.tolerance else std.verdicts["fail"]
