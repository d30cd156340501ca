"""Entry points for the workbook's buttons, called from VBA through xlwings' RunPython.

Each reads the calling workbook through xlwings and hands the values to the same core the
command line uses; nothing here computes a score of its own.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import xlwings as xw

from .county import FieldError, validate
from .standard import default_standard
from .workbook_reader import collect

SHOWN_PROBLEMS = 15


def names_getter(book: Any) -> Callable[[str], Any]:
    """Read a defined name's cells through xlwings: one value, or rows for a range."""

    def get(name: str) -> Any:
        cells = book.names[name].refers_to_range
        return cells.options(ndim=2).value if cells.count > 1 else cells.value

    return get


def problems_message(errors: Sequence[FieldError]) -> str:
    if not errors:
        return "数据检查通过：全部输入项已填写，未发现问题。"
    lines = [f"发现 {len(errors)} 项问题：", ""]
    lines += [f"{n}. {e.message}" for n, e in enumerate(errors[:SHOWN_PROBLEMS], start=1)]
    if len(errors) > SHOWN_PROBLEMS:
        lines.append(f"……另有 {len(errors) - SHOWN_PROBLEMS} 项，可在命令行运行 jieshui score 查看全部。")
    return "\n".join(lines)


def check_data() -> None:
    book = xw.Book.caller()
    std = default_standard()
    data = validate(collect(names_getter(book), std).to_county_raw(), std)
    book.app.alert(problems_message(data.errors), title="检查数据")


def export_submission() -> None:
    book = xw.Book.caller()
    book.app.alert("“导出报送表”将在下一版本提供。目前可在“报送表”页直接打印，或另存为 PDF。",
                   title="导出报送表")


def recalculate() -> None:
    book = xw.Book.caller()
    try:
        book.app.api.CalculateFull()  # Windows Excel: every formula, the UDFs included
    except AttributeError:
        book.app.calculate()
