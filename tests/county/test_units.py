"""Thirteen departments, one workbook: split hands each unit its file, merge takes them back
(checking everything before writing anything), carry starts next year's workbook."""

import datetime as dt
import re
import json
import shutil
import zipfile

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK, convert, named, planted, run, set_named
from jieshui.county.unit_files import unit_inputs
from unit_forms import unit_form, value_cell



def copy_of(files, unit, tmp_path, change=None, name=None):
    """A unit's returned file, as the unit typed into it (openpyxl, keeping everything else)."""
    target = tmp_path / (name or unit_form(files, unit).name)
    book = openpyxl.load_workbook(unit_form(files, unit))
    if change:
        change(book)
    book.save(target)
    return target


def test_every_unit_gets_the_inputs_it_leads(split, std):
    county, files = split
    names = sorted(p.name for p in files.iterdir())
    day = names[0].rsplit("_", 1)[1]  # one split, one date
    assert re.fullmatch(r"\d{8}\.xlsx", day) and names == sorted(f"示例旗_{u}_填报表_{day}" for u in std.units)
    book = openpyxl.load_workbook(unit_form(files, "住建局"))
    labels = [row[1] for row in book["填报"].iter_rows(min_row=3, values_only=True) if row[1]]
    keys = [k for k, _ in unit_inputs(std, "住建局")]
    assert labels == [std.inputs[k].label for k in keys] and "communities_certified" in keys
    # No key on the sheet (a hidden column is still read by a curious unit): labels only.
    assert book["填报"].max_column == 6
    assert "供水单位" in book.sheetnames and "月报" in book.sheetnames  # 住建局 leads content 17
    assert book["_identity"].sheet_state == "veryHidden" and book["填报"].protection.sheet
    assert value_cell(book, "communities_certified").value == 16  # pre-filled with today's value
    assert value_cell(book, "communities_certified").protection.locked is False
    assert not zipfile.ZipFile(unit_form(files, "住建局")).namelist().count("xl/vbaProject.bin")


def test_merging_every_unit_into_the_blank_template_scores_as_the_original(split, tmp_path, std):
    county, files = split
    blank = tmp_path / "空白.xlsm"
    shutil.copy(BLANK_WORKBOOK, blank)
    merged = tmp_path / "合并.xlsm"
    out = run("merge", blank, *sorted(files.iterdir()), "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr
    original = json.loads(run("score", county, "--json").stdout)
    result = json.loads(run("score", merged, "--json").stdout)
    assert result == original and result["total"] == 96.5
    # The evidence marks came back too; the 佐证台账 stays with the office (no unit file holds
    # it), so each content marked 已提供 is a reminder, nothing else.
    found = json.loads(run("check", merged, "--json").stdout)
    marked = json.loads(run("check", county, "--json").stdout)
    assert marked == [] and [p["kind"] for p in found] == ["佐证未登记"] * 24
    log = openpyxl.load_workbook(merged)["填报记录"]
    labels = {row[3] for row in log.iter_rows(min_row=2, values_only=True)}
    filled = {std.inputs[k].label for k in std.inputs
              if named(openpyxl.load_workbook(county, data_only=True), f"in_{k}").value not in (None, "")}
    assert filled <= labels
    assert blank.read_bytes() == BLANK_WORKBOOK.read_bytes()  # the template itself untouched


@pytest.mark.parametrize("case", ["conflict", "foreign", "locked", "invalid"])
def test_problems_are_named_and_nothing_is_written(split, tmp_path, std, case):
    county, files = split
    returned = []
    if case == "conflict":  # 水利局 handed in twice, with two different 取水许可审批总数
        returned = [copy_of(files, "水利局", tmp_path, lambda b: setattr(value_cell(b, "permits_total"), "value", 41),
                            "水利局_第一份.xlsx"),
                    copy_of(files, "水利局", tmp_path, lambda b: setattr(value_cell(b, "permits_total"), "value", 42),
                            "水利局_第二份.xlsx")]
        expected = ["水利局_第一份.xlsx填41", "水利局_第二份.xlsx填42"]
    elif case == "foreign":  # another county's file
        other = planted(tmp_path, set_named("in_county_name", "他县"), "他县.xlsm")
        assert run("split", other, "-o", tmp_path / "他县").returncode == 0
        returned = list((tmp_path / "他县").glob("*水利局*"))
        expected = ["来自其他县（“他县”，本工作簿为“示例旗”）"]
    elif case == "locked":  # a label outside the yellow cells changed
        returned = [copy_of(files, "工信局", tmp_path, lambda b: setattr(b["填报"]["B3"], "value", "随便写"))]
        expected = ["填报!B3被改动"]
    else:  # a value `jieshui check` would refuse, with check's words and the unit file's cell
        returned = [copy_of(files, "水利局", tmp_path, lambda b: setattr(value_cell(b, "permits_total"), "value", "四十"))]
        cell = value_cell(openpyxl.load_workbook(returned[0]), "permits_total").coordinate
        expected = [f"填报!{cell}", "应为数字，当前填的是“四十”"]
    before = county.read_bytes()
    out = run("merge", county, *returned, "-o", tmp_path / "out.xlsm")
    assert out.returncode == 1, out.stdout + out.stderr
    assert all(text in out.stdout for text in expected), out.stdout
    assert "未写入任何数据" in out.stdout and not (tmp_path / "out.xlsm").exists()
    assert county.read_bytes() == before


def test_units_still_missing_are_listed(split, tmp_path):
    county, files = split
    before = dt.date.today().isoformat()
    out = run("merge", county, unit_form(files, "水利局"), unit_form(files, "住建局"), "-o", tmp_path / "m.xlsm")
    assert out.returncode == 0, out.stderr
    assert "尚未交回的单位（11个）" in out.stdout and "宣传部" in out.stdout
    # The workbook shows it too: 附件1 per unit block, 工作进度's 填报表交回 column.
    book = openpyxl.load_workbook(tmp_path / "m.xlsm", data_only=True)
    labels = [c.value for row in book["附件1责任分工"].iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("牵头内容小计")]
    returns = named(book, "in_returns")
    today = returns.parent.cell(returns.row + 8, returns.column).value  # 水利局, 9th unit
    assert today in {before, dt.date.today().isoformat()}  # the day merge ran
    assert labels.count(f"牵头内容小计（填报表已交回{today}）") == 2 and labels.count("牵头内容小计（填报表未交回）") == 11


def test_late_months_are_highlighted_in_the_progress_sheet():
    # One rule per month of the plan (February to August), each due by the 25th; what they
    # compute for chosen days and years is tests/builder/test_progress.py's.
    rules = [r for cf in openpyxl.load_workbook(EXAMPLE_WORKBOOK)["工作进度"].conditional_formatting
             for r in cf.rules if r.formula]
    late = [r.formula[0] for r in rules if "TODAY()" in r.formula[0]]
    assert len(late) == 7 and all(",25)" in f and '"已报"' in f for f in late)


def test_a_monthly_report_marks_the_grid_and_in_place_keeps_a_backup(split, tmp_path, std):
    county, files = split
    work = tmp_path / "县.xlsm"
    shutil.copy(county, work)

    def report(book):
        ws = book["月报"]
        ws["B3"], ws["B4"], ws["B5"], ws["B6"] = "完成计量设施核查", "无", "继续推进", dt.date(2025, 11, 20)
    returned = copy_of(files, "水利局", tmp_path, report)
    out = run("merge", work, returned, "--in-place")
    assert out.returncode == 0, out.stderr
    book = openpyxl.load_workbook(work)
    grid = named(book, "in_reports")
    row = grid.row + std.units.index("水利局")  # the grid's rows follow the standard's units
    assert grid.parent.cell(row, grid.column + 10).value == "已报"  # November
    (backup,) = tmp_path.glob("县_备份_*.xlsm")  # named for the minute it was kept
    assert re.fullmatch(r"县_备份_\d{8}-\d{4}\.xlsm", backup.name) and backup.read_bytes() == county.read_bytes()


def test_unit_files_open_in_libreoffice_and_merge_after_it_saved_them(split, tmp_path):
    county, files = split
    convert(unit_form(files, "住建局"), tmp_path, "xlsx")  # LibreOffice opens and saves it
    saved = tmp_path / unit_form(files, "住建局").name
    xml = "".join(zipfile.ZipFile(saved).read(n).decode("utf-8", "ignore")
                  for n in zipfile.ZipFile(saved).namelist() if n.startswith("xl/worksheets/"))
    assert 't="e"' not in xml  # no error cell anywhere
    out = run("merge", county, saved, "-o", tmp_path / "m.xlsm")
    assert out.returncode == 0, out.stdout + out.stderr


def test_carry_starts_next_year(split, tmp_path, std):
    county, _ = split
    target = tmp_path / "2025.xlsm"
    out = run("carry", county, "-o", target)
    assert out.returncode == 0, out.stderr
    assert "评价年度：2024 → 2025" in out.stdout and "上年非常规水源利用量 ← 上年的非常规水源利用量" in out.stdout
    # The example (评价年度 2024) worked its plan in 2025; next year's works it in 2026.
    assert "工作进度阶段：2025年2月1日至2025年8月31日 → 2026年2月1日至2026年8月31日" in out.stdout
    book = openpyxl.load_workbook(target, data_only=True)
    progress = book["工作进度"]
    spans = [progress.cell(4 + i, 3).value for i in range(len(std.stages))]
    assert spans == [f"2026年{s.start.month}月{s.start.day}日至{s.end.month}月{s.end.day}日" for s in std.stages]
    assert spans[0] == "2026年2月1日至2月28日"
    old = openpyxl.load_workbook(county, data_only=True)
    assert named(book, "in_county_year").value == 2025
    assert named(book, "in_nonconventional_use_last_year").value == named(old, "in_nonconventional_use").value
    assert named(book, "in_nonconventional_use").value is None and named(book, "in_permits_total").value is None
    utilities = named(book, "in_utilities")
    assert utilities.value == named(old, "in_utilities").value  # the name carries
    assert utilities.parent.cell(utilities.row, utilities.column + 1).value is None  # supply does not


def test_carry_takes_a_free_name_and_never_overwrites(split, tmp_path):
    county, _ = split
    work = tmp_path / "示例旗.xlsm"
    shutil.copy(county, work)
    names = []
    for _ in range(2):
        out = run("carry", work)
        assert out.returncode == 0, out.stdout + out.stderr
        names.append(out.stdout.split("已生成", 1)[1].split("，", 1)[0])
    assert [p.split("/")[-1] for p in names] == ["示例旗_2025年度.xlsm", "示例旗_2025年度_2.xlsm"]
    assert (tmp_path / "示例旗_2025年度.xlsm").exists() and (tmp_path / "示例旗_2025年度_2.xlsm").exists()
    given = tmp_path / "mine.xlsm"
    given.write_bytes(b"keep")
    out = run("carry", work, "-o", given)  # a name the user gave is never replaced
    assert out.returncode == 2 and "已存在" in out.stdout + out.stderr and given.read_bytes() == b"keep"


def test_carry_next_years_stages_show_in_libreoffice(split, tmp_path, std):
    county, _ = split
    out = run("carry", county, "-o", tmp_path / "next.xlsm")
    assert out.returncode == 0, out.stderr
    convert(tmp_path / "next.xlsm", tmp_path, "pdf")
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "next.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "2026年2月1日至2月28日" in text and "2025年2月1日" not in text


def test_unit_files_are_in_the_glossarys_words(split, std):
    from glossary import report, workbook_texts

    _, files = split
    for path in sorted(files.iterdir()):
        assert report(workbook_texts(path)) == [], path.name
    unit = std.prerequisites[0].lead  # a unit that leads a prerequisite: its name, never P1
    shown = [row[0] for row in openpyxl.load_workbook(unit_form(files, unit))["佐证材料"].iter_rows(
        min_row=3, values_only=True) if row[0]]
    assert shown == [f"必备条件{n}" for n, p in enumerate(std.prerequisites, 1) if p.lead == unit] + \
        [str(c.id) for c in std.contents if c.lead == unit]


def test_a_return_of_a_file_split_wrote_before_is_still_read(split, std, tmp_path):
    # Files handed out under template 2025.4 named each row's input in a hidden column G,
    # showed P1 on the 佐证材料 sheet and took the marks 提供/缺.
    from jieshui.county.unit_returns import read_unit_file

    _, files = split
    unit = std.prerequisites[0].lead
    keys = [k for k, _ in unit_inputs(std, unit)]

    def older(book):
        form = book["填报"]
        form.cell(2, 7).value = "键名"
        for n, key in enumerate(keys):
            form.cell(3 + n, 7).value = key
        sheet = book["佐证材料"]
        for row in range(3, sheet.max_row + 1):
            if str(sheet.cell(row, 1).value).startswith("必备条件"):
                sheet.cell(row, 1).value = f"P{sheet.cell(row, 1).value.removeprefix('必备条件')}"
            if sheet.cell(row, 1).value:
                sheet.cell(row, 4).value = "提供"

    back = read_unit_file(copy_of(files, unit, tmp_path, older), std)
    assert back.tampered == []
    assert back.evidence and {mark for mark, _ in back.evidence.values()} == {"已提供"}
    assert "P1" in back.evidence


def test_unit_files_print_with_their_titles_in_rows_tall_enough(split):
    """The 16 pt title in a row of its own tall enough for it, the headings on every page, every
    填报 row as tall as its wrapped text (only heights and widths: merge reads cells by position)."""
    _, files = split
    book = openpyxl.load_workbook(unit_form(files, "住建局"))
    for ws in (ws for ws in book.worksheets if ws.sheet_state == "visible"):
        assert ws.row_dimensions[1].height >= 30 and ws.print_title_rows == "$2:$2", ws.title
    form = book["填报"]
    assert all(form.row_dimensions[r].height >= 29 for r in range(3, form.max_row + 1))
