"""评价标准: the rule numbers of every content, one row each; JS_SCORE and JS_GAP read their
content's row, so an edited row takes effect (and 检查数据 reports the edit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..engine import Standard
from ..workbook.contract import BAND_COLUMNS, NA_NOTE, PARAM_HEADERS, SHEET_PARAMS, Param, param_row, source_words
from .book import Book, area, as_number, protect, ref
from .native import X, cell
from ..workbook.styles import LINE_PT, text_height
from . import pages

FIRST_ROW = 3
WIDTHS = (5, 11, 26, 11, 6, 8, 7, 8, 12, 9, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 64, 12)
# The printed pages' columns (each after the key columns 序号 to 评价内容 again): the rule and its
# numbers, the items' points and the bands' limits, the wording and its source.
BANDS = ((Param.ID, Param.CAP), (Param.ITEM_1, Param.BAND_4), (Param.TEXT, Param.SOURCE))
PERCENT_COLUMNS = (Param.TARGET, Param.STEP, Param.CUTOFF, *BAND_COLUMNS)
TEXT_COLUMNS = (Param.INDICATOR, Param.TITLE, Param.TEXT, Param.SOURCE)


@dataclass(frozen=True)
class Params:
    """Where each content's row is, and its values as a UDF receives them."""

    rows: dict[int, list[Any]]
    last_row: int
    value_at: Callable[[str, int, int], Any]

    def ref(self, content_id: int, column: Param) -> str:
        return ref(SHEET_PARAMS, FIRST_ROW + content_id - 1, column)

    def row_ref(self, content_id: int) -> str:
        row = FIRST_ROW + content_id - 1
        return area(SHEET_PARAMS, row, 0, row, len(Param) - 1)

    def table_ref(self) -> str:
        return area(SHEET_PARAMS, FIRST_ROW, 0, self.last_row, len(Param) - 1)

    def cell(self, content_id: int, column: Param) -> X:
        """The cell as a native expression (the twins read the rule numbers from it)."""
        return cell(SHEET_PARAMS, FIRST_ROW + content_id - 1, column, self.value_at)

    def values(self, content_id: int) -> list[list[Any]]:
        """The row as a 1-row range argument."""
        return [self.rows[content_id]]


def write(book: Book, std: Standard) -> Params:
    ws, styles = book.sheets[SHEET_PARAMS], book.styles
    # the title over the key columns, which every printed page repeats
    ws.merge_range(0, Param.ID, 0, Param.TITLE, "评价标准（评分参数）",
                   book.xl.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "valign": "vcenter"}))
    heights = {0: 32.0, 1: 12.0, 2: text_height(zip(PARAM_HEADERS, WIDTHS), minimum=30)}
    book.headers(ws, 2, PARAM_HEADERS)
    for row in (0, 1, 2):
        ws.set_row(row, heights[row])
    rows: dict[int, list[Any]] = {}
    for content in std.contents:
        row = FIRST_ROW + content.id - 1
        values = param_row(content)
        rows[content.id] = [as_number(v) for v in values]
        for col, value in enumerate(values):
            fmt = styles.center
            if col in PERCENT_COLUMNS and value is not None:  # 80%, 92.5%: as the standard writes them
                fmt = styles.whole_percent if round(value * 100, 6).is_integer() else styles.percent
            book.write(ws, row, col, value, styles.text if col in TEXT_COLUMNS else fmt)
        heights[row] = text_height([(values[col], WIDTHS[col]) for col in TEXT_COLUMNS + (Param.PARTIAL,)
                                    if isinstance(values[col], str)])
        ws.set_row(row, heights[row])
    params = Params(rows, FIRST_ROW + len(std.contents) - 1, book.value_at)
    last = params.last_row
    notes = (NA_NOTE, f"{std.source.rstrip('。')}。本表参数由各评分公式直接读取，修改须依据"
             "省级水行政主管部门印发的赋分细则，修改后请点“检查数据”比对。")
    for row, note in enumerate(notes, start=last + 1):
        _note(book, ws, row, note, heights)
    top = last + len(notes) + 2
    heights[top - 1] = 15.0
    _prerequisite_sources(book, ws, std, top, heights)
    book.name("std_table", params.table_ref())
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, Param.TITLE + 1)
    scale = pages.print_across(ws, WIDTHS, BANDS, (Param.ID, Param.TITLE), repeat=(0, 2))
    # the last two contents stay with the notes, the prerequisites' heading with them
    end = top + len(std.prerequisites)
    blocks = ([[r] for r in range(FIRST_ROW, last - 1)] + [list(range(last - 1, top - 1))]
              + [list(range(top - 1, end + 1))])
    page = pages.usable_height(True, scale) - sum(heights[r] for r in range(FIRST_ROW))
    ws.set_h_pagebreaks(pages.row_breaks(heights, blocks, page))
    protect(ws)
    return params


def _note(book: Book, ws: Any, row: int, text: str, heights: dict[int, float]) -> None:
    """A note under the table, on the first page's columns right of the key columns (a later
    page repeats the key columns, and would show a note over them cut off)."""
    first, last = Param.RULE, BANDS[0][1]
    ws.merge_range(row, first, row, last, text, book.styles.note)
    heights[row] = text_height([(text, sum(WIDTHS[first:last + 1]))], minimum=LINE_PT + 4)
    ws.set_row(row, heights[row])


def _prerequisite_sources(book: Book, ws: Any, std: Standard, top: int, heights: dict[int, float]) -> None:
    """Where each prerequisite's wording comes from, below the table (it has no rule numbers):
    the wording in the key columns, its source in 依据."""
    styles = book.styles
    heading = "必备条件及其依据（附件2；通用设置须按省级赋分细则核对）"
    ws.merge_range(top, 0, top, Param.TITLE, heading, styles.group)
    width = sum(WIDTHS[1:Param.TITLE + 1])
    heights[top] = text_height([(heading, width + WIDTHS[0])], minimum=LINE_PT + 4)
    ws.set_row(top, heights[top])
    for n, prereq in enumerate(std.prerequisites, start=1):
        ws.write(top + n, 0, n, styles.center)
        ws.merge_range(top + n, 1, top + n, Param.TITLE, prereq.title, styles.text)
        ws.write(top + n, Param.SOURCE, source_words(prereq.source), styles.center)
        heights[top + n] = text_height([(prereq.title, width)])
        ws.set_row(top + n, heights[top + n])
