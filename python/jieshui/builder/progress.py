"""工作进度: the plan's four stages with their status on the report date, and each member
unit's monthly reports (due by the standard's report day).

The standard dates its stages in one year (the plan the defaults come from reviews 2024 in 2025).
A workbook moves them to its own 工作年度: the year of its 填报日期, or the year after its
评价年度 (a year's figures are reviewed the next year), so next year's workbook (jieshui carry)
shows next year's plan and an old workbook is judged in its own year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..engine import Stage, Standard
from ..workbook.contract import REPORT_CHOICES, SHEET_PROGRESS
from ..workbook.inputs import WorkbookInputs
from .annex import County
from .book import Book, area, cell, protect, ref
from .native import X, call, cases, cell as cell_x, evaluate, if_, lift, named
from ..workbook.styles import print_scaled, printed_height

FIRST_MONTH_COL = 2
COUNT_COL = FIRST_MONTH_COL + 12
RETURN_COL = COUNT_COL + 1  # when the unit's 填报表 came back (jieshui merge writes it)
WIDTHS = [6, 18] + [7] * 12 + [9, 12]
LATE_FILL = "#F8CBAD"
NO_DATE = "请在“说明”页填写填报日期"
NO_YEAR = "未填年度"
YEAR_CELL = (1, 5)  # 工作年度, which the stage dates and the overdue months follow


@dataclass(frozen=True)
class ReportCounts:
    """Per unit: the cell counting its monthly reports, and the count."""

    cells: dict[str, tuple[str, float]]
    returns: dict[str, tuple[str, Any]]  # per unit: the cell saying when its 填报表 came back, and it


def plan_year(std: Standard) -> int:
    """The year the standard's stages are dated in."""
    return std.stages[0].start.year if std.stages else dt.date.today().year


def work_year(county_year: Any, report_date: Any) -> int | None:
    """工作年度 as the sheet computes it: the 填报日期's year, else the 评价年度's next year."""
    if isinstance(report_date, dt.date):
        return report_date.year
    if isinstance(county_year, (int, float)) and not isinstance(county_year, bool):
        return int(county_year) + 1
    return None


def moved(day: dt.date, years: int) -> dt.date:
    """`day` in another year (29 February becomes the 28th where there is none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def stages_in(std: Standard, year: int | None) -> tuple[Stage, ...]:
    """The plan's stages moved to a 工作年度 (the standard's own dates when there is none)."""
    if year is None:
        return std.stages
    shift = year - plan_year(std)
    return tuple(Stage(s.name, moved(s.start, shift), moved(s.end, shift), s.tasks) for s in std.stages)


def stage_months(std: Standard) -> list[int]:
    """The months (1-12) of the plan's year that some stage covers: only they can be overdue."""
    year = plan_year(std)
    return [m for m in range(1, 13)
            if any(s.start <= dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
                   and s.end >= dt.date(year, m, 1) for s in std.stages)]


@dataclass(frozen=True)
class Dates:
    """The sheet's dates as expressions: 工作年度 from the cover, the stages moved to it."""

    std: Standard
    county: County
    value_at: Any  # the book's value_at, for the 工作年度 cell

    @property
    def report(self) -> X:
        return named("in_report_date", lambda: self.county.get("report_date"))

    def work_year(self) -> X:
        """The 工作年度 cell's formula."""
        typed = named("in_county_year", lambda: self.county.get("year"))
        return cases([(call("ISNUMBER", self.report), call("YEAR", self.report)),
                      (call("ISNUMBER", typed), call("INT", typed) + 1)], NO_YEAR)

    @property
    def year(self) -> X:
        """The 工作年度, or the standard's own year while the cover gives none."""
        work = cell_x(SHEET_PROGRESS, *YEAR_CELL, self.value_at)
        return if_(call("ISNUMBER", work), work, plan_year(self.std))

    def year_of(self, day: dt.date) -> X:
        """The year `day` falls in when the plan is moved to the 工作年度."""
        shift = day.year - plan_year(self.std)
        return self.year + shift if shift else self.year

    def day(self, day: dt.date) -> X:
        return call("DATE", self.year_of(day), day.month, day.day)

    def span(self, stage: Stage) -> X:
        """2025年2月1日至2月28日, in the 工作年度."""
        text = self.year_of(stage.start) & f"年{stage.start.month}月{stage.start.day}日至"
        if stage.end.year != stage.start.year:
            text = text & self.year_of(stage.end) & "年"
        return text & f"{stage.end.month}月{stage.end.day}日"

    def stage(self) -> X:
        """当前阶段 on the report date."""
        report, text = self.report, lift("各阶段已结束")
        for stage in reversed(self.std.stages):
            text = if_(report.le(self.day(stage.end)), stage.name, text)
        first = [(report.lt(self.day(self.std.stages[0].start)), "尚未开始")] if self.std.stages else []
        return cases([(report.eq(""), NO_DATE), *first], text)

    def status(self, stage: Stage) -> X:
        report = self.report
        return cases([(report.eq(""), "未填日期"), (report.gt(self.day(stage.end)), "已完成"),
                      (report.ge(self.day(stage.start)), "进行中")], "未开始")


def write(book: Book, std: Standard, inputs: WorkbookInputs, county: County) -> ReportCounts:
    ws, styles = book.sheets[SHEET_PROGRESS], book.styles
    book.title(ws, "复核工作进度", COUNT_COL)
    date, dates = county.get("report_date"), Dates(std, county, book.value_at)
    ws.write(1, 0, "填报日期", styles.bold_text)
    ws.merge_range(1, 1, 1, 2, None, styles.text)
    book.formula(ws, 1, 1, 'IF(in_report_date="","未填写",in_report_date)',
                 lambda: "未填写" if date is None else date, styles.date)
    for label, col, last, expression, fmt in (("工作年度", 3, 6, dates.work_year(), styles.center),
                                              ("当前阶段", 7, COUNT_COL, None, styles.bold_text)):
        ws.merge_range(1, col, 1, col + 1, label, styles.bold_text)
        ws.merge_range(1, col + 2, 1, last, None, fmt)
        _formula(book, ws, 1, col + 2, expression or dates.stage(), fmt)
    shown = [book.value_at(ws.name, 1, c) for c in (1, 5, 9)]
    # two lines at least: LibreOffice sizes a merged cell's text by its first column
    ws.set_row(1, printed_height([(shown[0], sum(WIDTHS[1:3])), (shown[1], sum(WIDTHS[5:7])),
                                  (shown[2], sum(WIDTHS[9:COUNT_COL + 1]))], 36))
    book.headers(ws, 2, ["序号", "阶段", "时间", "", "", "主要任务"] + [""] * 7 + ["状态", ""])
    ws.merge_range(2, 2, 2, 4, "时间", styles.header)
    ws.merge_range(2, 5, 2, 12, "主要任务", styles.header)
    ws.merge_range(2, 13, 2, 14, "状态", styles.header)
    for i, stage in enumerate(std.stages):
        row = 3 + i
        ws.write(row, 0, i + 1, styles.center)
        ws.write(row, 1, stage.name, styles.text)
        ws.merge_range(row, 2, row, 4, None, styles.center)
        _formula(book, ws, row, 2, dates.span(stage), styles.center)
        ws.merge_range(row, 5, row, 12, stage.tasks, styles.text)
        ws.merge_range(row, 13, row, 14, None, styles.center)
        _formula(book, ws, row, 13, dates.status(stage), styles.center)
        ws.set_row(row, printed_height([(stage.name, WIDTHS[1]), (book.value_at(ws.name, row, 2), sum(WIDTHS[2:5])),
                                        (stage.tasks, sum(WIDTHS[5:13]))], 45))
    counts = _reports_table(book, ws, std, inputs, 4 + len(std.stages))
    book.widths(ws, WIDTHS)
    print_scaled(ws, landscape=True, widths=WIDTHS)
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
                        {"validate": "any", "input_title": "填报表", "input_message": "点“汇总填报表”汇总该单位交回的填报表时自动写入日期，无须手填。"})
        returns[unit] = (ref(SHEET_PROGRESS, row, RETURN_COL), returned)
    last = first + len(std.units) - 1
    book.name("in_reports", area(SHEET_PROGRESS, first, FIRST_MONTH_COL, last, COUNT_COL - 1))
    book.name("in_returns", area(SHEET_PROGRESS, first, RETURN_COL, last, RETURN_COL))
    _late(book, ws, std, first, last)
    return ReportCounts(counts, returns)


def _formula(book: Book, ws: Any, row: int, col: int, expression: X, fmt: Any) -> None:
    book.formula(ws, row, col, expression.text, lambda: evaluate(expression), fmt)


def _late(book: Book, ws: Any, std: Standard, first: int, last: int) -> None:
    """A month red once its report day has passed with no report, judged in the 工作年度 and
    only for the months the plan's stages cover: a 2025 workbook opened in 2026 shows its own
    overdue months, and January of a plan that starts in February is never red. Conditional
    formatting, because it needs today's date: a cell formula with TODAY() would recalculate
    on every open. No 工作年度 (no date or year on the cover), no red month."""
    late = book.xl.add_format({"bg_color": LATE_FILL, "font_color": "#9C0006"})
    year = ref(SHEET_PROGRESS, *YEAR_CELL)
    for month in stage_months(std):
        col = FIRST_MONTH_COL + month - 1
        ws.conditional_format(first, col, last, col, {
            "type": "formula", "format": late,
            "criteria": f'=IF(ISNUMBER({year}),AND(TODAY()>DATE({year},{month},{std.report_day}),'
                        f'{cell(first, col)}<>"{REPORT_CHOICES[0]}"),FALSE)'})
