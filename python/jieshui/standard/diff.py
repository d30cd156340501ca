"""What a province changed: every difference between two standards, in a reviewer's words
(`jieshui standard diff A B`)."""

from __future__ import annotations

from typing import Any

from ..engine import Condition, Standard, describe_plausibility, describe_rule
from ..workbook.contract import prereq_name, source_words
from .layout import GENERAL

# A verdict's text by when it is given (the standard workbook's notes), not by its key.
VERDICT_WORDS = {key.split(".", 1)[1]: note for key, _, note in GENERAL if key.startswith("verdicts.")}


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return "、".join(map(str, value)) or "（无）"
    return str(value)


def _changed(where: str, label: str, old: Any, new: Any) -> list[str]:
    return [] if old == new else [f"{where}：{label}由“{_text(old)}”改为“{_text(new)}”"]


def _conditions(conditions: tuple[Condition, ...]) -> list[tuple[str, float]]:
    return [(c.label, c.points) for c in conditions]


def _labels(a: Standard, b: Standard, keys: Any, fields: str = "inputs") -> list[str]:
    """Inputs (or utility fields) by the labels the official knows, never by their keys."""
    known = {**getattr(a, fields), **getattr(b, fields)}
    return [known[k].label if k in known else k for k in keys]


def _general(a: Standard, b: Standard) -> list[str]:
    lines = []
    carried = [[f"{t}←{s}" for t, s in zip(_labels(std, std, (t for t, _ in std.carry_inputs)),
                                           _labels(std, std, (s for _, s in std.carry_inputs)))] for std in (a, b)]
    for label, old, new in (("版本", a.version, b.version), ("依据", a.source, b.source),
                            ("基本分", a.base_max, b.base_max), ("加分上限", a.bonus_cap, b.bonus_cap),
                            ("合格分", a.pass_mark, b.pass_mark), ("责任单位", a.units, b.units),
                            ("结转到下一年度的数据", *carried),
                            ("结转的供水单位数据", _labels(a, b, a.carry_utility_fields, "utility_fields"),
                             _labels(a, b, b.carry_utility_fields, "utility_fields"))):
        lines += _changed("总体", label, old, new)
    for key in sorted(set(a.verdicts) | set(b.verdicts)):
        lines += _changed("总体", VERDICT_WORDS.get(key, "结论"), a.verdicts.get(key, ""), b.verdicts.get(key, ""))
    return lines + _plausibility(a, b)


def _plausibility(a: Standard, b: Standard) -> list[str]:
    """合理性检查 rules added, removed or changed (by id): they decide which 复核提示 counties get."""
    def rules(std: Standard) -> dict[str, str]:
        return {r.id: f"{describe_plausibility(r, std)}（{r.text}）" for r in std.plausibility}

    old, new = rules(a), rules(b)
    return [f"合理性检查{rid}：" + ("删除" if rid not in new else "新增" if rid not in old else "改为") +
            f"“{new.get(rid, old.get(rid))}”" for rid in sorted(set(old) | set(new)) if old.get(rid) != new.get(rid)]


def _contents(a: Standard, b: Standard) -> list[str]:
    lines = []
    old = {c.id: c for c in a.contents}
    for c in b.contents:
        if c.id not in old:
            lines.append(f"第{c.id}项评价内容：新增“{c.title}”（{c.max_points:g}分）")
            continue
        o, where = old.pop(c.id), f"第{c.id}项评价内容“{c.title}”"
        lines += _changed(where, "名称", o.title, c.title)
        lines += _changed(where, "标准分", o.max_points, c.max_points)
        lines += _changed(where, "评分方法", describe_rule(o.rule), describe_rule(c.rule))
        if o.rule.items and _conditions(o.rule.items) != _conditions(c.rule.items):
            lines += _changed(where, "得分项", [f"{label}（{p:g}分）" for label, p in _conditions(o.rule.items)],
                              [f"{label}（{p:g}分）" for label, p in _conditions(c.rule.items)])
        lines += _changed(where, "依据", source_words(o.source, o.rule_source), source_words(c.source, c.rule_source))
        lines += _changed(where, "牵头单位", o.lead, c.lead)
        lines += _changed(where, "配合单位", o.coop, c.coop)
        lines += _changed(where, "佐证材料", o.evidence, c.evidence)
        lines += _changed(where, "读取的数据", _labels(a, b, o.input_keys), _labels(a, b, c.input_keys))
    lines += [f"第{c.id}项评价内容：删除“{c.title}”" for c in old.values()]
    return lines


def _prerequisites(a: Standard, b: Standard) -> list[str]:
    lines = []
    old = {p.id: p for p in a.prerequisites}
    for p in b.prerequisites:
        if p.id not in old:
            lines.append(f"{prereq_name(p.id)}：新增“{p.title}”")
            continue
        o, where = old.pop(p.id), prereq_name(p.id)
        lines += _changed(where, "内容", o.title, p.title)
        lines += _changed(where, "判定", [c.label for c in o.conditions], [c.label for c in p.conditions])
        lines += _changed(where, "依据", source_words(o.source), source_words(p.source))
        lines += _changed(where, "牵头单位", o.lead, p.lead)
        lines += _changed(where, "配合单位", o.coop, p.coop)
        lines += _changed(where, "佐证材料", o.evidence, p.evidence)
    lines += [f"{prereq_name(p.id)}：删除“{p.title}”" for p in old.values()]
    return lines


def differences(a: Standard, b: Standard) -> list[str]:
    """Every change from `a` to `b`, one line each, in the order of the standard."""
    return _general(a, b) + _prerequisites(a, b) + _contents(a, b)
