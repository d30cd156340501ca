"""整理佐证目录: check the 佐证台账 against the 佐证材料 folder (every listed file there and
readable, a .pdf really a PDF with the pages its row says, every file there listed, every scored
content with evidence) and write the 佐证材料目录, an index by indicator and content with page
numbers (a PDF's real pages; a missing or unreadable file marked 缺 and given none), as .xlsx (and
PDF through LibreOffice)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..workbook.styles import LINE_PT, plain_document, print_setup, text_height
from ..engine import Standard
from ..engine.words import date, shown
from ..workbook.contract import EVIDENCE_CHOICES
from ..workbook.readers import WorkbookData
from ..workbook.check import CheckResult, content_name, outside_message, prerequisite_name
from .export import file_stem

TITLE = "佐证材料目录"
INDEX_HEADERS = ("序号", "评价指标", "评价内容", "材料名称", "文号", "日期", "页数", "页码", "文件")


MISSING = "缺"  # the index's page column for a file that is not there or cannot be read
PDF_MAGIC = b"%PDF-"


@dataclass
class EvidenceCheck:
    problems: list[tuple[str, str]] = field(default_factory=list)   # (cell, message)
    unlisted: list[Path] = field(default_factory=list)              # files no row names
    index: list[list[Any]] = field(default_factory=list)            # the 目录's rows


@dataclass(frozen=True)
class _Found:
    """What the folder holds for one ledger row: `pages` None when the file is missing or
    unreadable (the index gives it no page numbers), else the pages the index counts."""
    pages: int | None
    problem: str = ""
    pages_problem: str = ""


def _pdf_pages(path: Path) -> int | str:
    """The page count of a PDF, or why it cannot be read (pypdf: a well-kept pure-Python reader)."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its English warnings are not for users
    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "已加密，无法读取页数，请提供未加密的文件"
        return len(reader.pages)
    except Exception:  # pypdf raises many kinds on a damaged file
        return "已损坏，无法读取页数，请重新导出为 PDF"


def _examine(path: Path, file: str, typed: Any) -> _Found:
    """Whether a listed file is there and readable, and how many pages it really has."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return _Found(None, f"文件“{file}”无法读取（权限或损坏）")
    typed_pages = int(typed) if isinstance(typed, (int, float)) and typed >= 0 else 0
    if path.suffix.lower() != ".pdf":
        return _Found(typed_pages)
    if PDF_MAGIC not in head:  # the header may follow a few bytes of junk, as readers allow
        return _Found(None, f"文件“{file}”扩展名为 .pdf，但不是 PDF 文件，请重新导出为 PDF")
    pages = _pdf_pages(path)
    if isinstance(pages, str):
        return _Found(None, f"文件“{file}”{pages}")
    if isinstance(typed, (int, float)) and typed != pages:
        return _Found(pages, pages_problem=f"页数填{shown(typed)}，文件“{file}”实有{pages}页")
    return _Found(pages)


def ledger_key(value: Any, std: Standard) -> int | str | None:
    """What a 佐证台账 row's first column names: a content's id (1–24), a prerequisite's key
    ("P1") whether the reader gives the key or the sheet's words (必备条件1), or None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if any(c.id == value for c in std.contents) else None
    if isinstance(value, str):
        text = value.strip()
        keys = [p.id for p in std.prerequisites]
        if text in keys:
            return text
        words = {prerequisite_name(i): key for i, key in enumerate(keys)}
        return words.get(text.replace(" ", ""))
    return None


def check_evidence(data: WorkbookData, checked: CheckResult, std: Standard, folder: Path) -> EvidenceCheck:
    result, named, found = EvidenceCheck(), set(), {}
    has_folder = folder.is_dir()
    if not has_folder:  # said once, not once per listed file
        result.problems.append(("佐证材料文件夹", _no_folder(folder, data)))
    result.problems += [(f"{found.sheet}!{found.cells[0][0]}", outside_message(data, found, "未读取，也未列入目录"))
                        for found in data.outside if found.name == "in_ledger"]
    for n, row in data.inputs.ledger_rows():
        content_id, name, _, _, pages, file = (list(row) + [None] * 6)[:6]
        where = data.cell("in_ledger", n)
        if ledger_key(content_id, std) is None:
            last = prerequisite_name(len(std.prerequisites) - 1)
            result.problems.append((where, f"应填评价内容序号1～{len(std.contents)}或必备条件1～"
                                           f"{last.removeprefix('必备条件')}（如“必备条件1”），现为{shown(content_id)}"))
        if name in (None, ""):
            result.problems.append((data.cell("in_ledger", n, 1), "材料名称未填写"))
        if pages is not None and not (isinstance(pages, (int, float)) and pages >= 0 and float(pages).is_integer()):
            result.problems.append((data.cell("in_ledger", n, 4), f"页数应为整数，现为{shown(pages)}"))
        if file in (None, ""):
            continue
        path = (folder / str(file)).resolve()
        named.add(path)
        if not has_folder:
            found[n] = _Found(None)
        elif not path.is_relative_to(folder.resolve()):
            found[n] = _Found(None, f"文件“{file}”不在佐证材料文件夹中")
        elif not path.is_file():
            found[n] = _Found(None, f"佐证材料文件夹中没有文件“{file}”")
        else:
            found[n] = _examine(path, str(file), pages)
        if found[n].problem:
            result.problems.append((data.cell("in_ledger", n, 5), found[n].problem))
        if found[n].pages_problem:
            result.problems.append((data.cell("in_ledger", n, 4), found[n].pages_problem))
    listed = {ledger_key(row[0], std) for _, row in data.inputs.ledger_rows() if row}
    for i, content in enumerate(checked.assessment.contents):
        if content.points and data.inputs.evidence.get(content.id) != EVIDENCE_CHOICES[0] \
                and content.id not in listed:
            result.problems.append((data.cell("in_evidence", i), f"{content_name(content)}自评得分"
                                    f"{content.points:g}分，佐证台账中没有材料"))
    if has_folder:
        result.unlisted = sorted(p for p in folder.rglob("*") if p.is_file() and p.resolve() not in named
                                 and not p.name.startswith(("~$", ".")))
    result.index = _index(data, std, found)
    return result


def _no_folder(folder: Path, data: WorkbookData) -> str:
    """The folder is missing (or is a file): what that means for the listed files, and what to do."""
    what = "不是文件夹" if folder.exists() else "不存在"
    listed = sum(1 for _, row in data.inputs.ledger_rows() if len(row) > 5 and row[5] not in (None, ""))
    effect = f"台账所列{listed}个文件均未核对，目录中标为“{MISSING}”" if listed else "台账中没有列出文件"
    return (f"“{folder.absolute()}”{what}，{effect}：请检查文件夹名称，或用 --dir 指定佐证材料所在的文件夹"
            "（“整理佐证目录”按钮使用工作簿旁的“佐证材料”文件夹）")


def _index(data: WorkbookData, std: Standard, found: dict[int, _Found]) -> list[list[Any]]:
    """The 目录's rows: the prerequisites (the gate a reviewer checks first) under their names
    (必备条件1…), then the contents in the standard's order, each document with its page range;
    a file that is missing or unreadable is marked 缺 and takes no pages from those after it."""
    headings = [(p.id, "必备条件", f"{prerequisite_name(i)}：{p.title}") for i, p in enumerate(std.prerequisites)]
    headings += [(c.id, c.indicator, f"（{c.id}）{c.title}") for c in std.contents]
    ledger = [(n, ledger_key(row[0], std), (list(row) + [None] * 6)[:6]) for n, row in data.inputs.ledger_rows()]
    rows, page = [], 1
    for key, indicator, title in headings:
        for n, row in [(n, row) for n, listed, row in ledger if listed == key]:
            typed = int(row[4]) if isinstance(row[4], (int, float)) and row[4] >= 0 else 0
            pages = found[n].pages if n in found else typed
            if pages is None:
                span = MISSING
            else:
                span = f"{page}–{page + pages - 1}" if pages > 0 else "—"
                page += pages
            # A printed index writes dates as officials do: 2025年7月20日.
            day = date(row[3]) if hasattr(row[3], "year") else (row[3] or "")
            rows.append([len(rows) + 1, indicator, title, row[1] or "", row[2] or "", day, pages or "",
                         span, row[5] or ""])
    return rows


# Each column's width (characters; a Chinese one takes two) from what it holds, within these
# bounds: at the widest the table still fits A4 landscape with 11 pt text printed above 7.5 pt.
INDEX_WIDTHS = ((5, 5), (8, 14), (30, 30), (12, 26), (6, 22), (6, 16), (6, 6), (6, 12), (6, 24))
TITLE_PT = 30  # a row for the 16 pt title


def _width(text: Any) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def index_widths(rows: list[list[Any]]) -> list[int]:
    """Column widths from content: the widest entry (or heading) and a little padding, so that
    a 文号 or a date stays on one line and long names wrap in a column of bounded width."""
    return [min(most, max(least, *(_width(row[c]) + 2 for row in [list(INDEX_HEADERS), *rows])))
            for c, (least, most) in enumerate(INDEX_WIDTHS)]


def index_workbook(data: WorkbookData, result: EvidenceCheck, day: dt.date) -> bytes:
    stream = io.BytesIO()
    book, styles = plain_document(stream)
    ws = book.add_worksheet(TITLE)
    name = data.inputs.county.get("name") or ""
    widths = index_widths(result.index)
    # The title in its own row, tall enough for its font; the headings repeat on every page.
    ws.merge_range(0, 0, 0, len(INDEX_HEADERS) - 1, f"{name}县域节水型社会达标建设复核{TITLE}", styles.title)
    ws.set_row(0, TITLE_PT)
    ws.write_row(1, 0, INDEX_HEADERS, styles.header)
    ws.set_row(1, text_height(zip(INDEX_HEADERS, widths), minimum=LINE_PT + 4))
    for r, values in enumerate(result.index, start=2):
        for c, value in enumerate(values):
            ws.write(r, c, value, styles.center if c in (0, 5, 6, 7) else styles.text)
        # A row does not grow by itself in a file no program has opened: as tall as its wrapped text.
        ws.set_row(r, text_height(zip(values, widths), minimum=LINE_PT + 4))
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    print_setup(ws, landscape=True, repeat=(1, 1))
    book.close()
    return stream.getvalue()


def index_name(data: WorkbookData, day: dt.date) -> str:
    return file_stem(data.inputs, day).replace("复核自评赋分表", f"复核{TITLE}")
