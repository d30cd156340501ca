"""Render the standard file as a Markdown reference (docs/standard.md), so the docs never drift."""

from __future__ import annotations

from ..engine import Condition, Standard, describe_plausibility, describe_rule
from ..workbook.contract import NA_NOTE, prereq_name, source_words


OP_TEXT = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _row(*cells: object) -> str:
    return "| " + " | ".join(_cell(str(c)) for c in cells) + " |"


def _condition(cond: Condition, std: Standard) -> str:
    if cond.input is not None:
        return f"{std.inputs[cond.input].label}为“是”"
    left, right = std.inputs[cond.left or ""].label, std.inputs[cond.right or ""].label
    return f"{left} {OP_TEXT[cond.op or '']} {right}"


def render_markdown(std: Standard) -> str:
    lines = [
        "# 评价标准（由 standard-2023.toml 生成，请勿手工修改）", "",
        f"- 版本：{std.version}",
        f"- {std.source}",
        "- 每项的“依据”：评价标准（内容出自《节水型社会评价标准》），或通用设置（标准分、评分方法等须按省级"
        "赋分细则核对）；评价内容写作“内容依据／标准分与评分方法依据”。",
        f"- 基本分{std.base_max:g}分，加分上限{std.bonus_cap:g}分，总分"
        f"{std.base_max + std.bonus_cap:g}分，{std.pass_mark:g}分合格。",
        f"- 结论：任一必备条件不满足为“{std.verdicts['veto']}”；否则总分不低于{std.pass_mark:g}分为"
        f"“{std.verdicts['pass']}”，低于为“{std.verdicts['fail']}”；数据缺失或有误为“{std.verdicts['incomplete']}”。",
        "", "## 必备条件（附件2）", "",
        _row("序号", "必备条件", "判定", "牵头单位", "配合单位", "佐证材料", "依据"),
        _row(*["---"] * 7),
    ]
    for p in std.prerequisites:
        lines.append(_row(prereq_name(p.id), p.title, "；".join(_condition(c, std) for c in p.conditions),
                          p.lead, "、".join(p.coop), "、".join(p.evidence), source_words(p.source)))
    lines += ["", "## 技术评估指标（附件3）", "",
              _row("序号", "评价指标", "评价内容", "标准分", "评分方法", "输入数据", "牵头单位", "配合单位", "佐证材料",
                   "依据"),
              _row(*["---"] * 10)]
    for c in std.contents:
        if c.measure == "leakage":
            inputs = "各供水单位数据（见下表），按 CJJ 92-2016计算修正后漏损率"
        elif c.measure == "ratio":
            inputs = f"{std.inputs[c.numerator or ''].label} ÷ {std.inputs[c.denominator or ''].label}"
        else:
            inputs = "；".join(f"{i.label}：{_condition(i, std)}" for i in c.rule.items)
        lines.append(_row(c.id, c.indicator, c.title, f"{c.max_points:g}", describe_rule(c.rule, na_note=False),
                          inputs, c.lead, "、".join(c.coop), "、".join(c.evidence),
                          source_words(c.source, c.rule_source)))
    lines += ["", NA_NOTE]
    lines += ["", "## 输入数据", "", _row("键名", "名称", "单位", "说明"), _row(*["---"] * 4)]
    for spec in std.inputs.values():
        lines.append(_row(f"`{spec.key}`", spec.label, spec.unit, spec.definition))
    leakage = next(c.id for c in std.contents if c.measure == "leakage")
    lines += ["", f"## 供水单位数据（第{leakage}项评价内容）", "", _row("键名", "名称", "单位", "说明"),
              _row(*["---"] * 4)]
    for spec in std.utility_fields.values():
        lines.append(_row(f"`{spec.key}`", spec.label, spec.unit, spec.definition))
    lines += ["", "## 合理性检查（复核提示，不影响得分）", "", _row("序号", "出现以下情况时提示", "理由"),
              _row(*["---"] * 3), *(_row(n, describe_plausibility(r, std), r.text)
                                    for n, r in enumerate(std.plausibility, start=1))]
    return "\n".join(lines) + "\n"
