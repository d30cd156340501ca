"""One look for everything jieshui writes (the county workbook, the submission sheet, the
provincial summary): the annexes' fonts (宋体 headings, 仿宋 body), yellow input cells, the
same colours for good and bad, and one A4 print setup."""

from __future__ import annotations

import math
import unicodedata
from typing import Any, BinaryIO, Iterable

from ..engine.words import DATE_FORMAT

YELLOW = "#FFF2CC"
HEADER_BLUE = "#D9E1F2"
# (fill, font) pairs of Excel's own "good", "bad" and "neutral" cell styles.
GOOD = {"bg_color": "#C6EFCE", "font_color": "#006100"}
BAD = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
NEUTRAL = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
A4 = 9
# What an official typed stays as typed in every document we write: no text becomes a formula,
# a number or a link.
PLAIN_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


class Styles:
    """The formats of one XlsxWriter workbook. `quote_text` marks every text cell with a quote
    prefix, so that a values-only file keeps "=..." typed by an official as text when a cell is
    edited; XlsxWriter writes only the formats a file uses."""

    def __init__(self, book: Any, quote_text: bool = False):
        quoted = {"quote_prefix": True} if quote_text else {}
        body = {"font_name": "仿宋", "font_size": 11, "border": 1, "valign": "vcenter",
                "text_wrap": True, **quoted}
        heading = {"font_name": "宋体", **quoted}
        add = book.add_format
        self.title = add({**heading, "font_size": 16, "bold": True, "align": "center",
                          "valign": "vcenter"})
        self.subtitle = add({**heading, "font_size": 11, "align": "center", "valign": "vcenter"})
        self.note = add({**heading, "font_size": 10, "italic": True, "font_color": "#595959",
                         "text_wrap": True, "valign": "top"})
        self.plain = add({**heading, "font_size": 11})
        self.plain_date = add({**heading, "font_size": 11, "num_format": DATE_FORMAT, "align": "left"})
        self.signature = add({**heading, "font_size": 12, "valign": "bottom"})
        self.header = add({**body, "font_name": "宋体", "bold": True, "align": "center",
                           "bg_color": HEADER_BLUE})
        self.group = add({**body, "font_name": "宋体", "bold": True, "bg_color": "#EDEDED"})
        self.text = add(body)
        self.line = add({**body, "text_wrap": False})
        self.center = add({**body, "align": "center"})
        self.date = add({**body, "align": "center", "num_format": DATE_FORMAT})
        self.points = add({**body, "align": "center", "num_format": "General"})
        # One decimal, and 100% bare (a condition of the format itself, in Excel, WPS and LibreOffice).
        self.percent = add({**body, "align": "center", "num_format": "[=1]0%;0.0%"})
        self.whole_percent = add({**body, "align": "center", "num_format": "0%"})
        self.number = add({**body, "num_format": "#,##0.00"})
        self.bold_points = add({**body, "bold": True, "align": "center", "num_format": "General"})
        self.bold_text = add({**body, "bold": True})
        self.warning = add({**heading, "font_size": 12, "bold": True, "font_color": "#C00000"})
        self.warning_text = add({**body, "font_size": 10, "border": 0, "font_color": "#C00000",
                                 "valign": "top"})
        self.hint = add({**heading, "font_size": 12, "bold": True, "font_color": "#7F6000"})
        self.hint_text = add({**body, "font_size": 10, "border": 0, "valign": "top"})
        self._inputs(add, body)
        self.lost = add({"bg_color": "#F8CBAD", "font_color": "#9C0006"})
        self.bad, self.good, self.neutral = add(BAD), add(GOOD), add(NEUTRAL)

    def _inputs(self, add: Any, body: dict[str, Any]) -> None:
        unlocked = {**body, "locked": False, "bg_color": YELLOW}
        self.input_text = add(unlocked)
        self.input_center = add({**unlocked, "align": "center"})
        self.input_number = add({**unlocked, "num_format": "#,##0.00"})
        self.input_count = add({**unlocked, "num_format": "0"})
        self.input_percent = add({**unlocked, "num_format": "0.00%"})
        self.input_coefficient = add({**unlocked, "num_format": "0.000"})
        self.input_date = add({**unlocked, "num_format": DATE_FORMAT, "align": "center"})


def print_setup(ws: Any, landscape: bool, repeat: tuple[int, int] | None = None,
                one_page: bool = False, across: tuple[int, int] | None = None) -> None:
    """A4, a page wide (and one page tall when `one_page`), centred, numbered pages, and the
    rows `repeat` (first, last) on every page. A table too wide for one legible page prints
    `across` pages at full size instead, its columns `across` (first, last) on every page."""
    ws.set_paper(A4)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    if across is None:
        ws.fit_to_pages(1, 1 if one_page else 0)
    else:
        ws.repeat_columns(*across)
    ws.center_horizontally()
    ws.set_footer("&C第&P页，共&N页")
    if repeat is not None:
        ws.repeat_rows(*repeat)


LINE_PT = 14.5  # one line of 10.5-11 pt 宋体 with its leading


def text_height(cells: Iterable[tuple[Any, float]], minimum: float = 2 * LINE_PT) -> float:
    """The row height (pt) that shows every wrapped (text, column width) of a row in full: a
    row does not grow by itself in a file no spreadsheet program has opened, and a fixed height
    cuts the third line. Column width counts narrow characters; a Chinese one takes two."""
    lines = 1
    for text, width in cells:
        usable = max(width - 1.5, 1.0)  # cell padding
        count = sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))
        lines = max(lines, count)
    return max(minimum, lines * LINE_PT + 4)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def plain_document(stream: BinaryIO, properties: dict[str, Any] | None = None) -> tuple[Any, Styles]:
    """A values-only XlsxWriter document in the house look (the export, the summary's sheets, the
    feedback, a unit's file, the evidence index, the standard workbook): the book, written to
    `stream` on close, and its formats with every text quoted."""
    import xlsxwriter

    book = xlsxwriter.Workbook(stream, {"in_memory": True, **PLAIN_TEXT})
    if properties:
        book.set_properties({**properties, "author": "jieshui"})
    return book, Styles(book, quote_text=True)
