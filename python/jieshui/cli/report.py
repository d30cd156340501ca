"""Present an assessment: the JSON document and the Chinese terminal report."""

from __future__ import annotations

from typing import Any, Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..engine import Assessment, Hint, Standard, describe_rule, source_text
from ..engine.plausibility import UTILITY_SUM
from ..engine.words import BLANK, NOT_APPLICABLE


def to_dict(a: Assessment, cells: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON document; `cells` maps error fields to workbook cells when scoring a workbook."""
    cells = cells or {}
    return {
        "county": {"name": a.county.name, "province": a.county.province,
                   "city": a.county.city, "year": a.county.year},
        "standard": {"version": a.standard.version, "source": a.standard.source},
        "contents": [{"id": c.id, "indicator": c.indicator, "title": c.title,
                      "max_points": c.max_points, "value": c.value, "points": c.points,
                      "not_applicable": c.not_applicable, "gap": c.gap, "note": c.note}
                     for c in a.contents],
        "prerequisites": [{"id": p.id, "title": p.title, "met": p.met, "state": p.word,
                           "unmet": p.unmet} for p in a.prerequisites],
        "base": a.base, "bonus": a.bonus, "total": a.total, "verdict": a.verdict,
        "errors": [{"field": e.field, "message": e.message,
                    **({"cell": cells[e.field]} if cells.get(e.field) else {})} for e in a.errors],
        "hints": [{"message": h.message, "content": h.content, "rule": h.rule, "field": field_of(h),
                   **({"cell": cells[field_of(h)]} if cells.get(field_of(h)) else {})}
                  for h in a.hints],
        "gaps": [{"id": c.id, "title": c.title, "points_recoverable": c.lost, "gap": c.gap}
                 for c in a.ranked_gaps],
        "leakage": [{"name": name, "supply_total": u.supply, "r_wl": u.r_wl, "r1": u.r1,
                     "r2": u.r2, "r3": u.r3, "r4": u.r4, "r_bl": u.r_bl}
                    for name, u in a.leakage],
    }


def field_of(hint: Hint) -> str:
    """The field path of the figure a hint points at (the utilities table for a utility sum)."""
    first = hint.figures[0]
    return "utilities" if first.startswith(UTILITY_SUM) else f"inputs.{first}"


def points(x: float | None) -> str:
    return BLANK if x is None else f"{x:.1f}"


def percent(x: float | None, digits: int = 1) -> str:
    return BLANK if x is None else f"{x * 100:.{digits}f}%"


def render(a: Assessment, console: Console, cells: dict[str, str] | None = None) -> None:
    county = a.county
    title = f"{county.province}{county.city}{county.name} {county.year or ''}年度节水型社会达标建设自评赋分"
    console.print(Text(title, style="bold"))
    console.print(f"评价标准：{a.standard.version}")
    console.print(_contents_table(a))
    console.print(_prerequisites_table(a))
    if a.leakage:
        console.print(_leakage_table(a))
    colour = {a.standard.verdicts["pass"]: "green"}.get(a.verdict, "red")
    summary = (f"基本分{points(a.base)} / {a.standard.base_max:g}加分{points(a.bonus)} / "
               f"{a.standard.bonus_cap:g}总分{points(a.total)} / "
               f"{a.standard.base_max + a.standard.bonus_cap:g}（{a.standard.pass_mark:g}分合格）")
    console.print(Panel(Group(Text(summary), Text(f"结论：{a.verdict}", style=f"bold {colour}")),
                        title="总分与结论"))
    if a.ranked_gaps:
        console.print(_gaps_table(a))
    if a.errors:
        console.print(Text(f"数据问题（{len(a.errors)}项）：", style="bold red"))
        for e in a.errors:
            where = (cells or {}).get(e.field) or e.field
            console.print(f"  · [{where}] {e.message}", markup=False, highlight=False)
    if a.hints:
        console.print(Text(f"复核提示（{len(a.hints)}项，请核实）：", style="bold yellow"))
        for h in a.hints:  # at the cell in a workbook, at the field path in a data file
            where = (cells or {}).get(field_of(h)) or field_of(h)
            console.print(f"  · [{where}] {h.message}", markup=False, highlight=False)


def _contents_table(a: Assessment) -> Table:
    table = Table(title="附件3技术评估指标", show_lines=False)
    for name, justify in (("序号", "right"), ("指标", "left"), ("评价内容", "left"),
                          ("标准分", "right"), ("计算值", "right"), ("得分", "right"),
                          ("差距", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for c in a.contents:
        value = NOT_APPLICABLE if c.not_applicable else percent(c.value, 2)
        style = "red" if c.lost else ""
        table.add_row(str(c.id), c.indicator, c.title, f"{c.max_points:g}", value,
                      points(c.points), Text(c.gap or c.note), style=style)
    return table


def _prerequisites_table(a: Assessment) -> Table:
    table = Table(title="附件2必备条件")
    for name in ("编号", "必备条件", "是否满足", "未满足项"):
        table.add_column(name, overflow="fold")
    for p in a.prerequisites:
        table.add_row(p.id, p.title, p.word, "；".join(p.unmet), style="" if p.met else "red")
    return table


def _leakage_table(a: Assessment) -> Table:
    table = Table(title="供水管网漏损率（CJJ 92-2016）")
    for name in ("供水单位", "供水总量(万m³)", "综合漏损率R_WL", "R1", "R2", "R3", "R4", "漏损率R_BL"):
        table.add_column(name, justify="left" if name == "供水单位" else "right")
    for name, u in a.leakage:
        table.add_row(name, f"{u.supply:g}", *(percent(x, 2) for x in (u.r_wl, u.r1, u.r2, u.r3, u.r4, u.r_bl)))
    return table


def _gaps_table(a: Assessment) -> Table:
    table = Table(title="差距分析（按可挽回分值排序）")
    for name, justify in (("序号", "right"), ("评价内容", "left"), ("可挽回分", "right"), ("措施", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for c in a.ranked_gaps:
        table.add_row(str(c.id), c.title, points(c.lost), c.gap)
    return table


HINT = "复核提示"  # check's kind for what a reviewer should verify (not a data error)


def render_problems(problems: Sequence[Any], console: Console) -> None:
    if not problems:
        console.print("数据检查通过：未发现问题。", style="bold green")
        return
    hints = sum(1 for p in problems if p.kind == HINT)
    counts = [f"{n}项{what}" for n, what in ((len(problems) - hints, "问题"), (hints, HINT)) if n]
    table = Table(title=f"数据检查：发现{'、'.join(counts)}")
    for name in ("序号", "单元格", "类别", "问题"):
        table.add_column(name, overflow="fold")
    for n, p in enumerate(problems, start=1):
        table.add_row(str(n), Text(p.cell or BLANK), Text(p.kind), Text(p.message),
                      style="yellow" if p.kind == HINT else "")
    console.print(table)


def standard_table(std: Standard) -> Table:
    table = Table(title=f"节水型社会评价标准（{std.version}）", show_lines=True, expand=True)
    for name, ratio in (("序号", 1), ("指标", 2), ("评价内容", 4), ("分值", 1), ("评分规则", 6),
                        ("输入数据", 6), ("牵头单位", 2), ("配合单位", 3), ("来源", 2)):
        table.add_column(name, overflow="fold", ratio=ratio)
    for c in std.contents:
        if c.measure == "leakage":
            inputs = "各供水单位：" + "、".join(f.label for f in std.utility_fields.values())
        else:
            inputs = "\n".join(f"{std.inputs[k].label}（{k}）" for k in dict.fromkeys(c.input_keys))
        table.add_row(str(c.id), c.indicator, c.title, f"{c.max_points:g}",
                      describe_rule(c.rule), inputs, c.lead, "、".join(c.coop), source_text(c))
    return table


def prerequisites_table(std: Standard) -> Table:
    table = Table(title="必备条件（一票否决）", show_lines=True)
    for name in ("编号", "必备条件", "判定", "牵头单位", "配合单位", "来源"):
        table.add_column(name, overflow="fold")
    for p in std.prerequisites:
        table.add_row(p.id, p.title, "\n".join(c.label for c in p.conditions), p.lead, "、".join(p.coop),
                      p.source)
    return table
