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


# What LibreOffice prints (measured on its PDFs): a column of width w takes 7.04 w + 4.94 pt at
# 100%, a wrapped line of 11 pt text about 16 pt (its CJK fallback font is taller than 宋体).
COLUMN_PT, COLUMN_PAD_PT = 7.04, 4.94
PRINTED_LINE_PT = 16.0
MARGINS_PT = (0.5 * 72 * 2, (0.6 + 0.7) * 72)  # print_setup's margins: left+right, top+bottom
A4_PT = (595.3, 841.9)


def printed_height(cells: Iterable[tuple[Any, float]], minimum: float = PRINTED_LINE_PT + 3) -> float:
    """Like text_height, but with LibreOffice's taller line: the height at which no print
    leaves a wrapped line of a row out (the print check's optimal height)."""
    lines = max(1, round((text_height(cells, 0) - 4) / LINE_PT))
    return max(minimum, lines * PRINTED_LINE_PT + 3)


def fitting_scale(widths: Iterable[float], landscape: bool, most: int = 100) -> int:
    """The print scale (%) at which columns of these widths fill an A4 page's width."""
    widths = list(widths)
    usable = (A4_PT[1] if landscape else A4_PT[0]) - MARGINS_PT[0]
    wide = COLUMN_PT * sum(widths) + COLUMN_PAD_PT * len(widths)
    return min(most, int(100 * usable / wide) - 1)


def print_scaled(ws: Any, landscape: bool, widths: Iterable[float],
                 repeat: tuple[int, int] | None = None) -> int:
    """print_setup's A4 look at a fixed scale that fits `widths` to the page width, instead of
    fit to width: every office suite then breaks pages where `page_breaks` planned them.
    Returns the scale (%)."""
    ws.set_paper(A4)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()
    ws.set_footer("&C第&P页，共&N页")
    if repeat is not None:
        ws.repeat_rows(*repeat)
    scale = fitting_scale(widths, landscape)
    ws.set_print_scale(scale)
    return scale


def page_breaks(heights: dict[int, float], first: int, last: int, starts: Iterable[int],
                landscape: bool, scale: int, repeated: float = 0.0, keep: int = 3,
                default: float = 15.0, whole: bool = False) -> list[int]:
    """Manual page breaks (rows to start a page at) for rows first..last of known `heights`
    (pt), so that a section's first row (`starts`: a header) never ends a page without at
    least `keep` rows of its section after it; with `whole`, a section that fits on a page
    is not split at all (its subtotal stays with it). Pages are planned a little short, so
    that no program's own break comes before a planned one. `repeated`: the print-title
    rows' height."""
    page = ((A4_PT[0] if landscape else A4_PT[1]) - MARGINS_PT[1] - 8) * 100 / scale * 0.98 - repeated
    starts = sorted(set(starts))
    ends = {s: (starts[i + 1] - 1 if i + 1 < len(starts) else last) for i, s in enumerate(starts)}
    breaks, used = [], 0.0
    height = lambda r: heights.get(r, default)  # noqa: E731
    for row in range(first, last + 1):
        if row in ends and used > 0:
            section = sum(height(r) for r in range(row, ends[row] + 1))
            group = sum(height(r) for r in range(row, min(row + keep, ends[row] + 1)))
            if used + (section if whole and section <= page else group) > page:
                breaks.append(row)
                used = 0.0
        if used > 0 and used + height(row) > page:
            breaks.append(row)
            used = 0.0
        used += height(row)
    return breaks
