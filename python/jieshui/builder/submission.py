"""报送表: the 自评赋分表 the office signs and hands in, live in the workbook (24 contents,
the prerequisites, totals, verdict, signature line), one A4 landscape page."""

from __future__ import annotations

from typing import Any

from ..engine import Standard
from ..engine.words import BLANK, MISSING
from ..workbook.contract import SHEET_SUBMISSION, prereq_name
from . import conclusion
from .annex import County
from .book import Book, protect
from .contents import Col as ContentCol, ContentCells
from .prereqs import Col as PrereqCol, PrereqCells
from ..workbook.styles import LINE_PT, print_setup, text_height

HEADER_ROW = 3
WIDTHS = (7, 18, 66, 9, 11, 12)
LAST_COL = len(WIDTHS) - 1
TITLE = "县域节水型社会达标建设复核自评赋分表"
RESULTS = (("基本分", "out_base"), ("加分", "out_bonus"), ("总分", "out_total"),
           ("自评结论", "out_verdict"))
SIGNATURES = ((0, "填报人："), (2, "审核人："), (3, "单位（盖章）："), (5, "日期："))


def write(book: Book, std: Standard, county: County, contents: ContentCells,
          prereqs: PrereqCells) -> None:
    ws, styles = book.sheets[SHEET_SUBMISSION], book.styles
    ws.merge_range(0, 0, 0, LAST_COL, None, styles.title)
    ws.set_row(0, 32)
    name = county.get("name")
    book.formula(ws, 0, 0, f'IF(in_county_name="","（县名）",in_county_name)&"{TITLE}"',
                 lambda: f"{name or '（县名）'}{TITLE}", styles.title)
    _info(book, ws, county)
    book.headers(ws, HEADER_ROW, ["序号", "评价指标", "评价内容", "标准分", "自评得分", "完成值"])
    row = HEADER_ROW + 1
    for content in std.contents:
        ws.write(row, 0, content.id, styles.center)
        ws.write(row, 1, content.indicator, styles.text)
        ws.write(row, 2, content.title, styles.text)
        book.formula(ws, row, 3, contents.ref(content.id, ContentCol.MAX_POINTS),
                     lambda c=content.id: contents.value(c, ContentCol.MAX_POINTS), styles.points)
        for col, source, fmt in ((4, ContentCol.POINTS, styles.points), (5, ContentCol.VALUE, styles.percent)):
            _short(book, ws, row, col, contents.ref(content.id, source),
                   contents.value(content.id, source), fmt)
        _fit(book, ws, row, [content.indicator, content.title])
        row += 1
    for prereq, met in zip(std.prerequisites, prereqs.met):
        ws.write(row, 0, "", styles.center)
        ws.write(row, 1, prereq_name(prereq.id), styles.text)
        ws.write(row, 2, prereq.title, styles.text)
        ws.write(row, 3, BLANK, styles.center)
        _short(book, ws, row, 4, prereqs.ref(prereq.id, PrereqCol.MET), met, styles.center)
        ws.write(row, 5, "", styles.center)
        _fit(book, ws, row, [prereq_name(prereq.id), prereq.title])
        row += 1
    row = _results(book, ws, std, row, contents, prereqs)
    for col, text in SIGNATURES:
        ws.write(row + 1, col, text, styles.signature)
    ws.set_row(row + 1, 36)
    book.widths(ws, WIDTHS)
    print_setup(ws, landscape=True, repeat=(0, HEADER_ROW), one_page=True)
    ws.print_area(0, 0, row + 1, LAST_COL)
    protect(ws)


def _short(book: Book, ws: Any, row: int, col: int, source: str, value: Any, fmt: Any) -> None:
    """A figure from 附件3 or 附件2; a 缺数据：… message as 缺数据 alone (the form has no room
    for the list of missing figures, which 附件3 and 附件2 show)."""
    missing = isinstance(value, str) and value.startswith(MISSING)
    book.formula(ws, row, col, f'IF(LEFT({source},{len(MISSING)})="{MISSING}","{MISSING}",{source})',
                 lambda: MISSING if missing else value, fmt)


def _fit(book: Book, ws: Any, row: int, texts: list[str]) -> None:
    """One line's height, or as many lines as the 评价指标 or 评价内容 wrap to (the form prints on
    one page: no row taller than it needs)."""
    height = text_height(zip(texts, WIDTHS[1:3]), minimum=0)
    ws.set_row(row, 15 if height <= LINE_PT + 4 else height)


def _results(book: Book, ws: Any, std: Standard, row: int, contents: ContentCells,
             prereqs: PrereqCells) -> int:
    """The totals, and the county's conclusion as a sentence (builder.conclusion)."""
    styles = book.styles
    for label, name in RESULTS:
        sentence = name == "out_verdict"  # wide: the 评价内容 column and those after it
        value_col = 2 if sentence else 4
        ws.merge_range(row, 0, row, value_col - 1, label, styles.bold_text)
        fmt = styles.bold_text if sentence else styles.bold_points
        ws.merge_range(row, value_col, row, LAST_COL, None, fmt)
        if sentence:
            met = [prereqs.ref(p.id, PrereqCol.MET) for p in std.prerequisites]
            said = book.formula(ws, row, value_col, conclusion.formula(std, prereqs.met_area(), met),
                                lambda: conclusion.value(std, contents.outputs, prereqs.met), fmt)
            ws.set_row(row, max(30, text_height([(said, sum(WIDTHS[value_col:]))])))
        else:
            book.formula(ws, row, value_col, name, lambda n=name: contents.outputs[n], fmt)
        row += 1
    return row


def _info(book: Book, ws: Any, county: County) -> None:
    """填报单位, 评价年度, 联系人 and 填报日期 under the title, from the cover."""
    info, c = book.styles.plain, county
    ws.write(1, 0, "填报单位：", info)
    ws.merge_range(1, 1, 1, 2, None, info)
    book.formula(ws, 1, 1, f'IF(in_county_name="","{BLANK}",in_county_province&in_county_city&in_county_name)',
                 lambda: c.title() if c.get("name") else BLANK, info)
    ws.write(1, 3, "评价年度：", info)
    book.formula(ws, 1, 4, f'IF(in_county_year="","{BLANK}",in_county_year)',
                 lambda: BLANK if c.get("year") is None else c.get("year"), info)
    ws.write(2, 3, "填报日期：", info)
    ws.merge_range(2, 4, 2, LAST_COL, None, book.styles.plain_date)
    book.formula(ws, 2, 4, f'IF(in_report_date="","{BLANK}",in_report_date)',
                 lambda: BLANK if c.get("report_date") is None else c.get("report_date"),
                 book.styles.plain_date)
    ws.write(2, 0, "联系人：", info)
    ws.merge_range(2, 1, 2, 2, None, info)
    book.formula(ws, 2, 1, f'IF(in_contact="","{BLANK}",in_contact&"  "&in_phone)',
                 lambda: BLANK if not c.get("contact") else f"{c.get('contact')}  {c.get('phone') or ''}",
                 info)
