"""xlwings.conf: the hidden settings sheet xlwings reads in the workbook."""

from __future__ import annotations

from ..workbook.contract import SHEET_CONFIG, UDF_MODULE
from .book import Book

# No interpreter row: an entry here, even a blank one, would hide the per-user setting in
# %USERPROFILE%\.xlwings\xlwings.conf (xlwings reads the sheet first and stops there).
SETTINGS = (("UDF Modules", UDF_MODULE), ("Use UDF Server", False), ("Show Console", False),
            ("Debug UDFs", False), ("ADD_WORKBOOK_TO_PYTHONPATH", False))


def write(book: Book) -> None:
    ws = book.sheets[SHEET_CONFIG]
    for row, (key, value) in enumerate(SETTINGS):
        ws.write(row, 0, key)
        ws.write(row, 1, value)
    ws.set_column(0, 0, 30)
    ws.hide()
