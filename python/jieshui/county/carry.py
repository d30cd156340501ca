"""下一年度: start next year's county workbook from this year's, as the standard's [carry] says:
county details with the year moved on (and with it the plan's stages on 工作进度, whose
工作年度 follows the 评价年度 while 填报日期 is blank), the inputs that carry (this year's figure
becoming next year's 上年 figure), each utility's network data; everything else blank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..builder.progress import stages_in, work_year
from ..engine import UTILITY_FIELDS, Stage, Standard
from ..engine.county import plausible_year
from ..engine.words import shown
from ..workbook.contract import UTILITY_ROWS
from ..workbook.inputs import WorkbookInputs

KEPT_COUNTY_FIELDS = ("name", "province", "city", "contact", "phone")


@dataclass
class Carried:
    inputs: WorkbookInputs
    lines: list[str]  # what carried, in the office's words


def carry(last: WorkbookInputs, std: Standard) -> Carried:
    new, lines = WorkbookInputs(), []
    for key in KEPT_COUNTY_FIELDS:
        new.county[key] = last.county.get(key)
    year = plausible_year(last.county.get("year"))  # checked by the caller, with its cell
    if year is not None:
        new.county["year"] = year + 1
        lines.append(f"评价年度：{year} → {year + 1}")
    lines.append("县名、省份、地市、联系人、电话：照旧")
    lines += _stages(std, last.county, new.county)
    for target, source in std.carry_inputs:
        value = last.inputs.get(source)
        new.inputs[target] = value
        lines.append(f"{std.inputs[target].label} ← 上年的{std.inputs[source].label}：{shown(value)}")
    kept = [UTILITY_FIELDS.index(k) for k in std.carry_utility_fields]
    for n in last.filled_utility_rows()[:UTILITY_ROWS]:
        new.utilities[n] = [v if col in kept else None for col, v in enumerate(last.utilities[n])]
    if last.filled_utility_rows():
        labels = "、".join(std.utility_fields[k].label for k in std.carry_utility_fields)
        lines.append(f"供水单位{len(last.filled_utility_rows())}个：保留{labels}，水量等其余数据留空待填")
    return Carried(new, lines)


def _stages(std: Standard, last: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The plan's stages as they were and as next year's workbook dates them."""
    before = stages_in(std, work_year(last.get("year"), last.get("report_date")))
    after = stages_in(std, work_year(new.get("year"), new.get("report_date")))
    if not after or before == after:
        return []
    return [f"工作进度阶段：{_span(before)} → {_span(after)}"]


def _span(stages: tuple[Stage, ...]) -> str:
    first, last = stages[0].start, stages[-1].end
    return f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
