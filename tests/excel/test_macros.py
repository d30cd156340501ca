"""The buttons' Python side. The few xlwings calls it makes are answered by a small stand-in
backed by a real workbook file; what happens behind them (reader, checks, export) is real."""

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter, range_boundaries

from helpers import BLANK_WORKBOOK as BLANK, EXAMPLE_WORKBOOK as EXAMPLE, ROOT, cell_of, planted, run, set_named
from jieshui.excel import macros
from unit_forms import value_cell
from jieshui.workbook.contract import TEMPLATE_VERSION
from jieshui.workbook.readers.base import TABLES
from jieshui.workbook.readers.xlwings_reader import read_book
from xlwings_standin import Book


def test_check_data_on_a_clean_workbook(caller):
    book = caller(EXAMPLE)
    macros.check_data()
    assert book.alerts == [("检查数据", "数据检查通过：未发现问题。")]
    results = book.sheets["检查结果"]
    assert results.written["A1"] == [["序号", "单元格", "类别", "问题"], [1, "", "检查通过", "未发现问题"]]


def test_check_data_writes_the_problems_with_links(caller):
    book = caller(BLANK)
    macros.check_data()
    assert book.alerts[0][1].startswith("发现65项问题")
    results = book.sheets["检查结果"]
    rows = results.written["A1"]
    name_cell = cell_of(openpyxl.load_workbook(BLANK), "in_county_name")  # 说明!C5
    assert rows[1][1:3] == [name_cell, "数据错误"]
    sheet, ref = name_cell.split("!")
    assert ("B2", f"#'{sheet}'!{ref}", name_cell) in results.links
    assert results.active


def test_check_data_reuses_the_results_sheet(caller):
    book = caller(EXAMPLE)
    macros.check_data()
    macros.check_data()
    assert [s.name for s in book.sheets].count("检查结果") == 1
    assert book.sheets["检查结果"].cleared == 2


def test_export_writes_next_to_the_workbook_and_asks_excel_for_the_pdf(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.export_submission()
    exported = list(tmp_path.glob("示例旗_县域节水型社会达标建设复核自评赋分表_*.xlsx"))
    assert len(exported) == 1 and book.opened == [str(exported[0])]
    assert exported[0].with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    title, text = book.alerts[0]
    assert title == "导出报送表" and "已导出报送表" in text and "已生成 PDF" in text
    assert "数据问题" not in text and "复核提示" not in text


def test_recalculate_falls_back_to_calculate(caller):
    book = caller(EXAMPLE)
    macros.recalculate()
    assert book.calculated == 1


def test_addin_buttons_act_on_the_active_county_workbook(caller, tmp_path):
    addin = caller(BLANK)
    county = addin.active = Book(EXAMPLE)
    macros.check_data(active=True)
    assert county.alerts == [("检查数据", "数据检查通过：未发现问题。")]
    assert "检查结果" in [s.name for s in county.sheets]
    assert "检查结果" not in [s.name for s in addin.sheets]


def test_addin_buttons_refuse_another_workbook(caller):
    addin = caller(BLANK)
    addin.active = None
    macros.export_submission(active=True)
    assert "当前工作簿不是县域复核工作簿" in addin.alerts[0][1]


def test_refresh_cache_recalculates_then_saves(caller):
    book = caller(EXAMPLE)
    macros.refresh_cache(active=True)
    assert book.calculated == 1 and book.saved == 1


def test_new_workbook_and_example_open_fresh_copies(caller, monkeypatch, tmp_path):
    book = caller(EXAMPLE)
    monkeypatch.setattr(macros.Path, "home", staticmethod(lambda: tmp_path))
    macros.new_workbook()
    macros.new_workbook()
    macros.open_example()
    opened = [Path(p) for p in book.opened]
    assert [p.name for p in opened][2] == "示例旗_县域复核工作簿.xlsm"
    assert opened[0] != opened[1] and opened[1].stem.endswith("_2")
    assert opened[0].read_bytes() == BLANK.read_bytes()
    assert opened[2].read_bytes() == EXAMPLE.read_bytes()


def test_diagnosis_for_it(caller):
    book = caller(EXAMPLE)
    macros.diagnose()
    text = book.alerts[0][1]
    assert "xlwings：0.37.8" in text and "jieshui：" in text and "评价标准：2023.1-jieshui.1" in text
    assert f"当前工作簿：模板{TEMPLATE_VERSION}，评价标准2023.1-jieshui.1（与本机软件一致）" in text
    assert "不一致" in macros.diagnosis("2024.9", "2023.1-jieshui.1")
    assert "不是县域复核工作簿" in macros.diagnosis(None, None)


def test_guide_opens_as_a_text_file_notepad_reads(caller, monkeypatch, tmp_path):
    book = caller(EXAMPLE)
    monkeypatch.setattr(macros.tempfile, "gettempdir", lambda: str(tmp_path))
    macros.show_guide()
    path = Path(book.alerts[0][1].split("：", 1)[1])
    assert path.parent == tmp_path and path.suffix == ".txt"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: older Notepad then reads UTF-8
    assert data[3:] == (ROOT / "docs" / "user-guide.txt").read_bytes()  # the user guide, not its Markdown


def test_split_button_writes_every_units_file_beside_the_workbook(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    files = sorted((tmp_path / "填报表").glob("示例旗_*_填报表_*.xlsx"))
    assert len(files) == 13
    assert book.alerts[0][0] == "分发填报表" and "13个成员单位" in book.alerts[0][1]


def test_merge_button_writes_a_new_workbook_and_opens_it(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    book.picked = (str(next((tmp_path / "填报表").glob("*水利局*"))),)
    macros.merge_units()
    merged = tmp_path / f"{EXAMPLE.stem}_汇总.xlsm"
    assert merged.exists() and book.opened == [str(merged)] and book.saved == 1
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "已汇总1份填报表" in text and "尚未交回" in text
    assert (tmp_path / EXAMPLE.name).read_bytes() == EXAMPLE.read_bytes()  # the open one untouched


def test_merge_button_lists_problems_and_writes_nothing(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    source = next((tmp_path / "填报表").glob("*水利局*"))
    unit = openpyxl.load_workbook(source)
    value_cell(unit, "permits_total").value = "四十"
    unit.save(source)
    book.picked = (str(source),)
    macros.merge_units()
    assert "发现问题，未写入任何数据" in book.alerts[-1][1] and "应为数字" in book.alerts[-1][1]
    assert not (tmp_path / f"{EXAMPLE.stem}_汇总.xlsm").exists() and book.opened == []


def test_merge_button_cancelled_does_nothing(caller):
    book = caller(EXAMPLE)
    macros.merge_units()
    assert book.alerts == [] and book.saved == 0


def test_report_button_writes_the_draft_beside_the_workbook(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.write_report()
    # Dated by the example workbook's 填报日期 (2025-07-20), as the command dates it, not today.
    made = list(tmp_path.glob("示例旗_县域节水型社会达标建设复核自评报告_20250720.docx"))
    assert len(made) == 1
    title, text = book.alerts[-1]
    assert title == "生成自评报告" and "已生成自评报告初稿" in text and "落款日期：2025年7月20日" in text


def test_evidence_button_writes_the_index_and_lists_unlisted_files(caller, tmp_path):
    book = caller(EXAMPLE)
    (tmp_path / "佐证材料").mkdir()
    (tmp_path / "佐证材料" / "会议纪要.pdf").write_bytes(b"%PDF-1.4")
    macros.index_evidence()
    assert list(tmp_path.glob("示例旗_*佐证材料目录_*.xlsx"))
    rows = book.sheets["检查结果"].written["A1"]
    assert any(r[2] == "未登记的文件" and r[3].endswith("会议纪要.pdf") for r in rows[1:])
    assert "整理佐证目录" == book.alerts[-1][0]


# -- issue 22: the buttons account for every input and check the county's identity as the
# command line does ------------------------------------------------------------------------------

def test_check_button_lists_rows_typed_below_the_ledger_as_check_does(caller, tmp_path):
    """Two documents typed below the 佐证台账 table: the 检查结果 sheet holds what `jieshui check`
    says of the same file (its problems, row for row)."""
    book = openpyxl.load_workbook(EXAMPLE)
    sheet, coord = next(iter(book.defined_names["in_ledger"].destinations))
    first_col, _, _, last_row = range_boundaries(coord.replace("$", ""))

    def below(book):
        for n, values in enumerate([[5, "灌区计量台账", None, None, 3, "计量/台账.pdf"], [17, "管网漏损报告"]]):
            for c, value in enumerate(values):
                book[sheet].cell(last_row + 1 + n, first_col + c).value = value
    (tmp_path / "typed").mkdir()
    path = planted(tmp_path / "typed", below, "县.xlsm")
    out = run("check", path, "--json")
    assert out.returncode == 1, out.stderr
    said = [[p["cell"], p["kind"], p["message"]] for p in json.loads(out.stdout)]
    outside = [p for p in said if p[1] == "表格外的数据"]
    assert [p[0] for p in outside] == [f"{sheet}!{get_column_letter(first_col)}{last_row + 1}"]
    book = caller(path)
    macros.check_data()
    rows = book.sheets["检查结果"].written["A1"]
    assert [r[1:] for r in rows[1:] if r[2] == "表格外的数据"] == outside
    assert [r[1:] for r in rows[1:]] == said  # and every other problem as check lists it
    assert book.alerts == [("检查数据", f"发现{len(said)}项问题，已列在“检查结果”工作表，点击单元格地址可跳转。")]


def test_the_xlwings_reader_finds_the_cells_openpyxl_finds_below_each_table(tmp_path, std):
    """Something below every input table (after a gap, in a middle column): openpyxl, which
    shares nothing with the reader, lists the non-empty cells below each; the shipped workbooks
    have none."""
    def typed(book):
        for n, name in enumerate(TABLES):
            sheet, coord = next(iter(book.defined_names[name].destinations))
            first_col, _, last_col, last_row = range_boundaries(coord.replace("$", ""))
            book[sheet].cell(last_row + 12 + n, last_col).value = f"第{n}项"
            book[sheet].cell(last_row + 40, first_col).value = n + 1
    path = planted(tmp_path, typed, "县.xlsm")
    book = openpyxl.load_workbook(path)
    expected = {}
    for name in TABLES:
        sheet, coord = next(iter(book.defined_names[name].destinations))
        first_col, _, last_col, last_row = range_boundaries(coord.replace("$", ""))
        expected[name] = (sheet, [(c.coordinate, c.value) for row in book[sheet].iter_rows(
            min_row=last_row + 1, min_col=first_col, max_col=last_col) for c in row if c.value is not None])
    assert all(cells for _, cells in expected.values())
    found = read_book(Book(path), std).outside
    assert {o.name: (o.sheet, list(o.cells)) for o in found} == expected
    for source in (EXAMPLE, BLANK):
        assert read_book(Book(source), std).outside == []


@pytest.mark.parametrize("field, value", [("in_county_year", -5), ("in_county_name", "  ")])
def test_split_button_refuses_a_workbook_whose_year_or_county_is_not_one(caller, tmp_path, field, value):
    (tmp_path / "county").mkdir()
    path = planted(tmp_path / "county", set_named(field, value), "县.xlsm")
    cell = cell_of(openpyxl.load_workbook(EXAMPLE), field)
    out = run("split", path, "-o", tmp_path / "cli")
    assert out.returncode == 2 and not (tmp_path / "cli").exists()
    book = caller(path)
    macros.split_units()
    ((title, text),) = book.alerts
    assert title == "分发填报表" and cell in text and f"错误：{text}" in out.stderr
    assert not (tmp_path / "填报表").exists()


def test_merge_button_reads_a_file_picked_twice_once(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    source = next((tmp_path / "填报表").glob("*住建局*"))
    unit = openpyxl.load_workbook(source)
    value_cell(unit, "communities_certified").value = 17
    unit.save(source)
    copy = tmp_path / "副本.xlsx"
    shutil.copy(source, copy)  # the same return saved twice: identical bytes
    book.picked = (str(source), str(source), str(copy))
    macros.merge_units()
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "已汇总1份填报表、1处数值" in text, text
    assert f"{source}重复给出" in text and f"{copy}与{source}内容完全相同" in text
    merged = tmp_path / f"{EXAMPLE.stem}_汇总.xlsm"
    log = [row for row in openpyxl.load_workbook(merged)["填报记录"].iter_rows(min_row=2, values_only=True)
           if row[0] is not None]
    assert len(log) == 1 and log[0][5] == 17


def test_split_button_says_what_the_system_refused_as_split_does(caller, tmp_path):
    """A file named 填报表 where the folder goes: the words `jieshui split` uses, not a traceback."""
    book = caller(EXAMPLE)
    (tmp_path / "填报表").write_bytes(b"")
    out = run("split", tmp_path / EXAMPLE.name)
    assert out.returncode == 2
    macros.split_units()
    ((title, text),) = book.alerts
    assert title == "分发填报表" and f"错误：{text}" in out.stderr and str(tmp_path / "填报表") in text
    assert (tmp_path / "填报表").read_bytes() == b""


def test_merge_button_waits_for_a_colleague_in_the_status_bar_then_names_them(caller, tmp_path, monkeypatch):
    """A colleague on another computer merging into the same workbook holds its lock: the button
    says it is waiting where Excel shows progress (the command line's progress line), then who
    holds it; nothing is saved or written, and the status bar is Excel's again."""
    book = caller(EXAMPLE)
    macros.split_units()
    book.picked = (str(next((tmp_path / "填报表").glob("*水利局*"))),)
    workbook = tmp_path / EXAMPLE.name
    lock = tmp_path / f".~jieshui.{workbook.name}.lock"  # the format jieshui.locks' docstring gives
    lock.write_text(json.dumps({"program": "jieshui", "user": "李四", "host": "办公室-PC2", "pid": 4242,
                                "start": None, "since": "2026-11-30T09:00:00+08:00"}, ensure_ascii=False),
                    encoding="utf-8")
    monkeypatch.setenv("JIESHUI_LOCK_WAIT", "0.8")
    monkeypatch.setattr("jieshui.locks.PROGRESS_SECONDS", 0.3)
    before = workbook.read_bytes()
    macros.merge_units()
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "李四（电脑“办公室-PC2”，进程号4242" in text, text
    waiting = book.status[:-1]
    assert waiting and all("李四" in line and "已等待" in line for line in waiting), book.status
    assert book.status[-1] is False
    assert book.saved == 0 and workbook.read_bytes() == before and lock.exists()
    assert not (tmp_path / f"{EXAMPLE.stem}_汇总.xlsm").exists() and book.opened == []


def test_evidence_button_says_the_rows_below_the_ledger_as_evidence_does(caller, tmp_path):
    book = openpyxl.load_workbook(EXAMPLE)
    sheet, coord = next(iter(book.defined_names["in_ledger"].destinations))
    first_col, _, _, last_row = range_boundaries(coord.replace("$", ""))
    (tmp_path / "typed").mkdir()

    def below(book):  # a document's title typed two rows below the table
        book[sheet].cell(last_row + 3, first_col + 1).value = "灌区计量台账"
    path = planted(tmp_path / "typed", below, "县.xlsm")
    (tmp_path / "typed" / "佐证材料").mkdir()
    out = run("evidence", path, "-o", tmp_path / "cli")
    cell = f"{sheet}!{get_column_letter(first_col + 1)}{last_row + 3}"
    said = [line.split("：", 1)[1] for line in out.stdout.splitlines() if line.startswith(f"{cell}：")]
    assert out.returncode == 1 and len(said) == 1, out.stdout + out.stderr
    book = caller(path)
    (tmp_path / "佐证材料").mkdir()
    macros.index_evidence()
    rows = book.sheets["检查结果"].written["A1"]
    assert [r[3] for r in rows[1:] if r[1] == cell] == said
