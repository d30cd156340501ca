"""Read a county workbook's defined names straight from its zip, for batches: only the parts the
names point at are parsed, streamed with defusedxml (no DTDs, no entity expansion), and no
macro, formula or external link is ever evaluated."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException, ElementTree
from openpyxl.utils.cell import get_column_letter, range_boundaries

from ...engine import Standard
from ..cached_values import MAIN_NS, sheet_parts
from .base import WorkbookData, WorkbookError, read_from, require_names, screen

ERROR_TYPE = "e"


def _split_reference(text: str) -> tuple[str, str]:
    sheet, _, ref = text.strip().lstrip("=").rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")


def _item_text(item: Any) -> str:
    """A shared string: plain text or rich-text runs; phonetic runs (rPh) are reading aids."""
    parts = []
    for child in item:
        if child.tag == f"{MAIN_NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{MAIN_NS}r":
            parts.append(child.findtext(f"{MAIN_NS}t") or "")
    return "".join(parts)


class ZipWorkbookSource:
    """A NameSource over the workbook's XML parts; sheets are parsed once, on first use."""

    def __init__(self, path: Path):
        self.path = path
        self.archive = zipfile.ZipFile(path)
        self.parts = sheet_parts(self.archive)
        self.names = self._defined_names()
        self._strings: list[str] | None = None
        self._sheets: dict[str, dict[str, Any]] = {}

    def _defined_names(self) -> dict[str, tuple[str, str]]:
        book = ElementTree.fromstring(self.archive.read("xl/workbook.xml"))
        names = {}
        for defined in book.iter(f"{MAIN_NS}definedName"):
            if defined.get("localSheetId") is None and defined.text and "!" in defined.text:
                names[defined.get("name")] = _split_reference(defined.text)
        return names

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                with self.archive.open("xl/sharedStrings.xml") as stream:
                    for _, item in ElementTree.iterparse(stream):
                        if item.tag == f"{MAIN_NS}si":
                            self._strings.append(_item_text(item))
                            item.clear()
        return self._strings

    def _cell_value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{MAIN_NS}t"))
        raw = cell.findtext(f"{MAIN_NS}v")
        if not raw:  # no value, or an empty one as some writers leave it
            return None
        if kind == "s":
            return self._shared_strings()[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("str", ERROR_TYPE):
            return raw
        number = float(raw)
        return int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number

    def _sheet(self, sheet: str) -> dict[str, Any]:
        if sheet not in self._sheets:
            part = self.parts.get(sheet)
            if part is None or part not in self.archive.namelist():
                raise WorkbookError(f"工作簿缺少工作表“{sheet}”，请勿删除工作表")
            cells: dict[str, Any] = {}
            with self.archive.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{MAIN_NS}c":
                        cells[element.get("r")] = self._cell_value(element)
                        element.clear()
            self._sheets[sheet] = cells
        return self._sheets[sheet]

    def address(self, name: str) -> tuple[str, str]:
        if name not in self.names:
            raise WorkbookError(f"文件 {self.path.name} 缺少定义名称 {name}，不是完整的县域复核工作簿")
        return self.names[name]

    def value(self, name: str) -> Any:
        sheet, ref = self.address(name)
        cells = self._sheet(sheet)
        if ":" not in ref:
            return cells.get(ref)
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        return [[cells.get(f"{get_column_letter(c)}{r}") for c in range(first_col, last_col + 1)]
                for r in range(first_row, last_row + 1)]


def read_fast(path: str | Path, std: Standard) -> WorkbookData:
    """Like openpyxl_reader.read_workbook, for a batch: screens first, parses only what it needs."""
    path = Path(path)
    screen(path)
    try:
        source = ZipWorkbookSource(path)
        require_names(path, lambda name: name in source.names, std)
        return read_from(source, std)
    except DefusedXmlException as exc:  # a DTD, an entity: no workbook Excel writes has one
        raise WorkbookError(f"文件 {path.name} 含有不安全的 XML 内容（{type(exc).__name__}），"
                            "已拒绝读取") from exc
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, ElementTree.ParseError) as exc:
        # A damaged part (XML that does not parse, a number that is not one, a string index
        # past the table): the file is not usable, whatever wrote it.
        raise WorkbookError(f"文件 {path.name} 已损坏，无法作为 Excel 工作簿读取（{type(exc).__name__}）") from exc
