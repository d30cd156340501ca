"""Every input accounted for (issue 22 item 4): what is typed below an input table is reported
with its cells by check and evidence (never a silent "0份材料"), by both file readers and on a
file LibreOffice saved; the template itself puts nothing there. A unit's 填报表 with a row below
its 供水单位 table is refused naming the cells; a unit file given twice is read once. And
`evidence --dir` on a missing folder says so once."""

import json
import os
import shutil

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from helpers import EXAMPLE_WORKBOOK, WORKBOOKS, convert, named, planted, run
from jieshui.engine import default_standard
from jieshui.county.unit_returns import distinct_files
from jieshui.workbook.readers import read_workbook
from jieshui.workbook.readers.file_reader import read_file
from unit_forms import unit_form, value_cell

LEDGER = "佐证台账"
OUTSIDE = "表格外的数据"
LO_XLSM = "xlsm:Calc MS Excel 2007 VBA XML"


def table(book, name):
    """(sheet, first column, first row, last column, last row) of a defined range, by openpyxl."""
    sheet, coord = next(iter(book.defined_names[name].destinations))
    return (sheet, *range_boundaries(coord.replace("$", "")))


def type_below(name, rows, gap=0):
    """Type `rows` into the rows just below a table (after `gap` empty rows), from its first column."""
    def change(book):
        sheet, first_col, _, _, last_row = table(book, name)
        for n, values in enumerate(rows):
            for c, value in enumerate(values):
                book[sheet].cell(last_row + 1 + gap + n, first_col + c).value = value
    return change


def problems(path):
    out = run("check", path, "--json")
    assert out.returncode in (0, 1), out.stderr
    return [p for p in json.loads(out.stdout) if p["kind"] == OUTSIDE]


def ledger_below(tmp_path):
    """The example with one document in the ledger's last row and two typed below the table."""
    def change(book):
        top = named(book, "in_ledger")
        ws = book[LEDGER]
        last = table(book, "in_ledger")[4]
        for row in ws.iter_rows(min_row=top.row, max_row=last, min_col=top.column, max_col=top.column + 5):
            for cell in row:  # the example's own documents out: one row in the table
                cell.value = None
        for col, value in enumerate([5, "表内最后一行的材料", None, None, 2, None], start=top.column):
            ws.cell(last, col).value = value
        type_below("in_ledger", [[5, "灌区计量台账", None, None, 3, "计量/台账.pdf"],
                                 [17, "管网漏损报告", None, None, 4, "漏损/报告.pdf"]])(book)
    return planted(tmp_path, change, "县.xlsm")


@pytest.fixture(params=["openpyxl", "libreoffice"])
def saved_by(request, tmp_path):
    """A planted workbook as openpyxl saved it, or as LibreOffice saved it again (its used range
    and cell encodings are its own)."""
    def save(path):
        if request.param == "openpyxl":
            return path
        convert(path, tmp_path / "lo", LO_XLSM)
        return tmp_path / "lo" / path.name
    return save


def test_ledger_rows_below_the_table_are_reported_by_check(tmp_path, saved_by):
    path = saved_by(ledger_below(tmp_path))
    last = table(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_ledger")[4]
    (found,) = problems(path)
    assert found["cell"] == f"{LEDGER}!A{last + 1}"
    assert f"第{last + 1}–{last + 2}行（A{last + 1}:F{last + 2}）" in found["message"]
    assert "未读取" in found["message"] and "300" in found["message"]
    assert run("check", path).returncode == 1


def test_evidence_says_what_it_left_out_instead_of_a_silent_count(tmp_path, saved_by):
    path = saved_by(ledger_below(tmp_path))
    (tmp_path / "佐证材料").mkdir(exist_ok=True)
    out = run("evidence", path, "--dir", tmp_path / "佐证材料", "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    assert "（1份材料）" in out.stdout  # the row inside the table
    last = table(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_ledger")[4]
    line = next(text for text in out.stdout.splitlines() if text.startswith(f"{LEDGER}!A{last + 1}："))
    assert f"第{last + 1}–{last + 2}行" in line and "未列入目录" in line


def test_score_tells_that_rows_below_the_table_are_not_counted(tmp_path):
    path = ledger_below(tmp_path)
    last = table(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_ledger")[4]
    out = run("score", path)
    assert out.returncode == 0, out.stderr
    assert any(line.startswith("注意：") and f"第{last + 1}–{last + 2}行" in line and "未读取" in line
               for line in out.stdout.splitlines()), out.stdout
    unread = json.loads(run("score", path, "--json").stdout)["unread"]
    assert len(unread) == 1 and f"A{last + 1}:F{last + 2}" in unread[0]


@pytest.mark.parametrize("name, rows, gap, word", [
    ("in_utilities", [["第十一水厂", 120, 100]], 0, "供水单位漏损数据表"),
    ("in_evidence", [["提供"]], 9, "佐证材料列"),  # past the totals' merged rows below the list
    ("in_reports", [["已报"] * 3], 3, "月报报送情况表"),
])
def test_every_input_table_reports_what_lies_below_it(tmp_path, name, rows, gap, word):
    path = planted(tmp_path, type_below(name, rows, gap), "县.xlsm")
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    sheet, first_col, _, _, last_row = table(book, name)
    start = openpyxl.utils.get_column_letter(first_col)
    end = openpyxl.utils.get_column_letter(first_col + len(rows[0]) - 1)
    row = last_row + 1 + gap
    (found,) = problems(path)
    assert found["cell"] == f"{sheet}!{start}{row}"
    span = f"{start}{row}" + (f":{end}{row}" if end != start else "")
    assert f"第{row}行（{span}）填在{word}" in found["message"]


def test_both_file_readers_find_the_cells_openpyxl_finds(tmp_path, std):
    """openpyxl (independent of both readers) lists the non-empty cells below each table."""
    path = planted(tmp_path, lambda book: (type_below("in_ledger", [[3, "甲"]], gap=40)(book),
                                           type_below("in_utilities", [[None, 7]])(book)), "县.xlsm")
    book = openpyxl.load_workbook(path)
    expected = {}
    for name in ("in_ledger", "in_utilities"):
        sheet, first_col, _, last_col, last_row = table(book, name)
        ws = book[sheet]
        expected[name] = [(c.coordinate, c.value) for row in ws.iter_rows(min_row=last_row + 1, min_col=first_col,
                                                                            max_col=last_col)
                          for c in row if c.value is not None]
    assert expected["in_ledger"] and expected["in_utilities"]
    for read in (read_workbook, read_file):
        assert {o.name: list(o.cells) for o in read(path, std).outside} == expected


@pytest.mark.parametrize("source", WORKBOOKS, ids=lambda p: p.stem)
def test_the_templates_own_content_is_never_taken_for_typed_rows(tmp_path, source, std):
    """The shipped workbooks, a freshly built one, and each saved again by LibreOffice."""
    fresh = tmp_path / "新建.xlsm"
    assert run("template", "-o", fresh).returncode == 0
    convert(source, tmp_path / "lo", LO_XLSM)
    for path in (source, fresh, tmp_path / "lo" / source.name):
        for read in (read_workbook, read_file):
            assert read(path, std).outside == []
        assert problems(path) == []


# -- unit files ---------------------------------------------------------------------------------

def edited(source, target, change):
    book = openpyxl.load_workbook(source)
    change(book)
    book.save(target)
    return target


def test_a_unit_row_below_its_utilities_table_is_named_and_nothing_is_written(split, tmp_path):
    county, files = split
    source = unit_form(files, "住建局")
    ws = openpyxl.load_workbook(source)["供水单位"]
    numbered = [r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    below = numbered[-1] + 1  # the row after the one numbered 10

    def change(book):
        book["供水单位"].cell(below, 2).value = "第十一水厂"
        book["供水单位"].cell(below, 3).value = 50
    returned = edited(source, tmp_path / "住建局.xlsx", change)
    out = run("merge", county, returned, "-o", tmp_path / "合并.xlsm")
    assert out.returncode == 1
    assert f"供水单位!B{below}:C{below}填在供水单位表（第{numbered[0]}–{numbered[-1]}行）之外" in out.stdout
    assert not (tmp_path / "合并.xlsm").exists()


@pytest.mark.parametrize("sheet, where", [("填报", "below"), ("填报", "beside"), ("佐证材料", "below"),
                                          ("月报", "below")])
def test_anything_typed_outside_a_unit_files_cells_is_named_not_dropped(split, tmp_path, sheet, where):
    """The sheets' protection has no password: a unit that lifts it can type anywhere. Such a
    figure was merged as 已汇总 without a word (a new-user trial typed 999 below the 填报 list)."""
    county, files = split
    source = unit_form(files, "住建局")
    ws = openpyxl.load_workbook(source)[sheet]
    row, col = (ws.max_row + 2, 2) if where == "below" else (4, ws.max_column + 2)
    spot = f"{sheet}!{openpyxl.utils.get_column_letter(col)}{row}"
    returned = edited(source, tmp_path / "住建局.xlsx", lambda book: book[sheet].cell(row, col, 999))
    out = run("merge", county, returned, "-o", tmp_path / "合并.xlsm")
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{spot}填在表格之外，未读取" in out.stdout and "黄色单元格" in out.stdout, out.stdout
    assert not (tmp_path / "合并.xlsm").exists()


def test_a_pristine_unit_file_has_nothing_outside_its_cells(split, tmp_path):
    county, files = split
    sources = sorted(files.glob("*.xlsx"))  # every unit's file as split wrote it
    # One per member unit of the leading group (the standard's 13), named <县>_<单位>_填报表_<日期>.
    assert sorted(source.name.split("_")[1] for source in sources) == sorted(default_standard().units)
    assert len(sources) == 13
    for source in sources:  # saved again untouched
        merged = tmp_path / f"{source.stem}.xlsm"
        out = run("merge", county, edited(source, tmp_path / source.name, lambda book: None), "-o", merged)
        assert out.returncode == 0 and "表格之外" not in out.stdout and merged.is_file(), out.stdout


def test_distinct_files_reads_each_return_once(split, tmp_path):
    _, files = split
    original = unit_form(files, "住建局")
    other = unit_form(files, "农牧局")
    link = tmp_path / "链接.xlsx"
    os.symlink(original, link)
    copy = tmp_path / "副本.xlsx"
    shutil.copy(original, copy)
    resaved = edited(original, tmp_path / "另存.xlsx", lambda book: None)  # same content, other bytes
    missing = tmp_path / "没有.xlsx"
    kept, notes = distinct_files([original, original, link, copy, other, resaved, missing, missing])
    assert kept == [original, other, resaved, missing]
    assert notes == [f"填报表{original}重复给出，只读取一次",
                     f"填报表{link}与{original}是同一个文件，只读取一次",
                     f"填报表{copy}与{original}内容完全相同（同一份填报表的副本），只读取一次",
                     f"填报表{missing}重复给出，只读取一次"]


def test_merge_reads_a_unit_file_given_twice_once(split, tmp_path):
    county, files = split
    source = unit_form(files, "住建局")

    def change(book):
        value_cell(book, "communities_certified").value = 17
    returned = edited(source, tmp_path / "住建局.xlsx", change)
    merged = tmp_path / "合并.xlsm"
    out = run("merge", county, returned, returned, "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"填报表{returned}重复给出，只读取一次" in out.stdout
    assert "已汇总1份填报表、1处数值" in out.stdout
    log = [row for row in openpyxl.load_workbook(merged)["填报记录"].iter_rows(min_row=2, values_only=True)
           if row[0] is not None]
    assert len(log) == 1 and log[0][5] == 17


# -- evidence --dir ----------------------------------------------------------------------------

def test_a_missing_evidence_folder_is_said_once(tmp_path):
    def change(book):
        top = named(book, "in_ledger")
        for n, file in enumerate(["计量/台账.pdf", "漏损/报告.pdf"]):
            for col, value in enumerate([5, f"材料{n}", None, None, 1, file], start=top.column):
                book[LEDGER].cell(top.row + n, col).value = value
    path = planted(tmp_path, change, "县.xlsm")
    missing = tmp_path / "没有这个文件夹"
    out = run("evidence", path, "--dir", missing, "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    lines = [line for line in out.stdout.splitlines() if str(missing) in line]
    assert len(lines) == 1 and "不存在" in lines[0] and "2个文件均未核对" in lines[0]
    assert "佐证材料文件夹中没有文件" not in out.stdout  # not once per listed file


def test_units_returned_on_an_earlier_day_are_not_listed_as_missing(split, tmp_path):
    """Merging one unit at a time, the office was told every time that 12 units had not
    returned, those merged the day before included."""
    county, files = split
    work = tmp_path / "县.xlsm"
    shutil.copy(county, work)
    first = run("merge", work, unit_form(files, "水利局"), "--in-place")
    assert first.returncode == 0, first.stdout + first.stderr
    second = run("merge", work, unit_form(files, "住建局"), "--in-place")
    line = next(text for text in second.stdout.splitlines() if text.startswith("尚未交回的单位"))
    std = default_standard()
    assert line.startswith(f"尚未交回的单位（{len(std.units) - 2}个）") and "水利局" not in line, line
