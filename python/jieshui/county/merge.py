"""汇总填报表: the units' returned files into the county workbook. Everything is checked before
anything is written: a file from another county, year or template, a file edited outside its
input cells, a value `jieshui check` would refuse, two files of one unit that disagree anywhere,
a file older than one already merged for its unit (unless the office says so). Nothing is lost
silently: a blank in a return never clears a figure the workbook holds (split pre-fills every
file, so a blank is a deliberate clearing or a file older than the office's typing; the figure is
kept and listed), and several files of one unit with the same figures are merged once. What is
written or kept is logged in 填报记录 (unit, cell, label, old value, new value, source file and
its saved time); the monthly reports go into 工作进度's grid; the cached values are refreshed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from ..engine import UTILITY_FIELDS, WORKBOOK, Standard, validate
from ..engine.county import plausible_year, year_problem
from ..engine.words import shown
from ..files import hide, staging_path, write_atomically
from ..workbook.contract import PREVIOUS_TEMPLATE, REPORT_CHOICES, SHEET_RECORDS, TEMPLATE_VERSION, county_name
from ..workbook.inputs import WorkbookInputs
from ..workbook.readers import WorkbookData, WorkbookError
from .recalc import current_template, recalculated
from .unit_files import checked_year, identity_cell, item_label
from .unit_returns import UnitReturn, distinct_files, read_unit_file

KEPT = "保留原值（填报表中为空）"  # 填报记录's 新值 for a figure a blank did not clear
KEPT_UNTOUCHED = "保留原值（分发后工作簿已改，填报表未改动）"  # … for one the office changed after split
UNTOUCHED = object()  # a kept Change's `new` when the unit left the cell as split wrote it
LOG_TIME = "%Y-%m-%d %H:%M"  # 填报记录's times, as merge writes them


@dataclass
class Change:
    unit: str
    cell: str           # the county workbook's
    label: str
    old: Any
    new: Any
    source: UnitReturn
    where: str = ""     # the unit file's cell


@dataclass(frozen=True)
class Merged:
    """A return already merged, as 填报记录 names it."""
    file: str
    saved: dt.datetime


@dataclass
class MergePlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reports: list[tuple[str, int]] = field(default_factory=list)  # (unit, month 1..12) reported
    returned: list[str] = field(default_factory=list)              # units whose files are merged
    kept: list[Change] = field(default_factory=list)               # blank in a return: the workbook's value stays
    notes: list[str] = field(default_factory=list)                 # files read but merged as one, and why
    also: dict[str, list[str]] = field(default_factory=dict)       # unit → its other files with the same figures
    read: int = 0                                                  # returns read (each file once)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
                             "不能汇总，请使用领导小组办公室分发的填报表")
        return False
    for theirs, ours, label in (k for k in COUNTY_KEYS if k[0] != "city"):  # a city may be blank
        if not _same(who.get(theirs), county.get(ours)):
            plan.problems.append(f"{back.path.name}：来自其他{label}（{shown(who.get(theirs))}，"
                                 f"本工作簿为{shown(county.get(ours))}），不能汇总")
            return False
    if str(who.get("template")) == PREVIOUS_TEMPLATE:
        plan.problems.append(f"{back.path.name}：为上一版模板（{PREVIOUS_TEMPLATE}）分发的填报表，与当前模板"
                             f"（{TEMPLATE_VERSION}）不符，不能汇总：请用当前模板的工作簿重新分发填报表")
        return False
    if str(who.get("template")) != TEMPLATE_VERSION:
        plan.problems.append(f"{back.path.name}：模板版本为{who.get('template')}，本软件为{TEMPLATE_VERSION}，"
                             "请重新分发填报表")
        return False
    return True


def _invalid(plan: MergePlan, data: WorkbookData, back: UnitReturn, std: Standard) -> None:
    """The engine's checks of the values as merged (a blank keeps the workbook's figure), with the
    unit file's cell."""
    held = data.inputs.inputs
    merged = {k: held.get(k) if _blank(v) else v for k, (v, _) in back.values.items()}
    raw = {"inputs": {k: v for k, v in merged.items() if v is not None}}
    for error in validate(raw, std, WORKBOOK).errors:  # a unit file's cells
        key = error.field.removeprefix("inputs.")
        if key in back.values:
            plan.problems.append(f"{back.values[key][1]}（{back.path.name}）：{error.message}")


Field = tuple[str, str, Any, Any, str]  # county cell, label, workbook's value, returned value, unit file's cell


def _fields(data: WorkbookData, back: UnitReturn, std: Standard) -> list[Field]:
    """Every cell a return speaks for: its inputs, 供水单位 rows and evidence marks."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

    inputs = data.inputs
    fields = [(data.cell(f"in_{key}"), std.inputs[key].label, inputs.inputs.get(key), value, where)
              for key, (value, where) in back.values.items()]
    for n, (row, first) in enumerate(back.utilities or []):
        sheet, ref = first.split("!")
        letters, number = coordinate_from_string(ref)
        for col, (key, value) in enumerate(zip(UTILITY_FIELDS, row)):
            old = inputs.utilities[n][col] if n < len(inputs.utilities) else None
            where = f"{sheet}!{get_column_letter(column_index_from_string(letters) + col)}{number}"
            fields.append((data.cell("in_utilities", n, col), f"第{n + 1}个供水单位{std.utility_fields[key].label}",
                           old, value, where))
    for item_id, (mark, where) in back.evidence.items():
        name, index, old = _evidence_cell(inputs, std, item_id)
        shown = item_label(std, item_id)
        label = f"{shown}的佐证材料" if shown != item_id else f"第{item_id}项评价内容的佐证材料"
        fields.append((data.cell(name, index), label, old, mark, where))
    return fields


def plan_merge(data: WorkbookData, returns: list[UnitReturn], std: Standard,
               earlier: dict[str, Merged] | None = None, older: bool = False) -> MergePlan:
    """What merging these files would write, and every reason it may not. `earlier`: the newest
    return already merged per unit (merged_returns); a file older than it that would change a
    figure is refused unless `older`."""
    plan = MergePlan()
    county, source = _county(data, returns)
    for theirs, ours, label in COUNTY_KEYS:  # a blank template takes the county from the files
        if source is not None and county.get(ours) not in (None, ""):
            plan.changes.append(Change("领导小组办公室", data.cell(county_name(ours)), label, None, county[ours], source))
    units: dict[str, list[UnitReturn]] = {}
    for back in returns:
        if _identity(plan, county, back):
            units.setdefault(back.unit, []).append(back)
    for unit, group in units.items():
        plan.returned.append(unit)
        fields = {id(back): _fields(data, back, std) for back in group}
        for back in group:
            plan.problems += [f"{back.path.name}：{t}" for t in back.tampered]
            _invalid(plan, data, back, std)
            _plan_report(plan, back)
        _disagreements(plan, group, fields)
        newest = max(group, key=lambda b: b.saved)  # the figures agree (or the plan is refused)
        _one_of_several(plan, group, newest)
        changed = len(plan.changes)
        _plan_changes(plan, fields[id(newest)], newest)
        if not older and len(plan.changes) > changed:
            _older(plan, newest, (earlier or {}).get(unit), len(plan.changes) - changed)
    returned = {b.unit for b in returns}  # in this run, or on an earlier day (工作进度's 交回 column)
    plan.missing = [u for u in std.units if u not in returned and data.inputs.returns.get(u) in (None, "")]
    return plan


def plan_files(data: WorkbookData, workbook: Path, files: list[Path], std: Standard,
               older: bool = False) -> MergePlan:
    """The whole check before a merge writes, for the command and the button alike: each return
    read once (a file given twice or saved twice is a note first), read, and planned against
    what `workbook` already merged (an older return refused unless `older`)."""
    current_template(data, "汇总填报表", "再用新工作簿汇总")  # before the returns: the workbook decides
    files, repeated = distinct_files(files)
    returns = [read_unit_file(path, std) for path in files]
    plan = plan_merge(data, returns, std, merged_returns(workbook), older)
    plan.notes[:0] = repeated
    plan.read = len(returns)
    return plan


def _disagreements(plan: MergePlan, group: list[UnitReturn], fields: dict[int, list[Field]]) -> None:
    """Two files of one unit that say different things of any cell: the office must choose."""
    given: dict[str, tuple[Any, UnitReturn]] = {}
    for back in group:
        for cell, label, _, value, where in fields[id(back)]:
            if cell in given and not _same(given[cell][0], value):
                plan.problems.append(f"{label}：{given[cell][1].path.name}填{shown(given[cell][0])}，"
                                     f"{back.path.name}填{shown(value)}（{where}），请确认后只交一份")
            given[cell] = (value, back)


def _one_of_several(plan: MergePlan, group: list[UnitReturn], newest: UnitReturn) -> None:
    """Files of one unit with the same figures are merged once, from the newest; each is said."""
    others = [b.path.name for b in group if b is not newest]
    if others:
        plan.also[newest.unit] = others
        plan.notes.append(f"{newest.unit}交回的{len(group)}份填报表（{'、'.join(b.path.name for b in group)}）数值相同，"
                          f"只汇总一次，按最新的{newest.path.name}记入“填报记录”（来源文件一栏列出各份）")


def _older(plan: MergePlan, back: UnitReturn, last: Merged | None, changes: int) -> None:
    """A return saved before the newest one merged for its unit would put older figures over
    newer ones (a May update merged, then the April file by mistake): refused, both named."""
    saved = back.saved.replace(second=0, microsecond=0)  # 填报记录 keeps minutes
    if last is None or saved >= last.saved:
        return
    plan.problems.append(f"{back.path.name}：{back.unit}的这份填报表保存于{back.saved:{LOG_TIME}}，早于已汇总的"
                         f"{last.file}（保存于{last.saved:{LOG_TIME}}，见“填报记录”），汇总会用较早的数值改动"
                         f"{changes}处；请改用该单位最新的填报表，如确要以这份为准，请加 --allow-older 重新汇总")


def _plan_changes(plan: MergePlan, fields: list[Field], back: UnitReturn) -> None:
    """A blank never clears a figure; a figure the unit left as split wrote it never undoes what
    the office typed into the workbook since (both kept, and told). A cell blank in the workbook
    takes the unit's figure: a fresh template filled from returns has nothing to keep."""
    prefilled = back.prefilled or {}
    for cell, label, old, value, where in fields:
        untouched = (where in prefilled and _same(value, prefilled[where]) and not _same(old, prefilled[where])
                     and not _blank(old))
        if untouched:
            plan.kept.append(Change(back.unit, cell, label, old, UNTOUCHED, back, where))
        elif _blank(value) and not _blank(old):
            plan.kept.append(Change(back.unit, cell, label, old, None, back, where))
        elif not _same(old, value):
            plan.changes.append(Change(back.unit, cell, label, old, value, back, where))


def _plan_report(plan: MergePlan, back: UnitReturn) -> None:
    day = back.report.get("报送日期")
    if isinstance(day, (dt.date, dt.datetime)) and any(back.report.get(k) for k in ("进展情况", "存在问题", "下步打算")):
        plan.reports.append((back.unit, day.month))


def kept_lines(plan: MergePlan) -> list[str]:
    """What the office is told of the figures a blank did not clear, and of those it changed in
    the workbook after split that the unit's file left as they were."""
    blank = [c for c in plan.kept if c.new is not UNTOUCHED]
    untouched = [c for c in plan.kept if c.new is UNTOUCHED]
    lines = []
    if blank:
        lines += [f"保留原值{len(blank)}处：填报表中为空，工作簿中已有的数值未清空（如确需清空，请在工作簿中直接删除）：",
                  *(f"  {c.unit} {c.cell} {c.label}：保留{shown(c.old)}（{c.source.path.name} {c.where}为空）"
                    for c in blank)]
    if untouched:
        lines += [f"保留原值{len(untouched)}处：分发填报表后工作簿中已改动，填报表未改动这些项，保留工作簿中的数值"
                  "（如应以填报表为准，请在工作簿中改回）：",
                  *(f"  {c.unit} {c.cell} {c.label}：保留{shown(c.old)}（{c.source.path.name} {c.where}仍为分发时的数值）"
                    for c in untouched)]
    return lines


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
    kept = [(c, KEPT_UNTOUCHED if c.new is UNTOUCHED else KEPT) for c in plan.kept]
    for change, new in [(c, _cell_text(c.new)) for c in plan.changes] + kept:
        files = "、".join([change.source.path.name, *plan.also.get(change.unit, [])])
        log.append([now.strftime(LOG_TIME), change.unit, change.cell, change.label, _cell_text(change.old), new,
                    files, change.source.saved.strftime(LOG_TIME)])
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


def merged_returns(workbook: Path) -> dict[str, Merged]:
    """The newest return already merged for each unit, as 填报记录 names it (责任单位, 来源文件,
    文件时间); rows whose time is not merge's own are passed over."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(workbook, read_only=True, keep_links=False)
    except Exception:  # read_workbook read it just before: only a file changed meanwhile
        raise WorkbookError(f"无法读取{workbook.name}的“{SHEET_RECORDS}”表，请确认文件完好后再汇总") from None
    newest: dict[str, Merged] = {}
    try:
        if SHEET_RECORDS not in book.sheetnames:
            return newest
        for row in book[SHEET_RECORDS].iter_rows(min_row=2, max_col=8, values_only=True):
            cells = tuple(row) + (None,) * 8  # a short row in read-only mode
            unit, name, saved = cells[1], cells[6], _log_time(cells[7])
            if unit and saved is not None and (unit not in newest or saved > newest[unit].saved):
                newest[str(unit)] = Merged(str(name or ""), saved)
    finally:
        book.close()
    return newest


def _log_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.datetime.strptime(str(value).strip(), LOG_TIME)
    except ValueError:
        return None


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
        hide(staged)  # not carried to the province with the folder (collect names it if it is)
        return recalculated(staged, std).data  # cached values for WPS and previewers
    finally:
        staged.unlink(missing_ok=True)
