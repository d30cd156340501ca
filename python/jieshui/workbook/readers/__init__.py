"""Workbook readers: one interface (base.NameSource), one module per backend."""

from __future__ import annotations

from .base import NameSource, WorkbookData, WorkbookError, field_cells, read_from, screen
from .openpyxl_reader import read_workbook
from .zip_reader import read_fast

__all__ = ["NameSource", "WorkbookData", "WorkbookError", "field_cells", "read_fast",
           "read_from", "read_workbook", "screen"]
