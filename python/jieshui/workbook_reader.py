"""Read a county workbook through its defined names: without Excel (openpyxl, never running a
macro) or from Excel itself (xlwings, in jieshui.macros). Both hand a name→value getter to
`collect`, so the two doors read the same cells the same way."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .standard import Standard, UTILITY_FIELDS
from .workbook_inputs import COUNTY_FIELDS, WorkbookInputs

Getter = Callable[[str], Any]
MAX_WORKBOOK_BYTES = 50_000_000
MAX_UNPACKED_BYTES = 100_000_000  # a county workbook unpacks to about 1 MB
MAX_RATIO = 200                   # XML compresses 10-30×; far more is a zip bomb


class WorkbookError(Exception):
    """The file cannot be read as a county workbook; the message (Chinese) says what it is."""


def county_name(key: str) -> str:
    return f"in_county_{key}" if key in ("name", "province", "city", "year") else f"in_{key}"


def required_names(std: Standard) -> list[str]:
    return ([county_name(k) for k in COUNTY_FIELDS] + [f"in_{k}" for k in std.inputs]
            + ["in_utilities", "in_evidence", "in_prereq_evidence", "in_reports", "tpl_version",
               "out_base", "out_bonus", "out_total", "out_verdict", "out_points"])


def _cell(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, (list, tuple)):
        return [[value]]
    return [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]


def collect(get: Getter, std: Standard) -> WorkbookInputs:
    """Everything an official typed, through the names; blanks become None."""
    result = WorkbookInputs()
    result.county = {k: _cell(get(county_name(k))) for k in COUNTY_FIELDS}
    result.inputs = {k: _cell(get(f"in_{k}")) for k in std.inputs}
    utilities = _rows(get("in_utilities"))
    result.utilities = [[_cell(v) for v in row[:len(UTILITY_FIELDS)]] for row in utilities]
    evidence = _rows(get("in_evidence"))
    result.evidence = {c.id: _cell(row[0]) for c, row in zip(std.contents, evidence)}
    prereq = _rows(get("in_prereq_evidence"))
    result.prereq_evidence = {p.id: _cell(row[0]) for p, row in zip(std.prerequisites, prereq)}
    reports = _rows(get("in_reports"))
    result.reports = {unit: [_cell(v) for v in row] for unit, row in zip(std.units, reports)}
    return result


@dataclass
class WorkbookData:
    inputs: WorkbookInputs
    claimed: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)
    template_version: Any = None


def _open(path: Path) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise WorkbookError(f"找不到文件 {path}") from exc
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(f"文件 {path} 过大（{size // 1_000_000} MB），不是县域复核工作簿")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"文件 {path} 不是 Excel 工作簿（.xlsm/.xlsx），可能已损坏或是加密文件")
    _refuse_bombs(path)
    try:
        return openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError(f"文件 {path} 无法作为 Excel 工作簿读取：{exc}") from exc


def _refuse_bombs(path: Path) -> None:
    """Check the sizes the zip directory declares before anything is unpacked."""
    try:
        entries = zipfile.ZipFile(path).infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"文件 {path} 已损坏，无法作为 Excel 工作簿读取：{exc}") from exc
    unpacked = sum(e.file_size for e in entries)
    ratio = max((e.file_size / max(e.compress_size, 1) for e in entries), default=0)
    if unpacked > MAX_UNPACKED_BYTES or (ratio > MAX_RATIO and unpacked > 10_000_000):
        raise WorkbookError(f"文件 {path} 解压后过大（{unpacked // 1_000_000} MB），"
                            "疑似压缩炸弹，已拒绝读取")


def _destination(book: Any, name: str) -> tuple[str, str] | None:
    defined = book.defined_names.get(name)
    if defined is None:
        return None
    destinations = list(defined.destinations)
    return destinations[0] if destinations else None


def read_workbook(path: str | Path, std: Standard) -> WorkbookData:
    """A county workbook's inputs and the results it claims (its cached values)."""
    path = Path(path)
    book = _open(path)
    missing = [n for n in required_names(std) if _destination(book, n) is None]
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise WorkbookError(f"文件 {path.name} 不是由 jieshui 模板生成的县域复核工作簿"
                            f"（缺少 {len(missing)} 个定义名称：{shown}）")
    cells: dict[str, str] = {}

    def get(name: str) -> Any:
        sheet, coord = _destination(book, name)
        if sheet not in book.sheetnames:
            raise WorkbookError(f"工作簿缺少工作表“{sheet}”（定义名称 {name} 指向它），请勿删除工作表")
        cells[name] = f"{sheet}!{coord.replace('$', '')}"
        target = book[sheet][coord.replace("$", "")]
        if isinstance(target, tuple):
            return [[c.value for c in row] for row in target]
        return target.value

    inputs = collect(get, std)
    claimed = {name: get(name) for name in ("out_base", "out_bonus", "out_total", "out_verdict")}
    claimed["out_points"] = [row[0] for row in _rows(get("out_points"))]
    return WorkbookData(inputs, claimed, cells, get("tpl_version"))


def field_cells(data: WorkbookData, std: Standard) -> dict[str, str]:
    """Engine field paths (inputs.x, utilities[n].y, county.z) → the cell an official edits."""
    cells = {f"inputs.{k}": data.cells.get(f"in_{k}", "") for k in std.inputs}
    cells.update({f"county.{k}": data.cells.get(county_name(k), "") for k in COUNTY_FIELDS})
    table = data.cells.get("in_utilities", "")
    if "!" in table and ":" in table:
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, get_column_letter

        sheet, span = table.split("!")
        col_letter, first_row = coordinate_from_string(span.split(":")[0])
        first_col = column_index_from_string(col_letter)
        for k, n in enumerate(data.inputs.filled_utility_rows(), start=1):
            for c, key in enumerate(UTILITY_FIELDS):
                cells[f"utilities[{k}].{key}"] = f"{sheet}!{get_column_letter(first_col + c)}{first_row + n}"
    return cells
