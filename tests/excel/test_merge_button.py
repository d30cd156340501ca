"""The 汇总填报表 button loses nothing the command line keeps: a return older than one already
merged for its unit is refused, and a blank that did not clear a figure is told (the button
planned without either before). The stand-in Excel answers the xlwings calls; split, the unit
files, the merge and the workbook read back are real."""

import datetime as dt
import shutil

import openpyxl

from helpers import EXAMPLE_WORKBOOK as EXAMPLE, run, saved_at
from jieshui.excel import macros
from unit_forms import value_cell


def unit_return(folder, unit, target, key, value, age_days=0):
    """A unit's file from `jieshui split` with one figure typed (found by its label), saved
    `age_days` ago by the file system and by the time written inside it."""
    (source,) = folder.glob(f"*_{unit}_填报表_*.xlsx")
    book = openpyxl.load_workbook(source)
    value_cell(book, key).value = value
    book.save(target)
    return saved_at(target, dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=age_days))


def test_the_button_refuses_a_return_older_than_one_merged(caller, tmp_path):
    office = tmp_path / "办公室"
    office.mkdir()
    county = office / EXAMPLE.name
    shutil.copy(EXAMPLE, county)
    assert run("split", county, "-o", office / "填报表").returncode == 0
    may = unit_return(office / "填报表", "水利局", office / "水利局_5月.xlsx", "permits_total", 42, age_days=10)
    april = unit_return(office / "填报表", "水利局", office / "水利局_4月.xlsx", "permits_total", 41, age_days=40)
    assert run("merge", county, may, "--in-place").returncode == 0

    book = caller(county)
    book.picked = (str(april),)
    macros.merge_units()
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "未写入任何数据" in text, text
    assert "水利局_4月.xlsx" in text and "水利局_5月.xlsx" in text, text
    assert not list(tmp_path.glob("*_汇总*.xlsm")) and book.opened == []


def test_the_button_tells_which_figures_a_blank_did_not_clear(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    blank = unit_return(tmp_path / "填报表", "住建局", tmp_path / "住建局_交回.xlsx", "communities_certified", None)
    book.picked = (str(blank),)
    macros.merge_units()
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "已汇总1份填报表" in text and "保留原值1处" in text, text
    merged = tmp_path / f"{EXAMPLE.stem}_汇总.xlsm"
    kept = openpyxl.load_workbook(EXAMPLE).defined_names["in_communities_certified"]
    sheet, ref = next(iter(kept.destinations))
    original = openpyxl.load_workbook(EXAMPLE)[sheet][ref.replace("$", "")].value
    assert original not in (None, "")
    assert openpyxl.load_workbook(merged)[sheet][ref.replace("$", "")].value == original
