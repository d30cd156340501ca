"""汇总填报表: the units' returned files into the county workbook. Everything is checked before
anything is written: a file from another county, year or template, a file edited outside its
input cells, a value `jieshui check` would refuse, two files of one unit that disagree. What is
written is logged in 填报记录 (unit, cell, label, old value, new value, source file and time); the
monthly reports go into 工作进度's grid; the cached values are refreshed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from ..engine import UTILITY_FIELDS, WORKBOOK, Standard, validate
from ..engine.county import plausible_year, year_problem
from ..engine.words import shown
from ..files import staging_path, write_atomically
from ..workbook.contract import REPORT_CHOICES, SHEET_RECORDS, TEMPLATE_VERSION, county_name
from ..workbook.inputs import WorkbookInputs
from ..workbook.readers import WorkbookData
from .recalc import recalculated
from .unit_files import checked_year, identity_cell
from .unit_returns import UnitReturn

@dataclass
class Change:
    unit: str
    cell: str
    label: str
    old: Any
    new: Any
    source: UnitReturn


@dataclass
class MergePlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reports: list[tuple[str, int]] = field(default_factory=list)  # (unit, month 1..12) reported
    returned: list[str] = field(default_factory=list)              # units whose files are merged


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return (a in (None, "")) == (b in (None, "")) and (a in (None, "") or a == b)


COUNTY_KEYS = (("county", "name", "县"), ("province", "province", "省份"), ("city", "city", "地市"),
               ("year", "year", "评价年度"))


def _county(data: WorkbookData, returns: list[UnitReturn]) -> tuple[dict[str, Any], UnitReturn | None]:
    """The county the files must be for, and the file it was taken from: the workbook's own
    (its 评价年度 checked, WorkbookError naming the cell), or, for a blank template, the first
    file's with a plausible year (then written into the cover as changes)."""
    county = data.inputs.county
    if county.get("name") not in (None, "") or not returns:
        checked_year(data, "汇总填报表")
        return county, None
    source = next((b for b in returns if plausible_year(b.identity.get("year")) is not None), returns[0])
    return {ours: source.identity.get(theirs) for theirs, ours, _ in COUNTY_KEYS}, source


def _identity(plan: MergePlan, county: dict[str, Any], back: UnitReturn) -> bool:
    who = back.identity
    if plausible_year(who.get("year")) is None:  # split refuses such a year: this file was altered
        plan.problems.append(f"{back.path.name}：{identity_cell('year')}（隐藏的身份表）的{year_problem(who.get('year'))}，"
                             "不能汇总，请使用县节水办分发的填报表")
        return False
    for theirs, ours, label in (k for k in COUNTY_KEYS if k[0] != "city"):  # a city may be blank
        if not _same(who.get(theirs), county.get(ours)):
            plan.problems.append(f"{back.path.name}：来自其他{label}（{shown(who.get(theirs))}，"
                                 f"本工作簿为 {shown(county.get(ours))}），不能汇总")
            return False
    if str(who.get("template")) != TEMPLATE_VERSION:
        plan.problems.append(f"{back.path.name}：模板版本为 {who.get('template')}，本软件为 {TEMPLATE_VERSION}，"
                             "请重新分发填报表")
        return False
    return True


def _invalid(plan: MergePlan, back: UnitReturn, std: Standard) -> None:
    """The engine's checks of the returned values, with the unit file's cell."""
    raw = {"inputs": {k: v for k, (v, _) in back.values.items() if v is not None}}
    for error in validate(raw, std, WORKBOOK).errors:  # a unit file's cells
        key = error.field.removeprefix("inputs.")
        if key in back.values:
            plan.problems.append(f"{back.values[key][1]}（{back.path.name}）：{error.message}")


def plan_merge(data: WorkbookData, returns: list[UnitReturn], std: Standard) -> MergePlan:
    """What merging these files would write, and every reason it may not."""
    plan, given = MergePlan(), {}
    county, source = _county(data, returns)
    for theirs, ours, label in COUNTY_KEYS:  # a blank template takes the county from the files
        if source is not None and county.get(ours) not in (None, ""):
            plan.changes.append(Change("县节水办", data.cell(county_name(ours)), label, None, county[ours], source))
    for back in returns:
        if not _identity(plan, county, back):
            continue
        plan.returned.append(back.unit)
        plan.problems += [f"{back.path.name}：{t}" for t in back.tampered]
        _invalid(plan, back, std)
        for key, (value, cell) in back.values.items():
            if key in given and not _same(given[key][0], value):
                plan.problems.append(f"{std.inputs[key].label}：{given[key][1].path.name} 填 {shown(given[key][0])}，"
                                     f"{back.path.name} 填 {shown(value)}（{cell}），请确认后只交一份")
            given[key] = (value, back)
        _plan_changes(plan, data, back, std)
    returned = {b.unit for b in returns}
    plan.missing = [u for u in std.units if u not in returned]
    return plan


def _plan_changes(plan: MergePlan, data: WorkbookData, back: UnitReturn, std: Standard) -> None:
    inputs = data.inputs
    for key, (value, _) in back.values.items():
        if not _same(inputs.inputs.get(key), value):
            plan.changes.append(Change(back.unit, data.cell(f"in_{key}"), std.inputs[key].label,
                                       inputs.inputs.get(key), value, back))
    for n, (row, _) in enumerate(back.utilities or []):
        for col, (key, value) in enumerate(zip(UTILITY_FIELDS, row)):
            old = inputs.utilities[n][col] if n < len(inputs.utilities) else None
            if not _same(old, value):
                label = f"第 {n + 1} 个供水单位{std.utility_fields[key].label}"
                plan.changes.append(Change(back.unit, data.cell("in_utilities", n, col), label, old, value, back))
    for item_id, (mark, _) in back.evidence.items():
        name, index, old = _evidence_cell(inputs, std, item_id)
        if not _same(old, mark):
            plan.changes.append(Change(back.unit, data.cell(name, index), f"{item_id} 佐证材料", old, mark, back))
    day = back.report.get("报送日期")
    if isinstance(day, (dt.date, dt.datetime)) and any(back.report.get(k) for k in ("进展情况", "存在问题", "下步打算")):
        plan.reports.append((back.unit, day.month))


def _evidence_cell(inputs: WorkbookInputs, std: Standard, item_id: str) -> tuple[str, int, Any]:
    ids = [p.id for p in std.prerequisites]
    if item_id in ids:
        return "in_prereq_evidence", ids.index(item_id), inputs.prereq_evidence.get(item_id)
    return "in_evidence", int(item_id) - 1, inputs.evidence.get(int(item_id))


def apply_merge(workbook: bytes, plan: MergePlan, std: Standard, now: dt.datetime) -> bytes:
    """The workbook with the changes typed in, the reports marked and 填报记录 appended (cached
    values are refreshed by the caller, recalc's way)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook), keep_vba=True, keep_links=False)
    for change in plan.changes:
        sheet, ref = change.cell.split("!")
        book[sheet][ref].value = change.new
    _mark_reports(book, plan, std, now)
    log = book[SHEET_RECORDS]
    for change in plan.changes:
        log.append([now.strftime("%Y-%m-%d %H:%M"), change.unit, change.cell, change.label, _cell_text(change.old),
                    _cell_text(change.new), change.source.path.name, change.source.saved.strftime("%Y-%m-%d %H:%M")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mark_reports(book: Any, plan: MergePlan, std: Standard, now: dt.datetime) -> None:
    """已报 for each month a unit reported, and the day its 填报表 came back."""
    reports, returns = _first_cell(book, "in_reports"), _first_cell(book, "in_returns")
    for unit, month in plan.reports:
        reports.parent.cell(reports.row + std.units.index(unit), reports.column + month - 1).value = REPORT_CHOICES[0]
    for unit in plan.returned:
        returns.parent.cell(returns.row + std.units.index(unit), returns.column).value = now.strftime("%Y-%m-%d")


def _first_cell(book: Any, name: str) -> Any:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet][ref.replace("$", "").split(":")[0]]


def _cell_text(value: Any) -> Any:
    return "" if value is None else value if isinstance(value, (int, float, str)) else shown(value)


def merged_workbook(workbook: Path, plan: MergePlan, std: Standard, now: dt.datetime) -> bytes:
    """The county workbook with the plan carried out and its cached values refreshed. Call it
    under the workbook's lock (locks.workbook_lock): the staging copy beside the workbook has one
    name, so a killed run's copy is overwritten or swept by the next, never piled up."""
    merged = apply_merge(workbook.read_bytes(), plan, std, now)
    staged = staging_path(workbook)
    try:
        write_atomically(staged, merged)
        return recalculated(staged, std).data  # cached values for WPS and previewers
    finally:
        staged.unlink(missing_ok=True)
