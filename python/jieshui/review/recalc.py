"""Refresh every cached value of a county workbook from its inputs, without Excel."""

from __future__ import annotations

import re
from pathlib import Path

from ..builder import cached_map, formula_cells
from ..engine import Standard
from ..workbook.cached_values import patch_workbook
from ..workbook.contract import TEMPLATE_VERSION
from ..workbook.readers import WorkbookError, read_workbook

_NOISE = re.compile(r"[\s$']")


def _same_formula(a: str, b: str) -> bool:
    return _NOISE.sub("", a).upper() == _NOISE.sub("", b).upper()


def recalculated(path: Path, std: Standard) -> bytes:
    """The workbook's bytes with fresh cached values; refuses a workbook whose formulas are not
    the template's (its cells would be written in the wrong places)."""
    import openpyxl

    data = read_workbook(path, std)
    if str(data.template_version) != TEMPLATE_VERSION:
        raise WorkbookError(f"工作簿模板版本为 {data.template_version}，本软件为 {TEMPLATE_VERSION}："
                            "请用新模板重新填报，或使用对应版本的软件")
    cells = formula_cells(std, data.inputs)
    book = openpyxl.load_workbook(path, keep_links=False)
    for cell in cells:
        stored = book[cell.sheet].cell(cell.row + 1, cell.col + 1).value
        if not isinstance(stored, str) or not _same_formula(stored, cell.formula):
            where = f"{cell.sheet}!{book[cell.sheet].cell(cell.row + 1, cell.col + 1).coordinate}"
            raise WorkbookError(f"单元格 {where} 的公式已被改动（应为 {cell.formula}），无法安全刷新，"
                                "请恢复该公式或使用新模板")
    return patch_workbook(path.read_bytes(), cached_map(cells))
