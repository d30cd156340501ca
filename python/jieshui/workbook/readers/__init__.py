"""Workbook readers: one interface (base.NameSource), one module per backend: calamine_reader
(a workbook file, no Excel; file_reader's XML parser where calamine cannot be exact) and
xlwings_reader (the workbook open in Excel)."""

from __future__ import annotations

from .base import NameSource, WorkbookData, WorkbookError, field_cells, read_from, screen
from .calamine_reader import read_workbook

__all__ = ["NameSource", "WorkbookData", "WorkbookError", "field_cells", "read_from",
           "read_workbook", "screen"]
