"""Read the county workbook open in Excel, through xlwings (the buttons' door).

It takes the xlwings Book it is given and imports nothing of xlwings itself: only
jieshui.excel, which runs inside Excel, imports xlwings."""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import get_column_letter

from ...engine import Standard
from .base import WorkbookData, filled, outside_tables, read_from


class XlwingsSource:
    """A NameSource over the workbook's defined names, read from the running Excel."""

    def __init__(self, book: Any):
        self.book = book

    def _range(self, name: str) -> Any:
        return self.book.names[name].refers_to_range

    def value(self, name: str) -> Any:
        cells = self._range(name)
        return cells.options(ndim=2).value if cells.count > 1 else cells.value

    def address(self, name: str) -> tuple[str, str]:
        cells = self._range(name)
        return cells.sheet.name, cells.address.replace("$", "")

    def below(self, name: str) -> tuple[str, list[tuple[str, Any]]]:
        """(sheet, [(ref, value)]) of the non-empty cells below a range, in its columns, down to
        the last row of the sheet's used range (nothing below that holds a value): one read."""
        table = self._range(name)
        sheet, end = table.sheet, table.last_cell
        last = sheet.used_range.last_cell.row
        if last <= end.row:
            return sheet.name, []
        block = sheet.range((end.row + 1, table.column), (last, end.column)).options(ndim=2).value
        return sheet.name, [(f"{get_column_letter(table.column + c)}{end.row + 1 + r}", value)
                            for r, row in enumerate(block) for c, value in enumerate(row) if filled(value)]


def read_book(book: Any, std: Standard) -> WorkbookData:
    """The inputs, shown results, versions and 评价标准 table of an open xlwings Book, and what
    is typed below its input tables (as the file readers report it)."""
    source = XlwingsSource(book)
    data = read_from(source, std)
    data.outside = outside_tables(source.below)
    return data
