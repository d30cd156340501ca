"""Read the county workbook open in Excel, through xlwings (the buttons' door).

It takes the xlwings Book it is given and imports nothing of xlwings itself: only
jieshui.excel, which runs inside Excel, imports xlwings."""

from __future__ import annotations

from typing import Any

from ...engine import Standard
from .base import WorkbookData, read_from


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


def read_book(book: Any, std: Standard) -> WorkbookData:
    """The inputs, shown results, versions and 评价标准 table of an open xlwings Book."""
    return read_from(XlwingsSource(book), std)
