"""Read a county workbook file straight from its zip with Python's XML parser: the defined names
and sheet parts for every file reader, and the cells wherever calamine (calamine_reader, the
fast path) cannot be exact. Only the parts the defined names point at are parsed, streamed with
defusedxml (no DTDs, no entity expansion); no macro, formula or external link is evaluated.

`cell_value` is the one place a cell's XML becomes a value, whatever wrote the file (Excel, WPS,
LibreOffice, openpyxl): numbers, shared and inline strings (rich text included), booleans,
errors, ISO dates (t="d") and empty values (`<v/>`)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any, Callable

from defusedxml import DefusedXmlException, ElementTree
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter, range_boundaries

from ...engine import Standard
from ..cached_values import MAIN_NS, sheet_parts
from .base import (BROKEN, WorkbookData, WorkbookError, filled, outside_tables, read_from, refuse_broken,
                   require_names, screen)

TEXT, RUN, PHONETIC = f"{MAIN_NS}t", f"{MAIN_NS}r", f"{MAIN_NS}rPh"


class DamagedCell(Exception):
    """A cell whose XML no spreadsheet program writes; the message says what is wrong."""


def _split_reference(text: str) -> tuple[str, str]:
    sheet, _, ref = text.strip().lstrip("=").rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")


def rich_text(item: Any) -> str:
    """A shared or inline string: plain text or rich-text runs; phonetic runs (rPh) are reading
    aids, not part of the text."""
    parts = []
    for child in item:
        if child.tag == TEXT:
            parts.append(child.text or "")
        elif child.tag == RUN:
            parts.append(child.findtext(TEXT) or "")
    return "".join(parts)


def _number(raw: str) -> int | float:
    try:
        number = float(raw)
    except ValueError:
        raise DamagedCell(f"数值“{raw[:20]}”无效") from None
    exact = number.is_integer() and "." not in raw and "e" not in raw.lower()
    return int(raw) if exact else number  # int(raw): a 400-digit integer stays exact, not inf


def _date(raw: str) -> dt.date | dt.datetime | str:
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return raw  # the engine then names the cell: a date where a number belongs
    return moment.date() if moment.time() == dt.time() else moment


def cell_value(cell: Any, strings: Callable[[], list[str]]) -> Any:
    """The value of one `<c>` element; `strings` gives the shared-string table when needed."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{MAIN_NS}is")
        return rich_text(inline) if inline is not None else None
    raw = cell.findtext(f"{MAIN_NS}v")
    if raw is None or not raw.strip():  # no value, or an empty one as some writers leave it
        return None
    if kind == "s":
        table = strings()
        if not raw.strip().isdigit() or int(raw) >= len(table):
            raise DamagedCell(f"引用了不存在的共享字符串（第{raw[:20]}个）")
        return table[int(raw)]
    if kind == "b":
        return raw.strip() not in ("0", "false")
    if kind in ("str", "e"):
        return raw
    if kind == "d":
        return _date(raw)
    return _number(raw)


class ZipWorkbookSource:
    """A NameSource over the workbook's XML parts; sheets are parsed once, on first use."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path = path
        self.archive = archive
        self.book = ElementTree.fromstring(self.archive.read("xl/workbook.xml"))
        self.names = self._defined_names(self.book)
        self._parts: dict[str, str] | None = None
        self._strings: list[str] | None = None
        self._sheets: dict[str, dict[str, Any]] = {}

    def _defined_names(self, book: Any) -> dict[str, tuple[str, str]]:
        """The workbook-level names and where they point; a name pointing at deleted cells
        (#REF!, not a place) goes to `broken` instead."""
        names, self.broken = {}, []
        for defined in book.iter(f"{MAIN_NS}definedName"):
            if defined.get("localSheetId") is None and defined.text and "!" in defined.text:
                if BROKEN in defined.text.upper():
                    self.broken.append(defined.get("name"))
                else:
                    names[defined.get("name")] = _split_reference(defined.text)
        return names

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                with self.archive.open("xl/sharedStrings.xml") as stream:
                    for _, item in ElementTree.iterparse(stream):
                        if item.tag == f"{MAIN_NS}si":
                            self._strings.append(rich_text(item))
                            item.clear()
        return self._strings

    def part(self, sheet: str) -> str:
        """The zip path of a sheet's XML; a sheet that is not there is named."""
        if self._parts is None:  # only when a sheet is parsed here: the fast reader rarely needs it
            self._parts = sheet_parts(self.archive, self.book)
        part = self._parts.get(sheet)
        if part is None or part not in self.archive.NameToInfo:
            raise WorkbookError(f"工作簿缺少工作表“{sheet}”，请勿删除工作表")
        return part

    def _sheet(self, sheet: str) -> dict[str, Any]:
        if sheet not in self._sheets:
            part = self.part(sheet)
            cells: dict[str, Any] = {}
            with self.archive.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{MAIN_NS}c":
                        try:
                            cells[element.get("r")] = cell_value(element, self._shared_strings)
                        except DamagedCell as exc:
                            raise WorkbookError(f"文件{self.path.name}已损坏：单元格{sheet}!"
                                                f"{element.get('r')}{exc}，请用 Excel 或 WPS 打开后"
                                                "另存一次再试") from None
                        element.clear()
            self._sheets[sheet] = cells
        return self._sheets[sheet]

    def address(self, name: str) -> tuple[str, str]:
        if name not in self.names:
            raise WorkbookError(f"文件{self.path.name}缺少定义名称{name}，不是完整的县域复核工作簿")
        return self.names[name]

    def below(self, name: str) -> tuple[str, list[tuple[str, Any]]]:
        """(sheet, [(ref, value)]) of the non-empty cells below a range, in its columns."""
        sheet, ref = self.address(name)
        first_col, _, last_col, last_row = range_boundaries(ref)
        found = []
        for at, value in self._sheet(sheet).items():
            letters, row = coordinate_from_string(at)
            if row > last_row and first_col <= column_index_from_string(letters) <= last_col and filled(value):
                found.append((row, column_index_from_string(letters), at, value))
        return sheet, [(at, value) for _, _, at, value in sorted(found)]

    def value(self, name: str) -> Any:
        sheet, ref = self.address(name)
        cells = self._sheet(sheet)
        if ":" not in ref:
            return cells.get(ref)
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        return [[cells.get(f"{get_column_letter(c)}{r}") for c in range(first_col, last_col + 1)]
                for r in range(first_row, last_row + 1)]


def read_file(path: str | Path, std: Standard,
              source_type: type[ZipWorkbookSource] = ZipWorkbookSource) -> WorkbookData:
    """A county workbook's inputs, shown results and versions, through a source of this module's
    kind; WorkbookError (Chinese) names what is wrong with any other file. Screens the file
    before unpacking anything."""
    path = Path(path)
    try:
        with screen(path) as archive:
            source = _source(path, archive, std, source_type)
            data = read_from(source, std)
            data.outside = outside_tables(source.below)
            return data
    except DefusedXmlException as exc:  # a DTD, an entity: no workbook Excel writes has one
        raise WorkbookError(f"文件{path.name}含有不安全的内部内容（文档类型声明或实体），"
                            "已拒绝读取") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, EOFError) as exc:
        # A damaged part (XML that does not parse, a missing part, a reference that is not
        # one): the file is not usable, whatever wrote it.
        raise WorkbookError(f"文件{path.name}已损坏（内部结构不完整或无效），无法作为 Excel 工作簿读取；"
                            "请用 Excel 或 WPS 打开后另存一次再试") from exc


def _source(path: Path, archive: zipfile.ZipFile, std: Standard,
            source_type: type[ZipWorkbookSource]) -> ZipWorkbookSource:
    source = source_type(path, archive)
    refuse_broken(path, source.broken, std)
    require_names(path, lambda name: name in source.names, std)
    return source
