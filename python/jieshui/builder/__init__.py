"""The county workbook, built with XlsxWriter: one module per sheet, the shared book helper and
styles, and workbook.build() setting the order."""

from __future__ import annotations

from .book import FormulaCell
from .workbook import build_workbook, cached_map, formula_cells, shipped_vba

__all__ = ["FormulaCell", "build_workbook", "cached_map", "formula_cells", "shipped_vba"]
