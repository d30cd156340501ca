"""The province's documents print legibly (issue 25), read from the files `collect` writes: the
summary's 汇总 one A4 landscape page wide only where its text stays at 7 pt or more, its header
row and 序号, county columns on every page, rows as tall as their wrapped text, titles in rows
of their own; 统计 at full size with its charts on pages of their own; the feedback at a fixed
scale with each section's heading kept with its rows. The printed pages themselves are measured
by tests/printing (ids summary and feedback)."""

import datetime as dt

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK
from jieshui.engine import default_standard
from jieshui.province.collect import score_files
from jieshui.province.feedback import PAGE_PT, SCALE, WIDTHS, FeedbackWriter
from jieshui.province.summary import FIT_WIDTH, SummaryWriter
from jieshui.workbook.styles import text_height

STD = default_standard()


@pytest.fixture(scope="module")
def results():
    return score_files([EXAMPLE_WORKBOOK])


@pytest.fixture(scope="module")
def summary(results, tmp_path_factory):
    path = tmp_path_factory.mktemp("summary") / "汇总.xlsx"
    path.write_bytes(SummaryWriter(results, STD).build())
    return openpyxl.load_workbook(path)


def _widths(ws):
    return [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)]


def test_the_overview_prints_one_landscape_page_wide_at_7_points(summary):
    ws = summary["汇总"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    # Some 110 units fill the page at full size where LibreOffice lacks Calibri: 11 pt text at
    # >= 64 % (FIT_WIDTH keeps it at 66 %).
    assert sum(w for w in _widths(ws)) <= FIT_WIDTH
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.print_title_cols.replace("$", "") == "A:B"  # 序号 and the county on every page
    names = [c.value for c in ws[header]]
    file_width = _widths(ws)[names.index("文件")]
    assert file_width <= 24  # the path wraps instead of shrinking every page
    assert ws.cell(header + 1, names.index("文件") + 1).alignment.wrap_text


def test_titles_headings_and_rows_are_tall_enough(summary):
    ws = summary["汇总"]
    assert ws.row_dimensions[1].height >= 24  # the 16 pt title
    assert "A1" in {str(m).split(":")[0] for m in ws.merged_cells.ranges}
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    widths = _widths(ws)
    # The headings above the tables run across the table in rows of their own.
    for row in (2, header - 1):
        merged = next(m for m in ws.merged_cells.ranges if m.min_row == row and m.min_col == 1)
        assert merged.max_col == ws.max_column
    for r in range(header, ws.max_row + 1):
        cells = [(c.value, w) for c, w in zip(ws[r], widths) if c.value is not None]
        assert ws.row_dimensions[r].height >= text_height(cells, 0) - 4 - 1e-6, r
    for name in ("明细", "问题清单"):
        assert summary[name].row_dimensions[1].height >= 24
        assert summary[name].row_dimensions[2].height >= 30  # headings of two lines


def test_the_problem_list_and_details_print_legibly(summary):
    problems = summary["问题清单"]
    assert sum(_widths(problems)) <= FIT_WIDTH and problems.sheet_properties.pageSetUpPr.fitToPage
    details = summary["明细"]
    assert not details.sheet_properties.pageSetUpPr or not details.sheet_properties.pageSetUpPr.fitToPage
    # The title stays out of the repeated name columns (there it printed on every page).
    assert not any(m.min_row == 1 and m.min_col <= 2 for m in details.merged_cells.ranges)


def test_the_statistics_print_at_full_size_with_the_charts_on_their_own_pages(summary):
    ws = summary["统计"]
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert [b.id for b in ws.col_breaks.brk] == [7]  # the charts start in H
    assert len(ws.row_breaks.brk) == 1  # the points lost on a page with its chart
    assert ws.print_title_rows is None
    share = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, float) and 0 < c.value < 1)
    assert "%" in share.number_format


def test_the_feedback_keeps_each_heading_with_its_rows(results, tmp_path):
    path = tmp_path / "意见.xlsx"
    path.write_bytes(FeedbackWriter(results[0], STD, dt.date(2025, 7, 20)).build())
    ws = openpyxl.load_workbook(path).active
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.scale == SCALE
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert SCALE / 100 * 11 >= 7.5 and sum(WIDTHS) * SCALE / 100 * 7 <= 523  # 7 pt a unit here
    headings = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "")[:2] in
                ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert len(headings) == 6
    for r in range(headings[0], ws.max_row + 1):  # every written row's height set (a file never opened)
        assert ws.cell(r, 1).value is None or ws.row_dimensions[r].height, r
    breaks = [b.id for b in ws.row_breaks.brk]
    assert all(b + 1 in headings for b in breaks)  # a break only above a section's heading
    assert PAGE_PT * SCALE / 100 <= 748
