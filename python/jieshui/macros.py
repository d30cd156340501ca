"""Entry points for the workbook's buttons, called from VBA through xlwings' RunPython.

Each reads the calling workbook through xlwings (XlwingsSource) and hands the values to the
same core the command line uses (checks, submission); nothing here computes a score.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlwings as xw

from .checks import RESULT_HEADERS, check, link_target, result_rows
from .standard import default_standard
from .submission import export, free_path
from .workbook_reader import read_from

RESULTS_SHEET = "检查结果"


class XlwingsSource:
    """The workbook's defined names, read through xlwings from the running Excel."""

    def __init__(self, book: Any):
        self.book = book

    def _range(self, name: str) -> Any:
        return self.book.names[name].refers_to_range

    def value(self, name: str) -> Any:
        cells = self._range(name)
        return cells.options(ndim=2).value if cells.count > 1 else cells.value

    def address(self, name: str) -> tuple[str, str]:
        cells = self._range(name)
        return cells.sheet.name, cells.address.replace("$", "")


def _checked(book: Any) -> tuple[Any, Any]:
    std = default_standard()
    data = read_from(XlwingsSource(book), std)
    return data, check(data, std)


def check_data() -> None:
    book = xw.Book.caller()
    _, checked = _checked(book)
    write_results(book, checked.problems)
    count = len(checked.problems)
    book.app.alert(f"发现 {count} 项问题，已列在“{RESULTS_SHEET}”工作表，点击单元格地址可跳转。"
                   if count else "数据检查通过：未发现问题。", title="检查数据")


def write_results(book: Any, problems: list) -> None:
    names = [sheet.name for sheet in book.sheets]
    sheet = (book.sheets[RESULTS_SHEET] if RESULTS_SHEET in names
             else book.sheets.add(RESULTS_SHEET, after=book.sheets[len(names) - 1]))
    sheet.clear()
    sheet["A1"].value = [list(RESULT_HEADERS)] + result_rows(problems)
    for n, problem in enumerate(problems, start=2):
        target = link_target(problem)
        if target:
            sheet[f"B{n}"].add_hyperlink(target, problem.cell, "跳转到该单元格")
    sheet.activate()


def _folder(book: Any) -> Path:
    folder = Path(book.fullname).parent
    return folder if folder.is_dir() else Path.home()


def export_submission() -> None:
    book = xw.Book.caller()
    data, checked = _checked(book)
    exported = export(checked, data.inputs, _folder(book), dt.date.today(), make_pdf=False)
    pdf_note = excel_pdf(book.app, exported.xlsx)
    lines = [f"已导出报送表：{exported.xlsx}", pdf_note]
    if checked.problems:
        lines.append(f"数据检查未通过：{len(checked.problems)} 项，已列在报送表末尾；请点“检查数据”查看。")
    book.app.alert("\n".join(lines), title="导出报送表")


def excel_pdf(app: Any, xlsx: Path) -> str:
    """Excel's own PDF export of the submission file; a plain note when it fails."""
    pdf = free_path(xlsx.with_suffix(".pdf"))
    try:
        exported = app.books.open(str(xlsx))
        try:
            exported.to_pdf(str(pdf))
        finally:
            exported.close()
    except Exception as exc:  # COM errors have no common type; the official gets a plain note
        return f"未生成 PDF（Excel 导出失败：{exc}），可打开报送表后另存为 PDF。"
    return f"已生成 PDF：{pdf}"


def recalculate() -> None:
    book = xw.Book.caller()
    try:
        book.app.api.CalculateFull()  # Windows Excel: every formula, the UDFs included
    except AttributeError:
        book.app.calculate()
