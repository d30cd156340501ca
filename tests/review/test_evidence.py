"""佐证台账 and 整理佐证目录: missing, unreadable and unlisted files, scored contents without
evidence, each named by its cell; the index by content with page numbers."""

import json

import openpyxl
import pytest

from helpers import named, planted, run

LEDGER = "佐证台账"


def ledger_rows(rows):
    def change(book):
        ws = book[LEDGER]
        top = named(book, "in_ledger")
        for n, values in enumerate(rows):
            for c, value in enumerate(values):
                ws.cell(top.row + n, top.column + c).value = value
        marks = named(book, "in_evidence")
        for content_id in (5, 16):  # unmarked: 5 has ledger rows, 16 has none
            marks.parent.cell(marks.row + content_id - 1, marks.column).value = None
    return change


@pytest.fixture()
def county(tmp_path):
    rows = [[5, "灌区计量设施台账", "示水发〔2025〕3号", None, 12, "计量/台账.pdf"],
            [5, "取水口计量统计表", None, None, 3, "计量/统计表.pdf"],
            [17, "供水企业水量平衡表", None, None, 4, "漏损/缺失.pdf"],
            [99, "不知哪一项的材料", None, None, 1, None]]
    path = planted(tmp_path, ledger_rows(rows), "县.xlsm")
    refreshed = tmp_path / "县2.xlsm"
    assert run("recalc", path, "-o", refreshed).returncode == 0
    folder = tmp_path / "佐证材料"
    (folder / "计量").mkdir(parents=True)
    (folder / "计量" / "台账.pdf").write_bytes(b"%PDF-1.4")
    (folder / "计量" / "统计表.pdf").write_bytes(b"%PDF-1.4")
    (folder / "其他" ).mkdir()
    (folder / "其他" / "没登记.pdf").write_bytes(b"%PDF-1.4")
    return refreshed


def test_every_problem_is_named_by_its_cell(county, tmp_path):
    out = run("evidence", county, "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    book = openpyxl.load_workbook(county)
    top = named(book, "in_ledger")
    assert f"{LEDGER}!F{top.row + 2}：佐证材料文件夹中没有文件“漏损/缺失.pdf”" in out.stdout
    assert f"{LEDGER}!A{top.row + 3}：评价内容序号应为 1～24，现为 99" in out.stdout
    evidence = named(book, "in_evidence")
    assert f"附件3 技术评估指标!{evidence.column_letter}{evidence.row + 15}：评价内容 16" in out.stdout
    assert "未登记的文件" in out.stdout and "没登记.pdf" in out.stdout
    assert "台账.pdf" not in out.stdout.split("未登记的文件")[-1]


def test_the_index_lists_documents_by_content_with_page_numbers(county, tmp_path):
    run("evidence", county, "-o", tmp_path / "out")
    (index,) = (tmp_path / "out").glob("*佐证材料目录*.xlsx")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(index).active.iter_rows(min_row=3)]
    assert [r[3] for r in rows] == ["灌区计量设施台账", "取水口计量统计表", "供水企业水量平衡表"]
    assert [r[7] for r in rows] == ["1–12", "13–15", "16–19"]  # pages 12, 3, 4 in a row
    assert rows[0][2].startswith("5 ") and rows[2][2].startswith("17 ")
    assert index.with_suffix(".pdf").exists()


def test_ledger_rows_count_in_annex_3_and_stand_for_the_mark(county, std):
    book = openpyxl.load_workbook(county, data_only=True)
    sheet = book["附件3 技术评估指标"]
    header = next(c.column for c in sheet[3] if c.value == "台账（份）")
    first = named(book, "in_evidence").row
    assert sheet.cell(first + 4, header).value == 2 and sheet.cell(first + 16, header).value == 1
    problems = json.loads(run("check", county, "--json").stdout)
    unmarked = [p for p in problems if p["kind"] == "赋分无佐证"]
    assert [p["message"][:7] for p in unmarked] == ["评价内容 16"]  # 5 is unmarked too, but has rows
