"""A county workbook of an earlier template, rebuilt on the current one with all of its data, so
that merge and recalc (which rewrite cached values against the current template's formulas) can
work on it. The readers already give an earlier template's data in the current words
(workbook/versions.py `upgrade`); the builder writes it into a fresh template, and 填报记录's rows,
which no reader carries, are copied over as they were (merge reads them to refuse older returns).
The original file is never written."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..builder import build_workbook, cached_map, formula_cells, shipped_vba
from ..engine import Standard
from ..workbook.cached_values import patch_workbook
from ..workbook.check import outside_message, standard_table_changes
from ..workbook.contract import SHEET_RECORDS, TEMPLATE_VERSION
from ..workbook.readers import WorkbookData, WorkbookError, read_workbook

LOG_COLUMNS = 8  # 填报记录's columns, as builder/records.py writes its headers


@dataclass
class Upgraded:
    data: bytes
    was: str          # the original's template version, as it reads
    lines: list[str]  # what the office should know about the new workbook, one sentence each


def upgraded(path: Path, std: Standard) -> Upgraded:
    """The current template's workbook holding everything `path` holds."""
    data = read_workbook(path, std)
    log = _log_rows(path)
    built = build_workbook(std, data.inputs, shipped_vba())
    if log:  # appended after building: the cached values are patched again, as merge does
        built = patch_workbook(_with_log(built, log), cached_map(formula_cells(std, data.inputs)))
    was = str(data.template_version or "").strip() or "不详"
    return Upgraded(built, was, _lines(data, std, was, len(log)))


def _lines(data: WorkbookData, std: Standard, was: str, logged: int) -> list[str]:
    lines = [f"模板版本：{was} → {TEMPLATE_VERSION}；基础数据、附件1至附件3的数值、供水单位、佐证材料、"
             "佐证台账、月报和交回日期均已转入"]
    if was == TEMPLATE_VERSION:
        lines.append(f"原工作簿已是当前模板（{TEMPLATE_VERSION}），新工作簿按当前模板重新生成")
    if logged:
        lines.append(f"“{SHEET_RECORDS}”的{logged}行记录已原样转入")
    edited = standard_table_changes(data, std)
    if edited:
        cells = "、".join(p.cell for p in edited[:6]) + ("等" if len(edited) > 6 else "")
        lines.append(f"注意：原工作簿的评价标准有{len(edited)}处与本次使用的评价标准（{std.version}）不同"
                     f"（{cells}），新工作簿按本次使用的评价标准生成；若原工作簿按省级细则填报，"
                     "请加 --standard 细则文件重新生成")
    lines += [f"注意：{outside_message(data, found, '未转入新工作簿')}" for found in data.outside]
    return lines


def _log_rows(path: Path) -> list[list[Any]]:
    """填报记录's rows below its headers, each as its eight cells."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, keep_links=False)
    except Exception:  # read_workbook read it just before: only a file changed meanwhile
        raise WorkbookError(f"无法读取{path.name}的“{SHEET_RECORDS}”表，请确认文件完好后再升级") from None
    try:
        if SHEET_RECORDS not in book.sheetnames:
            return []
        rows = book[SHEET_RECORDS].iter_rows(min_row=2, max_col=LOG_COLUMNS, values_only=True)
        return [list(row) for row in rows if any(v not in (None, "") for v in row)]
    finally:
        book.close()


def _with_log(built: bytes, log: list[list[Any]]) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(built), keep_vba=True, keep_links=False)
    sheet = book[SHEET_RECORDS]
    for row in log:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
