"""佐证台账 and 整理佐证目录: missing, unreadable and unlisted files, scored contents without
evidence, each named by its cell; the index by content with page numbers, counted from the real
pages of each PDF (poppler's pdfinfo confirms what the test files hold), with 缺 and no page
numbers for a file that is missing or is not the PDF its name says."""

import datetime as dt
import json
import subprocess

import openpyxl
import pypdf
import pytest

from glossary import report, workbook_texts
from helpers import EXAMPLE_WORKBOOK, named, planted, run
from jieshui.county.evidence import check_evidence, index_workbook
from jieshui.workbook.check import check
from jieshui.workbook.readers import read_workbook

LEDGER = "佐证台账"


def ledger_rows(rows):
    def change(book):
        ws = book[LEDGER]
        top = named(book, "in_ledger")
        for row in ws.iter_rows(min_row=top.row, min_col=top.column, max_col=top.column + 5):
            for cell in row:  # the example's own ledger rows out: only `rows` listed
                cell.value = None
        for n, values in enumerate(rows):
            for c, value in enumerate(values):
                ws.cell(top.row + n, top.column + c).value = value
        marks = named(book, "in_evidence")
        for content_id in (5, 16):  # unmarked: 5 has ledger rows, 16 has none
            marks.parent.cell(marks.row + content_id - 1, marks.column).value = None
    return change


def real_pdf(path, pages):
    """A real PDF of `pages` A4 pages, its count confirmed by poppler (not by the code under test)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {pages}" in info
    return path


@pytest.fixture()
def county(tmp_path):
    rows = [[5, "灌区计量设施台账", "示水发〔2025〕3号", None, 12, "计量/台账.pdf"],
            [5, "取水口计量统计表", None, None, 3, "计量/统计表.pdf"],       # really 5 pages
            [17, "供水企业水量平衡表", None, None, 4, "漏损/缺失.pdf"],      # not in the folder
            [17, "管网改造验收单", None, None, 1, "漏损/验收单.pdf"],        # a text file named .pdf
            [17, "漏损分析报告", None, None, 4, "漏损/分析报告.pdf"],
            [99, "不知哪一项的材料", None, None, 1, None]]
    path = planted(tmp_path, ledger_rows(rows), "县.xlsm")
    refreshed = tmp_path / "县2.xlsm"
    assert run("recalc", path, "-o", refreshed).returncode == 0
    folder = tmp_path / "佐证材料"
    real_pdf(folder / "计量" / "台账.pdf", 12)
    real_pdf(folder / "计量" / "统计表.pdf", 5)
    real_pdf(folder / "漏损" / "分析报告.pdf", 4)
    (folder / "漏损" / "验收单.pdf").write_bytes(b"not a pdf")  # 9 bytes of text
    real_pdf(folder / "其他" / "没登记.pdf", 1)
    return refreshed


def test_every_problem_is_named_by_its_cell(county, tmp_path):
    out = run("evidence", county, "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    book = openpyxl.load_workbook(county)
    top = named(book, "in_ledger")
    assert f"{LEDGER}!F{top.row + 2}：佐证材料文件夹中没有文件“漏损/缺失.pdf”" in out.stdout
    assert f"{LEDGER}!A{top.row + 5}：应填评价内容序号1～24或必备条件1～4（如“必备条件1”），现为99" in out.stdout
    evidence = named(book, "in_evidence")
    assert f"附件3技术评估指标!{evidence.column_letter}{evidence.row + 15}：第16项评价内容" in out.stdout
    assert "未登记的文件" in out.stdout and "没登记.pdf" in out.stdout
    assert "台账.pdf" not in out.stdout.split("未登记的文件")[-1]


def test_the_index_lists_documents_by_content_with_page_numbers(county, tmp_path):
    run("evidence", county, "-o", tmp_path / "out")
    (index,) = (tmp_path / "out").glob("*佐证材料目录*.xlsx")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(index).active.iter_rows(min_row=3)]
    assert [r[3] for r in rows] == ["灌区计量设施台账", "取水口计量统计表", "供水企业水量平衡表",
                                    "管网改造验收单", "漏损分析报告"]
    # Real pages 12, 5 (typed 3), the two unusable files none, then 4: by hand 1–12, 13–17, 18–21.
    assert [r[7] for r in rows] == ["1–12", "13–17", "缺", "缺", "18–21"]
    assert [r[6] for r in rows] == [12, 5, None, None, 4]
    assert rows[0][2] == "（5）农业灌溉用水计量率" and rows[2][2].startswith("（17）")
    assert index.with_suffix(".pdf").exists()


def test_a_text_file_named_pdf_and_a_wrong_page_count_are_reported(county, tmp_path):
    out = run("evidence", county, "-o", tmp_path / "out")
    assert out.returncode == 1, out.stderr
    top = named(openpyxl.load_workbook(county), "in_ledger")
    lines = out.stdout.splitlines()
    fake = [line for line in lines if "验收单.pdf" in line]
    assert len(fake) == 1 and fake[0].startswith(f"{LEDGER}!F{top.row + 3}：") and "不是 PDF" in fake[0]
    count = [line for line in lines if line.startswith(f"{LEDGER}!E{top.row + 1}：")]
    assert len(count) == 1 and "3" in count[0] and "5页" in count[0], out.stdout
    # The files whose typed pages are right are not mentioned.
    assert not any(line.startswith((f"{LEDGER}!E{top.row}：", f"{LEDGER}!E{top.row + 4}：")) for line in lines)


def test_a_folder_that_does_not_exist_is_named_once(county, tmp_path):
    nowhere = tmp_path / "没有这个文件夹"
    out = run("evidence", county, "--dir", nowhere, "-o", tmp_path / "out")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.count(str(nowhere)) == 1, out.stdout
    assert "没有文件" not in out.stdout and "未登记的文件" not in out.stdout
    (index,) = (tmp_path / "out").glob("*佐证材料目录*.xlsx")
    spans = [row[7].value for row in openpyxl.load_workbook(index).active.iter_rows(min_row=3)]
    assert spans == ["缺"] * 5


def test_ledger_rows_count_in_annex_3_and_stand_for_the_mark(county, std):
    book = openpyxl.load_workbook(county, data_only=True)
    sheet = book["附件3技术评估指标"]
    header = next(c.column for c in sheet[3] if c.value == "台账（份）")
    first = named(book, "in_evidence").row
    assert sheet.cell(first + 4, header).value == 2 and sheet.cell(first + 16, header).value == 3
    problems = json.loads(run("check", county, "--json").stdout)
    unmarked = [p for p in problems if p["kind"] == "赋分无佐证"]
    assert [p["message"][:8] for p in unmarked] == ["第16项评价内容"]  # 5 is unmarked too, but has rows


def test_the_index_lists_prerequisites_under_their_names(tmp_path, std):
    # Ledger rows as the readers give them: a content's id, or a prerequisite's key ("P1"); the
    # sheet's own words (必备条件2) are taken too.
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    data.inputs.ledger = [[5, "灌区计量设施台账", "示水发〔2025〕3号", dt.datetime(2025, 2, 1), 12, None],
                          ["P1", "用水总量控制指标分解文件", "示政办发〔2021〕8号", dt.date(2021, 6, 30), 3, None],
                          ["必备条件2", "年度考核结果通报", None, None, 2, None],
                          ["P9", "不知哪一项", None, None, 1, None]]
    folder = tmp_path / "佐证材料"
    folder.mkdir()
    found = check_evidence(data, check(data, std), std, folder)
    top = named(openpyxl.load_workbook(EXAMPLE_WORKBOOK), "in_ledger")
    assert found.problems == [(f"{LEDGER}!A{top.row + 3}", "应填评价内容序号1～24或必备条件1～4（如“必备条件1”），现为“P9”")]
    # The prerequisites come first (the gate a reviewer checks), then the contents; pages typed:
    # 3 (1–3), 2 (4–5), 12 (6–17).
    assert [row[1:4] + row[5:8] for row in found.index] == [
        ["必备条件", f"必备条件1：{std.prerequisites[0].title}", "用水总量控制指标分解文件", "2021年6月30日", 3, "1–3"],
        ["必备条件", f"必备条件2：{std.prerequisites[1].title}", "年度考核结果通报", "", 2, "4–5"],
        ["用水计量", "（5）农业灌溉用水计量率", "灌区计量设施台账", "2025年2月1日", 12, "6–17"]]
    path = tmp_path / "目录.xlsx"
    path.write_bytes(index_workbook(data, found, dt.date(2025, 7, 20)))
    cells = [c.value for row in openpyxl.load_workbook(path).active.iter_rows() for c in row]
    assert "必备条件1" not in cells and not any(str(v).startswith("P1") for v in cells)
    # The 16 pt title in its own row, tall enough; each row as tall as its wrapped 评价内容.
    ws = openpyxl.load_workbook(path).active
    assert ws.row_dimensions[1].height >= 30 and ws.print_title_rows == "$2:$2"
    assert ws.row_dimensions[3].height > ws.row_dimensions[5].height >= 18
    assert report(workbook_texts(path)) == []
