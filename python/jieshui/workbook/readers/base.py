"""The one interface every workbook reader implements (`NameSource`: a defined name's value and
address) and what is read through it: the official's inputs, the results the workbook shows,
its versions and its 评价标准 table. Backends: file_reader (a workbook file, no Excel, straight
from the zip) and xlwings_reader (the running Excel, for the buttons).

Also the screening every reader of an untrusted file does before unpacking anything."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

from ...errors import UserError
from ...engine import UTILITY_FIELDS, Standard
from ..contract import COUNTY_FIELDS, LEDGER_HEADERS, OUTPUT_NAMES, county_name, prereq_name, required_names
from ..inputs import WorkbookInputs
from ..versions import upgrade

MAX_WORKBOOK_BYTES = 50_000_000
MAX_UNPACKED_BYTES = 100_000_000  # a county workbook unpacks to about 1 MB
MAX_RATIO = 200                   # XML compresses 10-30×; far more is a zip bomb


class WorkbookError(UserError):
    """The file cannot be read as a county workbook; the message (Chinese) says what it is."""


class NameSource(Protocol):
    def value(self, name: str) -> Any:
        """The cell's value, or a list of rows for a range."""

    def address(self, name: str) -> tuple[str, str]:
        """(sheet, "D5") or (sheet, "B80:H89")."""


def _cell(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


LEDGER_DATE = LEDGER_HEADERS.index("日期")  # a date-formatted column of the 佐证台账


def _date(value: Any) -> Any:
    """A date cell: the file reader sees no number formats, so it gives the serial; converted
    as Excel's 1900 date system does (openpyxl's from_excel), an impossible serial as #VALUE!."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    try:
        return _cell(from_excel(value))
    except (OverflowError, ValueError):
        return "#VALUE!"


def rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, (list, tuple)):
        return [[value]]
    # Readers hand out fresh lists: a row that is one already is kept, not copied.
    return [r if type(r) is list else list(r) if isinstance(r, tuple) else [r] for r in value]


def column(value: Any) -> list[Any]:
    return [row[0] if row else None for row in rows(value)]


def collect(source: NameSource, std: Standard) -> WorkbookInputs:
    """Everything an official typed, through the names; blanks become None."""
    result = WorkbookInputs()
    result.county = {k: _cell(source.value(county_name(k))) for k in COUNTY_FIELDS}
    result.county["report_date"] = _date(result.county["report_date"])
    result.inputs = {k: _cell(source.value(f"in_{k}")) for k in std.inputs}
    result.utilities = [[_cell(v) for v in row[:len(UTILITY_FIELDS)]]
                        for row in rows(source.value("in_utilities"))]
    result.evidence = {c.id: _cell(v) for c, v in zip(std.contents, column(source.value("in_evidence")))}
    result.prereq_evidence = {p.id: _cell(v) for p, v in
                              zip(std.prerequisites, column(source.value("in_prereq_evidence")))}
    result.reports = {unit: [_cell(v) for v in row]
                      for unit, row in zip(std.units, rows(source.value("in_reports")))}
    result.returns = {unit: _cell(v) for unit, v in zip(std.units, column(source.value("in_returns")))}
    ids = _ledger_ids(std)
    result.ledger = [_ledger_row(row, ids) for row in rows(source.value("in_ledger"))]
    return result


def _ledger_ids(std: Standard) -> dict[Any, Any]:
    """What the ledger's first column may hold → the id a row is read with: 1–24 (typed as a
    number or as text) → the content's id (int), 必备条件1 → the prerequisite's id ("P1")."""
    ids: dict[Any, Any] = {prereq_name(p.id): p.id for p in std.prerequisites}
    for c in std.contents:
        ids[float(c.id)] = ids[str(c.id)] = c.id
    return ids


def _ledger_row(row: list[Any], ids: dict[Any, Any]) -> list[Any]:
    """A 佐证台账 row: [content id (int) or prerequisite id (str, "P1"), 材料名称, 文号, 日期
    (a date), 页数, 文件]; a first cell that names neither is kept as typed (check reports it)."""
    if row.count(None) == len(row):  # most of the ledger's rows: nothing to convert
        return row
    cells = [_date(_cell(v)) if n == LEDGER_DATE else _cell(v) for n, v in enumerate(row)]
    first = cells[0].strip() if isinstance(cells[0], str) else cells[0]
    key = float(first) if isinstance(first, (int, float)) and not isinstance(first, bool) else first
    cells[0] = ids.get(key, cells[0]) if isinstance(key, (float, str)) else cells[0]
    return cells


# The tables an official fills row by row. Whatever is typed below one (in its columns) is not
# read, so the file readers list it (check and evidence report it with its cells). The template
# itself writes nothing there: tests hold both shipped workbooks to that.
TABLES = {"in_ledger": "佐证台账表格", "in_utilities": "供水单位漏损数据表", "in_evidence": "佐证材料列",
          "in_prereq_evidence": "佐证材料列", "in_reports": "月报报送情况表", "in_returns": "填报表交回列"}


@dataclass(frozen=True)
class OutsideCells:
    """The non-empty cells below one input table, in its columns, down to the sheet's last row."""
    name: str                       # the table's defined name (a key of TABLES)
    sheet: str
    cells: tuple[tuple[str, Any], ...]  # ("A304", value), row by row

    @property
    def rows(self) -> list[int]:
        return sorted({int(coordinate_from_string(ref)[1]) for ref, _ in self.cells})

    @property
    def span(self) -> str:
        """The smallest range holding every cell, as "A304:F305"."""
        points = [coordinate_from_string(ref) for ref, _ in self.cells]
        columns = [column_index_from_string(c) for c, _ in points]
        first = f"{get_column_letter(min(columns))}{min(r for _, r in points)}"
        last = f"{get_column_letter(max(columns))}{max(r for _, r in points)}"
        return first if first == last else f"{first}:{last}"


def outside_tables(below: Any) -> list[OutsideCells]:
    """What lies below each input table; `below(name)` gives (sheet, [(ref, value), ...])."""
    found = []
    for name in TABLES:
        sheet, cells = below(name)
        if cells:
            found.append(OutsideCells(name, sheet, tuple(cells)))
    return found


def filled(value: Any) -> bool:
    """Whether a cell holds anything an official typed (blank text is nothing)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass
class WorkbookData:
    inputs: WorkbookInputs
    claimed: dict[str, Any]
    addresses: dict[str, tuple[str, str]] = field(default_factory=dict)
    template_version: Any = None
    standard_version: Any = None
    standard_table: list[list[Any]] = field(default_factory=list)
    outside: list[OutsideCells] = field(default_factory=list)  # typed below an input table: not read

    def cell(self, name: str, index: int = 0, col: int = 0) -> str:
        """"sheet!A1" of a name's cell, or of row `index`, column `col` of its range."""
        if name not in self.addresses:
            return ""
        sheet, ref = self.addresses[name]
        letters, first_row = coordinate_from_string(ref.split(":")[0])
        return f"{sheet}!{get_column_letter(column_index_from_string(letters) + col)}{first_row + index}"


def read_from(source: NameSource, std: Standard) -> WorkbookData:
    """A county workbook's inputs, the results it shows, its versions and its 评价标准 table."""
    inputs = collect(source, std)
    claimed = {name: source.value(name) for name in OUTPUT_NAMES}
    claimed["out_points"] = column(source.value("out_points"))
    claimed["out_prereqs"] = column(source.value("out_prereqs"))
    addresses = {name: source.address(name) for name in required_names(std)}
    data = WorkbookData(inputs, claimed, addresses, source.value("tpl_version"),
                        source.value("std_version"), rows(source.value("std_table")))
    return upgrade(data, std)


def refuse_bombs(path: Path) -> zipfile.ZipFile:
    """Check the sizes the zip directory declares before anything is unpacked; the archive,
    opened once, for the reader to go on with."""
    try:
        archive = zipfile.ZipFile(path)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"文件{path.name}已损坏（压缩包目录无法读取），无法作为 Excel 工作簿读取") from exc
    unpacked = sum(e.file_size for e in entries)
    ratio = max((e.file_size / max(e.compress_size, 1) for e in entries), default=0)
    if unpacked > MAX_UNPACKED_BYTES or (ratio > MAX_RATIO and unpacked > 10_000_000):
        raise WorkbookError(f"文件{path}解压后过大（{unpacked // 1_000_000} MB），"
                            "疑似恶意构造的文件，已拒绝读取")
    return archive


def describe_file(path: Path) -> str:
    """What a file that is not a county workbook is, in words an official understands
    (a noun phrase: the caller's sentence says what the file is not)"""
    head = path.read_bytes()[:8] if path.is_file() else b""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 Excel（.xls）文件或加密的工作簿"
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    if head.startswith(b"PK"):
        return "已损坏的压缩文件"
    return "文本或其他类型的文件"


def screen(path: Path) -> zipfile.ZipFile:
    """The checks every reader makes before it unpacks anything from an untrusted file; the
    archive they opened."""
    try:
        status = path.stat()
    except FileNotFoundError as exc:
        raise WorkbookError(f"找不到文件{path}") from exc
    if not stat.S_ISREG(status.st_mode):  # a pipe or a device would block the first read
        raise WorkbookError(f"{path}不是普通文件（可能是文件夹、管道或设备），请选择 Excel 工作簿文件")
    size = status.st_size
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(f"文件{path}过大（{size // 1_000_000} MB，上限{MAX_WORKBOOK_BYTES // 1_000_000} MB），"
                            "不是 jieshui 生成的工作簿")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"文件{path}不是 Excel 工作簿（.xlsm/.xlsx），它是{describe_file(path)}")
    return refuse_bombs(path)


def require_names(path: Path, present: Any, std: Standard) -> None:
    """Refuse a workbook that lacks any name of the template's contract."""
    missing = [n for n in required_names(std) if not present(n)]
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise WorkbookError(f"文件{path.name}不是由 jieshui 模板生成的县域复核工作簿"
                            f"（缺少{len(missing)}个定义名称：{shown}）")


BROKEN = "#REF!"  # what Excel leaves in a defined name whose cells were deleted


def name_purpose(name: str, std: Standard) -> str:
    """What a defined name holds, for a message ("" when there is nothing plainer than the name)."""
    if name in TABLES:
        return TABLES[name]
    key = name.removeprefix("in_")
    return std.inputs[key].label if name.startswith("in_") and key in std.inputs else ""


def refuse_broken(path: Path, broken: list[str], std: Standard) -> None:
    """Refuse a workbook whose contract names point at deleted cells (#REF!), naming them."""
    wanted = [n for n in required_names(std) if n in broken]
    if wanted:
        shown = "、".join(f"{n}（{name_purpose(n, std)}）" if name_purpose(n, std) else n for n in wanted[:3])
        raise WorkbookError(f"文件{path.name}的定义名称{shown}{'等' if len(wanted) > 3 else ''}指向已删除的单元格"
                            f"（{BROKEN}），工作簿被删过行、列或工作表，请改用删除前的文件，或用 jieshui template "
                            "生成新工作簿后重新填写")


def field_cells(data: WorkbookData, std: Standard) -> dict[str, str]:
    """Engine field paths (inputs.x, utilities[n].y, county.z) → the cell an official edits."""
    cells = {f"inputs.{k}": data.cell(f"in_{k}") for k in std.inputs}
    cells.update({f"county.{k}": data.cell(county_name(k)) for k in COUNTY_FIELDS})
    cells["utilities"] = data.cell("in_utilities")
    for k, n in enumerate(data.inputs.filled_utility_rows(), start=1):
        for c, key in enumerate(UTILITY_FIELDS):
            cells[f"utilities[{k}].{key}"] = data.cell("in_utilities", n, c)
    return cells
