"""评价标准: the rule numbers of every content, one row each; JS_SCORE and JS_GAP read their
content's row, so an edited row takes effect (and 检查数据 reports the edit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..engine import Standard
from ..workbook.contract import BAND_COLUMNS, NA_NOTE, PARAM_HEADERS, SHEET_PARAMS, Param, param_row, source_words
from .book import Book, area, as_number, protect, ref
from .native import X, cell
from ..workbook.styles import print_setup, text_height

FIRST_ROW = 3
WIDTHS = (5, 12, 30, 11, 6, 8, 7, 8, 12, 9, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 50, 10)
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
    last = len(Param) - 1
    book.title(ws, "评价标准（评分参数）", last)
    ws.merge_range(1, 0, 1, last, f"{std.source.rstrip('。')}。本表参数由各评分公式直接读取，修改须依据"
                   "省级水行政主管部门印发的赋分细则，修改后请点“检查数据”比对。", styles.note)
    ws.set_row(1, 48)
    book.headers(ws, 2, PARAM_HEADERS)
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
        ws.set_row(row, text_height([(values[col], WIDTHS[col]) for col in TEXT_COLUMNS]))
    params = Params(rows, FIRST_ROW + len(std.contents) - 1, book.value_at)
    ws.merge_range(params.last_row + 1, 0, params.last_row + 1, last, NA_NOTE, styles.note)
    _prerequisite_sources(book, ws, std, params.last_row + 3)
    book.name("std_table", params.table_ref())
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, Param.TITLE + 1)
    print_setup(ws, landscape=True, repeat=(0, 2))
    protect(ws)
    return params


def _prerequisite_sources(book: Book, ws: Any, std: Standard, top: int) -> None:
    """Where each prerequisite's wording comes from, below the table (it has no rule numbers)."""
    styles = book.styles
    ws.merge_range(top, 0, top, Param.TEXT, "必备条件及其依据（附件2；通用设置须按省级赋分细则核对）", styles.group)
    for n, prereq in enumerate(std.prerequisites, start=1):
        ws.write(top + n, 0, n, styles.center)
        ws.merge_range(top + n, 1, top + n, Param.TEXT, prereq.title, styles.text)
        ws.write(top + n, Param.SOURCE, source_words(prereq.source), styles.center)
        width = sum(WIDTHS[1:Param.TEXT + 1])
        ws.set_row(top + n, text_height([(prereq.title, width)]))
