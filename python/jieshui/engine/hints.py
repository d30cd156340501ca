"""复核提示: what a reviewer should verify although no rule is broken. A content scored by its
not-applicable rule (a denominator of 0), and figures that contradict each other (the
standard's [[plausibility]] rules). Hints change no score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .county import CountyData
from .plausibility import UTILITY_SUM, Comparison, Plausibility
from .gaps import prose_unit
from .standard import Content, Standard
from .words import number, percent, volume


@dataclass(frozen=True, slots=True)
class Hint:
    """A 复核提示. `figures` are the input keys (or "utilities.FIELD") it concerns, the one to
    look at first; the message names them by label, never by key."""

    message: str
    figures: tuple[str, ...]
    content: int | None = None   # the content scored by its not-applicable rule
    rule: str = ""               # the plausibility rule's id
    shown: tuple[tuple[str, str], ...] = ()  # (figure, "label amount") of a plausibility rule
    reason: str = ""

    def located(self, where: Callable[[str], str]) -> str:
        """The message with where each figure is (a cell) after it, when `where` knows."""
        if not self.shown:
            return self.message
        return _contradiction(tuple((f, f"{text}（{where(f)}）" if where(f) else text)
                                    for f, text in self.shown), self.reason)


_COMPARE = {
    ">": lambda a, b, tol: a > b + tol, ">=": lambda a, b, tol: a >= b - tol,
    "<": lambda a, b, tol: a < b - tol, "<=": lambda a, b, tol: a <= b + tol,
    "==": lambda a, b, tol: abs(a - b) <= tol,
}


def not_applicable_hint(content: Content, std: Standard) -> Hint:
    """Content N: its denominator is 0, so its not-applicable rule scored it."""
    den = content.denominator or ""
    label = std.inputs[den].label if den in std.inputs else figure_label(std, UTILITY_SUM + "supply_total")
    scored = "按不适用规则得满分" if content.rule.not_applicable == "full" else "按不适用规则得0分"
    return Hint(f"第{content.id}项评价内容“{content.title}”分母为0（{label}为0），{scored}，请核实",
                (den or UTILITY_SUM + "supply_total",), content=content.id)


def plausibility_hints(data: CountyData, std: Standard) -> list[Hint]:
    """Every rule whose comparisons all hold, on valid figures only (invalid ones are errors)."""
    figures = _figures(data, std)
    hints = []
    for rule in std.plausibility:
        if any(f not in figures for f in rule.figures):
            continue
        if all(_holds(c, figures, std.tolerance) for c in rule.when):
            hints.append(_hint(rule, figures, std))
    return hints


def _figures(data: CountyData, std: Standard) -> dict[str, float]:
    figures = {k: float(v) for k, v in data.inputs.items()
               if std.inputs[k].kind not in ("bool", "text")}
    if data.utilities_ok and data.utilities:
        for key, spec in std.utility_fields.items():
            if spec.kind not in ("bool", "text"):
                figures[UTILITY_SUM + key] = sum(float(getattr(u, key)) for u in data.utilities)
    return figures


def _side(keys: Sequence[str], figures: Mapping[str, float]) -> float:
    return sum(figures[k] for k in keys)


def _holds(c: Comparison, figures: Mapping[str, float], tol: float) -> bool:
    right = _side(c.right, figures) if c.right else float(c.value or 0.0)
    return _COMPARE[c.op](_side(c.left, figures), right, tol)


def _hint(rule: Plausibility, figures: Mapping[str, float], std: Standard) -> Hint:
    appearance = dict.fromkeys(f for c in rule.when for f in c.figures)
    shown = tuple((f, f"{figure_label(std, f)}{_amount(figures[f], std, f)}") for f in appearance)
    return Hint(_contradiction(shown, rule.text), rule.figures, rule=rule.id, shown=shown,
                reason=rule.text)


def _contradiction(shown: tuple[tuple[str, str], ...], reason: str) -> str:
    return f"数据相互矛盾：{'，'.join(text for _, text in shown)}；{reason}，请核实"


_OPERATOR_TEXT = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}


def describe_plausibility(rule: Plausibility, std: Standard) -> str:
    """When the rule fires, in words: "各供水单位“供水总量 Qs”合计 > 0，且居民小区总数 = 0"."""
    def side(keys: Sequence[str]) -> str:
        return " + ".join(figure_label(std, k) for k in keys)

    return "，且".join(f"{side(c.left)} {_OPERATOR_TEXT.get(c.op, c.op)} "
                      f"{side(c.right) if c.right else f'{c.value:g}'}" for c in rule.when)


def figure_label(std: Standard, figure: str) -> str:
    """An input's label, or "各供水单位“供水总量 Qs”合计" for a utility field's sum."""
    if figure.startswith(UTILITY_SUM):
        return f"各供水单位“{std.utility_fields[figure.removeprefix(UTILITY_SUM)].label}”合计"
    return std.inputs[figure].label


def _amount(value: float, std: Standard, figure: str) -> str:
    spec = (std.utility_fields[figure.removeprefix(UTILITY_SUM)] if figure.startswith(UTILITY_SUM)
            else std.inputs[figure])
    # As prose writes figures: 82.2%, 1500万立方米, 0个.
    if spec.kind == "fraction":
        return percent(value)
    if spec.kind == "volume":
        return volume(value)
    return f"{number(value)}{prose_unit(spec.unit)}"
