"""Formulas compared by meaning, not by text: the template's formula of every formula cell
(`TemplateFormulas`: the map any adapter compares a workbook with; recalc and merge build it
from the builder's cells), how a workbook file's formulas are read, and when two formulas are
the same.

Excel, WPS and LibreOffice each respell a formula when they save it: LibreOffice drops the quotes
of '基础数据'!$B$80 and writes FALSE() for FALSE; WPS and Excel add _xlfn. to newer functions;
a number may come back as 1E+12. Both sides are tokenised with openpyxl's formula tokenizer and
compared token by token, ignoring sheet-name quoting, case outside string literals, whitespace,
`$`, function prefixes, TRUE()/FALSE() and the spelling of numbers. Tokenising costs ~0.3 ms a
formula, so a sheet is first compared by a digest of its formulas' raw text (the usual case: a
file saved by Excel or by us), and only a sheet whose digest differs is read cell by cell."""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from defusedxml import ElementTree
from openpyxl.utils.cell import get_column_letter

from .cached_values import sheet_parts

# A formula cell as Excel, XlsxWriter and openpyxl write it (`r` first, a plain <f>): the digest
# reads only these. Any other spelling (LibreOffice's <f aca="false">, shared formulas, prefixed
# elements) makes the digest differ, and the sheet is then read with ANY_CELL.
PLAIN_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*><f>([^<]*)</f>')
ANY_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*)>\s*<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)')
ATTRIBUTE = re.compile(rb'\b([a-zA-Z]+)="([^"]*)"')
REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
QUOTED = re.compile(r"('(?:[^']|'')*')")
# &amp; last, so that "&amp;quot;" stays the text &quot;.
ENTITIES = ((b"&quot;", b'"'), (b"&apos;", b"'"), (b"&lt;", b"<"), (b"&gt;", b">"), (b"&amp;", b"&"))
PREFIXES = ("_XLFN.", "_XLWS.")
SHOWN_CHARS = 40  # how much of a differing token a message quotes


@dataclass(frozen=True)
class TemplateFormulas:
    """{sheet: {"H5": "=formula"}}: every formula cell of the template, in row order."""
    sheets: Mapping[str, Mapping[str, str]]

    @classmethod
    def of(cls, cells: Iterable[Any]) -> TemplateFormulas:
        """From cells with .sheet, .row and .col (0-based) and .formula ("=..."), as the builder
        records them (builder.formula_cells)."""
        by_sheet: dict[str, list[tuple[int, int, str]]] = {}
        for cell in cells:
            by_sheet.setdefault(cell.sheet, []).append((cell.row, cell.col, cell.formula))
        return cls({sheet: {f"{get_column_letter(col + 1)}{row + 1}": text for row, col, text in sorted(found)}
                    for sheet, found in by_sheet.items()})

    @functools.cached_property
    def digests(self) -> dict[str, bytes]:
        """Each sheet's digest, as `_digest` computes it from a file written the plain way."""
        return {sheet: _digest((ref.encode(), _escape(text[1:]).encode()) for ref, text in cells.items())
                for sheet, cells in self.sheets.items()}


@dataclass(frozen=True)
class FormulaChange:
    """A template formula cell whose formula a workbook changed."""
    sheet: str
    ref: str
    expected: str
    found: str | None  # None: the cell holds no formula (a typed value, or nothing)
    detail: str        # what differs, in words, e.g. 模板为“$B$80”，此处为“$C$80”

    @property
    def cell(self) -> str:
        return f"{self.sheet}!{self.ref}"


def _escape(text: str) -> str:
    """A formula as XlsxWriter, Excel and openpyxl write it into <f>."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _digest(pairs: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Refs and formulas alternating, NUL-separated (neither holds one), joined without a
    Python-level loop: this is most of the digest path's cost."""
    return hashlib.blake2b(b"\0".join(itertools.chain.from_iterable(pairs)), digest_size=16).digest()


def read_formulas(xml: bytes) -> dict[str, str | None]:
    """{"H5": "=formula"} of every formula cell in a sheet's XML, shared formulas expanded;
    None for a cell whose formula cannot be made out (a shared one without its master)."""
    cells = []
    for match in ANY_CELL.finditer(xml):
        ref = REF.search(match.group(1))
        if ref is not None:
            cells.append((ref.group(1).decode(), match.group(2), match.group(3) or b""))
    found: dict[str, str | None] = {}
    masters: dict[bytes, tuple[str, str]] = {}
    for (ref, f_attrs, _), text in zip(cells, _texts([payload for _, _, payload in cells])):
        if b"shared" in f_attrs:  # a block of cells sharing one formula, relative to its master
            attrs = dict(ATTRIBUTE.findall(f_attrs))
            if attrs.get(b"t") == b"shared":
                text = _shared(masters, attrs.get(b"si", b""), ref, text)
        found[ref] = text
    return found


def _texts(payloads: list[bytes]) -> list[str | None]:
    """The formulas ("=..."; None for an empty element) of <f> elements' contents. XML's five
    entities are undone on the bytes (fast); character references (openpyxl writes every
    non-ASCII character as one) by one parse of them all: the payloads hold no markup, since
    ANY_CELL stops at "<"."""
    if any(b"&#" in payload for payload in payloads):
        document = b"<r>" + b"".join(b"<f>" + payload + b"</f>" for payload in payloads) + b"</r>"
        return [f"={f.text}" if f.text else None for f in ElementTree.fromstring(document)]
    texts: list[str | None] = []
    for payload in payloads:
        if b"&" in payload:
            for entity, char in ENTITIES:
                payload = payload.replace(entity, char)
        texts.append("=" + payload.decode() if payload else None)
    return texts


def _shared(masters: dict[bytes, tuple[str, str]], index: bytes, ref: str, text: str | None) -> str | None:
    """A shared formula's text at `ref`: the master's (which carries the text) moved there."""
    from openpyxl.formula.translate import Translator, TranslatorError

    if text is not None:
        masters[index] = (ref, text)
        return text
    if index not in masters:
        return None
    origin, formula = masters[index]
    try:
        return Translator(formula, origin=origin).translate_formula(ref)
    except TranslatorError:
        return None


def changed_formulas(archive: zipfile.ZipFile, template: TemplateFormulas,
                     parts: Mapping[str, str] | None = None) -> list[FormulaChange]:
    """Every template formula cell whose formula the workbook changed (same meaning is the same),
    in the template's order. A cell with a formula the template has not (an official's own
    =120+30 in an input cell) is not a change."""
    parts = sheet_parts(archive) if parts is None else parts
    changes = []
    for sheet, expected in template.sheets.items():
        part = parts.get(sheet)
        xml = archive.read(part) if part in archive.NameToInfo else b""
        if xml and _digest(PLAIN_CELL.findall(xml)) == template.digests[sheet]:
            continue
        found = read_formulas(xml)
        for ref, text in expected.items():
            got = found.get(ref)
            if got != text and not same_formula(got, text):
                changes.append(FormulaChange(sheet, ref, text, got, difference(text, got)))
    return changes


def same_formula(found: str | None, expected: str) -> bool:
    """Whether two formulas mean the same (see the module's docstring)."""
    if found is None:
        return False
    if found == expected:
        return True
    a, b = canonical(found), canonical(expected)
    return a is not None and b is not None and a[0] == b[0]


@functools.lru_cache(maxsize=8192)
def canonical(formula: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(keys, shown) of a formula's tokens: `keys` compare by meaning, `shown` is each token as
    written (for messages). None when the tokenizer cannot read the formula. Cached: a batch of
    workbooks repeats the same few thousand formulas."""
    from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

    try:
        items = [t for t in Tokenizer(formula).items if t.type != "WHITE-SPACE"]
    except TokenizerError:
        return None
    keys, shown = [], []
    i = 0
    while i < len(items):
        token = items[i]
        name = token.value.upper()
        if (token.type == "FUNC" and token.subtype == "OPEN" and name in ("TRUE(", "FALSE(")
                and i + 1 < len(items) and items[i + 1].type == "FUNC" and items[i + 1].subtype == "CLOSE"):
            keys.append("LOGICAL:" + name[:-1])  # LibreOffice writes FALSE() for FALSE
            shown.append(token.value + ")")
            i += 2
            continue
        keys.append(_key(token))
        shown.append(token.value)
        i += 1
    return tuple(keys), tuple(shown)


def _key(token: Any) -> str:
    kind, subtype, value = token.type, token.subtype, token.value
    if kind == "OPERAND":
        if subtype == "TEXT":
            return "T:" + value  # a string literal keeps its case
        if subtype == "NUMBER":
            return "N:" + _number(value)
        if subtype == "RANGE":
            return "R:" + _reference(value)
        return f"{subtype}:{value.upper()}"  # LOGICAL, ERROR
    if kind == "FUNC" and subtype == "OPEN":
        name = value.upper()
        while name.startswith(PREFIXES):
            name = name.split(".", 1)[1]
        return "F:" + name
    return f"{kind}/{subtype}:{value.upper()}"  # operators, separators, parentheses


def _number(text: str) -> str:
    """A number as a spreadsheet holds it: 15 significant digits (1E+12 = 1000000000000)."""
    try:
        return format(float(text), ".15g")
    except ValueError:
        return text.upper()


def _reference(text: str) -> str:
    """A reference or name without `$`, sheet names unquoted ('基础数据'!$B$80 = 基础数据!B80),
    upper case: Excel matches sheet and defined names regardless of case."""
    parts = QUOTED.split(text)
    return "".join(part[1:-1].replace("''", "'") if n % 2 else part.replace("$", "")
                   for n, part in enumerate(parts)).upper()


def difference(expected: str, found: str | None) -> str:
    """What differs between the template's formula and the workbook's, in a few words: the first
    token that differs, never the whole formula."""
    if found is None:
        return "模板为公式，此处已不是公式（可能被改成了数值或被清除）"
    a, b = canonical(expected), canonical(found)
    if a is None or b is None:
        return f"此处的公式无法识别：“{_short(found)}”"
    for n, (want, got) in enumerate(zip(a[0], b[0])):
        if want != got:
            return f"模板为“{_short(a[1][n])}”，此处为“{_short(b[1][n])}”"
    if len(a[0]) > len(b[0]):
        return f"此处缺少模板末尾的“{_short(''.join(a[1][len(b[0]):]))}”"
    return f"此处末尾多出“{_short(''.join(b[1][len(a[0]):]))}”"


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
