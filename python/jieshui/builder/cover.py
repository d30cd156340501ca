"""说明 (the cover): the county's basic information, versions, the buttons, the self-assessment
result, how to use the workbook, and a chart of points against the maximum per indicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..engine import Standard
from ..workbook.contract import BUTTONS, SHEET_COVER, TEMPLATE_VERSION, county_name
from ..workbook.inputs import WorkbookInputs
from .book import Book, area, cell, protect, ref
from .calc import Calc
from .native import evaluate, if_
from .contents import Col as ContentCol, ContentCells
from ..workbook.styles import print_scaled, printed_height

FIELDS = (("name", "县（旗、区）名称"), ("province", "所属省（自治区、直辖市）"),
          ("city", "所属市（盟、州）"), ("year", "评价年度"), ("report_date", "填报日期"),
          ("contact", "联系人"), ("phone", "联系电话"))
FIRST_FIELD_ROW = 4
LABEL, VALUE, BUTTON_COL = 0, 2, 5   # labels span A:B, values C:D, buttons sit in F
WIDTHS = (10, 14, 16, 22, 4, 22, 4, 4)
CHART_ROWS = 23  # the chart is 430 px tall, about 22 rows; its data table starts below it
STEPS = (
    "使用步骤：",
    "1. 在本页填写基本信息，在“基础数据”页填写黄色单元格；各表的完成值、得分、总分随填随算。",
    "   Windows Excel、WPS、信创电脑和 LibreOffice 中均由内置公式实时计算，不需要 Python；“计算方式”一栏显示当前由谁计算。",
    "2. 在“附件1”“附件2”“附件3”页查看各单位责任、必备条件和各项得分，按“差距分析”查漏补缺；佐证材料在“佐证台账”逐份登记后，“佐证材料”一栏选“已提供”。",
    "3. 装有 Python 和 jieshui 的 Windows Excel 中启用宏（文件来自邮件或网页时，先在文件“属性”中勾选“解除锁定”），",
    "   结果改由 Python 计算并与内置公式逐项核对（不一致处标红）；可点击“检查数据”核对问题、“导出报送表”生成报送文件。",
    "4. 没有 Python 的电脑：填好后交给装有 jieshui 的电脑执行“检查数据”“导出报送表”。",
    "5. 成员单位：点“分发填报表”为各单位生成只含其牵头数据的填报表，各单位每月{day}日前交回后点“汇总填报表”，",
    "   检查无误后汇总到新的工作簿，改动记入“填报记录”表。",
)
RESULTS = (("基本分", "out_base"), ("加分", "out_bonus"), ("总分", "out_total"),
           ("结论", "out_verdict"))


def write(book: Book, std: Standard, inputs: WorkbookInputs, contents: ContentCells,
          calc: Calc) -> None:
    ws, styles = book.sheets[SHEET_COVER], book.styles
    book.title(ws, "县域节水型社会达标建设复核工作簿", len(WIDTHS) - 1)
    ws.merge_range(1, 0, 1, len(WIDTHS) - 1, "依据《节水型社会评价标准》（2023年修订）和县域节水型社会"
                   "达标建设复核工作实施方案", styles.subtitle)
    ws.merge_range(3, 0, 3, 3, "基本信息", styles.group)
    for row, (key, label) in enumerate(FIELDS, start=FIRST_FIELD_ROW):
        _field(book, ws, row, key, label, inputs.county.get(key))
    row = FIRST_FIELD_ROW + len(FIELDS)
    for label, text, name in (("模板版本", TEMPLATE_VERSION, "tpl_version"),
                              ("评价标准版本", std.version, "std_version")):
        _pair(ws, row, label, text, styles.text)
        book.name(name, ref(SHEET_COVER, row, VALUE))
        row += 1
    row = _engine_rows(book, ws, row, calc)
    for i, (caption, sub, _) in enumerate(BUTTONS):
        ws.insert_button(FIRST_FIELD_ROW + i * 2, BUTTON_COL, {
            "macro": sub, "caption": caption, "width": 150, "height": 30, "x_offset": 10})
    top = _results(book, ws, std, row + 1, contents)
    # The steps wrap within the page's width (a long line would run past column H in print).
    step = book.xl.add_format({"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top"})
    for i, text in enumerate(STEPS):
        text = text.format(day=std.report_day)
        ws.merge_range(top + i, 0, top + i, len(WIDTHS) - 1, text,
                       styles.bold_text if i == 0 else step)
        ws.set_row(top + i, printed_height([(text, sum(WIDTHS))]))
    last = _indicator_chart(book, ws, std, top + len(STEPS) + 1, contents)
    ws.set_h_pagebreaks([top + len(STEPS) + 1])  # the chart and its table on a page of their own
    book.widths(ws, WIDTHS)
    print_scaled(ws, landscape=False, widths=WIDTHS)
    ws.print_area(0, 0, last, len(WIDTHS) - 1)  # the buttons (no print) stay out of the page
    protect(ws)


def _pair(ws: Any, row: int, label: str, value: Any, fmt: Any) -> None:
    ws.merge_range(row, LABEL, row, LABEL + 1, label, fmt)
    ws.merge_range(row, VALUE, row, VALUE + 1, value, fmt)


def _engine_rows(book: Book, ws: Any, row: int, calc: Calc) -> int:
    """计算方式 (which engine the shown results come from) and 结果核对 (whether Python and the
    built-in formulas agree where both ran); returns the row after them."""
    differing = calc.disagreements()
    agreement = if_(differing.gt(0), "Python 与内置公式结果不一致：" & differing & "处（已标红）",
                    "Python 与内置公式结果一致")
    shown = (("计算方式", if_(calc.python, "由 Python 计算（" & calc.version & "）", "由内置公式计算（未连接 Python）")),
             ("结果核对", if_(calc.python, agreement, "—")))
    for label, expression in shown:
        _pair(ws, row, label, None, book.styles.text)
        book.formula(ws, row, VALUE, expression.text, lambda e=expression: evaluate(e), book.styles.text)
        row += 1
    ws.conditional_format(row - 1, VALUE, row - 1, VALUE + 1, {
        "type": "text", "criteria": "begins with", "value": "Python 与内置公式结果不一致",
        "format": book.styles.bad})
    return row


def _field(book: Book, ws: Any, row: int, key: str, label: str, value: Any) -> None:
    """One of the county's fields: a yellow cell with its help and validation."""
    styles = book.styles
    validation: dict[str, Any] = {"validate": "any", "input_title": label[:32],
                                  "input_message": f"请填写{label}。"}
    fmt = styles.input_text
    if key == "year":
        fmt = styles.input_center
        validation.update(validate="integer", criteria="between", minimum=2000, maximum=2100,
                          error_title="填报有误", error_message="请填写四位年份，如2024。")
    elif key == "report_date":
        fmt = styles.input_date
        validation.update(validate="date", criteria=">=", value=dt.date(2000, 1, 1),
                          error_title="填报有误", error_message="请填写日期，如2025年7月20日。")
    ws.merge_range(row, LABEL, row, LABEL + 1, label, styles.text)
    ws.merge_range(row, VALUE, row, VALUE + 1, None, fmt)
    book.input_cell(ws, row, VALUE, value, fmt, validation)
    book.name(county_name(key), ref(SHEET_COVER, row, VALUE))


def _results(book: Book, ws: Any, std: Standard, row: int, contents: ContentCells) -> int:
    """自评结果: base, bonus, total and verdict; returns the first row below them."""
    styles = book.styles
    ws.merge_range(row, 0, row, 3, "自评结果", styles.group)
    for r, (label, name) in enumerate(RESULTS, start=row + 1):
        fmt = styles.bold_text if name == "out_verdict" else styles.bold_points
        ws.merge_range(r, LABEL, r, LABEL + 1, label, styles.text)
        ws.merge_range(r, VALUE, r, VALUE + 1, None, fmt)
        book.formula(ws, r, VALUE, name, lambda n=name: contents.outputs[n], fmt)
    verdict_row = row + len(RESULTS)
    ws.conditional_format(verdict_row, VALUE, verdict_row, VALUE + 1, {
        "type": "cell", "criteria": "==", "value": f'"{std.verdicts["pass"]}"',
        "format": styles.good})
    return verdict_row + 2


def _indicator_chart(book: Book, ws: Any, std: Standard, top: int, contents: ContentCells) -> int:
    """A bar per indicator, points against the maximum, over a table the chart reads; returns
    the table's last row. Its words are 11 pt: the page prints at about 75%."""
    styles = book.styles
    table = top + CHART_ROWS
    ws.merge_range(table, 0, table, 1, "评价指标", styles.header)
    ws.write_row(table, 2, ["标准分", "得分"], styles.header)
    indicators = contents.column(ContentCol.INDICATOR)
    for row, indicator in enumerate(std.indicators, start=table + 1):
        ws.merge_range(row, 0, row, 1, indicator, styles.text)
        for col, source in ((2, ContentCol.MAX_POINTS), (3, ContentCol.POINTS)):
            book.formula(ws, row, col, f"SUMIF({indicators},{cell(row, 0)},{contents.column(source)})",
                         lambda i=indicator, s=source: _indicator_sum(std, contents, i, s),
                         styles.points)
    chart = book.xl.add_chart({"type": "bar"})
    first, last = table + 1, table + len(std.indicators)
    for col, label, colour in ((2, "标准分", "#BFBFBF"), (3, "得分", "#2F75B5")):
        chart.add_series({"name": label,
                          "categories": "=" + area(ws.name, first, 0, last, 0),
                          "values": "=" + area(ws.name, first, col, last, col),
                          "fill": {"color": colour}, "gap": 60})
    chart.set_title({"name": "各评价指标得分与标准分", "name_font": {"name": "宋体", "size": 12}})
    chart.set_x_axis({"num_font": {"name": "宋体", "size": 11}, "min": 0})
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体", "size": 11}})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体", "size": 11}})
    chart.set_size({"width": 700, "height": 430})
    ws.insert_chart(top, 0, chart)
    return last


def _indicator_sum(std: Standard, contents: ContentCells, indicator: str, col: ContentCol) -> float:
    values = [contents.value(c.id, col) for c in std.contents if c.indicator == indicator]
    return float(sum(v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)))
