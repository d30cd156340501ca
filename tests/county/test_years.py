"""评价年度 and the county's name are checked before carry, split and merge write anything
(issue 22 item 5): a year that is not a plausible year is refused with exit 2, naming the cell
and what to enter, and no file appears; a name with characters a file name cannot hold is
cleaned; a unit file whose hidden year was altered is refused naming the file and its cell."""

import shutil

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK, cell_of, named, planted, run, set_named

# The cover's year cell, read from the built workbook through its defined name (the contract).
YEAR_CELL = cell_of(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_county_year")
NAME_CELL = cell_of(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_county_name")
# Typed into the year cell: not years (negative, zero, before 2000 and after 2100, a float
# beyond any year, a fraction, text, blank, a logical); each with how the message quotes it.
NOT_YEARS = {-5: "-5", 0: "当前为0", 1999: "1999", 2101: "2101", 1e308: "1e+308", 2025.5: "2025.5",
             "新年度": "“新年度”", None: "空白", True: "当前为是"}


def county_with(tmp_path, year, name="示例旗"):
    """A folder holding only a copy of the example workbook with this year and county name."""
    folder = tmp_path / "县"
    folder.mkdir()

    def change(book):
        set_named("in_county_year", year)(book)
        set_named("in_county_name", name)(book)
    return planted(folder, change, "示例旗.xlsm")


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def unit_file(tmp_path_factory):
    """The 水利局's file split from a county workbook of 2025."""
    folder = tmp_path_factory.mktemp("good")
    county = county_with(folder, 2025)
    out = run("split", county, "-o", folder / "填报表")
    assert out.returncode == 0, out.stdout + out.stderr
    return next((folder / "填报表").glob("示例旗_水利局_*.xlsx"))


@pytest.mark.parametrize("command", ["carry", "split", "merge"])
@pytest.mark.parametrize("year", list(NOT_YEARS), ids=[repr(y) for y in NOT_YEARS])
def test_a_year_that_is_no_year_is_refused_naming_its_cell(tmp_path, unit_file, command, year):
    county = county_with(tmp_path, year)
    if command == "merge":
        shutil.copy(unit_file, county.parent)
    before = listing(county.parent)
    extra = [county.parent / unit_file.name] if command == "merge" else []
    out = run(command, county, *extra)
    said = out.stdout + out.stderr
    assert out.returncode == 2, said
    assert f"{YEAR_CELL}的评价年度应为四位年份" in said and NOT_YEARS[year] in said, said
    assert "Traceback" not in said and "程序内部出错" not in said
    assert listing(county.parent) == before  # no file, no folder


def test_a_plausible_year_carries_splits_and_merges(tmp_path, unit_file):
    county = county_with(tmp_path, 2025)
    out = run("carry", county)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (county.parent / "示例旗_2026年度.xlsm").exists()
    assert named(openpyxl.load_workbook(county.parent / "示例旗_2026年度.xlsm"), "in_county_year").value == 2026
    out = run("split", county)
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(list((county.parent / "填报表").glob("示例旗_*_填报表_????????.xlsx"))) == 13
    out = run("merge", county, unit_file, "-o", tmp_path / "汇总.xlsm")
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_last_year_has_no_next_year_to_carry_into(tmp_path):
    county = county_with(tmp_path, 2100)
    before = listing(county.parent)
    out = run("carry", county)
    assert out.returncode == 2 and YEAR_CELL in out.stderr and "2101" in out.stderr, out.stdout + out.stderr
    assert listing(county.parent) == before


def altered(unit_file, folder, year):
    """The unit file with the year on its hidden identity sheet changed, as a hand edit would."""
    book = openpyxl.load_workbook(unit_file)
    sheet = book["_identity"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "year")
    sheet.cell(row, 2).value = year
    target = folder / f"改过_{unit_file.name}"
    book.save(target)
    return target, f"_identity!B{row}"


@pytest.mark.parametrize("into", ["county", "blank template"])
def test_a_unit_file_whose_year_is_no_year_is_refused_naming_file_and_cell(tmp_path, unit_file, into):
    workbook = county_with(tmp_path, 2025)
    if into == "blank template":  # the county is then taken from the files: not from this one
        workbook = workbook.with_name("空白.xlsm")
        shutil.copy(BLANK_WORKBOOK, workbook)
    bad, cell = altered(unit_file, workbook.parent, -5)
    before = listing(workbook.parent)
    out = run("merge", workbook, bad, unit_file, "-o", workbook.parent / "汇总.xlsm")
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{bad.name}：{cell}" in out.stdout and "评价年度应为四位年份" in out.stdout and "-5" in out.stdout
    assert "未写入任何数据" in out.stdout and out.stdout.count("评价年度") == 1, out.stdout
    assert listing(workbook.parent) == before


def test_a_county_name_a_file_cannot_hold_is_cleaned_and_a_blank_one_stops_split(tmp_path):
    county = county_with(tmp_path, 2025, name='示/例:旗*?"<>|')
    out = run("carry", county)
    assert out.returncode == 0, out.stdout + out.stderr
    assert listing(county.parent) == ["示例旗.xlsm", "示例旗_2026年度.xlsm"]
    (tmp_path / "空").mkdir()
    blank = county_with(tmp_path / "空", 2025, name=None)
    before = listing(blank.parent)
    out = run("split", blank)
    assert out.returncode == 2 and f"{NAME_CELL}的县（旗、区）名称未填写" in out.stderr, out.stdout + out.stderr
    assert listing(blank.parent) == before
