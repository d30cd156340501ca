"""佐证台账: any number of evidence documents per content (材料名称, 文号, 日期, 页数, and the file
relative to a 佐证材料 folder beside the workbook). 附件3 counts each content's rows;
`jieshui evidence` checks the files and writes the 佐证材料目录."""

from __future__ import annotations

import datetime as dt

from ..engine import Standard
from ..workbook.contract import LEDGER_HEADERS, LEDGER_ROWS, SHEET_LEDGER
from ..workbook.inputs import WorkbookInputs
from .book import Book, area, protect
from ..workbook.styles import print_setup

FIRST_ROW = 3
WIDTHS = (12, 40, 22, 12, 8, 50)


def ids_range() -> str:
    """The 评价内容序号 column (what 附件3 counts)."""
    return area(SHEET_LEDGER, FIRST_ROW, 0, FIRST_ROW + LEDGER_ROWS - 1, 0)


def write(book: Book, std: Standard, inputs: WorkbookInputs) -> None:
    """The sheet, with the inputs' ledger rows."""
    ws, styles = book.sheets[SHEET_LEDGER], book.styles
    book.title(ws, "佐证材料台账（每份材料一行；文件放在工作簿旁的“佐证材料”文件夹中）", len(LEDGER_HEADERS) - 1)
    book.headers(ws, 2, list(LEDGER_HEADERS))
    helps = (("评价内容", {"validate": "integer", "criteria": "between", "minimum": 1,
                         "maximum": len(std.contents), "error_message": f"请填1～{len(std.contents)}的评价内容序号"}),
             ("材料名称", {"validate": "length", "criteria": "<=", "value": 200}),
             ("文号", {"validate": "length", "criteria": "<=", "value": 100}),
             ("日期", {"validate": "date", "criteria": ">=", "value": dt.date(2000, 1, 1),
                      "error_message": "请填日期，如2025-06-30"}),
             ("页数", {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "请填页数（整数）"}),
             ("文件", {"validate": "length", "criteria": "<=", "value": 250}))
    formats = (styles.input_center, styles.input_text, styles.input_text, styles.input_date,
               styles.input_count, styles.input_text)
    last = FIRST_ROW + LEDGER_ROWS - 1
    for col, ((title, check), fmt) in enumerate(zip(helps, formats)):
        message = f"{LEDGER_HEADERS[col]}：每份佐证材料一行" if col else "这份材料证明的评价内容序号（见附件3）"
        ws.data_validation(FIRST_ROW, col, last, col, {**check, "input_title": title, "input_message": message})
        for n in range(LEDGER_ROWS):
            row = inputs.ledger[n] if n < len(inputs.ledger) else []
            book.input_cell(ws, FIRST_ROW + n, col, row[col] if col < len(row) else None, fmt)
    book.name("in_ledger", area(SHEET_LEDGER, FIRST_ROW, 0, last, len(LEDGER_HEADERS) - 1))
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, 0)
    print_setup(ws, landscape=True, repeat=(2, 2))
    protect(ws)
