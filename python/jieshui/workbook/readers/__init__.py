"""Workbook readers: one interface (base.NameSource), one module per backend: file_reader (a
workbook file, no Excel) and xlwings_reader (the workbook open in Excel)."""

from __future__ import annotations

from .base import NameSource, WorkbookData, WorkbookError, field_cells, read_from, screen
from .file_reader import read_workbook

__all__ = ["NameSource", "WorkbookData", "WorkbookError", "field_cells", "read_from",
           "read_workbook", "screen"]
