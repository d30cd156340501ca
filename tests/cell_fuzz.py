"""Fuzzed county workbooks for the reader's differential test, and the oracle it is compared
with: openpyxl's own parser behind the same NameSource interface.

Every input cell of the example (the cells behind the in_* defined names) is re-encoded in the
sheet XML as one of the encodings spreadsheet programs write, at random but reproducibly."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from helpers import EXAMPLE_WORKBOOK
from jieshui.workbook.cached_values import sheet_parts
from jieshui.workbook.readers import WorkbookError, read_from, screen
from jieshui.workbook.readers.base import require_names

CELL_KINDS = ("number", "shared", "shared_rich", "inline", "inline_rich", "str", "bool", "error",
              "date", "empty_v", "blank")
TEXTS = ("四十", "是", "否", "  ", "85%", "=1+1", "已提供", "示例旗", "40万m³", "0.85", "abc")
NUMBERS = ("12", "12.5", "1.25E1", "-3", "0.85", "1e-3", "0", "1.0000000000000002", "40",
           "123456789012345678901234567890", "2.5E+3")
ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!")
DATES = ("2025-07-20", "2025-07-20T13:45:00", "2024-12-31T00:00:00")


def oracle_read(path: Path, std: Any) -> Any:
    """What openpyxl reads through the defined names (the old openpyxl backend, kept as oracle)."""
    screen(Path(path))
    try:
        book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except Exception as exc:
        raise WorkbookError(str(exc)) from exc
    require_names(Path(path), lambda name: book.defined_names.get(name) is not None, std)
    return read_from(_OpenpyxlSource(book), std)


class _OpenpyxlSource:
    def __init__(self, book: Any):
        self.book = book

    def address(self, name: str) -> tuple[str, str]:
        sheet, ref = next(iter(self.book.defined_names[name].destinations))
        if sheet not in self.book.sheetnames:
            raise WorkbookError(f"工作簿缺少工作表“{sheet}”")
        return sheet, ref.replace("$", "")

    def value(self, name: str) -> Any:
        sheet, ref = self.address(name)
        target = self.book[sheet][ref]
        if isinstance(target, tuple):
            return [[c.value for c in row] for row in target]
        return target.value


def _input_cells(source: Path) -> dict[str, list[str]]:
    """{sheet: [A1, ...]} of every cell behind an in_* name."""
    book = openpyxl.load_workbook(source)
    cells: dict[str, list[str]] = {}
    for name, defined in book.defined_names.items():
        if not name.startswith("in_"):
            continue
        for sheet, ref in defined.destinations:
            target = book[sheet][ref.replace("$", "")]
            rows = target if isinstance(target, tuple) else ((target,),)
            cells.setdefault(sheet, []).extend(c.coordinate for row in rows for c in row)
    return cells


_INPUTS: dict[str, list[str]] = {}


def _encode(kind: str, ref: str, style: str, rng: random.Random, strings: list[str]) -> str:
    """One `<c>` element of the given encoding."""
    open_tag = f'<c r="{ref}"{style}'
    if kind == "blank":
        return open_tag + "/>"
    if kind == "empty_v":
        return open_tag + rng.choice(("><v/></c>", "><v></v></c>", "><v /></c>"))
    if kind == "number":
        return f"{open_tag}><v>{rng.choice(NUMBERS)}</v></c>"
    if kind in ("shared", "shared_rich"):
        strings.append(_text_item(kind == "shared_rich", rng))
        return f'{open_tag} t="s"><v>{len(strings) - 1}</v></c>'
    if kind in ("inline", "inline_rich"):
        return f'{open_tag} t="inlineStr"><is>{_text_body(kind == "inline_rich", rng)}</is></c>'
    if kind == "str":
        return f'{open_tag} t="str"><v>{escape(rng.choice(TEXTS))}</v></c>'
    if kind == "bool":
        return f'{open_tag} t="b"><v>{rng.choice("01")}</v></c>'
    if kind == "error":
        return f'{open_tag} t="e"><v>{rng.choice(ERRORS)}</v></c>'
    return f'{open_tag} t="d"><v>{rng.choice(DATES)}</v></c>'


def _text_body(rich: bool, rng: random.Random) -> str:
    text = rng.choice(TEXTS)
    if not rich:
        return f'<t xml:space="preserve">{escape(text)}</t>'
    cut = len(text) // 2
    return (f'<r><rPr><b/></rPr><t xml:space="preserve">{escape(text[:cut])}</t></r>'
            f'<r><t xml:space="preserve">{escape(text[cut:])}</t></r>'
            '<rPh sb="0" eb="1"><t>よみ</t></rPh>')


def _text_item(rich: bool, rng: random.Random) -> str:
    return f"<si>{_text_body(rich, rng)}</si>"


def fuzzed_workbook(folder: Path, seed: int) -> tuple[Path, set[str]]:
    """A copy of the example with its input cells re-encoded; (path, encodings used)."""
    rng = random.Random(seed)
    if not _INPUTS:
        _INPUTS.update(_input_cells(EXAMPLE_WORKBOOK))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"fuzz{seed}.xlsm"
    used: set[str] = set()
    with zipfile.ZipFile(EXAMPLE_WORKBOOK) as source:
        parts = sheet_parts(source)
        strings_xml = source.read("xl/sharedStrings.xml").decode("utf-8")
        count = len(re.findall(r"<si>", strings_xml))
        new_strings: list[str] = [""] * count  # indexes continue after the existing table
        changed: dict[str, str] = {}
        for sheet, refs in _INPUTS.items():
            xml = source.read(parts[sheet]).decode("utf-8")
            for ref in refs:
                if rng.random() < 0.4:
                    continue
                kind = CELL_KINDS[rng.randrange(len(CELL_KINDS))] if used >= {"number", "shared", "inline"} \
                    else ("number", "shared", "inline")[len(used) % 3]
                xml, hit = _replace_cell(xml, ref, kind, rng, new_strings)
                used |= {kind} if hit else set()
            changed[parts[sheet]] = xml
        added = "".join(new_strings[count:])
        changed["xl/sharedStrings.xml"] = strings_xml.replace("</sst>", added + "</sst>")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = changed[info.filename].encode("utf-8") if info.filename in changed else source.read(info)
                target.writestr(info, data)
    return path, used


def _replace_cell(xml: str, ref: str, kind: str, rng: random.Random, strings: list[str]) -> tuple[str, bool]:
    pattern = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
    match = pattern.search(xml)
    if match is None or "<f>" in match.group(0) or "<f " in match.group(0):
        return xml, False
    style = re.search(r'\ss="\d+"', match.group("attrs"))
    cell = _encode(kind, ref, style.group(0) if style else "", rng, strings)
    return xml[:match.start()] + cell + xml[match.end():], True
