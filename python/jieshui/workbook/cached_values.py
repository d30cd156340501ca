"""Put formula results (cached values) into a workbook's sheet XML, touching nothing else.

openpyxl drops every cached value when it saves, and XlsxWriter leaves an empty-string result
untyped (most readers then show #VALUE!). This pass rewrites only the ``<v>`` of the formula
cells it is given, and keeps every other zip entry's content as it was.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any, Mapping
from xml.sax.saxutils import escape

from defusedxml import ElementTree

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A formula cell as any writer leaves it: attributes in any order, and no value, `<v>…</v>`,
# `<v/>` or `<v />` (openpyxl) after the formula; exactly that one value is replaced.
CELL = re.compile(r'<c\b(?P<attrs>[^>]*?\br="(?P<ref>[A-Z]+[0-9]+)"[^>]*?)>'
                  r'(?P<f><f\b[^>]*/>|<f\b[^>]*>.*?</f>)(?:<v\b[^>]*/>|<v\b[^>]*>.*?</v>)?'
                  r'(?P<rest>(?:(?!</c>).)*)</c>', re.S)
TYPE_ATTR = re.compile(r'\s+t="[^"]*"')
REF_ATTR = re.compile(r'\s*\br="[^"]*"')


def sheet_parts(archive: zipfile.ZipFile, book: Any = None) -> dict[str, str]:
    """Sheet name → the zip path of its XML part (`book`: workbook.xml, when already parsed)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml")) if book is None else book
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL_NS}Relationship")}
    parts = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        parts[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                    else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _typed(value: Any) -> tuple[str, str]:
    """(type attribute, <v> text) for a cached value."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    return ' t="str"', escape("" if value is None else str(value))


class PatchError(Exception):
    """A formula cell the patch did not find: writing the rest would leave stale numbers."""


def patch_sheet_xml(xml: str, values: Mapping[str, Any]) -> str:
    found: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        ref = match.group("ref")
        if ref not in values:
            return match.group(0)
        found.add(ref)
        kind, text = _typed(values[ref])
        attrs = REF_ATTR.sub("", TYPE_ATTR.sub("", match.group("attrs")))
        return f'<c r="{ref}"{" " if attrs else ""}{attrs.strip()}{kind}>{match.group("f")}<v>{text}</v>' \
               f'{match.group("rest")}</c>'

    patched = CELL.sub(replace, xml)
    missing = sorted(set(values) - found)
    if missing:
        raise PatchError("、".join(missing[:5]))
    return patched


def patch_workbook(data: bytes, values: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Workbook bytes with the cached values of the given {sheet: {cell: value}} replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = sheet_parts(source)
    patched = {parts[sheet]: cells for sheet, cells in values.items() if sheet in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in patched:
                content = patch_sheet_xml(content.decode("utf-8"),
                                          patched[info.filename]).encode("utf-8")
            target.writestr(info, content, compress_type=info.compress_type)
    return out.getvalue()
