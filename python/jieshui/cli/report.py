"""Present an assessment: the JSON document and the Chinese terminal report."""

from __future__ import annotations

from typing import Any, Sequence

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..engine import Assessment, Hint, Standard, describe_rule
from ..engine.plausibility import UTILITY_SUM
from ..engine import words
from ..engine.conclusion import self_conclusion
from ..engine.words import BLANK, NOT_APPLICABLE, TERMS, number


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
        "base": a.base, "bonus": a.bonus, "total": a.total, "verdict": a.verdict, "conclusion": self_conclusion(a),
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
    return BLANK if x is None else number(x)


def percent(x: float | None) -> str:
    return BLANK if x is None else words.percent(x)


def render(a: Assessment, console: Console, cells: dict[str, str] | None = None) -> None:
    county = a.county
    year = f"{county.year}年度" if county.year else ""
    console.print(Text(f"{county.province}{county.city}{county.name}{year}节水型社会达标建设自评情况", style="bold"))
    console.print(f"评价标准版本：{a.standard.version}", markup=False)
    console.print(_contents_table(a))
    console.print(_prerequisites_table(a))
    if a.leakage:
        console.print(_leakage_table(a))
    colour = {a.standard.verdicts["pass"]: "green"}.get(a.verdict, "red")
    console.print(Panel(Text(f"自评结论：{self_conclusion(a)}", style=f"bold {colour}"), title="自评结论"))
    if a.ranked_gaps:
        console.print(_gaps_table(a))
    if a.errors:
        console.print(Text(f"数据问题（{len(a.errors)}项）：", style="bold red"))
        for e in a.errors:  # at the cell in a workbook, at the field in a data file
            where = (cells or {}).get(e.field) or e.field
            console.print(f"  · {where}：{e.message}", markup=False, highlight=False)
    if a.hints:
        console.print(Text(f"复核提示（{len(a.hints)}项，请核实）：", style="bold yellow"))
        for h in a.hints:
            where = (cells or {}).get(field_of(h)) or field_of(h)
            console.print(f"  · {where}：{h.message}", markup=False, highlight=False)


def _contents_table(a: Assessment) -> Table:
    table = Table(title="附件3技术评估指标", show_lines=False)
    for name, justify in ((TERMS["number"], "right"), (TERMS["indicator"], "left"), ("评价内容", "left"),
                          (TERMS["max_points"], "right"), (TERMS["value"], "right"), (TERMS["points"], "right"),
                          (TERMS["gap_analysis"], "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for c in a.contents:
        value = NOT_APPLICABLE if c.not_applicable else percent(c.value)
        style = "red" if c.lost else ""
        table.add_row(str(c.id), c.indicator, c.title, number(c.max_points), value,
                      points(c.points), Text(c.gap or c.note), style=style)
    return table


def _prerequisites_table(a: Assessment) -> Table:
    table = Table(title="附件2必备条件")
    for name in (TERMS["number"], "必备条件", "是否满足", "未满足项"):
        table.add_column(name, overflow="fold")
    for n, p in enumerate(a.prerequisites, start=1):
        table.add_row(str(n), p.title, p.word, "；".join(p.unmet), style="" if p.met else "red")
    return table


def _leakage_table(a: Assessment) -> Table:
    table = Table(title="供水管网漏损率（CJJ 92-2016）")
    for name in ("供水单位", "供水总量（万m³）", "综合漏损率RWL", "R1", "R2", "R3", "R4", "漏损率RBL"):
        table.add_column(name, justify="left" if name == "供水单位" else "right")
    for name, u in a.leakage:
        table.add_row(name, number(u.supply), *(percent(x) for x in (u.r_wl, u.r1, u.r2, u.r3, u.r4, u.r_bl)))
    return table


def _gaps_table(a: Assessment) -> Table:
    table = Table(title=f"{TERMS['gap_analysis']}（按{TERMS['lost']}从多到少）")
    for name, justify in ((TERMS["number"], "right"), ("评价内容", "left"), (TERMS["lost"], "right"),
                          ("差距", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for c in a.ranked_gaps:
        table.add_row(str(c.id), c.title, points(c.lost), c.gap)
    return table


def render_problems(problems: Sequence[Any], console: Console) -> None:
    if not problems:
        console.print("数据检查通过：未发现问题。", style="bold green")
        return
    # A reminder or the county's status for the reviewer (复核提示, 佐证未登记 …) is told apart
    # from a problem to correct.
    hints = sum(1 for p in problems if p.is_hint)
    counts = [f"{n}项{what}" for n, what in ((len(problems) - hints, "问题"), (hints, "提示")) if n]
    table = Table(title=f"数据检查：发现{'、'.join(counts)}")
    for name in ("序号", "单元格", "类别", "问题"):
        table.add_column(name, overflow="fold")
    for n, p in enumerate(problems, start=1):
        table.add_row(str(n), Text(p.cell or BLANK), Text(p.kind), Text(p.message),
                      style="yellow" if p.is_hint else "")
    console.print(table)


def standard_table(std: Standard) -> Table:
    table = Table(title=f"节水型社会评价标准（{std.version}）", show_lines=True, expand=True)
    for name, ratio in ((TERMS["number"], 1), (TERMS["indicator"], 2), ("评价内容", 4), (TERMS["max_points"], 1),
                        (TERMS["method"], 6), ("填报数据", 6), ("牵头单位", 2), ("配合单位", 3)):
        table.add_column(name, overflow="fold", ratio=ratio)
    for c in std.contents:
        if c.measure == "leakage":
            inputs = "各供水单位：" + "、".join(f.label for f in std.utility_fields.values())
        else:
            inputs = "\n".join(std.inputs[k].label for k in dict.fromkeys(c.input_keys))
        table.add_row(str(c.id), c.indicator, c.title, number(c.max_points),
                      describe_rule(c.rule), inputs, c.lead, "、".join(c.coop))
    return table


def prerequisites_table(std: Standard) -> Table:
    table = Table(title="必备条件（一票否决）", show_lines=True)
    for name in (TERMS["number"], "必备条件", "判定", "牵头单位", "配合单位"):
        table.add_column(name, overflow="fold")
    for n, p in enumerate(std.prerequisites, start=1):
        table.add_row(str(n), p.title, "\n".join(c.label for c in p.conditions), p.lead, "、".join(p.coop))
    return table
