"""Read a unit's returned 填报表: who it is for, what it says, and whether anything outside its
yellow cells was changed (every finding names its cell)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import UTILITY_FIELDS, Standard
from ..workbook.readers import WorkbookError, screen
from .unit_files import (FIRST_ROW, FORM_HEADERS, IDENTITY_FIELDS, KEY_COL, REPORT_FIELDS, SHEET_EVIDENCE,
                         SHEET_FORM, SHEET_IDENTITY, SHEET_REPORT, SHEET_UTILITIES, VALUE_COL, evidence_items,
                         leads_utilities, unit_inputs)


@dataclass
class UnitReturn:
    path: Path
    identity: dict[str, Any]
    values: dict[str, tuple[Any, str]] = field(default_factory=dict)       # key → (value, cell)
    utilities: list[tuple[list[Any], str]] | None = None                     # rows, first cell
    evidence: dict[str, tuple[Any, str]] = field(default_factory=dict)      # P1 / "5" → (mark, cell)
    report: dict[str, Any] = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)
    saved: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def unit(self) -> str:
        return str(self.identity.get("unit") or "")


def _blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _expect(result: UnitReturn, ws: Any, row: int, col: int, expected: Any) -> None:
    cell = ws.cell(row + 1, col + 1)
    found = cell.value
    if (found or "") != (expected or "") and not (isinstance(found, (int, float)) and found == expected):
        result.tampered.append(f"{ws.title}!{cell.coordinate} 被改动（应为“{expected}”，现为“{found or ''}”）")


def _form(result: UnitReturn, ws: Any, std: Standard) -> None:
    for n, (key, use) in enumerate(unit_inputs(std, result.unit)):
        row, spec = FIRST_ROW + n, std.inputs[key]
        for col, expected in ((1, spec.label), (2, spec.unit), (KEY_COL, key)):
            _expect(result, ws, row, col, expected)
        cell = ws.cell(row + 1, VALUE_COL + 1)
        result.values[key] = (_blank(cell.value), f"{ws.title}!{cell.coordinate}")
    extra = ws.cell(FIRST_ROW + len(result.values) + 1, 2).value
    if extra not in (None, ""):
        result.tampered.append(f"{ws.title} 表末尾多出了行（{extra}），请勿增加行")


def _utilities(result: UnitReturn, ws: Any) -> None:
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW + 1, min_col=2, max_col=1 + len(UTILITY_FIELDS)):
        rows.append(([_blank(c.value) for c in row], f"{ws.title}!{row[0].coordinate}"))
    result.utilities = rows


def _evidence(result: UnitReturn, ws: Any, std: Standard) -> None:
    for n, (item_id, title, _) in enumerate(evidence_items(std, result.unit)):
        row = FIRST_ROW + n
        _expect(result, ws, row, 0, item_id)
        cell = ws.cell(row + 1, 4)
        result.evidence[item_id] = (_blank(cell.value), f"{ws.title}!{cell.coordinate}")


def _report(result: UnitReturn, ws: Any) -> None:
    result.report = {label: _blank(ws.cell(FIRST_ROW + n + 1, 2).value) for n, label in enumerate(REPORT_FIELDS)}


def read_unit_file(path: Path, std: Standard) -> UnitReturn:
    """A returned unit file; WorkbookError (Chinese) when it is not one of ours."""
    import openpyxl

    screen(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged part
        raise WorkbookError(f"文件 {path.name} 已损坏，无法作为填报表读取") from None
    if SHEET_IDENTITY not in book.sheetnames or SHEET_FORM not in book.sheetnames:
        raise WorkbookError(f"文件 {path.name} 不是 jieshui split 生成的填报表（请用县节水办发出的文件填写）")
    identity = {str(k): v for k, v in book[SHEET_IDENTITY].iter_rows(max_col=2, values_only=True)
                if k in IDENTITY_FIELDS}
    result = UnitReturn(path, identity, saved=dt.datetime.fromtimestamp(path.stat().st_mtime))
    if result.unit not in std.units:
        raise WorkbookError(f"文件 {path.name} 的责任单位“{result.unit}”不在评价标准的成员单位中")
    headers = [c.value for c in book[SHEET_FORM][FIRST_ROW]]
    if tuple(headers[:len(FORM_HEADERS)]) != FORM_HEADERS:
        result.tampered.append(f"{SHEET_FORM} 表的标题行被改动")
    _form(result, book[SHEET_FORM], std)
    if leads_utilities(std, result.unit) and SHEET_UTILITIES in book.sheetnames:
        _utilities(result, book[SHEET_UTILITIES])
    if SHEET_EVIDENCE in book.sheetnames:
        _evidence(result, book[SHEET_EVIDENCE], std)
    if SHEET_REPORT in book.sheetnames:
        _report(result, book[SHEET_REPORT])
    return result
