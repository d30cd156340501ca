"""Build the county workbook with XlsxWriter: the sheets officials know, live formulas calling
the JS_ functions, and for every formula cell the value it computes, so that WPS, LibreOffice
and previewers show real numbers.

Like XlsxWriter's packager, build() only sets the order. Sheets exist in tab order from the
start (contract.SHEETS); they are written in the order their cached values depend on each
other, each returning a small record of what later sheets need.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from .. import __version__
from ..engine import Standard
from ..workbook import assets
from ..workbook.cached_values import patch_workbook
from ..workbook.contract import SHEET_COVER, TEMPLATE_VERSION
from ..workbook.inputs import WorkbookInputs
from . import basic_data, config, contents, cover, ledger, params, prereqs, progress, records, submission, units
from .annex import County
from .book import Book, FormulaCell
from .calc import Calc
from .native import named
from .twins import Twins

# Excel's own calculation engine id: a file saved with it is not recalculated on open, so the
# cached values show at once (and no UDF is called before macros are enabled).
EXCEL_CALC_ID = 191029
BUILD_TIME = dt.datetime(2025, 1, 1)  # fixed, so that a rebuild is byte-identical
OPTIONS = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}


def build(target: Any, std: Standard, inputs: WorkbookInputs, vba_project: bytes | None) -> Book:
    """Write the workbook to a path or a binary stream; the Book records its formula cells."""
    book = Book(target, OPTIONS)
    _properties(book, std, vba_project)
    county = County.of(inputs)
    calc = Calc(book, std.tolerance, (basic_data.value_column(std), "in_utilities", "std_table"))
    rules = params.write(book, std)
    twins = Twins(std, lambda key: named(f"in_{key}", lambda: book.named_value(f"in_{key}")),
                  rules.cell)
    data = basic_data.write(book, std, inputs, calc, twins)
    met = prereqs.write(book, std, inputs, county, data, calc, twins)
    scored = contents.write(book, std, inputs, county, rules, data, met, calc, twins)
    reports = progress.write(book, std, inputs, county)
    units.write(book, std, inputs, county, scored, met, reports)
    submission.write(book, std, county, scored, met)
    cover.write(book, std, inputs, scored, calc)
    ledger.write(book, std, inputs)
    records.write(book)
    config.write(book)
    book.sheets[SHEET_COVER].activate()
    book.close()
    return book


def _properties(book: Book, std: Standard, vba_project: bytes | None) -> None:
    xl = book.xl
    xl.set_properties({"title": "县域节水型社会达标建设复核工作簿", "author": "jieshui",
                       "company": "", "created": BUILD_TIME,
                       "comments": f"jieshui {__version__}；模板{TEMPLATE_VERSION}；"
                                   f"评价标准{std.version}"})
    xl.calc_on_load = False
    xl.set_calc_mode("auto", calc_id=EXCEL_CALC_ID)
    xl.set_vba_name("ThisWorkbook")
    if vba_project is not None:
        xl.add_vba_project(io.BytesIO(vba_project), is_stream=True)


def build_workbook(std: Standard, inputs: WorkbookInputs, vba_project: bytes | None) -> bytes:
    """The workbook's bytes, every formula cell carrying its cached value."""
    stream = io.BytesIO()
    book = build(stream, std, inputs, vba_project)
    return patch_workbook(stream.getvalue(), cached_map(book.cells))


def shipped_vba() -> bytes:
    """The VBA project of the shipped template: it does not depend on the standard, so a
    workbook built for a province's standard reuses it (no VBA tooling needed at run time)."""
    template = assets.asset(assets.TEMPLATE).read_bytes()
    return zipfile.ZipFile(io.BytesIO(template)).read("xl/vbaProject.bin")


def formula_cells(std: Standard, inputs: WorkbookInputs) -> list[FormulaCell]:
    """Every formula cell the template holds for these inputs, with the value it computes."""
    return build(io.BytesIO(), std, inputs, None).cells


def cached_map(cells: list[FormulaCell]) -> dict[str, dict[str, Any]]:
    """{sheet: {cell: cached value}} for every formula cell."""
    result: dict[str, dict[str, Any]] = {}
    for cell in cells:
        result.setdefault(cell.sheet, {})[xl_rowcol_to_cell(cell.row, cell.col)] = cell.value
    return result
