"""整理佐证目录: check the 佐证台账 against the 佐证材料 folder (every listed file there and
readable, every file there listed, every scored content with evidence) and write the 佐证材料目录,
an index by indicator and content with page numbers, as .xlsx (and PDF through LibreOffice)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from ..builder.styles import Styles, print_setup
from ..engine import Standard
from ..engine.words import shown
from ..workbook.contract import EVIDENCE_CHOICES
from ..workbook.readers import WorkbookData
from .check import CheckResult
from .export import file_stem

TITLE = "佐证材料目录"
INDEX_HEADERS = ("序号", "评价指标", "评价内容", "材料名称", "文号", "日期", "页数", "页码", "文件")


@dataclass
class EvidenceCheck:
    problems: list[tuple[str, str]] = field(default_factory=list)   # (cell, message)
    unlisted: list[Path] = field(default_factory=list)              # files no row names
    index: list[list[Any]] = field(default_factory=list)            # the 目录's rows


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.read(1)
        return True
    except OSError:
        return False


def check_evidence(data: WorkbookData, checked: CheckResult, std: Standard, folder: Path) -> EvidenceCheck:
    result, named = EvidenceCheck(), set()
    ids = {c.id for c in std.contents}
    for n, row in data.inputs.ledger_rows():
        content_id, name, _, _, pages, file = (list(row) + [None] * 6)[:6]
        where = data.cell("in_ledger", n)
        if content_id not in ids:
            result.problems.append((where, f"评价内容序号应为 1～{len(std.contents)}，现为 {shown(content_id)}"))
        if name in (None, ""):
            result.problems.append((data.cell("in_ledger", n, 1), "材料名称未填写"))
        if pages is not None and not (isinstance(pages, (int, float)) and pages >= 0 and float(pages).is_integer()):
            result.problems.append((data.cell("in_ledger", n, 4), f"页数应为整数，现为 {shown(pages)}"))
        if file not in (None, ""):
            path = (folder / str(file)).resolve()
            named.add(path)
            if not path.is_relative_to(folder.resolve()):
                result.problems.append((data.cell("in_ledger", n, 5), f"文件“{file}”不在佐证材料文件夹中"))
            elif not path.is_file():
                result.problems.append((data.cell("in_ledger", n, 5), f"佐证材料文件夹中没有文件“{file}”"))
            elif not _readable(path):
                result.problems.append((data.cell("in_ledger", n, 5), f"文件“{file}”无法读取（权限或损坏）"))
    for i, content in enumerate(checked.assessment.contents):
        if content.points and data.inputs.evidence.get(content.id) != EVIDENCE_CHOICES[0] \
                and not data.inputs.documents(content.id):
            result.problems.append((data.cell("in_evidence", i), f"评价内容 {content.id}“{content.title}”赋分 "
                                    f"{content.points:g} 分，佐证台账中没有材料"))
    if folder.is_dir():
        result.unlisted = sorted(p for p in folder.rglob("*") if p.is_file() and p.resolve() not in named
                                 and not p.name.startswith(("~$", ".")))
    result.index = _index(data, std)
    return result


def _index(data: WorkbookData, std: Standard) -> list[list[Any]]:
    """The 目录's rows: contents in the standard's order, each document with its page range."""
    rows, page = [], 1
    for content in std.contents:
        for _, row in data.inputs.ledger_rows():
            if row[0] != content.id:
                continue
            pages = int(row[4]) if isinstance(row[4], (int, float)) and row[4] >= 0 else 0
            span = f"{page}–{page + pages - 1}" if pages > 0 else "—"
            page += pages
            date = row[3].isoformat() if hasattr(row[3], "isoformat") else (row[3] or "")
            rows.append([len(rows) + 1, content.indicator, f"{content.id} {content.title}", row[1] or "",
                         row[2] or "", date, pages or "", span, row[5] or ""])
    return rows


def index_workbook(data: WorkbookData, result: EvidenceCheck, day: dt.date) -> bytes:
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    styles = Styles(book, quote_text=True)
    ws = book.add_worksheet(TITLE)
    name = data.inputs.county.get("name") or ""
    ws.merge_range(0, 0, 0, len(INDEX_HEADERS) - 1, f"{name}县域节水型社会达标建设复核{TITLE}", styles.title)
    ws.write_row(1, 0, INDEX_HEADERS, styles.header)
    for r, values in enumerate(result.index, start=2):
        for c, value in enumerate(values):
            ws.write(r, c, value, styles.center if c in (0, 5, 6, 7) else styles.text)
    for c, width in enumerate((5, 14, 30, 30, 16, 11, 6, 10, 30)):
        ws.set_column(c, c, width)
    print_setup(ws, landscape=True, repeat=(1, 1))
    book.close()
    return stream.getvalue()


def index_name(data: WorkbookData, day: dt.date) -> str:
    return file_stem(data.inputs, day).replace("节水型社会达标建设复核自评赋分表", f"节水型社会达标建设复核{TITLE}")
