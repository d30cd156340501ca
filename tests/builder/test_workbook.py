"""The built workbooks, recomputed by a real formula engine with our UDFs, and inspected as files."""

import copy
import re
import zipfile

import openpyxl
import pytest

from formulas_harness import plain, recompute
from helpers import BLANK_WORKBOOK as BLANK, EXAMPLE_WORKBOOK as EXAMPLE, coordinates, fill, named
from jieshui.engine import UTILITY_FIELDS, assess
from jieshui.engine.words import INVALID, MISSING
from jieshui.workbook.contract import SHEET_CONFIG, SHEET_INPUTS, SHEET_SUBMISSION, UDF_MODULE

# Where the template puts the 24 points and computed values, read through its defined names.
SHEET, POINTS = coordinates("out_points")
_, VALUES = coordinates("out_values")


def formula_cells(path):
    """{(SHEET, CELL): cached value} of every formula cell, read back with openpyxl."""
    formulas_book = openpyxl.load_workbook(path)
    values_book = openpyxl.load_workbook(path, data_only=True)
    cells = {}
    for ws in formulas_book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cached = values_book[ws.title][cell.coordinate].value
                    cells[(ws.title.upper(), cell.coordinate)] = cached
    return cells


def formulas_in_file(path):
    """How many cells of the package's worksheets carry a formula (<f> elements): the count
    the comparison must reach, taken from the XML rather than from openpyxl."""
    with zipfile.ZipFile(path) as package:
        return sum(len(re.findall(rb"<f[ >/]", package.read(name))) for name in package.namelist()
                   if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name))


def same(got, want):
    """Recomputed and cached values agree (floats to 1e-9, relative above 1)."""
    got, want = plain(got), plain(want)
    if isinstance(got, float) and isinstance(want, float):
        return abs(got - want) <= 1e-9 * max(1.0, abs(want))
    return got == want


def assert_recomputes_to_cache(path):
    """Every cached value is what the built-in formulas compute (JS_PYTHON not connected: the
    state every file we write claims); the hidden UDF cells hold what Python computes."""
    cached = formula_cells(path)
    computed = recompute(path, python=False)
    assert len(cached) == formulas_in_file(path) > 500
    wrong = [(key, computed.get(key, "not computed"), value) for key, value in cached.items()
             if key not in computed or not same(computed[key], value)]
    assert not wrong, wrong[:10]
    return computed


@pytest.fixture(scope="module")
def example_computed():
    """{(SHEET, CELL): value} of the example workbook as the formula engine recomputes it."""
    return recompute(EXAMPLE, python=False)


def test_example_recomputes_to_its_cached_values(example_computed):
    cached = formula_cells(EXAMPLE)
    compared, wrong = 0, []
    for key, value in cached.items():
        assert key in example_computed, f"{key} has a formula the engine did not compute"
        compared += 1
        if not same(example_computed[key], value):
            wrong.append((key, example_computed[key], value))
    assert not wrong, wrong[:10]
    # Every formula cell of the file was compared, counted from its XML, not just some.
    assert compared == len(cached) == formulas_in_file(EXAMPLE) > 500


def test_blank_template_recomputes_to_its_cached_values():
    computed = assert_recomputes_to_cache(BLANK)
    assert computed[(SHEET.upper(), POINTS[0])] == MISSING


def test_example_equals_the_engine(std, example, example_computed):
    result = assess(example, std)
    sheet = SHEET.upper()
    points = [example_computed[(sheet, cell)] for cell in POINTS]
    assert points == pytest.approx([c.points for c in result.contents])
    book = openpyxl.load_workbook(EXAMPLE)
    total_cell = named(book, "out_total").coordinate
    verdict_cell = named(book, "out_verdict").coordinate
    assert example_computed[(sheet, total_cell)] == pytest.approx(result.total) == 96.5
    assert example_computed[(sheet, verdict_cell)] == result.verdict


def fill_blank(tmp_path, raw, std, name="filled.xlsm"):
    """Type a county's figures into a copy of the blank template through the defined names."""
    book = openpyxl.load_workbook(BLANK, keep_vba=True)
    fill(book, raw, std)
    path = tmp_path / name
    book.save(path)
    return path


def outputs(computed, path):
    book = openpyxl.load_workbook(path)
    sheet = SHEET.upper()
    get = lambda name: computed[(sheet, named(book, name).coordinate)]  # noqa: E731
    return ([computed[(sheet, cell)] for cell in POINTS],
            get("out_base"), get("out_bonus"), get("out_total"), get("out_verdict"))


def test_filled_template_gives_the_engine_result(tmp_path, std, example):
    raw = copy.deepcopy(example)
    raw["inputs"].update(enterprises_certified=0, enterprises_high_use_total=0,  # 不适用
                         communities_certified=10, tiered_price_implemented=False,
                         bonus_honors=True, groundwater_use=16800.0)          # P3 not met
    raw["utilities"][1]["registered_use"] = 300.0
    path = fill_blank(tmp_path, raw, std)
    points, base, bonus, total, verdict = outputs(recompute(path), path)
    expected = assess(raw, std)
    assert expected.errors == []
    assert points == pytest.approx([c.points for c in expected.contents])
    assert (base, bonus, total) == pytest.approx((expected.base, expected.bonus, expected.total))
    assert verdict == expected.verdict == std.verdicts["veto"] == "不满足必备条件"


def test_bad_input_shows_a_chinese_message_not_an_error(tmp_path, std, example):
    raw = copy.deepcopy(example)
    raw["inputs"]["permits_total"] = "四十"
    raw["inputs"]["agri_metered_volume"] = 40000.0  # above the 32,600 irrigated
    path = fill_blank(tmp_path, raw, std)
    computed = recompute(path)
    sheet = SHEET.upper()
    assert computed[(sheet, VALUES[0])].startswith("错误：水资源论证、取水许可审批总数应为数字")
    assert computed[(sheet, VALUES[4])] == "错误：农业灌溉计量水量大于农业灌溉用水总量"
    assert computed[(sheet, POINTS[0])] == INVALID
    points, base, bonus, total, verdict = outputs(computed, path)
    assert total == "数据不完整" and verdict == "数据不完整"


def test_defined_names_are_the_contract(std):
    book = openpyxl.load_workbook(BLANK)
    for key in std.inputs:
        sheet, coord = next(iter(book.defined_names[f"in_{key}"].destinations))
        assert ":" not in coord and sheet == SHEET_INPUTS
    for key in ("name", "province", "year"):
        assert f"in_county_{key}" in book.defined_names
    sheet, span = next(iter(book.defined_names["in_utilities"].destinations))
    rows = book[sheet][span.replace("$", "")]
    assert len(rows) >= 10 and all(len(r) == 7 for r in rows)
    header = [book[sheet].cell(rows[0][0].row - 1, c.column).value for c in rows[0]]
    assert [h.split("（")[0] for h in header] == [std.utility_fields[k].label for k in UTILITY_FIELDS]
    sheet, span = next(iter(book.defined_names["out_points"].destinations))
    assert len(book[sheet][span.replace("$", "")]) == 24
    for name in ("out_base", "out_bonus", "out_total", "out_verdict"):
        assert ":" not in next(iter(book.defined_names[name].destinations))[1]


def test_inputs_unlocked_validated_formulas_locked(std):
    book = openpyxl.load_workbook(BLANK)
    ws = book[SHEET_INPUTS]
    assert ws.protection.sheet
    validated = {str(rng) for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
    for key, spec in std.inputs.items():
        cell = named(book, f"in_{key}")
        assert cell.protection.locked is False
        assert cell.coordinate in validated
        if spec.kind == "fraction":
            assert "%" in cell.number_format
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.protection.locked, (ws.title, cell.coordinate)


def test_excel_does_not_recalculate_on_open():
    xml = zipfile.ZipFile(EXAMPLE).read("xl/workbook.xml").decode()
    calc = re.search(r"<calcPr[^>]*/>", xml).group(0)
    assert "fullCalcOnLoad" not in calc and 'calcId="191029"' in calc


def test_print_setup_of_the_submission_sheet():
    book = openpyxl.load_workbook(EXAMPLE)
    ws = book[SHEET_SUBMISSION]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows and ws.oddFooter.center.text == "第&P页，共&N页"


def test_xlwings_config_sheet():
    book = openpyxl.load_workbook(BLANK)
    ws = book[SHEET_CONFIG]
    assert ws.sheet_state == "hidden"
    config = {row[0].value.upper(): row[1].value for row in ws.iter_rows(max_col=2)}
    assert config["UDF MODULES"] == UDF_MODULE == "jieshui.excel.udfs"
    # xlwings reads this sheet before the user's config file: an interpreter key here would
    # shadow the path IT sets per PC.
    assert not any(key.startswith("INTERPRETER") for key in config)


def test_cover_chart_shows_points_against_maximum_per_indicator(std, example):
    chart = zipfile.ZipFile(EXAMPLE).read("xl/charts/chart1.xml").decode()
    series = re.findall(r"<c:ser>.*?</c:ser>", chart, re.S)
    assert len(series) == 2
    caches = [[float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>",
                                            re.search(r"<c:numCache>(.*?)</c:numCache>", s, re.S).group(1))]
              for s in series]
    maxima = [sum(c.max_points for c in std.contents if c.indicator == i) for i in std.indicators]
    result = assess(example, std)
    earned = [sum(c.points for c in result.contents if c.indicator == i) for i in std.indicators]
    assert caches == [maxima, earned]  # what previewers draw before anything recalculates
    assert sum(maxima) == 110 and sum(earned) == 96.5
