"""Refresh every cached value of a county workbook from its inputs, without Excel."""

from __future__ import annotations

import dataclasses
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from ..builder import cached_map, formula_cells
from ..engine import Standard
from ..workbook.cached_values import PatchError, patch_workbook
from ..workbook.contract import PREVIOUS_TEMPLATE, TEMPLATE_VERSION
from ..workbook.formulas import FormulaChange, TemplateFormulas, changed_formulas
from ..workbook.functions import CellProblem, content_from_params
from ..workbook.readers import WorkbookData, WorkbookError, read_workbook, screen
from ..workbook.check import Problem, standard_table_changes


@dataclass
class Recalculated:
    data: bytes
    edited_rules: list[Problem]  # 评价标准 cells that differ from the official standard
    used_workbook_rules: bool


def workbook_rules(data: WorkbookData, std: Standard) -> Standard:
    """The standard with each content's numbers taken from the workbook's 评价标准 rows, as the
    workbook's own formulas compute in Excel."""
    contents = []
    for i, content in enumerate(std.contents):
        row = data.standard_table[i] if i < len(data.standard_table) else []
        try:
            contents.append(content_from_params([row]))
        except CellProblem as exc:
            raise WorkbookError(f"评价标准第{content.id}行（{data.cell('std_table', i)}）无法使用："
                                f"{str(exc).removeprefix('错误：')}") from None
    return dataclasses.replace(std, contents=tuple(contents))


def recalculated(path: Path, std: Standard, use_workbook_rules: bool = False) -> Recalculated:
    """The workbook's bytes with fresh cached values; refuses a workbook whose formulas are not
    the template's (its cells would be written in the wrong places)."""
    data = read_workbook(path, std)
    current_template(data, "重新计算", "再对新工作簿重新计算")
    edited = standard_table_changes(data, std)
    rules = workbook_rules(data, std) if use_workbook_rules and edited else std
    cells = formula_cells(rules, data.inputs)
    changes = _changes(path, TemplateFormulas.of(cells))
    if changes:
        raise WorkbookError(f"{_described(changes, rules.version)}，无法安全刷新：工作簿若按省级细则生成，"
                            "请加 --standard 细则文件；否则请恢复该公式或使用新模板")
    try:
        patched = patch_workbook(path.read_bytes(), cached_map(cells))
    except PatchError as exc:
        raise WorkbookError(f"工作簿中找不到这些公式单元格：{exc}，无法安全刷新；请使用新模板") from None
    return Recalculated(patched, edited, rules is not std)


def current_template(data: WorkbookData, doing: str, then: str) -> None:
    """Refuses a workbook of another template: `doing` rewrites cached values against the current
    template's formulas. A previous template's workbook is told how to move (jieshui upgrade)."""
    found = str(data.template_version).strip()
    if found == TEMPLATE_VERSION:
        return
    if found == PREVIOUS_TEMPLATE:
        raise WorkbookError(f"工作簿为上一版模板（{PREVIOUS_TEMPLATE}），{doing}需要当前模板（{TEMPLATE_VERSION}）的公式："
                            f"请先运行 jieshui upgrade 生成当前模板的工作簿（原工作簿不变），{then}")
    raise WorkbookError(f"工作簿模板版本为{data.template_version}，本软件为{TEMPLATE_VERSION}："
                        "请用新模板重新填报，或使用对应版本的软件")


def _changes(path: Path, template: TemplateFormulas) -> list[FormulaChange]:
    """The template formula cells the file changed; a sheet part that does not unpack means a
    damaged file."""
    try:
        with screen(path) as archive:
            return changed_formulas(archive, template)
    except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, ValueError, ParseError) as exc:
        raise WorkbookError(f"文件{path.name}已损坏，无法读取其中的公式") from exc


def _described(changes: list[FormulaChange], std_version: str) -> str:
    """One line: the first changed cell, what differs there, and how many more."""
    first = changes[0]
    more = f"（另有{len(changes) - 1}处公式也不同）" if len(changes) > 1 else ""
    return f"单元格{first.cell}的公式与评价标准{std_version}的模板不同：{first.detail}{more}"
