"""What prints on A4 shows every word: rows tall enough for their wrapped text, charts clear of
tables, a wide table across pages at a legible size. Line counts here are derived on their own
(unicodedata's East Asian width against each column's width in the built file)."""

import math
import unicodedata
import zipfile

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK
from jieshui.province.collect import score_files
from jieshui.province.summary import SummaryWriter
from jieshui.workbook.contract import (SHEET_COVER, SHEET_INPUTS, SHEET_PARAMS, SHEET_PREREQS, SHEET_PROGRESS,
                                       SHEET_RECORDS, SHEET_UNITS)

POINT_PER_LINE = 13.5  # a 10.5-11 pt line, the least a line of 宋体 needs


def lines_needed(text, width):
    units = [sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in part)
             for part in str(text).split("\n")]
    return sum(max(1, math.ceil(u / (width - 2))) for u in units)


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(EXAMPLE_WORKBOOK)


@pytest.mark.parametrize("sheet", [SHEET_UNITS, SHEET_PARAMS])
def test_rows_are_tall_enough_for_their_wrapped_text(book, sheet):
    ws = book[sheet]
    checked = 0
    for row in ws.iter_rows(min_row=4):
        height = ws.row_dimensions[row[0].row].height
        for cell in row:
            if not isinstance(cell.value, str) or cell.value.startswith("=") or not cell.alignment.wrap_text:
                continue
            if cell.coordinate in ws.merged_cells:
                continue
            width = ws.column_dimensions[cell.column_letter].width
            lines = lines_needed(cell.value, width)
            if lines >= 2:
                checked += 1
                assert height is not None and height >= lines * POINT_PER_LINE, (cell.coordinate, lines, height)
    assert checked >= 20  # the sheets do hold texts of two lines and more


PRINTED_SHEETS = [SHEET_COVER, SHEET_INPUTS, SHEET_UNITS, SHEET_PREREQS, SHEET_PROGRESS, SHEET_RECORDS]


@pytest.mark.parametrize("sheet", PRINTED_SHEETS)
def test_sheets_print_one_page_wide_at_a_legible_scale(book, sheet):
    """Not fit to width (a 14-column table came out at 4-6 pt): a fixed scale at which 11 pt
    stays 7 pt and more, and the columns still fit A4's width (LibreOffice's column widths)."""
    ws = book[sheet]
    assert ws.page_setup.paperSize == 9
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    scale = ws.page_setup.scale
    assert scale is not None and scale >= 64, scale
    used = max(c.column for row in ws.iter_rows() for c in row if c.value is not None)
    # XlsxWriter stores a width w as w + 5/7 (the cell padding)
    width = {c: d.width - 5 / 7 for d in ws.column_dimensions.values() if d.min
             for c in range(d.min, d.max + 1)}
    widths = [width[c] for c in range(1, used + 1)]
    page = (841.9 if ws.page_setup.orientation == "landscape" else 595.3) - 72
    assert (7.04 * sum(widths) + 4.94 * len(widths)) * scale / 100 <= page


@pytest.mark.parametrize("sheet", [SHEET_INPUTS, SHEET_UNITS])
def test_no_section_header_ends_a_page(book, sheet):
    ws = book[sheet]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks  # the sheets are longer than a page
    for last in breaks:  # the last row of a page (1-based)
        label = ws.cell(last, 1).value
        assert not (isinstance(label, str) and "、" in label[:3]), (last, label)


@pytest.fixture(scope="module")
def summary(tmp_path_factory, std):
    path = tmp_path_factory.mktemp("summary") / "汇总.xlsx"
    path.write_bytes(SummaryWriter(score_files([EXAMPLE_WORKBOOK]), std).build())
    return path


def test_the_chart_stands_clear_of_the_statistics_tables(summary):
    ws = openpyxl.load_workbook(summary)["统计"]
    used = max(c.column for row in ws.iter_rows() for c in row if c.value is not None)
    drawing = next(n for n in zipfile.ZipFile(summary).namelist() if n.startswith("xl/drawings/drawing"))
    xml = zipfile.ZipFile(summary).read(drawing).decode()
    first_column = int(xml.split("<xdr:from><xdr:col>")[1].split("<")[0])  # 0-based
    assert first_column >= used  # the chart starts right of the last used column


def test_the_wide_detail_table_prints_across_pages_with_names_repeated(summary):
    ws = openpyxl.load_workbook(summary)["明细"]
    assert ws.max_column == 2 + 2 * 24
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols.replace("$", "") == "A:B" and ws.print_title_rows.replace("$", "") == "2:2"
