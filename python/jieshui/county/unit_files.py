"""分发填报表: one plain .xlsx per responsible unit (no macros, no UDFs: it must work in WPS),
holding the inputs that unit leads with the county workbook's current values, their help and
validation, the evidence marks of what it leads, and this month's 月报. A very hidden, protected
sheet carries who it is for (county, province, year, unit, template version, date), so that the
merge recognises it. Reading one back: `read_unit_file`."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from pathlib import Path
from typing import Any


from ..builder.basic_data import validation_for
from ..workbook.styles import LINE_PT, plain_document, print_setup, text_height
from ..engine import UTILITY_FIELDS, Standard
from ..engine.county import LAST_YEAR, plausible_year, year_problem
from ..files import write_new
from ..workbook.contract import EVIDENCE_CHOICES, TEMPLATE_VERSION, county_name
from ..workbook.inputs import WorkbookInputs
from ..workbook.readers import WorkbookData, WorkbookError

SHEET_FORM, SHEET_UTILITIES, SHEET_EVIDENCE, SHEET_REPORT, SHEET_IDENTITY = (
    "填报", "供水单位", "佐证材料", "月报", "_identity")
FORM_HEADERS = ("序号", "数据项", "单位", "数值", "说明", "用于")
# KEY_COL: the hidden column where files split wrote before template 2025.5 named each
# row's input (a key is no word for a unit to see); a return still holding it is checked.
VALUE_COL, KEY_COL = 3, 6
REPORT_FIELDS = ("进展情况", "存在问题", "下步打算", "报送日期")
IDENTITY_FIELDS = ("county", "province", "city", "year", "unit", "template", "made")
PREFILL = "prefill:"  # _identity rows after IDENTITY_FIELDS: prefill:<sheet>!<cell> → value split wrote
FIRST_ROW = 2  # 0-based: title, headers, data
UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')  # not allowed (or unwise) in a file name
# Column widths (characters; a Chinese one takes two) of each sheet: only widths and heights
# change with the layout, never where a cell is (merge reads the returns by cell position).
FORM_WIDTHS = (5, 28, 8, 14, 50, 16)
EVIDENCE_WIDTHS = (6, 40, 40, 8)
REPORT_WIDTHS = (12, 90)
TITLE_POINTS = 16  # the title's font size (Styles.title)


def unit_inputs(std: Standard, unit: str) -> list[tuple[str, str]]:
    """(input key, what it is used for) of every input the unit leads, in the standard's order."""
    uses: dict[str, list[str]] = {}
    for n, prereq in enumerate(std.prerequisites, start=1):
        if prereq.lead == unit:
            for key in prereq.input_keys:
                uses.setdefault(key, []).append(f"必备条件{n}")
    for content in std.contents:
        if content.lead == unit and content.measure != "leakage":
            for key in dict.fromkeys(content.input_keys):
                uses.setdefault(key, []).append(f"第{content.id}项评价内容")
    order = list(std.inputs)
    return sorted(((k, "、".join(v)) for k, v in uses.items()), key=lambda kv: order.index(kv[0]))


def leads_utilities(std: Standard, unit: str) -> bool:
    return any(c.lead == unit and c.measure == "leakage" for c in std.contents)


def evidence_items(std: Standard, unit: str) -> list[tuple[str, str, str]]:
    """(id as in the workbook, title, evidence list) of what the unit leads."""
    items = [(p.id, p.title, "、".join(p.evidence)) for p in std.prerequisites if p.lead == unit]
    return items + [(str(c.id), c.title, "、".join(c.evidence)) for c in std.contents if c.lead == unit]


def item_label(std: Standard, item_id: str) -> str:
    """What the 佐证材料 sheet shows for an item: a content's number, 必备条件1 for P1."""
    keys = [p.id for p in std.prerequisites]
    return f"必备条件{keys.index(item_id) + 1}" if item_id in keys else item_id


def file_part(text: Any, blank: str) -> str:
    """`text` (a county's name) as part of a file name: without the characters Windows refuses,
    a leading dot or formula sign, at most 30 characters; `blank` when nothing is left."""
    return UNSAFE.sub("", str(text or "")).lstrip("=+-@.")[:30] or blank


def unit_file_name(inputs: WorkbookInputs, unit: str, day: dt.date) -> str:
    return f"{file_part(inputs.county.get('name'), '未填县名')}_{UNSAFE.sub('', unit)}_填报表_{day:%Y%m%d}.xlsx"


def checked_year(data: WorkbookData, doing: str, last: int = LAST_YEAR) -> int:
    """The workbook's 评价年度 when it is a plausible year up to `last`; else WorkbookError
    naming its cell, what to enter and what it was about to do."""
    typed = data.inputs.county.get("year")
    year, cell = plausible_year(typed), data.cell(county_name("year"))
    if year is None:
        raise WorkbookError(f"{cell}的{year_problem(typed)}：请更正后再{doing}")
    if year > last:
        raise WorkbookError(f"{cell}的评价年度为{year}，下一年度{year + 1}已超出{LAST_YEAR}年，无法{doing}")
    return year


def checked_county(data: WorkbookData, doing: str) -> str:
    """The workbook's county name; WorkbookError naming its cell when it is blank."""
    name = data.inputs.county.get("name")
    if name in (None, "") or not str(name).strip():
        raise WorkbookError(f"{data.cell(county_name('name'))}的县（旗、区）名称未填写：请填写后再{doing}")
    return str(name).strip()


def display_width(text: Any) -> int:
    """How many narrow characters `text` takes: a Chinese one takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def title_height(title: str, width: float) -> float:
    """The height (pt) of a row holding the 16 pt title wrapped across columns `width` wide:
    one line of it takes some 22 pt."""
    usable = max(width - 2, 1.0) * 11 / TITLE_POINTS  # the columns count 11 pt characters
    lines = max(1, math.ceil(display_width(title) / usable))
    return lines * 22 + 8


def identity_cell(key: str) -> str:
    """Where a unit file's hidden identity sheet holds `key` (see UnitFileWriter.identity)."""
    return f"{SHEET_IDENTITY}!B{IDENTITY_FIELDS.index(key) + 1}"


class UnitFileWriter:
    """One unit's file; `build()` sets the order of the sheets."""

    def __init__(self, std: Standard, inputs: WorkbookInputs, unit: str, day: dt.date):
        self.std, self.inputs, self.unit, self.day = std, inputs, unit, day
        self.prefilled: dict[str, Any] = {}  # unit file cell → the workbook's value written there

    def build(self) -> bytes:
        stream = io.BytesIO()
        county = self.inputs.county
        book, self.styles = plain_document(stream, {"title": f"{county.get('name') or ''} {self.unit}填报表"})
        self.title_format = book.add_format({"font_name": "宋体", "font_size": TITLE_POINTS, "bold": True,
                                             "align": "center", "valign": "vcenter", "text_wrap": True,
                                             "quote_prefix": True})
        self.form(book.add_worksheet(SHEET_FORM))
        if leads_utilities(self.std, self.unit):
            self.utilities(book.add_worksheet(SHEET_UTILITIES))
        self.evidence(book.add_worksheet(SHEET_EVIDENCE))
        self.report(book.add_worksheet(SHEET_REPORT))
        self.identity(book.add_worksheet(SHEET_IDENTITY))
        book.close()
        return stream.getvalue()

    def _title(self, ws: Any, text: str, widths: Any) -> None:
        """The title across the table in its own row, wrapped, the row tall enough for its
        16 pt lines (a row does not grow by itself in a file no program has opened)."""
        county = self.inputs.county
        year = county.get("year")
        head = f"{county.get('name') or ''}（{year:g}年度）" if isinstance(year, (int, float)) else ""
        title = f"{head}{self.unit}{text}"
        ws.merge_range(0, 0, 0, len(widths) - 1, title, self.title_format)
        ws.set_row(0, title_height(title, sum(widths)))

    def form(self, ws: Any) -> None:
        self._title(ws, " 填报表：请只填写黄色单元格，填好后交回领导小组办公室", FORM_WIDTHS)
        ws.write_row(1, 0, FORM_HEADERS, self.styles.header)
        for n, (key, use) in enumerate(unit_inputs(self.std, self.unit)):
            row, spec = FIRST_ROW + n, self.std.inputs[key]
            fmt, validation = validation_for(self.std, key, self.styles)
            ws.write_number(row, 0, n + 1, self.styles.center)
            for col, text in ((1, spec.label), (2, spec.unit), (4, spec.definition), (5, use)):
                ws.write_string(row, col, text, self.styles.text)
            value = self.inputs.inputs.get(key)
            self._prefill(ws, row, VALUE_COL, value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(row, VALUE_COL, value, fmt)
            elif value not in (None, ""):
                ws.write_string(row, VALUE_COL, str(value), fmt)
            else:
                ws.write_blank(row, VALUE_COL, None, fmt)
            ws.data_validation(row, VALUE_COL, row, VALUE_COL, validation)
            ws.set_row(row, text_height(zip(("", spec.label, spec.unit, "", spec.definition, use), FORM_WIDTHS)))
        for col, width in enumerate(FORM_WIDTHS):
            ws.set_column(col, col, width)
        self._finish(ws)

    def utilities(self, ws: Any) -> None:
        fields = self.std.utility_fields
        headers = ["序号", *(f"{fields[k].label}（{fields[k].unit}）" if fields[k].unit else fields[k].label
                             for k in UTILITY_FIELDS)]
        # The names' column as wide as the longest name (within bounds), the figures' 14.
        names = [values[UTILITY_FIELDS.index("name")] for values in self.inputs.utilities
                 if len(values) > UTILITY_FIELDS.index("name")]
        widths = [5] + [min(24, max([14, *(display_width(v) + 2 for v in names if v)])) if key == "name" else 14
                        for key in UTILITY_FIELDS]
        self._title(ws, " 城镇公共供水单位（用于计算供水管网漏损率，CJJ 92-2016）", widths)
        ws.write_row(1, 0, headers, self.styles.header)
        for n, values in enumerate(self.inputs.utilities):
            ws.write_number(FIRST_ROW + n, 0, n + 1, self.styles.center)
            for col, (key, value) in enumerate(zip(UTILITY_FIELDS, values), start=1):
                fmt = self.styles.input_text if key == "name" else self.styles.input_number
                self._prefill(ws, FIRST_ROW + n, col, value)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(FIRST_ROW + n, col, value, fmt)
                else:
                    ws.write(FIRST_ROW + n, col, value if value not in (None, "") else None, fmt)
            ws.set_row(FIRST_ROW + n, text_height(zip([""] + [v if isinstance(v, str) else "" for v in values],
                                                       widths), minimum=LINE_PT + 4))
        ws.set_row(1, max(45, text_height(zip(headers, widths))))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        self._finish(ws)

    def evidence(self, ws: Any) -> None:
        given, missing = EVIDENCE_CHOICES
        self._title(ws, f" 佐证材料：材料已整理齐全的标注“{given}”", EVIDENCE_WIDTHS)
        ws.write_row(1, 0, ["序号", "评价内容或必备条件", "佐证材料", "标注"], self.styles.header)
        ws.set_row(1, LINE_PT + 4)
        marks = {**self.inputs.prereq_evidence, **{str(k): v for k, v in self.inputs.evidence.items()}}
        items = evidence_items(self.std, self.unit)
        for n, (item_id, title, evidence) in enumerate(items):
            row = FIRST_ROW + n
            ws.write_string(row, 0, item_label(self.std, item_id), self.styles.center)
            ws.write_string(row, 1, title, self.styles.text)
            ws.write_string(row, 2, evidence, self.styles.text)
            ws.write(row, 3, marks.get(item_id), self.styles.input_center)
            self._prefill(ws, row, 3, marks.get(item_id))
            ws.set_row(row, text_height([(title, EVIDENCE_WIDTHS[1]), (evidence, EVIDENCE_WIDTHS[2])]))
        if items:
            ws.data_validation(FIRST_ROW, 3, FIRST_ROW + len(items) - 1, 3, {
                "validate": "list", "source": list(EVIDENCE_CHOICES), "input_title": "佐证材料",
                "input_message": f"材料已整理齐全填“{given}”，否则填“{missing}”"})
        for col, width in enumerate(EVIDENCE_WIDTHS):
            ws.set_column(col, col, width)
        self._finish(ws)

    def report(self, ws: Any) -> None:
        self._title(ws, f" 月报（每月{self.std.report_day}日前报领导小组办公室）", REPORT_WIDTHS)
        for n, label in enumerate(REPORT_FIELDS):
            row = FIRST_ROW + n
            ws.write_string(row, 0, label, self.styles.header)
            date = label == "报送日期"
            fmt = self.styles.input_date if date else self.styles.input_text
            ws.write_blank(row, 1, None, fmt)
            help_text = "如2025-07-20" if date else f"本月{label}，简要写明"
            ws.data_validation(row, 1, row, 1, {"validate": "date", "criteria": ">=",
                                                "value": dt.date(2000, 1, 1), "input_message": help_text,
                                                "error_message": "请填写日期，如2025-07-20"}
                               if date else {"validate": "length", "criteria": "<=", "value": 2000,
                                             "input_message": help_text})
            ws.set_row(row, 24 if date else 90)
        for col, width in enumerate(REPORT_WIDTHS):
            ws.set_column(col, col, width)
        self._finish(ws)

    def _prefill(self, ws: Any, row: int, col: int, value: Any) -> None:
        from xlsxwriter.utility import xl_rowcol_to_cell

        self.prefilled[f"{ws.get_name()}!{xl_rowcol_to_cell(row, col)}"] = value

    def identity(self, ws: Any) -> None:
        """Who the file is for, and what split wrote in each cell the unit may change: merge tells
        a figure the unit left as it was from one it typed (the office may have changed the
        workbook meanwhile). Written last: every sheet's cells are known by then."""
        county = self.inputs.county
        values = (county.get("name"), county.get("province"), county.get("city"), county.get("year"), self.unit,
                  TEMPLATE_VERSION, self.day.isoformat())
        for row, (key, value) in enumerate(zip(IDENTITY_FIELDS, values)):
            ws.write_string(row, 0, key)
            ws.write(row, 1, value)
        for row, (cell, value) in enumerate(self.prefilled.items(), start=len(IDENTITY_FIELDS)):
            ws.write_string(row, 0, f"{PREFILL}{cell}")
            ws.write(row, 1, value if value not in (None, "") else None)
        ws.very_hidden()
        ws.protect("")

    @staticmethod
    def _finish(ws: Any) -> None:
        print_setup(ws, landscape=True, repeat=(1, 1))
        ws.protect("", {"format_columns": True, "format_rows": True})


def unit_file(std: Standard, inputs: WorkbookInputs, unit: str, day: dt.date) -> bytes:
    return UnitFileWriter(std, inputs, unit, day).build()


def write_unit_files(folder: Path, std: Standard, inputs: WorkbookInputs, day: dt.date) -> list[Path]:
    """Every unit's file in `folder`, under names claimed for this run (never over a file)."""
    return [write_new(folder / unit_file_name(inputs, unit, day), unit_file(std, inputs, unit, day))
            for unit in std.units]
