"""下一年度: start next year's county workbook from this year's, as the standard's [carry] says:
county details with the year moved on, the inputs that carry (this year's figure becoming next
year's 上年 figure), each utility's network data; everything else blank."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import UTILITY_FIELDS, Standard
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
    year = last.county.get("year")
    if isinstance(year, (int, float)) and not isinstance(year, bool):
        new.county["year"] = int(year) + 1
        lines.append(f"评价年度：{int(year)} → {int(year) + 1}")
    lines.append("县名、省份、地市、联系人、电话：照旧")
    for target, source in std.carry_inputs:
        value = last.inputs.get(source)
        new.inputs[target] = value
        lines.append(f"{std.inputs[target].label} ← 上年的{std.inputs[source].label}：{shown(value)}")
    kept = [UTILITY_FIELDS.index(k) for k in std.carry_utility_fields]
    for n in last.filled_utility_rows()[:UTILITY_ROWS]:
        new.utilities[n] = [v if col in kept else None for col, v in enumerate(last.utilities[n])]
    if last.filled_utility_rows():
        labels = "、".join(std.utility_fields[k].label for k in std.carry_utility_fields)
        lines.append(f"供水单位 {len(last.filled_utility_rows())} 个：保留{labels}，水量等其余数据留空待填")
    return Carried(new, lines)
