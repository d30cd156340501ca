"""Score a county: every content's value and points, the prerequisites, totals and verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from . import gaps
from .county import DATA_FILE, CountyData, CountyInfo, FieldError, Source, validate
from .hints import Hint, not_applicable_hint, plausibility_hints
from .rates import Leakage, county_leakage, ratio
from .rules import item_points, rate_points
from .standard import Condition, Content, Prerequisite, Standard
from .words import INVALID, MISSING, met_word


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
    # Why `points` is None: 缺数据 or 错误, the word the workbook's 得分 cell shows.
    state: str = ""
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
    invalid: bool = False   # undecided because an input is invalid (not merely missing)

    @property
    def word(self) -> str:
        """满足, 不满足, 缺数据 or 错误: as the workbook's 是否满足 cell shows it."""
        return met_word(self.met, self.invalid)


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
    hints: list[Hint] = field(default_factory=list)

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


def assess(raw: Mapping[str, Any], std: Standard, source: Source = DATA_FILE) -> Assessment:
    """Validate raw county values and score them; problems end up in `errors`, never raised.
    `source` says where the values were typed, so advice follows its conventions."""
    return score(validate(raw, std, source), std)


def score(data: CountyData, std: Standard) -> Assessment:
    tol = std.tolerance
    utilities = list(data.leakages) if data.utilities_ok else []
    contents = [_score_content(c, data, utilities, std) for c in std.contents]
    prerequisites = [_prerequisite(p, data, tol) for p in std.prerequisites]
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
    hints = [not_applicable_hint(spec, std) for result, spec in zip(contents, std.contents)
             if result.not_applicable] + plausibility_hints(data, std)
    return Assessment(data.county, std, contents, prerequisites, utilities, base, bonus, total,
                      verdict, data.errors, hints)


def _score_content(content: Content, data: CountyData,
                   utilities: list[tuple[str, Leakage]], std: Standard) -> ContentResult:
    result = ContentResult(content.id, content.indicator, content.title, content.max_points)
    if content.measure == "leakage":
        _leakage_content(result, content, data, utilities, std)
    elif not data.bad.isdisjoint(content.input_keys):
        result.gap = _bad_inputs(content.input_keys, data, std)
        result.state = result.gap.split("：")[0]
    elif content.measure == "ratio":
        _ratio_content(result, content, data.inputs, std)
    else:
        _items_content(result, content, data.inputs, std.tolerance)
    return result


def _leakage_content(result: ContentResult, content: Content, data: CountyData,
                     utilities: list[tuple[str, Leakage]], std: Standard) -> None:
    if not data.utilities_ok:
        result.state = MISSING if not utilities and "utilities" in data.missing else INVALID
        result.gap = f"{result.state}：供水单位"
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


def _bad_inputs(keys: tuple[str, ...], data: CountyData, std: Standard) -> str:
    """"缺数据：labels" or "错误：labels", the word of the first bad input as the workbook
    shows it (a cell takes the state of the first input, in order, that is blank or wrong)."""
    bad = [k for k in dict.fromkeys(keys) if k in data.bad]
    word = MISSING if bad[0] in data.missing else INVALID
    return f"{word}：" + "、".join(std.inputs[k].label for k in bad)


def _prerequisite(prereq: Prerequisite, data: CountyData, tol: float) -> PrerequisiteResult:
    outcomes = [(c.label, condition_met(c, data.inputs, tol)) for c in prereq.conditions]
    unmet = [label for label, ok in outcomes if ok is False]
    met = False if unmet else (None if any(ok is None for _, ok in outcomes) else True)
    # The workbook's cell shows the state of the first blank or wrong input, before any outcome.
    first_bad = next((k for k in prereq.input_keys if k in data.bad), None)
    if first_bad is not None:
        met, unmet = None, []
    return PrerequisiteResult(prereq.id, prereq.title, met, unmet,
                              invalid=first_bad is not None and first_bad not in data.missing)


def verdict_of(std: Standard, has_errors: bool, prerequisites_met: list[bool | None],
               total: float | None) -> str:
    # Errors come first: a veto drawn from invalid figures would be as unreliable as a score.
    if has_errors or total is None or None in prerequisites_met:
        return std.verdicts["incomplete"]
    if False in prerequisites_met:
        return std.verdicts["veto"]
    return std.verdicts["pass"] if total >= std.pass_mark - std.tolerance else std.verdicts["fail"]
