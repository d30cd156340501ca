"""The print check can fail: a workbook written here with known sizes and planted defects,
printed by the same LibreOffice, is measured as it was made. Each defect is caught, each
clean cell passes, and a printed size reads back as the size set (the 1.30 box-per-point
calibration tests/printed.py rests on)."""

from __future__ import annotations

import pytest
import xlsxwriter

import printed as measure
from printing.documents import print_all

pytestmark = pytest.mark.office

SIZES = (6.5, 7, 9, 10.5, 16)
LONG = "用水总量符合控制指标：评价年用水总量不超过上级下达的控制指标，万元GDP用水量下降率达到年度目标"


def _planted(path):
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("检查")
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 12)
    for row, size in enumerate(SIZES):
        ws.write(row, 0, f"字号{size}", book.add_format({"font_size": size}))
        ws.set_row(row, size * 2)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    ws.write(6, 0, LONG, wrap)  # some 6 lines of text in a one-line row: lost, and short
    ws.set_row(6, 15)
    ws.write(8, 0, "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥ZZ")  # runs into B9's text
    ws.write(8, 1, "邻格")
    ws.write(10, 0, "计量率达到目标，未达到目标值", wrap)
    ws.set_row(10, 80)
    ws.write(12, 0, "正常的一行")
    book.close()


@pytest.fixture(scope="module")
def planted(printer, tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    _planted(root / "planted.xlsx")
    return print_all(printer, {"planted": root / "planted.xlsx"}, root)["planted"]


def test_a_printed_size_reads_back_as_the_size_set(planted):
    found = {w.text: w.points for w in measure.words(planted.pdf)}
    for size in SIZES:
        assert found[f"字号{size}"] == pytest.approx(size, abs=0.1)


def test_text_under_7_points_is_caught_and_7_points_passes(planted):
    tiny = {w.text for w in measure.small(measure.words(planted.pdf))}
    assert tiny == {"字号6.5"}


def test_text_run_into_its_neighbour_is_caught_as_overlap_and_clipping(planted):
    pairs = measure.overlapping(measure.words(planted.pdf))
    assert {b.text for a, b in pairs} | {a.text for a, b in pairs} >= {"邻格"}
    lost = {cell for _, cell, _ in measure.clipped(planted.texts, measure.words(planted.pdf))}
    assert "A9" in lost  # its ZZ never reaches the page


def test_a_row_too_low_for_its_text_is_caught_twice(planted):
    lost = {cell for _, cell, _ in measure.clipped(planted.texts, measure.words(planted.pdf))}
    assert "A7" in lost  # LibreOffice prints only the lines the row holds
    assert [row for _, row, *_ in planted.short] == [7]


def test_a_line_that_begins_with_a_comma_is_caught(planted):
    broken = [w.text for w in measure.badly_broken(measure.words(planted.pdf))]
    assert broken and all(text[0] in "，、" for text in broken)


def test_clean_cells_pass(planted):
    lost = {cell for _, cell, _ in measure.clipped(planted.texts, measure.words(planted.pdf))}
    assert lost == {"A7", "A9"}
