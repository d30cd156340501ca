"""Nothing lost in `jieshui merge` (issue 22, "nothing lost"): a blank in a unit's return never
clears a figure the county workbook holds (kept, listed, logged as 保留原值); a return older
than one already merged for the unit is refused unless --allow-older; two files of one unit
with the same figures are merged and logged once, naming both; two that disagree anywhere
(inputs, 供水单位 rows, evidence marks) are refused. The real `jieshui split` and `jieshui
merge` on copies of the example workbook; results read back with read_workbook and openpyxl."""

import datetime as dt
import shutil

import openpyxl
import pytest

from helpers import cell_of, named, run, saved_at
from jieshui.engine import UTILITY_FIELDS
from jieshui.workbook.readers import read_workbook
from unit_forms import unit_form, value_cell

UTC = dt.timezone.utc


def county_copy(split, tmp_path):
    target = tmp_path / "县.xlsm"
    shutil.copy(split[0], target)
    return target


def mark_cell(book, item_id):
    ws = book["佐证材料"]
    return next(ws.cell(r, 4) for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == item_id)


def returned(split, unit, target, change=None, when=None):
    """A unit's returned file: its split file as the unit typed into it (openpyxl), saved at `when`."""
    source = unit_form(split[1], unit)
    book = openpyxl.load_workbook(source)
    if change:
        change(book)
    book.save(target)
    return saved_at(target, when) if when else target


def log_rows(path):
    return [row for row in openpyxl.load_workbook(path)["填报记录"].iter_rows(min_row=2, values_only=True)
            if row[0] is not None]


# -- 1. a blank never clears a figure ----------------------------------------------------------

# Where a blank is typed in 住建局's file, and the county workbook's cell it would clear. Today an
# input left blank refuses the whole merge (缺少…请填写数值) though the workbook holds the figure;
# a blank 供水单位 cell or evidence mark silently cleared the workbook's.
BLANKS = {"input": (lambda b: setattr(value_cell(b, "communities_certified"), "value", None),
                    ("in_communities_certified", 0, 0), lambda i: i.inputs["communities_certified"]),
          "utility": (lambda b: setattr(b["供水单位"].cell(3, 3), "value", None),  # first utility's 供水总量
                      ("in_utilities", 0, 1), lambda i: i.utilities[0][1]),
          "evidence": (lambda b: setattr(mark_cell(b, "17"), "value", None),
                       ("in_evidence", 16, 0), lambda i: i.evidence[17])}


@pytest.mark.parametrize("where", list(BLANKS))
def test_a_blank_in_a_return_keeps_the_workbooks_figure_and_says_so(split, tmp_path, std, where):
    county = county_copy(split, tmp_path)
    blank, name, read = BLANKS[where]
    kept = read(read_workbook(county, std).inputs)
    assert kept not in (None, "")  # the example holds it (and split pre-filled it)
    cell = cell_of(openpyxl.load_workbook(county), *name)

    def change(unit_book):
        blank(unit_book)  # cleared by the unit, or a file older than the office's typing
        value_cell(unit_book, "large_users_total").value = 55  # and one real change
    back = returned(split, "住建局", tmp_path / "住建局_交回.xlsx", change)
    merged = tmp_path / "合并.xlsm"
    out = run("merge", county, back, "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr

    after = read_workbook(merged, std).inputs
    assert read(after) == kept and after.inputs["large_users_total"] == 55
    assert "保留原值1处" in out.stdout and "已汇总1份填报表、1处数值" in out.stdout, out.stdout
    assert any(cell in line and "保留" in line for line in out.stdout.splitlines()), out.stdout
    log = log_rows(merged)
    rows = [row for row in log if row[2] == cell]
    assert len(rows) == 1 and rows[0][4] == kept and "保留原值" in rows[0][5] and rows[0][6] == back.name, log
    assert len(log) == 2  # and the change


# -- 1b. a figure the unit left as split wrote it never undoes the office's later typing ----------

def office_types(county, name, value):
    """The office types straight into the county workbook (as saved by openpyxl, macros kept)."""
    book = openpyxl.load_workbook(county, keep_vba=True)
    sheet, ref = next(iter(book.defined_names[name].destinations))
    book[sheet][ref.replace("$", "")].value = value
    book.save(county)


def test_a_figure_the_office_changed_after_split_is_not_undone_by_an_untouched_return(split, tmp_path, std):
    county = county_copy(split, tmp_path)
    handed_out = read_workbook(county, std).inputs.inputs["communities_certified"]
    office_types(county, "in_communities_certified", handed_out + 3)  # after split, before the return
    back = returned(split, "住建局", tmp_path / "住建局_交回.xlsx",  # the unit changes another figure only
                    lambda b: setattr(value_cell(b, "large_users_total"), "value", 55))
    merged = tmp_path / "合并.xlsm"
    out = run("merge", county, back, "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr
    after = read_workbook(merged, std).inputs.inputs
    assert after["communities_certified"] == handed_out + 3 and after["large_users_total"] == 55
    assert "已汇总1份填报表、1处数值" in out.stdout and "分发填报表后工作簿中已改动" in out.stdout, out.stdout
    cell = cell_of(openpyxl.load_workbook(county), "in_communities_certified")
    (row,) = [row for row in log_rows(merged) if row[2] == cell]
    assert row[4] == handed_out + 3 and "保留原值" in row[5], row


def test_a_figure_the_unit_typed_still_replaces_the_office_s(split, tmp_path, std):
    """The unit owns its figures: one it typed in the return is merged even over the office's."""
    county = county_copy(split, tmp_path)
    handed_out = read_workbook(county, std).inputs.inputs["communities_certified"]
    office_types(county, "in_communities_certified", handed_out + 3)
    back = returned(split, "住建局", tmp_path / "住建局_交回.xlsx",
                    lambda b: setattr(value_cell(b, "communities_certified"), "value", handed_out + 1))
    merged = tmp_path / "合并.xlsm"
    assert run("merge", county, back, "-o", merged).returncode == 0
    assert read_workbook(merged, std).inputs.inputs["communities_certified"] == handed_out + 1


def test_a_return_split_made_before_it_kept_what_it_wrote_merges_as_before(split, tmp_path, std):
    """A unit file from an earlier version has no record of what split wrote: its figures merge."""
    county = county_copy(split, tmp_path)
    handed_out = read_workbook(county, std).inputs.inputs["communities_certified"]
    office_types(county, "in_communities_certified", handed_out + 3)

    def earlier_version(book):
        ws = book["_identity"]
        for row in range(ws.max_row, 0, -1):
            if str(ws.cell(row, 1).value).startswith("prefill:"):
                ws.delete_rows(row)
    back = returned(split, "住建局", tmp_path / "住建局_交回.xlsx", earlier_version)
    merged = tmp_path / "合并.xlsm"
    assert run("merge", county, back, "-o", merged).returncode == 0
    assert read_workbook(merged, std).inputs.inputs["communities_certified"] == handed_out


# -- 2. an older return does not overwrite a newer one ----------------------------------------

def test_a_return_older_than_one_merged_is_refused_unless_asked(split, tmp_path, std):
    county = county_copy(split, tmp_path)
    may = returned(split, "水利局", tmp_path / "水利局_5月.xlsx",
                   lambda b: setattr(value_cell(b, "permits_total"), "value", 42), dt.datetime(2025, 5, 20, 12, tzinfo=UTC))
    april = returned(split, "水利局", tmp_path / "水利局_4月.xlsx",
                     lambda b: setattr(value_cell(b, "permits_total"), "value", 41), dt.datetime(2025, 4, 20, 12, tzinfo=UTC))
    assert run("merge", county, may, "--in-place").returncode == 0
    before = county.read_bytes()

    out = run("merge", county, april, "--in-place")
    assert out.returncode == 1, out.stdout + out.stderr
    refusal = next(line for line in out.stdout.splitlines() if "水利局_4月.xlsx" in line)
    assert all(text in refusal for text in ("2025-04-20", "水利局_5月.xlsx", "2025-05-20", "--allow-older")), out.stdout
    assert "未写入任何数据" in out.stdout and county.read_bytes() == before

    # Saved from an e-mail today, the April file still says when the unit saved it.
    downloaded = tmp_path / "邮件附件.xlsx"
    shutil.copyfile(april, downloaded)
    assert dt.datetime.fromtimestamp(downloaded.stat().st_mtime).date() == dt.date.today()
    out = run("merge", county, downloaded, "--in-place")
    assert out.returncode == 1 and "2025-04-20" in out.stdout and county.read_bytes() == before, out.stdout

    # An older file that changes no figure (its April 月报 only) overwrites nothing: merged.
    def report(book):
        ws = book["月报"]
        ws["B3"], ws["B4"], ws["B5"], ws["B6"] = "完成取水许可核查", "无", "继续推进", dt.date(2025, 4, 18)
        value_cell(book, "permits_total").value = 42
    late_report = returned(split, "水利局", tmp_path / "水利局_4月月报.xlsx", report,
                           dt.datetime(2025, 4, 19, 12, tzinfo=UTC))
    out = run("merge", county, late_report, "--in-place")
    assert out.returncode == 0, out.stdout + out.stderr
    grid = named(openpyxl.load_workbook(county), "in_reports")
    assert grid.parent.cell(grid.row + std.units.index("水利局"), grid.column + 3).value == "已报"  # April

    out = run("merge", county, april, "--in-place", "--allow-older")
    assert out.returncode == 0, out.stdout + out.stderr
    assert read_workbook(county, std).inputs.inputs["permits_total"] == 41
    cell = cell_of(openpyxl.load_workbook(county), "in_permits_total")
    assert [(row[4], row[5], row[6]) for row in log_rows(county) if row[2] == cell] == [
        (40, 42, "水利局_5月.xlsx"), (42, 41, "水利局_4月.xlsx")]


# -- 3. two files of one unit -------------------------------------------------------------------

def test_two_files_of_a_unit_with_the_same_figures_are_logged_once_naming_both(split, tmp_path):
    county = county_copy(split, tmp_path)
    first = returned(split, "水利局", tmp_path / "水利局_第一份.xlsx",
                     lambda b: setattr(value_cell(b, "permits_total"), "value", 42), dt.datetime(2025, 4, 20, 12, tzinfo=UTC))
    second = returned(split, "水利局", tmp_path / "水利局_第二份.xlsx",
                      lambda b: setattr(value_cell(b, "permits_total"), "value", 42), dt.datetime(2025, 4, 21, 12, tzinfo=UTC))
    assert first.read_bytes() != second.read_bytes()
    merged = tmp_path / "合并.xlsm"
    out = run("merge", county, first, second, "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr
    assert any(first.name in line and second.name in line for line in out.stdout.splitlines()), out.stdout
    assert "、1处数值" in out.stdout, out.stdout
    log = log_rows(merged)
    assert len(log) == 1, log
    assert log[0][5] == 42 and first.name in log[0][6] and second.name in log[0][6]
    assert log[0][7].startswith("2025-04-21")  # the newer file's time: what a later return is compared with


@pytest.mark.parametrize("what", ["utility", "evidence"])
def test_two_files_of_a_unit_that_disagree_outside_the_form_are_refused(split, tmp_path, what, std):
    county = county_copy(split, tmp_path)
    if what == "utility":
        def change(value):
            return lambda b: setattr(b["供水单位"].cell(4, 3), "value", value)  # second utility's 供水总量
        values, label = (401, 402), f"第2个供水单位{std.utility_fields[UTILITY_FIELDS[1]].label}"
    else:
        def change(value):
            return lambda b: setattr(mark_cell(b, "17"), "value", value)
        values, label = ("已提供", "未提供"), "第17项评价内容的佐证材料"
    files = [returned(split, "住建局", tmp_path / f"住建局_{n}.xlsx", change(v)) for n, v in enumerate(values)]
    before = county.read_bytes()
    out = run("merge", county, *files, "-o", tmp_path / "合并.xlsm")
    assert out.returncode == 1, out.stdout + out.stderr
    line = next(line for line in out.stdout.splitlines() if label in line)
    shown = [str(v) if isinstance(v, int) else f"“{v}”" for v in values]
    assert all(f"{f.name}填{v}" in line for f, v in zip(files, shown)), out.stdout
    assert not (tmp_path / "合并.xlsm").exists() and county.read_bytes() == before
