"""填报记录: what `jieshui merge` wrote into the workbook from the units' returned files, one row
per cell (merge appends; the sheet starts with its headers only)."""

from __future__ import annotations

from ..workbook.contract import SHEET_RECORDS
from .book import Book, protect
from ..workbook.styles import print_scaled

HEADERS = ("填报时间", "责任单位", "单元格", "数据项", "原值", "新值", "来源文件", "文件时间")
WIDTHS = (14, 12, 16, 30, 12, 12, 32, 14)  # A4 landscape at about 80%


def write(book: Book) -> None:
    ws = book.sheets[SHEET_RECORDS]
    ws.write_row(0, 0, HEADERS, book.styles.header)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    print_scaled(ws, landscape=True, widths=WIDTHS, repeat=(0, 0))
    protect(ws)
