"""工作进度: the plan's four stages with their status on the report date, and each member
unit's monthly reports (due by the standard's report day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..engine import Stage, Standard
from ..workbook.contract import REPORT_CHOICES, SHEET_PROGRESS
from ..workbook.inputs import WorkbookInputs
from .annex import County
from .book import Book, area, cell, excel_serial, protect, ref
from .styles import print_setup

FIRST_MONTH_COL = 2
COUNT_COL = FIRST_MONTH_COL + 12
RETURN_COL = COUNT_COL + 1  # when the unit's 填报表 came back (jieshui merge writes it)
WIDTHS = [6, 18] + [7] * 12 + [9, 12]
LATE_FILL = "#F8CBAD"
NO_DATE = "请在“说明”页填写填报日期"


@dataclass(frozen=True)
class ReportCounts:
    """Per unit: the cell counting its monthly reports, and the count."""

    cells: dict[str, tuple[str, float]]
    returns: dict[str, tuple[str, Any]]  # per unit: the cell saying when its 填报表 came back, and it


def date_literal(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def stage_formula(std: Standard) -> str:
    text = '"各阶段已结束"'
    for stage in reversed(std.stages):
        text = f'IF(in_report_date<={date_literal(stage.end)},"{stage.name}",{text})'
    first = std.stages[0].start
    return (f'IF(in_report_date="","{NO_DATE}",'
            f'IF(in_report_date<{date_literal(first)},"尚未开始",{text}))')


def current_stage(std: Standard, date: Any) -> str:
    """What stage_formula computes, for the cached value."""
    if date is None:
        return NO_DATE
    if date < excel_serial(std.stages[0].start):
        return "尚未开始"
    for stage in std.stages:
        if date <= excel_serial(stage.end):
            return stage.name
    return "各阶段已结束"


def status_formula(stage: Stage) -> str:
    return (f'IF(in_report_date="","未填日期",IF(in_report_date>{date_literal(stage.end)},'
            f'"已完成",IF(in_report_date>={date_literal(stage.start)},"进行中","未开始")))')


def stage_status(stage: Stage, date: Any) -> str:
    """What status_formula computes, for the cached value."""
    if date is None:
        return "未填日期"
    if date > excel_serial(stage.end):
        return "已完成"
    return "进行中" if date >= excel_serial(stage.start) else "未开始"


def write(book: Book, std: Standard, inputs: WorkbookInputs, county: County) -> ReportCounts:
    ws, styles = book.sheets[SHEET_PROGRESS], book.styles
    book.title(ws, "复核工作进度", COUNT_COL)
    date = county.get("report_date")
    ws.write(1, 0, "填报日期", styles.bold_text)
    ws.merge_range(1, 1, 1, 2, None, styles.text)
    book.formula(ws, 1, 1, 'IF(in_report_date="","未填写",in_report_date)',
                 lambda: "未填写" if date is None else date, styles.date)
    ws.merge_range(1, 3, 1, 4, "当前阶段", styles.bold_text)
    ws.merge_range(1, 5, 1, COUNT_COL, None, styles.bold_text)
    book.formula(ws, 1, 5, stage_formula(std), lambda: current_stage(std, date), styles.bold_text)
    book.headers(ws, 2, ["序号", "阶段", "时间", "", "", "主要任务"] + [""] * 7 + ["状态", ""])
    ws.merge_range(2, 2, 2, 4, "时间", styles.header)
    ws.merge_range(2, 5, 2, 12, "主要任务", styles.header)
    ws.merge_range(2, 13, 2, 14, "状态", styles.header)
    for i, stage in enumerate(std.stages):
        row = 3 + i
        ws.write(row, 0, i + 1, styles.center)
        ws.write(row, 1, stage.name, styles.text)
        ws.merge_range(row, 2, row, 4, f"{stage.start.year}年{stage.start.month}月{stage.start.day}日至"
                                       f"{stage.end.month}月{stage.end.day}日", styles.center)
        ws.merge_range(row, 5, row, 12, stage.tasks, styles.text)
        ws.merge_range(row, 13, row, 14, None, styles.center)
        book.formula(ws, row, 13, status_formula(stage), lambda s=stage: stage_status(s, date),
                     styles.center)
        ws.set_row(row, 45)
    counts = _reports_table(book, ws, std, inputs, 4 + len(std.stages))
    book.widths(ws, WIDTHS)
    print_setup(ws, landscape=True)
    protect(ws)
    return counts


def _reports_table(book: Book, ws: Any, std: Standard, inputs: WorkbookInputs,
                   top: int) -> ReportCounts:
    styles = book.styles
    ws.merge_range(top, 0, top, RETURN_COL,
                   f"各成员单位月报报送情况（每月{std.report_day}日前报领导小组办公室；逾期未报的月份标红）", styles.group)
    book.headers(ws, top + 1, ["序号", "单位"] + [f"{m}月" for m in range(1, 13)] + ["已报月数", "填报表交回"])
    validation = {"validate": "list", "source": list(REPORT_CHOICES),
                  "input_title": "月报", "input_message": "已按时报送选“已报”，否则选“未报”。",
                  "error_title": "填报有误", "error_message": "请从下拉列表选择“已报”或“未报”。"}
    first = top + 2
    counts: dict[str, tuple[str, float]] = {}
    returns: dict[str, tuple[str, Any]] = {}
    for i, unit in enumerate(std.units):
        row = first + i
        ws.write(row, 0, i + 1, styles.center)
        ws.write(row, 1, unit, styles.text)
        months = inputs.reports.get(unit, [None] * 12)
        for m in range(12):
            book.input_cell(ws, row, FIRST_MONTH_COL + m, months[m], styles.input_center, validation)
        span = f"{cell(row, FIRST_MONTH_COL)}:{cell(row, COUNT_COL - 1)}"
        count = book.formula(ws, row, COUNT_COL, f'COUNTIF({span},"{REPORT_CHOICES[0]}")',
                             lambda ms=months: float(sum(v == REPORT_CHOICES[0] for v in ms)),
                             styles.center)
        counts[unit] = (ref(SHEET_PROGRESS, row, COUNT_COL), count)
        returned = inputs.returns.get(unit)
        book.input_cell(ws, row, RETURN_COL, returned, styles.input_center,
                        {"validate": "any", "input_title": "填报表", "input_message": "jieshui merge 汇总该单位填报表时写入日期"})
        returns[unit] = (ref(SHEET_PROGRESS, row, RETURN_COL), returned)
    last = first + len(std.units) - 1
    book.name("in_reports", area(SHEET_PROGRESS, first, FIRST_MONTH_COL, last, COUNT_COL - 1))
    book.name("in_returns", area(SHEET_PROGRESS, first, RETURN_COL, last, RETURN_COL))
    _late(book, ws, std, first, last)
    return ReportCounts(counts, returns)


def _late(book: Book, ws: Any, std: Standard, first: int, last: int) -> None:
    """A month not reported once its report day has passed, red (conditional formatting: it
    needs today's date, and a cell formula with TODAY() would recalculate on every open)."""
    late = book.xl.add_format({"bg_color": LATE_FILL, "font_color": "#9C0006"})
    top_left = cell(first, FIRST_MONTH_COL)
    month = f"(COLUMN({top_left})-{FIRST_MONTH_COL})"
    passed = (f"OR({month}<MONTH(TODAY()),AND({month}=MONTH(TODAY()),DAY(TODAY())>{std.report_day}))")
    ws.conditional_format(first, FIRST_MONTH_COL, last, COUNT_COL - 1, {
        "type": "formula", "criteria": f'=AND({passed},{top_left}<>"{REPORT_CHOICES[0]}")', "format": late})
