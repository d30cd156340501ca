"""The standard's plausibility rules ([[plausibility]]): figures that contradict each other.
Read and validated here (Chinese errors for the standard's editor); hints.py evaluates them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from .standard import InputSpec

# A comparison may test equality too (a figure that is 0).
OPERATORS = ("<=", ">=", "<", ">", "==")
# A side names an input, or a utility field summed over the utilities ("utilities.supply_total").
UTILITY_SUM = "utilities."


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left` against `right`, each a sum of figures (input keys, or "utilities.FIELD"); with
    no `right`, `left` against the number `value`."""

    left: tuple[str, ...]
    op: str
    right: tuple[str, ...] = ()
    value: float | None = None

    @property
    def figures(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass(frozen=True, slots=True)
class Plausibility:
    """Figures that contradict each other when every comparison holds: a 复核提示, not an
    error (the county may be right; the reviewer asks)."""

    id: str
    text: str
    when: tuple[Comparison, ...]

    @property
    def figures(self) -> tuple[str, ...]:
        """The figures the rule reads, the doubtful one (the last comparison's first) first."""
        ordered = self.when[-1].figures + tuple(f for c in self.when for f in c.figures)
        return tuple(dict.fromkeys(ordered))


def _sides(raw: Any) -> tuple[str, ...]:
    return (raw,) if isinstance(raw, str) else tuple(str(k) for k in raw or ())


def parse_rule(raw: dict[str, Any]) -> Plausibility:
    when = tuple(Comparison(_sides(c.get("left")), str(c.get("op", "")), _sides(c.get("right")),
                            None if c.get("value") is None else float(c["value"]))
                 for c in raw["when"])
    return Plausibility(id=str(raw["id"]), text=str(raw["text"]), when=when)


def check_rules(rules: tuple[Plausibility, ...], inputs: Mapping[str, InputSpec],
                utility_fields: Mapping[str, InputSpec]) -> list[str]:
    """Every problem of the rules, in the words of the standard's other checks."""
    problems = []
    ids = [p.id for p in rules]
    if len(set(ids)) != len(ids):
        problems.append(f"合理性检查 [[plausibility]] 的 id 重复：{'、'.join(ids)}")
    for rule in rules:
        where = f"合理性检查{rule.id}"
        if not rule.text.strip():
            problems.append(f"{where}：text 应写明这些数据为何相互矛盾")
        if not rule.when:
            problems.append(f"{where}：when 中没有任何比较")
        for c in rule.when:
            if c.op not in OPERATORS or not c.left or (not c.right) == (c.value is None):
                problems.append(f"{where}：每个比较应写 left、op（{' '.join(OPERATORS)}），"
                                "以及 right 或 value 之一")
            problems += [p for f in c.figures for p in _check_figure(where, f, inputs, utility_fields)]
    return problems


def _numeric(spec: InputSpec) -> bool:
    return spec.kind not in ("bool", "text")


def _check_figure(where: str, figure: str, inputs: Mapping[str, InputSpec],
                  utility_fields: Mapping[str, InputSpec]) -> list[str]:
    if figure.startswith(UTILITY_SUM):
        spec = utility_fields.get(figure.removeprefix(UTILITY_SUM))
        if spec is None or not _numeric(spec):
            names = "、".join(k for k, s in utility_fields.items() if _numeric(s))
            return [f"{where}：{figure}应为 utilities. 加供水单位的数值字段（{names}）"]
        return []
    spec = inputs.get(figure)
    if spec is None:
        return [f"{where}：引用的输入{figure}未在 [inputs] 中声明"]
    return [] if _numeric(spec) else [f"{where}：输入{figure}的类型应为数值"]
