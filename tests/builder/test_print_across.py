"""Issue 25: 附件3 and 评价标准 are too wide for one legible A4 page, so they print in column bands
with 序号 to 评价内容 and the header rows repeated, at a scale where 11 pt stays 7 pt and more; the
报送表 stays one signed page. Widths are LibreOffice's printed ones (7.04 w + 4.94 pt)."""

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK
from jieshui.workbook.contract import SHEET_CONTENTS, SHEET_PARAMS, SHEET_SUBMISSION

PAGE = 841.9 - 72  # A4 landscape less the side margins


@pytest.fixture(scope="module", params=[BLANK_WORKBOOK, EXAMPLE_WORKBOOK], ids=["template", "example"])
def book(request):
    return openpyxl.load_workbook(request.param)


def _widths(ws):
    return {c: d.width - 5 / 7 for d in ws.column_dimensions.values() if d.min for c in range(d.min, d.max + 1)}


@pytest.mark.parametrize("sheet", [SHEET_CONTENTS, SHEET_PARAMS])
def test_wide_sheets_print_in_bands_with_the_key_columns_repeated(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert ws.print_title_cols.replace("$", "") == "A:C" and ws.print_title_rows.replace("$", "") == "1:3"
    assert [ws.cell(3, c).value for c in (1, 3)] == ["序号", "评价内容"]
    scale = ws.page_setup.scale
    assert scale >= 70, scale
    width, used = _widths(ws), max(c.column for row in ws.iter_rows() for c in row if c.value is not None)
    starts = [1] + [b.id + 1 for b in ws.col_breaks.brk] + [used + 1]
    assert len(starts) >= 3  # two bands at least
    for n, (first, end) in enumerate(zip(starts, starts[1:])):
        columns = ([] if n == 0 else [1, 2, 3]) + list(range(first, end))
        printed = sum(7.04 * width[c] + 4.94 for c in columns) * scale / 100
        assert printed <= PAGE, (n, printed)


@pytest.mark.parametrize("sheet", [SHEET_CONTENTS, SHEET_PARAMS])
def test_no_text_starts_left_in_the_repeated_columns_and_runs_on(book, sheet):
    """A merged title or note that begins in A:C and runs past C would print cut off on every
    later band's page (the county line is centred over the first band, clear of A:C)."""
    ws = book[sheet]
    for merged in ws.merged_cells.ranges:
        first = ws.cell(merged.min_row, merged.min_col)
        if merged.min_col <= 3 < merged.max_col and first.alignment.horizontal != "center":
            assert first.value in (None, "基本分", "加分", "总分", "结论"), merged


def test_the_submission_is_one_page(book):
    ws = book[SHEET_SUBMISSION]
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)
