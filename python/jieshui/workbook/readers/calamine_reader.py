"""Read a county workbook's cells with calamine (Rust, through python-calamine): the file reader
of score, check, export, recalc and collect. The defined names and sheet parts still come from
workbook.xml through defusedxml (ZipWorkbookSource); calamine reads the sheets they point at.

The values mean what `file_reader.cell_value` and openpyxl make of the same XML:
- calamine gives every number as a float; an integral one a float holds exactly becomes an int,
  as Excel's "12" does. A number a float cannot hold (a 30-digit integer, one past the float
  range) sends its sheet to the XML parser, which keeps it exact.
- an empty cell is None; a date-formatted number a datetime, as openpyxl reads it. calamine
  reads a serial below 1 (or a negative one) as a time of day, losing the serial: such a
  value sends its sheet to the XML parser too.
- calamine reads an error value (#DIV/0!, #N/A) as an empty string (python-calamine issue 105),
  and a sheet cut off in the middle as if it ended there: a sheet with an error cell (t="e"),
  one whose XML is not complete, and one calamine refuses are read by the XML parser, which
  keeps the error, or refuses the sheet and names the damaged cell.
- calamine's XML parser (quick-xml) never expands an entity a document declares; a sheet that
  uses one fails to parse and is refused as damaged. The shared strings, where text lives, are
  screened as the XML parser screens them: a document type declaration there is refused as
  unsafe. (Screening every sheet part too would cost a third of the read.)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter, range_boundaries
from python_calamine import CalamineError, CalamineWorkbook

from ...engine import Standard
from .base import WorkbookData, WorkbookError, filled
from .file_reader import ZipWorkbookSource, read_file

EXACT = 2.0 ** 53  # past this a float no longer holds every integer
PROLOG_BYTES = 4096
SHARED_STRINGS = "xl/sharedStrings.xml"
ERROR_CELL = re.compile(rb"<c\b[^>]*\st=[\"']e[\"']")


class UnsafeXml(WorkbookError):
    """A part declares a document type (and so possibly entities): refused, as the XML parser does."""


class Inexact(Exception):
    """A value calamine holds only approximately: the sheet is read by the XML parser."""


def _prolog_is_plain(head: bytes) -> bool:
    """Whether the XML before the root element has no document type declaration (comments and
    processing instructions skipped); a prolog longer than `head` is not plain."""
    position = 0
    while True:
        start = head.find(b"<", position)
        if start < 0 or start + 1 >= len(head):
            return False
        if head.startswith(b"<!--", start):
            end = head.find(b"-->", start)
            if end < 0:
                return False
            position = end + 3
        elif head.startswith(b"<?", start):
            position = start + 2
        else:
            return not head.startswith(b"<!", start)


def _value(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        if value.is_integer() and abs(value) < EXACT:
            return int(value)
        if value.is_integer() or value != value or abs(value) == float("inf"):
            raise Inexact
        return value
    if kind is str:
        return value or None
    if kind is dt.date:
        return dt.datetime.combine(value, dt.time())  # as openpyxl reads a date-formatted cell
    if kind is dt.time or kind is dt.timedelta:
        raise Inexact
    return value


@functools.lru_cache(maxsize=1024)
def _bounds(ref: str) -> tuple[int, int, int, int]:
    return range_boundaries(ref if ":" in ref else f"{ref}:{ref}")


def _row(cells: list[Any], width: int) -> list[Any]:
    """One row of a range, padded to its width; an empty row without a look at each cell."""
    if cells.count("") == len(cells):
        return [None] * width
    return [_value(v) for v in cells] + [None] * (width - len(cells))


def _from_grid(grid: list[list[Any]], ref: str) -> Any:
    first_col, first_row, last_col, last_row = _bounds(ref)
    width = last_col - first_col + 1
    present = grid[first_row - 1:last_row]
    values = [_row(row[first_col - 1:last_col], width) for row in present]
    values += [[None] * width for _ in range(last_row - first_row + 1 - len(present))]
    return values if ":" in ref else values[0][0]


def _calamine_can_read(xml: bytes) -> bool:
    """A sheet whose XML is complete (calamine reads a cut-off part without a word) and has no
    error cell (calamine reads those as empty strings)."""
    if not xml.rstrip().endswith(b"worksheet>"):
        return False
    return not ((b'"e"' in xml or b"'e'" in xml) and ERROR_CELL.search(xml))  # `in` first: 10x faster


class CalamineSource(ZipWorkbookSource):
    """A NameSource whose cell values come from calamine; each sheet is read once, on first use."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        super().__init__(path, archive)
        self._refuse_doctype(SHARED_STRINGS)
        try:
            self.calamine = CalamineWorkbook.from_path(str(path))
        except CalamineError as exc:
            raise WorkbookError(f"文件{path.name}已损坏（内部结构无效），无法作为 Excel 工作簿读取；"
                                "请用 Excel 或 WPS 打开后另存一次再试") from exc
        self._grids: dict[str, list[list[Any]] | None] = {}

    def _refuse_doctype(self, part: str) -> None:
        if part in self.archive.NameToInfo:
            with self.archive.open(part) as stream:
                if not _prolog_is_plain(stream.read(PROLOG_BYTES)):
                    raise UnsafeXml(f"文件{self.path.name}含有不安全的内部内容（文档类型声明或实体），"
                                    "已拒绝读取")

    def _grid(self, sheet: str) -> list[list[Any]] | None:
        """The sheet's rows from A1 on, or None where the XML parser reads it: a sheet calamine
        cannot read as the XML says, or one it refuses (the XML parser then names the cell)."""
        if sheet not in self._grids:
            self._grids[sheet] = None
            if _calamine_can_read(self.archive.read(self.part(sheet))):
                try:
                    self._grids[sheet] = self.calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                except CalamineError:
                    pass
        return self._grids[sheet]

    def below(self, name: str) -> tuple[str, list[tuple[str, Any]]]:
        sheet, ref = self.address(name)
        grid = self._grid(sheet)
        if grid is None:
            return super().below(name)
        first_col, _, last_col, last_row = _bounds(ref)
        found = []
        for n, row in enumerate(grid[last_row:], start=last_row + 1):  # the grid runs to the last used row
            for col, value in enumerate(row[first_col - 1:last_col], start=first_col):
                if value != "" and filled(value):
                    try:
                        value = _value(value)
                    except Inexact:  # shown in a message only: calamine's approximation will do
                        pass
                    found.append((f"{get_column_letter(col)}{n}", value))
        return sheet, found

    def value(self, name: str) -> Any:
        sheet, ref = self.address(name)
        grid = self._grid(sheet)
        if grid is not None:
            try:
                return _from_grid(grid, ref)
            except Inexact:
                self._grids[sheet] = None
        return super().value(name)


def read_workbook(path: str | Path, std: Standard) -> WorkbookData:
    """A county workbook's inputs, shown results and versions (see file_reader.read_file)."""
    return read_file(path, std, CalamineSource)
