"""Write the annex workbook with XlsxWriter: the sheets officials know, live formulas calling the
JS_ UDFs, and for every formula cell the value it computes, so that WPS, LibreOffice and
previewers show real numbers.

Every cached value is computed by calling the very UDF (or the Python twin of the native
formula) that the cell holds, with the cell values the formula refers to.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import __version__, layout, udfs
from .cached_values import patch_workbook
from .rules import describe_rule
from .standard import Content, Standard, UTILITY_FIELDS
from .vba_project import BUTTONS
from .workbook_inputs import WorkbookInputs

SHEETS = (layout.SHEET_COVER, layout.SHEET_INPUTS, layout.SHEET_UNITS, layout.SHEET_PREREQS,
          layout.SHEET_CONTENTS, layout.SHEET_PARAMS, layout.SHEET_SUBMISSION,
          layout.SHEET_PROGRESS, layout.SHEET_CONFIG)
CODE_NAMES = {name: f"Sheet{i}" for i, name in enumerate(SHEETS, start=1)}
# Excel's own calculation engine id: a file saved with it is not recalculated on open, so the
# cached values show at once (and no UDF is called before macros are enabled).
EXCEL_CALC_ID = 191029
BUILD_TIME = dt.datetime(2025, 1, 1)
FIRST_CONTENT_ROW = 3
NUMERALS = "一二三四五六七八九十"
YELLOW = "#FFF2CC"


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def ref(sheet: str, row: int, col: int) -> str:
    return f"{quote(sheet)}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


def area(sheet: str, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return (f"{quote(sheet)}!{xl_rowcol_to_cell(first_row, first_col, True, True)}:"
            f"{xl_rowcol_to_cell(last_row, last_col, True, True)}")


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}"


def excel_serial(day: Any) -> float | None:
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        return float((day - dt.date(1899, 12, 30)).days)
    return day if isinstance(day, (int, float)) else None


def as_number(value: Any) -> Any:
    """A cell value as Excel hands it to a UDF: every number a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date):
        return excel_serial(value)
    return value


@dataclass
class FormulaCell:
    sheet: str
    row: int
    col: int
    formula: str
    value: Any
    compute: Callable[[], Any]


class Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        body = {"font_name": "仿宋", "font_size": 11, "border": 1, "valign": "vcenter",
                "text_wrap": True}
        self.book = book
        self.title = book.add_format({"font_name": "宋体", "font_size": 16, "bold": True,
                                      "align": "center", "valign": "vcenter"})
        self.subtitle = book.add_format({"font_name": "宋体", "font_size": 11, "align": "center",
                                         "valign": "vcenter"})
        self.note = book.add_format({"font_name": "宋体", "font_size": 10, "italic": True,
                                     "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.header = book.add_format({**body, "font_name": "宋体", "bold": True,
                                       "align": "center", "bg_color": "#D9E1F2"})
        self.group = book.add_format({**body, "font_name": "宋体", "bold": True,
                                      "bg_color": "#EDEDED"})
        self.text = book.add_format(body)
        self.center = book.add_format({**body, "align": "center"})
        self.points = book.add_format({**body, "align": "center", "num_format": "0.0"})
        self.percent = book.add_format({**body, "align": "center", "num_format": "0.00%"})
        self.number = book.add_format({**body, "num_format": "#,##0.00"})
        self.bold_points = book.add_format({**body, "bold": True, "align": "center",
                                            "num_format": "0.0"})
        self.bold_text = book.add_format({**body, "bold": True})
        self.plain = book.add_format({"font_name": "宋体", "font_size": 11})
        self.signature = book.add_format({"font_name": "宋体", "font_size": 12, "valign": "bottom"})
        unlocked = {**body, "locked": False, "bg_color": YELLOW}
        self.input_text = book.add_format(unlocked)
        self.input_center = book.add_format({**unlocked, "align": "center"})
        self.input_number = book.add_format({**unlocked, "num_format": "#,##0.00"})
        self.input_count = book.add_format({**unlocked, "num_format": "0"})
        self.input_percent = book.add_format({**unlocked, "num_format": "0.00%"})
        self.input_coefficient = book.add_format({**unlocked, "num_format": "0.000"})
        self.input_date = book.add_format({**unlocked, "num_format": "yyyy-mm-dd",
                                           "align": "center"})
        self.lost = book.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"})
        self.bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.good = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})


class WorkbookBuilder:
    """Builds one workbook for the given inputs; `cells` records every formula and its value."""

    def __init__(self, std: Standard, inputs: WorkbookInputs, vba_project: bytes | None = None):
        self.std = std
        self.inputs = inputs
        self.vba_project = vba_project
        self.cells: list[FormulaCell] = []
        self.values: dict[tuple[str, int, int], Any] = {}
        self.names: dict[str, str] = {}

    # -- writing helpers ------------------------------------------------------------------

    def formula(self, ws: Any, row: int, col: int, text: str, compute: Callable[[], Any],
                fmt: Any) -> Any:
        value = compute()
        if value is None or value == "":
            raise ValueError(f"{ws.name}!{xl_rowcol_to_cell(row, col)} would cache an empty value")
        ws.write_formula(row, col, "=" + text, fmt, value)
        self.cells.append(FormulaCell(ws.name, row, col, "=" + text, value, compute))
        self.values[(ws.name, row, col)] = value
        return value

    def value_at(self, sheet: str, row: int, col: int) -> Any:
        return self.values.get((sheet, row, col))

    def name(self, name: str, target: str) -> None:
        self.names[name] = target
        self.book.define_name(name, "=" + target)

    def input_cell(self, ws: Any, row: int, col: int, value: Any, fmt: Any,
                   validation: dict[str, Any] | None = None) -> None:
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
        elif value is None:
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write(row, col, value, fmt)
        if validation:
            ws.data_validation(row, col, row, col, validation)

    def title(self, ws: Any, text: str, last_col: int) -> None:
        ws.merge_range(0, 0, 0, last_col, text, self.fmt.title)
        ws.set_row(0, 32)

    def headers(self, ws: Any, row: int, names: Sequence[str]) -> None:
        ws.write_row(row, 0, names, self.fmt.header)
        ws.set_row(row, 30)

    def print_setup(self, ws: Any, landscape: bool, repeat_to: int | None) -> None:
        ws.set_paper(9)
        ws.set_landscape() if landscape else ws.set_portrait()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页")
        if repeat_to is not None:
            ws.repeat_rows(0, repeat_to)

    def protect(self, ws: Any) -> None:
        ws.protect("", {"format_columns": True, "format_rows": True})

    # -- the workbook ---------------------------------------------------------------------

    def build(self, target: Any) -> None:
        """Write the workbook to a path or a binary stream."""
        options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        self.book = xlsxwriter.Workbook(target, options)
        self.book.set_properties({"title": "县域节水型社会达标建设复核工作簿", "author": "jieshui",
                                  "company": "", "created": BUILD_TIME,
                                  "comments": f"jieshui {__version__}；模板 {layout.TEMPLATE_VERSION}；"
                                              f"评价标准 {self.std.version}"})
        self.book.calc_on_load = False
        self.book.set_calc_mode("auto", calc_id=EXCEL_CALC_ID)
        self.book.set_vba_name("ThisWorkbook")
        if self.vba_project is not None:
            self.book.add_vba_project(io.BytesIO(self.vba_project), is_stream=True)
        self.fmt = Formats(self.book)
        sheets = {name: self.book.add_worksheet(name) for name in SHEETS}
        for name, ws in sheets.items():
            ws.set_vba_name(CODE_NAMES[name])
            ws.hide_gridlines(2)
        # Order matters: a sheet's cached values use the cells of the sheets built before it.
        self.params_sheet(sheets[layout.SHEET_PARAMS])
        self.inputs_sheet(sheets[layout.SHEET_INPUTS])
        self.cover_inputs(sheets[layout.SHEET_COVER])
        self.prereqs_sheet(sheets[layout.SHEET_PREREQS])
        self.contents_sheet(sheets[layout.SHEET_CONTENTS])
        self.progress_sheet(sheets[layout.SHEET_PROGRESS])
        self.units_sheet(sheets[layout.SHEET_UNITS])
        self.submission_sheet(sheets[layout.SHEET_SUBMISSION])
        self.cover_summary(sheets[layout.SHEET_COVER])
        self.config_sheet(sheets[layout.SHEET_CONFIG])
        sheets[layout.SHEET_COVER].activate()
        self.book.close()

    # -- 评价标准 ----------------------------------------------------------------------------

    def param_row(self, content: Content) -> list[Any]:
        rule = content.rule
        points = [item.points for item in rule.items] + [None] * (layout.MAX_ITEMS - len(rule.items))
        rate = rule.is_rate
        return [content.id, content.indicator, content.title, layout.RULE_NAMES[rule.type],
                content.max_points, rule.target if rate else None, rule.step if rate else None,
                rule.deduct if rate else None,
                layout.PARTIAL_NAMES[rule.partial] if rate else None,
                layout.NA_NAMES[rule.not_applicable] if rate else None,
                rule.cap if content.is_bonus else None, *points, describe_rule(rule)]

    def params_sheet(self, ws: Any) -> None:
        f = self.fmt
        last = len(layout.PARAM_HEADERS) - 1
        self.title(ws, "评价标准（评分参数）", last)
        ws.merge_range(1, 0, 1, last, f"版本：{self.std.version}。来源：{self.std.source}。本表参数由"
                       "各评分公式直接读取；修改须依据省级发布的赋分细则，并经复核检查比对。", f.note)
        ws.set_row(1, 48)
        self.headers(ws, 2, layout.PARAM_HEADERS)
        self.param_rows: dict[int, list[Any]] = {}
        for content in self.std.contents:
            row = FIRST_CONTENT_ROW + content.id - 1
            values = self.param_row(content)
            self.param_rows[content.id] = [as_number(v) for v in values]
            for col, value in enumerate(values):
                fmt = f.percent if col in (5, 6) and value is not None else f.center
                fmt = f.text if col in (1, 2, len(values) - 1) else fmt
                ws.write(row, col, value, fmt)
        self.name("std_table", self.params_table())
        widths = [5, 12, 30, 9, 6, 8, 7, 8, 12, 9, 8, 8, 8, 8, 8, 50]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(FIRST_CONTENT_ROW, 3)
        self.print_setup(ws, landscape=True, repeat_to=2)
        self.protect(ws)

    def params_ref(self, content_id: int) -> str:
        row = FIRST_CONTENT_ROW + content_id - 1
        return area(layout.SHEET_PARAMS, row, 0, row, len(layout.PARAM_HEADERS) - 1)

    def params_table(self) -> str:
        return area(layout.SHEET_PARAMS, FIRST_CONTENT_ROW, 0,
                    FIRST_CONTENT_ROW + len(self.std.contents) - 1, len(layout.PARAM_HEADERS) - 1)

    # -- 基础数据 ----------------------------------------------------------------------------

    def input_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group title, [(input key, where it is used)]) in the order officials fill them."""
        groups: list[tuple[str, list[tuple[str, str]]]] = [("必备条件", [])]
        for prereq in self.std.prerequisites:
            groups[0][1].extend((k, prereq.id) for k in prereq.input_keys)
        by_indicator: dict[str, list[tuple[str, str]]] = {}
        for content in self.std.contents:
            keys = by_indicator.setdefault(content.indicator, [])
            keys.extend((k, f"内容 {content.id}") for k in content.input_keys if k)
        groups += [(name, keys) for name, keys in by_indicator.items() if keys]
        seen: set[str] = set()
        unique = []
        for title, keys in groups:
            fresh = [(k, use) for k, use in keys if not (k in seen or seen.add(k))]
            unique.append((title, fresh))
        return unique

    def validation_for(self, key: str) -> tuple[Any, dict[str, Any]]:
        spec = self.std.inputs[key]
        f = self.fmt
        message = {"input_title": spec.label[:32], "input_message": (
            f"{spec.definition}{'（单位：' + spec.unit + '）' if spec.unit and spec.kind != 'bool' else ''}")[:255],
            "error_title": "填报有误"}
        if spec.kind == "bool":
            return f.input_center, {**message, "validate": "list", "source": [layout.YES, layout.NO],
                                    "error_message": "请从下拉列表选择“是”或“否”。"}
        if spec.kind in ("fraction", "coefficient"):
            low = -1 if spec.allow_negative else 0
            fmt = f.input_percent if spec.kind == "fraction" else f.input_coefficient
            hint = "请按百分数填写，如 5.2%。" if spec.kind == "fraction" else "请填写 0～1 之间的小数。"
            return fmt, {**message, "validate": "decimal", "criteria": "between", "minimum": low,
                         "maximum": 1, "error_message": hint}
        if spec.kind == "count":
            return f.input_count, {**message, "validate": "integer", "criteria": ">=", "value": 0,
                                   "error_message": f"请填写不小于 0 的整数（单位：{spec.unit}）。"}
        return f.input_number, {**message, "validate": "decimal", "criteria": ">=", "value": 0,
                                "error_message": f"请填写不小于 0 的数字（单位：{spec.unit}）。"}

    def inputs_sheet(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "基础数据填报表", 7)
        ws.merge_range(1, 0, 1, 7, "黄色单元格为填报项，选中时显示定义和单位；比率按百分数填写（如 5.2%），"
                       "是/否从下拉列表选择；水量单位万m³，面积万亩，金额万元。", f.note)
        ws.set_row(1, 30)
        self.headers(ws, 2, ["序号", "类别", "填报项目", "填报值", "单位", "填报说明", "", "用于"])
        ws.merge_range(2, 5, 2, 6, "填报说明", f.header)
        self.input_ref: dict[str, str] = {}
        self.input_values: dict[str, Any] = {}
        row, number = 3, 0
        for g, (group, keys) in enumerate(self.input_groups(), start=1):
            ws.merge_range(row, 0, row, 7, f"{numeral(g)}、{group}", f.group)
            row += 1
            for key, use in keys:
                number += 1
                spec = self.std.inputs[key]
                value = self.inputs.inputs.get(key)
                fmt, validation = self.validation_for(key)
                ws.write(row, 0, number, f.center)
                ws.write(row, 1, group, f.text)
                ws.write(row, 2, spec.label, f.text)
                self.input_cell(ws, row, 3, value, fmt, validation)
                ws.write(row, 4, spec.unit if spec.kind != "fraction" else "%", f.center)
                ws.merge_range(row, 5, row, 6, spec.definition, f.text)
                ws.write(row, 7, use, f.center)
                self.name(f"in_{key}", ref(layout.SHEET_INPUTS, row, 3))
                self.input_ref[key] = f"in_{key}"
                self.input_values[key] = as_number(value)
                ws.set_row(row, 30)
                row += 1
        self.utilities_table(ws, row + 1)
        for col, width in enumerate([6, 16, 34, 14, 10, 14, 26, 10, 10, 9, 9, 9, 9, 10]):
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 0)
        self.print_setup(ws, landscape=True, repeat_to=2)
        self.protect(ws)

    def utilities_table(self, ws: Any, top: int) -> None:
        f = self.fmt
        ws.merge_range(top, 0, top, 13, "供水单位漏损数据（评价内容 17，按 CJJ 92-2016 计算；每个城镇公共供水单位填一行）",
                       f.group)
        fields = [self.std.utility_fields[k] for k in UTILITY_FIELDS]
        heads = ["序号"] + [s.label + (f"（{s.unit}）" if s.unit else "") for s in fields]
        heads += ["综合漏损率 R_WL", "修正 R1", "修正 R2", "修正 R3", "修正 R4", "漏损率 R_BL"]
        self.headers(ws, top + 1, heads)
        first = top + 2
        self.utility_values = [[as_number(v) for v in row] for row in self.inputs.utilities]
        for n in range(layout.UTILITY_ROWS):
            row = first + n
            ws.write(row, 0, n + 1, f.center)
            for c, spec in enumerate(fields):
                value = self.inputs.utilities[n][c]
                fmt = f.input_text if spec.kind == "text" else f.input_number
                validation = {"validate": "any", "input_title": spec.label[:32],
                              "input_message": spec.definition[:255]}
                if spec.kind != "text":
                    validation.update(validate="decimal", criteria="between", minimum=0,
                                      maximum=spec.max or 1e12, error_title="填报有误",
                                      error_message=f"请填写不小于 0 的数字（单位：{spec.unit}）。")
                self.input_cell(ws, row, 1 + c, value, fmt, validation)
            row_ref = area(layout.SHEET_INPUTS, row, 1, row, 7)
            values = [self.utility_values[n]]
            for k, part in enumerate(layout.LEAK_PARTS):
                self.formula(ws, row, 8 + k, f'JS_LEAK_PART({row_ref},"{part}")',
                             lambda v=values, p=part: udfs.JS_LEAK_PART(v, p), f.percent)
        self.name("in_utilities", area(layout.SHEET_INPUTS, first, 1,
                                       first + layout.UTILITY_ROWS - 1, 7))

    # -- 说明 (cover) -----------------------------------------------------------------------

    COVER_FIELDS = (("name", "县（旗、区）名称"), ("province", "所属省（自治区、直辖市）"),
                    ("city", "所属市（盟、州）"), ("year", "评价年度"), ("report_date", "填报日期"),
                    ("contact", "联系人"), ("phone", "联系电话"))

    def cover_inputs(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "县域节水型社会达标建设复核工作簿", 7)
        ws.merge_range(1, 0, 1, 7, "依据《节水型社会评价标准》（2023年修订）和县域节水型社会达标建设复核工作实施方案",
                       f.subtitle)
        ws.merge_range(3, 0, 3, 3, "基本信息", f.group)
        self.county_values: dict[str, Any] = {}
        for i, (key, label) in enumerate(self.COVER_FIELDS):
            row = 4 + i
            value = self.inputs.county.get(key)
            ws.merge_range(row, 0, row, 1, label, f.text)
            validation: dict[str, Any] = {"validate": "any", "input_title": label[:32],
                                          "input_message": f"请填写{label}。"}
            fmt = f.input_text
            if key == "year":
                fmt = f.input_center
                validation.update(validate="integer", criteria="between", minimum=2000,
                                  maximum=2100, error_title="填报有误",
                                  error_message="请填写四位年份，如 2024。")
            elif key == "report_date":
                fmt = f.input_date
                validation.update(validate="date", criteria=">=", value=dt.date(2000, 1, 1),
                                  error_title="填报有误", error_message="请填写日期，如 2025-07-20。")
            ws.merge_range(row, 2, row, 3, None, fmt)
            self.input_cell(ws, row, 2, value, fmt, validation)
            self.name(f"in_county_{key}" if key in ("name", "province", "city", "year")
                      else f"in_{key}", ref(layout.SHEET_COVER, row, 2))
            self.county_values[key] = as_number(value)
        row = 4 + len(self.COVER_FIELDS)
        for label, text, name in (("模板版本", layout.TEMPLATE_VERSION, "tpl_version"),
                                  ("评价标准版本", self.std.version, "std_version")):
            ws.merge_range(row, 0, row, 1, label, f.text)
            ws.merge_range(row, 2, row, 3, text, f.text)
            self.name(name, ref(layout.SHEET_COVER, row, 2))
            row += 1
        ws.merge_range(row, 0, row, 1, "已安装的软件（实时）", f.text)
        ws.merge_range(row, 2, row, 3, None, f.text)
        self.formula(ws, row, 2, "JS_VERSION()", lambda: udfs.JS_VERSION(), f.text)
        self.cover_row = row + 2
        for i, (caption, sub, _) in enumerate(BUTTONS):
            ws.insert_button(4 + i * 2, 5, {"macro": sub, "caption": caption, "width": 150,
                                             "height": 30, "x_offset": 10})

    def cover_summary(self, ws: Any) -> None:
        f = self.fmt
        row = self.cover_row
        ws.merge_range(row, 0, row, 3, "自评结果", f.group)
        for i, (label, name, fmt) in enumerate((("基本分", "out_base", f.bold_points),
                                               ("加分", "out_bonus", f.bold_points),
                                               ("总分", "out_total", f.bold_points),
                                               ("结论", "out_verdict", f.bold_text))):
            r = row + 1 + i
            ws.merge_range(r, 0, r, 1, label, f.text)
            ws.merge_range(r, 2, r, 3, None, fmt)
            self.formula(ws, r, 2, name, lambda n=name: self.out_values[n], fmt)
        verdict_row = row + 4
        ws.conditional_format(verdict_row, 2, verdict_row, 3, {
            "type": "cell", "criteria": "==", "value": f'"{self.std.verdicts["pass"]}"', "format": f.good})
        steps = [
            "使用步骤：",
            "1. 启用宏（文件来自邮件或网页时，先在文件“属性”中勾选“解除锁定”）；本机需安装 Python 和 jieshui（见使用说明）。",
            "2. 在本页填写基本信息，在“基础数据”页填写黄色单元格；各表的计算值、得分、总分随填随算。",
            "3. 在“附件1”“附件2”“附件3”页查看各单位责任、必备条件和各项得分，按“差距分析”查漏补缺，标注佐证材料是否提供。",
            "4. 点击“检查数据”核对问题，点击“导出报送表”生成报送文件。",
            "未启用宏时，表中显示的是上次计算的结果，修改数据不会重新计算。",
        ]
        top = verdict_row + 2
        for i, text in enumerate(steps):
            ws.merge_range(top + i, 0, top + i, 7, text, f.bold_text if i == 0 else f.plain)
        self.indicator_chart(ws, top + len(steps) + 1)
        for col, width in enumerate([10, 14, 16, 22, 4, 22, 4, 4]):
            ws.set_column(col, col, width)
        self.print_setup(ws, landscape=False, repeat_to=None)
        self.protect(ws)

    def indicator_chart(self, ws: Any, top: int) -> None:
        f = self.fmt
        sheet3 = layout.SHEET_CONTENTS
        last = FIRST_CONTENT_ROW + len(self.std.contents) - 1
        col_b = area(sheet3, FIRST_CONTENT_ROW, 1, last, 1)
        table = top + 23
        ws.merge_range(table, 0, table, 1, "评价指标", f.header)
        ws.write_row(table, 2, ["满分", "得分"], f.header)
        for i, indicator in enumerate(self.std.indicators):
            row = table + 1 + i
            ws.merge_range(row, 0, row, 1, indicator, f.text)
            for col, source in ((2, 3), (3, 7)):
                column = area(sheet3, FIRST_CONTENT_ROW, source, last, source)
                self.formula(ws, row, col, f"SUMIF({col_b},{xl_rowcol_to_cell(row, 0)},{column})",
                             lambda ind=indicator, s=source: self.indicator_sum(ind, s), f.points)
        chart = self.book.add_chart({"type": "bar"})
        n = len(self.std.indicators)
        name = quote(ws.name)
        for col, label, colour in ((2, "满分", "#BFBFBF"), (3, "得分", "#2F75B5")):
            chart.add_series({"name": label,
                              "categories": f"={name}!$A${table + 2}:$A${table + n + 1}",
                              "values": f"={name}!${xl_col_to_name(col)}${table + 2}:${xl_col_to_name(col)}${table + n + 1}",
                              "fill": {"color": colour}, "gap": 60})
        chart.set_title({"name": "各指标得分与满分", "name_font": {"name": "宋体", "size": 12}})
        chart.set_x_axis({"num_font": {"name": "宋体", "size": 9}, "min": 0})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 9}})
        chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
        chart.set_size({"width": 700, "height": 430})
        ws.insert_chart(top, 0, chart)

    def indicator_sum(self, indicator: str, source_col: int) -> float:
        total = 0.0
        for content in self.std.contents:
            if content.indicator == indicator:
                value = self.value_at(layout.SHEET_CONTENTS, FIRST_CONTENT_ROW + content.id - 1,
                                      source_col)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    total += value
        return total

    # -- 附件2 必备条件 ----------------------------------------------------------------------

    def prereqs_sheet(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "附件2  县域节水型社会达标建设评估工作必备条件指标", 8)
        self.county_line(ws, 8)
        self.headers(ws, 2, ["序号", "必备条件", "判定依据", "填报数据", "是否满足", "牵头单位",
                             "配合单位", "佐证材料", "佐证状态"])
        self.prereq_values: list[Any] = []
        for i, prereq in enumerate(self.std.prerequisites):
            row = FIRST_CONTENT_ROW + i
            ws.write(row, 0, prereq.id, f.center)
            ws.write(row, 1, prereq.title, f.text)
            ws.write(row, 2, "；".join(c.label for c in prereq.conditions), f.text)
            ws.write(row, 3, "、".join(self.std.inputs[k].label for k in dict.fromkeys(prereq.input_keys)),
                     f.text)
            args = [self.input_ref[k] for k in prereq.input_keys]
            values = [self.input_values[k] for k in prereq.input_keys]
            value = self.formula(ws, row, 4, f'JS_PREREQ("{prereq.id}",{",".join(args)})',
                                 lambda p=prereq.id, v=values: udfs.JS_PREREQ(p, *v), f.center)
            self.prereq_values.append(value)
            self.responsibility(ws, row, 5, prereq, self.inputs.prereq_evidence.get(prereq.id))
            ws.set_row(row, 48)
        last = FIRST_CONTENT_ROW + len(self.std.prerequisites) - 1
        self.name("in_prereq_evidence", area(ws.name, FIRST_CONTENT_ROW, 8, last, 8))
        self.prereq_area = area(ws.name, FIRST_CONTENT_ROW, 4, last, 4)
        self.name("out_prereqs", self.prereq_area)
        ws.conditional_format(FIRST_CONTENT_ROW, 4, last, 4, {
            "type": "cell", "criteria": "==", "value": f'"{layout.UNMET}"', "format": f.bad})
        for col, width in enumerate([6, 36, 30, 28, 10, 10, 12, 28, 9]):
            ws.set_column(col, col, width)
        ws.freeze_panes(FIRST_CONTENT_ROW, 2)
        self.print_setup(ws, landscape=True, repeat_to=2)
        self.protect(ws)

    def responsibility(self, ws: Any, row: int, col: int, item: Any, evidence: Any) -> None:
        """Lead unit, co-op units, evidence list and the evidence status input, from `col` on."""
        ws.write(row, col, item.lead, self.fmt.center)
        ws.write(row, col + 1, "、".join(item.coop), self.fmt.center)
        ws.write(row, col + 2, "、".join(item.evidence), self.fmt.text)
        self.evidence_cell(ws, row, col + 3, evidence)

    def evidence_cell(self, ws: Any, row: int, col: int, value: Any) -> None:
        self.input_cell(ws, row, col, value, self.fmt.input_center, {
            "validate": "list", "source": list(layout.EVIDENCE_CHOICES),
            "input_title": "佐证材料", "input_message": "佐证材料已整理归档选“提供”，否则选“缺”。",
            "error_title": "填报有误", "error_message": "请从下拉列表选择“提供”或“缺”。"})

    def county_line(self, ws: Any, last_col: int) -> None:
        text = 'IF(in_county_name="","（请在“说明”页填写县名）",in_county_province&in_county_city&in_county_name)'
        ws.merge_range(1, 0, 1, last_col, None, self.fmt.subtitle)
        self.formula(ws, 1, 0, text, self.county_title, self.fmt.subtitle)

    def county_title(self) -> str:
        c = self.county_values
        if not c.get("name"):
            return "（请在“说明”页填写县名）"
        return "".join(str(c.get(k) or "") for k in ("province", "city", "name"))

    # -- 附件3 技术评估指标 -------------------------------------------------------------------

    def content_args(self, content: Content) -> tuple[str, list[Any], str, list[Any]]:
        """(value formula, its value's arguments, the extra argument text, their values)."""
        if content.measure == "ratio":
            keys = [content.numerator or "", content.denominator or ""]
            refs = ",".join(self.input_ref[k] for k in keys)
            values = [self.input_values[k] for k in keys]
            return f"JS_RATE({refs},{content.id})", values, refs, values
        if content.measure == "leakage":
            return "JS_LEAK_RATE(in_utilities)", [], "in_utilities", [self.utility_values]
        keys = list(content.input_keys)
        return "", [], ",".join(self.input_ref[k] for k in keys), [self.input_values[k] for k in keys]

    def contents_sheet(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "附件3  县域节水型社会达标建设评估工作技术评估指标责任分工表（按评估指标）", 13)
        self.county_line(ws, 13)
        self.headers(ws, 2, ["序号", "评价指标", "评价内容", "标准分", "评分规则", "目标值", "计算值",
                             "得分", "失分", "差距分析", "牵头单位", "配合单位", "佐证材料", "佐证状态"])
        points: list[Any] = []
        for content in self.std.contents:
            row = FIRST_CONTENT_ROW + content.id - 1
            params = self.params_ref(content.id)
            prow = [self.param_rows[content.id]]
            ws.write(row, 0, content.id, f.center)
            ws.write(row, 1, content.indicator, f.text)
            ws.write(row, 2, content.title, f.text)
            max_points = self.formula(ws, row, 3, ref(layout.SHEET_PARAMS, row, 4),
                                      lambda r=prow: r[0][4], f.points)
            ws.write(row, 4, describe_rule(content.rule), f.text)
            ws.write(row, 5, self.target_text(content), f.center)
            value_formula, value_args, extra, extra_values = self.content_args(content)
            value_cell = xl_rowcol_to_cell(row, 6)
            if value_formula:
                kind = "JS_LEAK_RATE" if content.measure == "leakage" else "JS_RATE"
                value = self.formula(
                    ws, row, 6, value_formula,
                    (lambda: udfs.JS_LEAK_RATE(self.utility_values)) if kind == "JS_LEAK_RATE"
                    else (lambda v=value_args, c=content.id: udfs.JS_RATE(*v, float(c))), f.percent)
                value_text = value_cell
            else:
                ws.write(row, 6, "—", f.center)
                self.values[(ws.name, row, 6)] = "—"
                value, value_text = None, '""'
            args = f"{params},{value_text}" + (f",{extra}" if extra else "")
            point = self.formula(ws, row, 7, f"JS_SCORE({args})",
                                 lambda p=prow, v=value, e=extra_values: udfs.JS_SCORE(p, v, *e),
                                 f.points)
            points.append(point)
            self.formula(ws, row, 8, f'IF(ISNUMBER(H{row + 1}),D{row + 1}-H{row + 1},"{layout.BLANK}")',
                         lambda m=max_points, p=point: m - p if isinstance(p, (int, float)) else layout.BLANK,
                         f.points)
            self.formula(ws, row, 9, f"JS_GAP({args})",
                         lambda p=prow, v=value, e=extra_values: udfs.JS_GAP(p, v, *e), f.text)
            self.responsibility(ws, row, 10, content, self.inputs.evidence.get(content.id))
            ws.set_row(row, 66)
        last = FIRST_CONTENT_ROW + len(self.std.contents) - 1
        self.name("out_points", area(ws.name, FIRST_CONTENT_ROW, 7, last, 7))
        self.name("in_evidence", area(ws.name, FIRST_CONTENT_ROW, 13, last, 13))
        self.totals(ws, last + 1, points)
        ws.conditional_format(FIRST_CONTENT_ROW, 8, last, 8, {
            "type": "cell", "criteria": ">", "value": 0, "format": f.lost})
        ws.conditional_format(FIRST_CONTENT_ROW, 7, last, 7, {
            "type": "text", "criteria": "begins with", "value": layout.MISSING, "format": f.bad})
        for col, width in enumerate([5, 11, 26, 7, 40, 8, 10, 7, 7, 32, 10, 14, 22, 8]):
            ws.set_column(col, col, width)
        ws.freeze_panes(FIRST_CONTENT_ROW, 3)
        self.print_setup(ws, landscape=True, repeat_to=2)
        self.protect(ws)

    def target_text(self, content: Content) -> str:
        rule = content.rule
        if not rule.is_rate:
            return "—"
        sign = "≥" if rule.type == "higher_better" else "≤"
        return f"{sign}{round(rule.target * 100, 6):g}%"

    def totals(self, ws: Any, top: int, points: list[Any]) -> None:
        f = self.fmt
        table = self.params_table()
        out = area(ws.name, FIRST_CONTENT_ROW, 7, top - 1, 7)
        table_values = [self.param_rows[c.id] for c in self.std.contents]
        point_values = [[p] for p in points]
        self.out_values: dict[str, Any] = {}
        for i, part in enumerate(("基本分", "加分", "总分")):
            row = top + i
            ws.merge_range(row, 0, row, 6, part, f.bold_text)
            name = ("out_base", "out_bonus", "out_total")[i]
            self.out_values[name] = self.formula(
                ws, row, 7, f'JS_TOTAL({out},{table},"{part}")',
                lambda pt=part: udfs.JS_TOTAL(point_values, table_values, pt), f.bold_points)
            self.name(name, ref(ws.name, row, 7))
        row = top + 3
        ws.merge_range(row, 0, row, 6, "结论", f.bold_text)
        ws.merge_range(row, 7, row, 13, None, f.bold_text)
        total_ref = ref(ws.name, top + 2, 7)
        prereqs = [[v] for v in self.prereq_values]
        self.out_values["out_verdict"] = self.formula(
            ws, row, 7, f"JS_VERDICT({total_ref},{self.prereq_area})",
            lambda: udfs.JS_VERDICT(self.out_values["out_total"], prereqs), f.bold_text)
        self.name("out_verdict", ref(ws.name, row, 7))

    # -- 工作进度 ---------------------------------------------------------------------------

    def progress_sheet(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "复核工作进度", 14)
        date = self.county_values.get("report_date")
        ws.write(1, 0, "填报日期", f.bold_text)
        ws.merge_range(1, 1, 1, 2, None, f.text)
        self.formula(ws, 1, 1, 'IF(in_report_date="","未填写",in_report_date)',
                     lambda: "未填写" if date is None else date,
                     self.book.add_format({"num_format": "yyyy-mm-dd", "font_name": "仿宋",
                                           "border": 1, "align": "center"}))
        ws.merge_range(1, 3, 1, 4, "当前阶段", f.bold_text)
        ws.merge_range(1, 5, 1, 14, None, f.bold_text)
        self.formula(ws, 1, 5, self.stage_formula(), lambda: self.current_stage(date), f.bold_text)
        self.headers(ws, 2, ["序号", "阶段", "时间", "", "", "主要任务"] + [""] * 7 + ["状态", ""])
        ws.merge_range(2, 2, 2, 4, "时间", f.header)
        ws.merge_range(2, 5, 2, 12, "主要任务", f.header)
        ws.merge_range(2, 13, 2, 14, "状态", f.header)
        for i, stage in enumerate(self.std.stages):
            row = 3 + i
            ws.write(row, 0, i + 1, f.center)
            ws.write(row, 1, stage.name, f.text)
            ws.merge_range(row, 2, row, 4, f"{stage.start.year}年{stage.start.month}月{stage.start.day}日至"
                                           f"{stage.end.month}月{stage.end.day}日", f.center)
            ws.merge_range(row, 5, row, 12, stage.tasks, f.text)
            ws.merge_range(row, 13, row, 14, None, f.center)
            self.formula(ws, row, 13, self.status_formula(stage),
                         lambda s=stage: self.stage_status(s, date), f.center)
            ws.set_row(row, 45)
        self.reports_table(ws, 4 + len(self.std.stages))
        for col, width in enumerate([6, 18] + [7] * 12 + [9]):
            ws.set_column(col, col, width)
        self.print_setup(ws, landscape=True, repeat_to=None)
        self.protect(ws)

    @staticmethod
    def date_literal(day: dt.date) -> str:
        return f"DATE({day.year},{day.month},{day.day})"

    def stage_formula(self) -> str:
        text = '"各阶段已结束"'
        for stage in reversed(self.std.stages):
            text = f'IF(in_report_date<={self.date_literal(stage.end)},"{stage.name}",{text})'
        first = self.std.stages[0].start
        return (f'IF(in_report_date="","请在“说明”页填写填报日期",'
                f'IF(in_report_date<{self.date_literal(first)},"尚未开始",{text}))')

    def current_stage(self, date: Any) -> str:
        if date is None:
            return "请在“说明”页填写填报日期"
        if date < excel_serial(self.std.stages[0].start):
            return "尚未开始"
        for stage in self.std.stages:
            if date <= excel_serial(stage.end):
                return stage.name
        return "各阶段已结束"

    def status_formula(self, stage: Any) -> str:
        return (f'IF(in_report_date="","未填日期",IF(in_report_date>{self.date_literal(stage.end)},'
                f'"已完成",IF(in_report_date>={self.date_literal(stage.start)},"进行中","未开始")))')

    def stage_status(self, stage: Any, date: Any) -> str:
        if date is None:
            return "未填日期"
        if date > excel_serial(stage.end):
            return "已完成"
        return "进行中" if date >= excel_serial(stage.start) else "未开始"

    def reports_table(self, ws: Any, top: int) -> None:
        f = self.fmt
        ws.merge_range(top, 0, top, 14, f"各成员单位月报报送情况（每月{self.std.report_day}日前报领导小组办公室）",
                       f.group)
        self.headers(ws, top + 1, ["序号", "单位"] + [f"{m}月" for m in range(1, 13)] + ["已报月数"])
        self.report_counts: dict[str, tuple[str, int]] = {}
        validation = {"validate": "list", "source": list(layout.REPORT_CHOICES),
                      "input_title": "月报", "input_message": "已按时报送选“已报”，否则选“未报”。",
                      "error_title": "填报有误", "error_message": "请从下拉列表选择“已报”或“未报”。"}
        first = top + 2
        for i, unit in enumerate(self.std.units):
            row = first + i
            ws.write(row, 0, i + 1, f.center)
            ws.write(row, 1, unit, f.text)
            months = self.inputs.reports.get(unit, [None] * 12)
            for m in range(12):
                self.input_cell(ws, row, 2 + m, months[m], f.input_center, validation)
            span = f"C{row + 1}:N{row + 1}"
            count = self.formula(ws, row, 14, f'COUNTIF({span},"{layout.REPORT_CHOICES[0]}")',
                                 lambda ms=months: float(sum(v == layout.REPORT_CHOICES[0] for v in ms)),
                                 f.center)
            self.report_counts[unit] = (ref(ws.name, row, 14), count)
        self.name("in_reports", area(ws.name, first, 2, first + len(self.std.units) - 1, 13))

    # -- 附件1 责任分工 ----------------------------------------------------------------------

    def units_sheet(self, ws: Any) -> None:
        f = self.fmt
        self.title(ws, "附件1  县域节水型社会达标建设评估各单位责任分工表（按单位）", 7)
        self.county_line(ws, 7)
        self.headers(ws, 2, ["序号", "类别", "评价内容 / 必备条件", "职责", "标准分", "得分",
                             "佐证材料", "佐证状态"])
        row = 3
        for u, unit in enumerate(self.std.units, start=1):
            items = self.unit_items(unit)
            lead_count = sum(1 for *_, role in items if role == "牵头")
            ws.merge_range(row, 0, row, 7, f"{numeral(u)}、{unit}（牵头 {lead_count} 项，配合 "
                                           f"{len(items) - lead_count} 项）", f.group)
            row += 1
            first, lead_rows = row, []
            for n, (kind, item, role) in enumerate(items, start=1):
                self.unit_row(ws, row, n, kind, item, role)
                if role == "牵头" and kind == "content":
                    lead_rows.append(row)
                row += 1
            self.unit_subtotal(ws, row, unit, first, row - 1, lead_rows)
            row += 2
        for col, width in enumerate([6, 10, 40, 7, 8, 8, 30, 10]):
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 0)
        self.print_setup(ws, landscape=False, repeat_to=2)
        self.protect(ws)

    def unit_items(self, unit: str) -> list[tuple[str, Any, str]]:
        items: list[tuple[str, Any, str]] = []
        for prereq in self.std.prerequisites:
            if unit in (prereq.lead, *prereq.coop):
                items.append(("prereq", prereq, "牵头" if prereq.lead == unit else "配合"))
        for content in self.std.contents:
            if unit in (content.lead, *content.coop):
                items.append(("content", content, "牵头" if content.lead == unit else "配合"))
        return items

    def unit_row(self, ws: Any, row: int, n: int, kind: str, item: Any, role: str) -> None:
        f = self.fmt
        ws.write(row, 0, n, f.center)
        ws.write(row, 3, role, f.center)
        ws.write(row, 6, "、".join(item.evidence), f.text)
        if kind == "prereq":
            source_row = FIRST_CONTENT_ROW + [p.id for p in self.std.prerequisites].index(item.id)
            ws.write(row, 1, "必备条件", f.center)
            ws.write(row, 2, f"{item.id} {item.title}", f.text)
            ws.write(row, 4, "—", f.center)
            sheet, columns = layout.SHEET_PREREQS, ((5, 4), (7, 8))
        else:
            source_row = FIRST_CONTENT_ROW + item.id - 1
            ws.write(row, 1, f"内容 {item.id}", f.center)
            ws.write(row, 2, f"{item.indicator}：{item.title}", f.text)
            sheet, columns = layout.SHEET_CONTENTS, ((4, 3), (5, 7), (7, 13))
        for col, source_col in columns:
            source = ref(sheet, source_row, source_col)
            if col == 7:
                value = (self.inputs.prereq_evidence.get(item.id) if kind == "prereq"
                         else self.inputs.evidence.get(item.id))
                self.formula(ws, row, col, f'IF({source}="","未标注",{source})',
                             lambda v=value: "未标注" if v is None else v, f.center)
            else:
                self.formula(ws, row, col, source,
                             lambda s=sheet, r=source_row, c=source_col: self.value_at(s, r, c),
                             f.points)
        ws.set_row(row, 30)

    def unit_subtotal(self, ws: Any, row: int, unit: str, first: int, last: int,
                      lead_rows: list[int]) -> None:
        f = self.fmt
        ws.write(row, 0, "", f.text)
        ws.merge_range(row, 1, row, 3, "牵头内容小计", f.bold_text)
        cells_e = ",".join(f"E{r + 1}" for r in lead_rows)
        cells_f = ",".join(f"F{r + 1}" for r in lead_rows)
        max_values = [self.values[(ws.name, r, 4)] for r in lead_rows]
        got_values = [self.values[(ws.name, r, 5)] for r in lead_rows]
        if lead_rows:
            self.formula(ws, row, 4, f"SUM({cells_e})", lambda: float(sum(max_values)), f.bold_points)
            complete = all(isinstance(v, (int, float)) for v in got_values)
            self.formula(ws, row, 5, f'IF(COUNT({cells_f})={len(lead_rows)},SUM({cells_f}),"数据不完整")',
                         lambda: float(sum(got_values)) if complete else "数据不完整", f.bold_points)
        else:
            ws.write(row, 4, "—", f.center)
            ws.write(row, 5, "—", f.center)
        span = f"H{first + 1}:H{last + 1}"
        provided = [self.values[(ws.name, r, 7)] for r in range(first, last + 1)]
        self.formula(ws, row, 6, f'"佐证已提供 "&COUNTIF({span},"{layout.EVIDENCE_CHOICES[0]}")&" / {last - first + 1} 项"',
                     lambda: f"佐证已提供 {sum(v == layout.EVIDENCE_CHOICES[0] for v in provided)} / "
                             f"{last - first + 1} 项", f.text)
        count_ref, count = self.report_counts[unit]
        self.formula(ws, row, 7, f'"月报 "&{count_ref}&" 次"', lambda: f"月报 {count:g} 次", f.center)

    # -- 报送表 -----------------------------------------------------------------------------

    SUBMISSION_FIRST_ROW = 4

    def submission_sheet(self, ws: Any) -> None:
        f = self.fmt
        title = 'IF(in_county_name="","（县名）",in_county_name)&"县域节水型社会达标建设复核自评赋分表"'
        ws.merge_range(0, 0, 0, 5, None, f.title)
        ws.set_row(0, 32)
        name = self.county_values.get("name")
        self.formula(ws, 0, 0, title, lambda: f"{name or '（县名）'}县域节水型社会达标建设复核自评赋分表",
                     f.title)
        self.submission_info(ws)
        first = self.SUBMISSION_FIRST_ROW
        self.headers(ws, first - 1, ["序号", "评价指标", "评价内容", "标准分", "自评得分", "计算值"])
        sheet3 = layout.SHEET_CONTENTS
        for content in self.std.contents:
            row, source = first + content.id - 1, FIRST_CONTENT_ROW + content.id - 1
            ws.write(row, 0, content.id, f.center)
            ws.write(row, 1, content.indicator, f.text)
            ws.write(row, 2, content.title, f.text)
            for col, source_col, fmt in ((3, 3, f.points), (4, 7, f.points), (5, 6, f.percent)):
                self.formula(ws, row, col, ref(sheet3, source, source_col),
                             lambda r=source, c=source_col: self.value_at(sheet3, r, c), fmt)
        row = first + len(self.std.contents)
        for i, prereq in enumerate(self.std.prerequisites):
            ws.write(row, 0, prereq.id, f.center)
            ws.write(row, 1, "必备条件", f.text)
            ws.write(row, 2, prereq.title, f.text)
            ws.write(row, 3, "—", f.center)
            self.formula(ws, row, 4, ref(layout.SHEET_PREREQS, FIRST_CONTENT_ROW + i, 4),
                         lambda v=self.prereq_values[i]: v, f.center)
            ws.write(row, 5, "", f.center)
            ws.set_row(row, 30)
            row += 1
        for label, name_ in (("基本分", "out_base"), ("加分", "out_bonus"), ("总分", "out_total"),
                             ("结论", "out_verdict")):
            ws.merge_range(row, 0, row, 3, label, f.bold_text)
            fmt = f.bold_text if name_ == "out_verdict" else f.bold_points
            ws.merge_range(row, 4, row, 5, None, fmt)
            self.formula(ws, row, 4, name_, lambda n=name_: self.out_values[n], fmt)
            row += 1
        row += 1
        for col, text in ((0, "填报人："), (2, "审核人："), (3, "单位（盖章）："), (5, "日期：")):
            ws.write(row, col, text, f.signature)
        ws.set_row(row, 36)
        for col, width in enumerate([7, 16, 62, 9, 11, 12]):
            ws.set_column(col, col, width)
        self.print_setup(ws, landscape=True, repeat_to=first - 1)
        ws.fit_to_pages(1, 1)
        ws.print_area(0, 0, row, 5)
        self.protect(ws)

    def submission_info(self, ws: Any) -> None:
        info = self.fmt.book.add_format({"font_name": "宋体", "font_size": 11})
        date_fmt = self.fmt.book.add_format({"font_name": "宋体", "font_size": 11,
                                             "num_format": "yyyy-mm-dd", "align": "left"})
        c = self.county_values
        ws.write(1, 0, "填报单位：", info)
        ws.merge_range(1, 1, 1, 2, None, info)
        self.formula(ws, 1, 1, f'IF(in_county_name="","{layout.BLANK}",in_county_province&in_county_city&in_county_name)',
                     lambda: self.county_title() if c.get("name") else layout.BLANK, info)
        ws.write(1, 3, "评价年度：", info)
        self.formula(ws, 1, 4, f'IF(in_county_year="","{layout.BLANK}",in_county_year)',
                     lambda: layout.BLANK if c.get("year") is None else c["year"], info)
        ws.write(2, 3, "填报日期：", info)
        ws.merge_range(2, 4, 2, 5, None, date_fmt)
        self.formula(ws, 2, 4, f'IF(in_report_date="","{layout.BLANK}",in_report_date)',
                     lambda: layout.BLANK if c.get("report_date") is None else c["report_date"], date_fmt)
        ws.write(2, 0, "联系人：", info)
        ws.merge_range(2, 1, 2, 2, None, info)
        self.formula(ws, 2, 1, f'IF(in_contact="","{layout.BLANK}",in_contact&"  "&in_phone)',
                     lambda: layout.BLANK if not c.get("contact") else f"{c['contact']}  {c.get('phone') or ''}",
                     info)

    # -- xlwings.conf ---------------------------------------------------------------------

    def config_sheet(self, ws: Any) -> None:
        # No interpreter row: an entry here, even a blank one, would hide the per-user setting
        # in %USERPROFILE%\.xlwings\xlwings.conf (xlwings reads the sheet first and stops there).
        rows = (("UDF Modules", "jieshui.udfs"),
                ("Use UDF Server", False), ("Show Console", False), ("Debug UDFs", False),
                ("ADD_WORKBOOK_TO_PYTHONPATH", False))
        for row, (key, value) in enumerate(rows):
            ws.write(row, 0, key)
            ws.write(row, 1, value)
        ws.set_column(0, 0, 30)
        ws.hide()


def build_workbook(std: Standard, inputs: WorkbookInputs,
                   vba_project: bytes | None) -> tuple[bytes, list[FormulaCell], dict[str, str]]:
    """The workbook's bytes, every formula cell with its cached value, and the defined names."""
    stream = io.BytesIO()
    builder = WorkbookBuilder(std, inputs, vba_project)
    builder.build(stream)
    return patch_workbook(stream.getvalue(), cached_map(builder.cells)), builder.cells, builder.names


def formula_cells(std: Standard, inputs: WorkbookInputs) -> list[FormulaCell]:
    """Every formula cell the template holds for these inputs, with the value it computes."""
    builder = WorkbookBuilder(std, inputs, None)
    builder.build(io.BytesIO())
    return builder.cells


def cached_map(cells: list[FormulaCell]) -> dict[str, dict[str, Any]]:
    """{sheet: {cell: cached value}} for every formula cell."""
    result: dict[str, dict[str, Any]] = {}
    for cell in cells:
        result.setdefault(cell.sheet, {})[xl_rowcol_to_cell(cell.row, cell.col)] = cell.value
    return result
