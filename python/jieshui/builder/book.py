"""The small helper every sheet module writes through: an XlsxWriter workbook whose sheets exist
in tab order from the start, and which records each formula with its cached value and each
defined name. Cell addresses are built here, so sheet modules speak in rows and columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..workbook.contract import CODE_NAMES, SHEETS
from ..workbook.styles import Styles

NUMERALS = "一二三四五六七八九十"


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference to one cell, e.g. '附件3技术评估指标'!$H$4."""
    return f"{quote(sheet)}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


def area(sheet: str, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return (f"{quote(sheet)}!{xl_rowcol_to_cell(first_row, first_col, True, True)}:"
            f"{xl_rowcol_to_cell(last_row, last_col, True, True)}")


def cell(row: int, col: int) -> str:
    """A relative reference on the same sheet, e.g. H4."""
    return xl_rowcol_to_cell(row, col)


def numeral(n: int) -> str:
    """一, 二, ... 十, 十一 ...: how the annexes number their groups."""
    return NUMERALS[n - 1] if n <= 10 else f"十{NUMERALS[n - 11]}"


def excel_serial(day: Any) -> float | None:
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        return float((day - dt.date(1899, 12, 30)).days)
    return day if isinstance(day, (int, float)) else None


def as_number(value: Any) -> Any:
    """A cell value as Excel hands it to a UDF: every number a float, a date its serial."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date):
        return excel_serial(value)
    return value


@dataclass
class FormulaCell:
    sheet: str
    row: int
    col: int
    formula: str
    value: Any
    compute: Callable[[], Any]


class Book:
    """An XlsxWriter workbook plus the record of its formula cells and defined names."""

    def __init__(self, target: Any, options: dict[str, Any]):
        self.xl = xlsxwriter.Workbook(target, options)
        self.styles = Styles(self.xl)
        self.cells: list[FormulaCell] = []
        self.values: dict[tuple[str, int, int], Any] = {}
        self.named_cells: dict[str, tuple[str, int, int]] = {}
        self.sheets = {name: self.xl.add_worksheet(name) for name in SHEETS}
        for name, ws in self.sheets.items():
            ws.set_vba_name(CODE_NAMES[name])
            ws.hide_gridlines(2)

    def formula(self, ws: Any, row: int, col: int, text: str, compute: Callable[[], Any],
                fmt: Any) -> Any:
        """Write `=text` with the value `compute` gives, and return that value."""
        value = compute()
        if value is None or value == "":
            raise ValueError(f"{ws.name}!{cell(row, col)} would cache an empty value")
        ws.write_formula(row, col, "=" + text, fmt, value)
        self.cells.append(FormulaCell(ws.name, row, col, "=" + text, value, compute))
        self.values[(ws.name, row, col)] = value
        return value

    def write(self, ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
        """A constant that formulas read (the 评价标准 numbers): written and remembered."""
        ws.write(row, col, value, fmt)
        self.values[(ws.name, row, col)] = as_number(value)

    def value_at(self, sheet: str, row: int, col: int) -> Any:
        return self.values.get((sheet, row, col))

    def name(self, name: str, target: str, at: tuple[str, int, int] | None = None) -> None:
        """Define a name; `at` (sheet, row, col) when it is one cell native formulas read."""
        self.xl.define_name(name, "=" + target)
        if at is not None:
            self.named_cells[name] = at

    def named_value(self, name: str) -> Any:
        return self.value_at(*self.named_cells[name])

    def input_cell(self, ws: Any, row: int, col: int, value: Any, fmt: Any,
                   validation: dict[str, Any] | None = None) -> None:
        """A yellow cell an official types into, with its help and validation."""
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
        elif value is None:
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write(row, col, value, fmt)
        self.values[(ws.name, row, col)] = as_number(value)
        if validation:
            ws.data_validation(row, col, row, col, validation)

    def title(self, ws: Any, text: str, last_col: int) -> None:
        ws.merge_range(0, 0, 0, last_col, text, self.styles.title)
        ws.set_row(0, 32)

    def headers(self, ws: Any, row: int, names: Sequence[str]) -> None:
        ws.write_row(row, 0, names, self.styles.header)
        ws.set_row(row, 30)

    def widths(self, ws: Any, widths: Sequence[float]) -> None:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    def close(self) -> None:
        self.xl.close()


def protect(ws: Any) -> None:
    """Lock formulas and labels; officials may still resize rows and columns."""
    ws.protect("", {"format_columns": True, "format_rows": True})
