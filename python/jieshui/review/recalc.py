"""Refresh every cached value of a county workbook from its inputs, without Excel."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from ..builder import cached_map, formula_cells
from ..engine import Standard
from ..workbook.cached_values import PatchError, patch_workbook
from ..workbook.contract import TEMPLATE_VERSION
from ..workbook.functions import CellProblem, content_from_params
from ..workbook.readers import WorkbookData, WorkbookError, read_workbook
from .check import Problem, standard_table_changes

_NOISE = re.compile(r"[\s$']")


@dataclass
class Recalculated:
    data: bytes
    edited_rules: list[Problem]  # 评价标准 cells that differ from the official standard
    used_workbook_rules: bool


def _same_formula(a: str, b: str) -> bool:
    return _NOISE.sub("", a).upper() == _NOISE.sub("", b).upper()


def workbook_rules(data: WorkbookData, std: Standard) -> Standard:
    """The standard with each content's numbers taken from the workbook's 评价标准 rows, as the
    workbook's own formulas compute in Excel."""
    contents = []
    for i, content in enumerate(std.contents):
        row = data.standard_table[i] if i < len(data.standard_table) else []
        try:
            contents.append(content_from_params([row]))
        except CellProblem as exc:
            raise WorkbookError(f"评价标准第 {content.id} 行（{data.cell('std_table', i)}）无法使用："
                                f"{str(exc).removeprefix('错误：')}") from None
    return dataclasses.replace(std, contents=tuple(contents))


def recalculated(path: Path, std: Standard, use_workbook_rules: bool = False) -> Recalculated:
    """The workbook's bytes with fresh cached values; refuses a workbook whose formulas are not
    the template's (its cells would be written in the wrong places)."""
    data = read_workbook(path, std)
    if str(data.template_version) != TEMPLATE_VERSION:
        raise WorkbookError(f"工作簿模板版本为 {data.template_version}，本软件为 {TEMPLATE_VERSION}："
                            "请用新模板重新填报，或使用对应版本的软件")
    edited = standard_table_changes(data, std)
    rules = workbook_rules(data, std) if use_workbook_rules and edited else std
    cells = formula_cells(rules, data.inputs)
    _require_template_formulas(path, cells, rules.version)
    try:
        patched = patch_workbook(path.read_bytes(), cached_map(cells))
    except PatchError as exc:
        raise WorkbookError(f"工作簿中找不到这些公式单元格：{exc}，无法安全刷新；请使用新模板") from None
    return Recalculated(patched, edited, rules is not std)


def _require_template_formulas(path: Path, cells: list, std_version: str) -> None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged part; all mean the same
        raise WorkbookError(f"文件 {path.name} 已损坏，无法读取其中的公式") from exc
    for cell in cells:
        stored = book[cell.sheet].cell(cell.row + 1, cell.col + 1)
        if not isinstance(stored.value, str) or not _same_formula(stored.value, cell.formula):
            raise WorkbookError(f"单元格 {cell.sheet}!{stored.coordinate} 的公式与评价标准 {std_version} 的模板不同"
                                f"（应为 {cell.formula}），无法安全刷新：工作簿若按省级细则生成，请加 --standard 细则文件；"
                                "否则请恢复该公式或使用新模板")
