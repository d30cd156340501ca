"""佐证台账: any number of evidence documents per content (材料名称, 文号, 日期, 页数, and the file
relative to a 佐证材料 folder beside the workbook). 附件3 counts each content's rows;
`jieshui evidence` checks the files and writes the 佐证材料目录."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..engine import Standard
from ..workbook.contract import LEDGER_HEADERS, LEDGER_ROWS, SHEET_LEDGER, prereq_name
from ..workbook.inputs import WorkbookInputs
from .book import Book, area, cell, protect
from ..workbook.styles import LINE_PT, print_setup, text_height

FIRST_ROW = 3
WIDTHS = (14, 36, 22, 14, 7, 40)  # A4 landscape, a page wide, at about 85%


def ids_range() -> str:
    """The first column (what 附件3 and 附件2 count)."""
    return area(SHEET_LEDGER, FIRST_ROW, 0, FIRST_ROW + LEDGER_ROWS - 1, 0)


def _first_column(std: Standard) -> dict:
    """评价内容 1–24 as a whole number, or 必备条件1…必备条件4 as text."""
    a = cell(FIRST_ROW, 0)
    names = ",".join(f'{a}="{prereq_name(p.id)}"' for p in std.prerequisites)
    return {"validate": "custom",
            "value": f"=OR(AND(ISNUMBER({a}),{a}=INT({a}),{a}>=1,{a}<={len(std.contents)}),{names})",
            "error_title": "填报有误",
            "error_message": f"请填评价内容序号1～{len(std.contents)}，或“{prereq_name(std.prerequisites[0].id)}”～"
                             f"“{prereq_name(std.prerequisites[-1].id)}”"}


def _helps(std: Standard) -> tuple[tuple[str, str, dict], ...]:
    """(prompt title, prompt, validation) of each column: what the field is and how to fill it."""
    first, last = prereq_name(std.prerequisites[0].id), prereq_name(std.prerequisites[-1].id)
    return (
        ("证明的事项", f"这份材料证明的评价内容，填序号1～{len(std.contents)}（见附件3）；证明必备条件的，"
                  f"填“{first}”～“{last}”（见附件2）。", _first_column(std)),
        ("材料名称", "材料的标题，如“关于下达2024年度计划用水指标的通知”；台账、照片等写明内容和年度。",
         {"validate": "length", "criteria": "<=", "value": 200}),
        ("文号", "发文机关的发文字号，如“×水发〔2024〕12号”；没有文号的材料不填。",
         {"validate": "length", "criteria": "<=", "value": 100}),
        ("日期", "材料印发或形成的日期，如2024年3月15日。",
         {"validate": "date", "criteria": ">=", "value": dt.date(2000, 1, 1), "error_title": "填报有误",
          "error_message": "请填日期，如2024年3月15日"}),
        ("页数", "材料的页数（整数）；PDF 文件由“整理佐证目录”按实际页数核对。",
         {"validate": "integer", "criteria": ">=", "value": 0, "error_title": "填报有误",
          "error_message": "请填页数（整数）"}),
        ("文件", "材料电子文件在“佐证材料”文件夹中的位置，如“用水计量/计量台账.pdf”；只有纸质材料的不填。",
         {"validate": "length", "criteria": "<=", "value": 250}))


def shown_id(value: Any) -> Any:
    """The first column as the sheet shows it: 必备条件1 for the readers' "P1"."""
    return prereq_name(value) if isinstance(value, str) and value.startswith("P") else value


def write(book: Book, std: Standard, inputs: WorkbookInputs) -> None:
    """The sheet, with the inputs' ledger rows."""
    ws, styles = book.sheets[SHEET_LEDGER], book.styles
    book.title(ws, "佐证材料台账（每份材料一行；文件放在工作簿旁的“佐证材料”文件夹中）", len(LEDGER_HEADERS) - 1)
    book.headers(ws, 2, list(LEDGER_HEADERS))
    ws.set_row(2, text_height(zip(LEDGER_HEADERS, WIDTHS), minimum=30))
    formats = (styles.input_center, styles.input_text, styles.input_text, styles.input_date,
               styles.input_count, styles.input_text)
    last = FIRST_ROW + LEDGER_ROWS - 1
    for col, ((title, message, check), fmt) in enumerate(zip(_helps(std), formats)):
        ws.data_validation(FIRST_ROW, col, last, col, {**check, "input_title": title, "input_message": message})
        for n in range(LEDGER_ROWS):
            row = inputs.ledger[n] if n < len(inputs.ledger) else []
            value = row[col] if col < len(row) else None
            book.input_cell(ws, FIRST_ROW + n, col, shown_id(value) if col == 0 else value, fmt)
    for n, row in enumerate(inputs.ledger[:LEDGER_ROWS]):  # a row typed later grows as it is typed
        height = text_height([(v, w) for v, w in zip(row, WIDTHS) if isinstance(v, str)], minimum=0)
        if height > LINE_PT + 4:
            ws.set_row(FIRST_ROW + n, height)
    book.name("in_ledger", area(SHEET_LEDGER, FIRST_ROW, 0, last, len(LEDGER_HEADERS) - 1))
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, 0)
    print_setup(ws, landscape=True, repeat=(2, 2))
    protect(ws)
