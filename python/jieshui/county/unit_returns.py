"""Read a unit's returned 填报表: who it is for, what it says, and whether anything outside its
yellow cells was changed (every finding names its cell)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import UTILITY_FIELDS, Standard
from ..engine.words import EVIDENCE_GIVEN, EVIDENCE_MISSING
from ..workbook.contract import UTILITY_ROWS
from ..workbook.inputs import WorkbookInputs
from ..workbook.readers import WorkbookError, screen
from ..workbook.readers.base import MAX_WORKBOOK_BYTES
from .unit_files import (FIRST_ROW, FORM_HEADERS, IDENTITY_FIELDS, KEY_COL, PREFILL, REPORT_FIELDS, SHEET_EVIDENCE,
                         SHEET_FORM, SHEET_IDENTITY, SHEET_REPORT, SHEET_UTILITIES, VALUE_COL, evidence_items,
                         item_label, leads_utilities, unit_file, unit_inputs)


@dataclass
class UnitReturn:
    path: Path
    identity: dict[str, Any]
    values: dict[str, tuple[Any, str]] = field(default_factory=dict)       # key → (value, cell)
    utilities: list[tuple[list[Any], str]] | None = None                     # rows, first cell
    evidence: dict[str, tuple[Any, str]] = field(default_factory=dict)      # P1 / "5" → (mark, cell)
    report: dict[str, Any] = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)
    prefilled: dict[str, Any] | None = None  # unit file cell → what split wrote there (None: an older file)
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
        where = f"{ws.title}!{cell.coordinate}"
        result.tampered.append(  # the key column is hidden: its text means nothing to the unit
            f"{where}（隐藏的对照列）被改动" if col == KEY_COL and ws.title == SHEET_FORM
            else f"{where}被改动（应为“{expected}”，现为“{found or ''}”）")


def _form(result: UnitReturn, ws: Any, std: Standard) -> None:
    for n, (key, use) in enumerate(unit_inputs(std, result.unit)):
        row, spec = FIRST_ROW + n, std.inputs[key]
        for col, expected in ((1, spec.label), (2, spec.unit)):
            _expect(result, ws, row, col, expected)
        if ws.cell(row + 1, KEY_COL + 1).value not in (None, ""):  # a file split wrote before 2025.5
            _expect(result, ws, row, KEY_COL, key)
        cell = ws.cell(row + 1, VALUE_COL + 1)
        result.values[key] = (_blank(cell.value), f"{ws.title}!{cell.coordinate}")


def _utilities(result: UnitReturn, ws: Any) -> None:
    """The table's UTILITY_ROWS rows (as many as the county workbook's table holds, and as many
    as split writes); anything typed below them is named and refused, not dropped."""
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW + 1, max_row=FIRST_ROW + UTILITY_ROWS,
                            min_col=2, max_col=1 + len(UTILITY_FIELDS)):
        rows.append(([_blank(c.value) for c in row], f"{ws.title}!{row[0].coordinate}"))
    result.utilities = rows
    below = [c.coordinate for row in ws.iter_rows(min_row=FIRST_ROW + UTILITY_ROWS + 1, min_col=2,
                                                  max_col=1 + len(UTILITY_FIELDS))
             for c in row if _blank(c.value) is not None]
    if below:
        result.tampered.append(f"{ws.title}!{below[0]}{'' if len(below) == 1 else ':' + below[-1]}填在供水单位表"
                               f"（第{FIRST_ROW + 1}–{FIRST_ROW + UTILITY_ROWS}行）之外，未读取：请移到表格内的空行"
                               f"（最多{UTILITY_ROWS}个供水单位）")


# The marks of files split wrote before 2025.5, read as today's words.
_EARLIER_MARKS = {"提供": EVIDENCE_GIVEN, "缺": EVIDENCE_MISSING}


def _evidence(result: UnitReturn, ws: Any, std: Standard) -> None:
    for n, (item_id, title, _) in enumerate(evidence_items(std, result.unit)):
        row = FIRST_ROW + n
        if ws.cell(row + 1, 1).value != item_id:  # files split wrote before 2025.5 showed P1
            _expect(result, ws, row, 0, item_label(std, item_id))
        cell = ws.cell(row + 1, 4)
        mark = _blank(cell.value)
        result.evidence[item_id] = (_EARLIER_MARKS.get(mark, mark), f"{ws.title}!{cell.coordinate}")


def _report(result: UnitReturn, ws: Any) -> None:
    result.report = {label: _blank(ws.cell(FIRST_ROW + n + 1, 2).value) for n, label in enumerate(REPORT_FIELDS)}


def read_unit_file(path: Path, std: Standard) -> UnitReturn:
    """A returned unit file; WorkbookError (Chinese) when it is not one of ours."""
    import openpyxl

    screen(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged part
        raise WorkbookError(f"文件{path.name}已损坏，无法作为填报表读取") from None
    if SHEET_IDENTITY not in book.sheetnames or SHEET_FORM not in book.sheetnames:
        raise WorkbookError(f"文件{path.name}不是由 jieshui 生成的填报表（请用领导小组办公室发出的文件填写）")
    rows = list(book[SHEET_IDENTITY].iter_rows(max_col=2, values_only=True))
    identity = {str(k): v for k, v in rows if k in IDENTITY_FIELDS}
    prefilled = {str(k).removeprefix(PREFILL): _blank(v) for k, v in rows if str(k).startswith(PREFILL)}
    result = UnitReturn(path, identity, saved=_saved(book, path), prefilled=prefilled or None)
    if result.unit not in std.units:
        raise WorkbookError(f"文件{path.name}的责任单位“{result.unit}”不在评价标准的成员单位中")
    headers = [c.value for c in book[SHEET_FORM][FIRST_ROW]]
    if tuple(headers[:len(FORM_HEADERS)]) != FORM_HEADERS:
        result.tampered.append(f"{SHEET_FORM}表的标题行被改动")
    _form(result, book[SHEET_FORM], std)
    if leads_utilities(std, result.unit) and SHEET_UTILITIES in book.sheetnames:
        _utilities(result, book[SHEET_UTILITIES])
    if SHEET_EVIDENCE in book.sheetnames:
        _evidence(result, book[SHEET_EVIDENCE], std)
    if SHEET_REPORT in book.sheetnames:
        _report(result, book[SHEET_REPORT])
    _stray(result, book, std)
    if result.tampered:  # what to do, once, after the cells
        result.tampered.append("只能填写黄色单元格：请把上述单元格改回原样（表格外的内容移入黄色单元格或删除），"
                               "或在领导小组办公室分发的原表中重新填写后交回")
    return result


def _stray(result: UnitReturn, book: Any, std: Standard) -> None:
    """Anything typed where split wrote nothing and merge reads nothing (below a list, beside
    it, under the 月报's fields) is named, never dropped: the sheets' protection has no password,
    so a unit can type anywhere. What split writes comes from split itself, for this unit."""
    import openpyxl

    template = openpyxl.load_workbook(io.BytesIO(unit_file(std, WorkbookInputs(), result.unit, dt.date.today())))
    read = {cell for _, cell in (*result.values.values(), *result.evidence.values())}
    read |= {f"{SHEET_REPORT}!B{FIRST_ROW + n + 1}" for n in range(len(REPORT_FIELDS))}
    # The hidden key column of a file split wrote before 2025.5 (checked by _form).
    read |= {f"{SHEET_FORM}!G{FIRST_ROW + n}" for n in range(len(unit_inputs(std, result.unit)) + 1)}
    for ws in book.worksheets:
        if ws.title not in template.sheetnames or ws.title == SHEET_IDENTITY:
            continue
        written = {c.coordinate for row in template[ws.title].iter_rows() for c in row if c.value is not None}
        stray = [c.coordinate for row in ws.iter_rows() for c in row
                 if _blank(c.value) is not None and c.coordinate not in written
                 and f"{ws.title}!{c.coordinate}" not in read and not _in_utilities(ws.title, c)]
        if stray:
            span = stray[0] if len(stray) == 1 else f"{stray[0]}等{len(stray)}个单元格"
            result.tampered.append(f"{ws.title}!{span}填在表格之外，未读取")


def _in_utilities(sheet: str, cell: Any) -> bool:
    """The 供水单位 table's columns from its first row down: read, or named, by _utilities."""
    return sheet == SHEET_UTILITIES and cell.row > FIRST_ROW and 2 <= cell.column <= 1 + len(UTILITY_FIELDS)


def _saved(book: Any, path: Path) -> dt.datetime:
    """When the unit saved the file (local time): the time its office suite wrote inside it, which
    an e-mail or a copy keeps; the file system's time when that is missing or still to come."""
    made = book.properties.modified  # UTC, as Excel, WPS, LibreOffice and openpyxl write it
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime)
    if not isinstance(made, dt.datetime):
        return mtime
    local = made.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    return local if local <= dt.datetime.now() + dt.timedelta(minutes=5) else mtime


def distinct_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The returned files to read, each once, and a note for each one left out: a path given
    twice (or another name for the same file), or a copy with exactly the same bytes (the same
    return saved twice). Files that cannot be read are kept: read_unit_file names what is wrong."""
    kept: list[Path] = []
    notes: list[str] = []
    seen: dict[str, Path] = {}
    for path in paths:
        same = next((k for k in kept if _same_file(path, k)), None)
        if same is not None:
            notes.append(f"填报表{path}重复给出，只读取一次" if path == same
                         else f"填报表{path}与{same}是同一个文件，只读取一次")
            continue
        digest = _digest(path)
        if digest is not None and digest in seen:
            notes.append(f"填报表{path}与{seen[digest]}内容完全相同（同一份填报表的副本），只读取一次")
            continue
        if digest is not None:
            seen[digest] = path
        kept.append(path)
    return kept, notes


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a == b or a.samefile(b)
    except OSError:  # one of them is missing: read_unit_file says so
        return False


def _digest(path: Path) -> str | None:
    """The SHA-256 of a regular file no larger than the readers accept; None for anything else."""
    import hashlib

    try:
        if not path.is_file() or path.stat().st_size > MAX_WORKBOOK_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
