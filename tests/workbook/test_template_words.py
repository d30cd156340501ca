"""Template 2025.5 (issue 24): the county's words in the workbook, and what that changed for the
files counties already hold. A workbook of the previous template (the example as committed
before the change, tests/workbook/fixtures) is still read by check and collect; the ledger takes
evidence for 必备条件 as well as for the 24 contents; 佐证材料 says 已提供 only where the ledger
lists documents; dates on the printed sheets read 2025年7月20日."""

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from glossary import file_texts, problems
from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK, WORKBOOKS, named, named_cells, planted, run
from jieshui.engine.words import DATE_FORMAT, EVIDENCE_GIVEN, EVIDENCE_MISSING
from jieshui.workbook.contract import PREVIOUS_TEMPLATE, TEMPLATE_VERSION
from jieshui.workbook.readers import read_workbook
from jieshui.workbook.versions import version_mismatches

PREVIOUS = Path(__file__).parent / "fixtures" / "example_template_2025.4.xlsm"


def test_the_fixture_is_a_workbook_of_the_previous_template():
    book = openpyxl.load_workbook(PREVIOUS)
    assert named(book, "tpl_version").value == PREVIOUS_TEMPLATE != TEMPLATE_VERSION
    marks = {c.value for c in named_cells(book, "in_evidence")}
    assert marks == {"提供"}  # the previous template's word, which the current one no longer offers


def test_check_reads_the_previous_template_as_the_current_one(std):
    out = run("check", PREVIOUS, "--json")
    found = json.loads(out.stdout)
    kinds = {p["kind"] for p in found}
    # Its 评价标准 row's texts and its 提供 are the old template's words, not edits or gaps.
    assert not kinds & {"版本不符", "评价标准被修改", "赋分无佐证"}, found
    # What remains is the data: the old example marked 提供 with an empty 佐证台账, which the
    # current example no longer does.
    current = json.loads(run("check", EXAMPLE_WORKBOOK, "--json").stdout)
    assert {p["kind"] for p in found} - {"佐证未登记"} == {p["kind"] for p in current}
    data = read_workbook(PREVIOUS, std)
    assert set(data.inputs.evidence.values()) == {EVIDENCE_GIVEN}
    assert data.claimed["out_total"] == read_workbook(EXAMPLE_WORKBOOK, std).claimed["out_total"] == 96.5


def test_collect_reads_the_previous_template_beside_a_current_one(tmp_path):
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copy(PREVIOUS, folder / "旧模板旗.xlsm")
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    named(book, "in_county_name").value = "新模板旗"
    book.save(folder / "新模板旗.xlsm")
    out = run("collect", folder, "--json", "-o", tmp_path / "汇总.xlsx")
    assert out.returncode == 0, out.stderr
    counties = {c["name"]: c for c in json.loads(out.stdout)["counties"]}
    assert set(counties) == {"示例旗", "新模板旗"}
    old = counties["示例旗"]
    assert old["total"] == 96.5 and not [f for f in old["flags"] if f["kind"] in ("版本不符", "评价标准被修改")]


@pytest.mark.parametrize("found, refused", [(TEMPLATE_VERSION, False), (PREVIOUS_TEMPLATE, False),
                                            ("2025.3", True), ("2099.1", True), ("", True)])
def test_only_the_current_and_the_previous_template_pass(std, found, refused):
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    data.template_version = found
    said = [message for _, message in version_mismatches(data, std)]
    assert bool(said) == refused, said


def ledger_rows(rows):
    def change(book):
        top = named(book, "in_ledger")
        for n, values in enumerate(rows):
            for c, value in enumerate(values):
                top.parent.cell(top.row + n, top.column + c).value = value
    return change


def test_the_ledger_takes_prerequisites_and_contents(tmp_path, std):
    rows = [["必备条件2", "用水强度控制指标下达文件", "示水发〔2025〕1号", None, 3, None],
            [5, "灌区计量设施台账", None, None, 12, None],
            ["7", "计量统计表", None, None, 2, None],            # a number typed as text
            [" 必备条件4 ", "情况说明", None, None, 1, None],      # spaces around it
            ["必备条件9", "不存在的必备条件", None, None, 1, None],
            [25, "不存在的评价内容", None, None, 1, None]]
    path = planted(tmp_path, ledger_rows(rows), source=BLANK_WORKBOOK)
    ledger = read_workbook(path, std).inputs.ledger
    # The reader's row shape: [content id (int) or prerequisite id ("P2"), 材料名称, 文号, 日期,
    # 页数, 文件]; what names neither is kept as typed, for check to report.
    assert [row[0] for row in ledger[:6]] == ["P2", 5, 7, "P4", "必备条件9", 25]
    assert type(ledger[1][0]) is int and ledger[0][1:] == rows[0][1:]
    inputs = read_workbook(path, std).inputs
    assert inputs.documents("P2") == 1 and inputs.documents(5) == 1 and inputs.documents("P1") == 0


def test_the_ledger_column_accepts_prerequisites_in_its_validation():
    ws = openpyxl.load_workbook(BLANK_WORKBOOK)["佐证台账"]
    rule = next(dv for dv in ws.data_validations.dataValidation if "A4" in str(dv.sqref))
    assert rule.type == "custom" and all(f'"必备条件{n}"' in rule.formula1 for n in range(1, 5))
    assert "1～24" in rule.prompt and "必备条件1" in rule.prompt
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation]
    assert len(set(prompts)) == 6 and not any("每份佐证材料一行" in p for p in prompts)  # each field explained


@pytest.mark.parametrize("sheet, mark, count", [("附件3技术评估指标", "佐证材料", "台账（份）"),
                                                ("附件2必备条件", "佐证材料", "台账（份）")])
def test_evidence_given_only_where_the_ledger_lists_documents(sheet, mark, count):
    for path in WORKBOOKS:
        ws = openpyxl.load_workbook(path, data_only=True)[sheet]
        header = {c.value: c.column for c in ws[3]}
        rows = [(ws.cell(r, header[mark]).value, ws.cell(r, header[count]).value)
                for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, header[count]).value, (int, float))]
        assert rows and all(m in (None, EVIDENCE_GIVEN, EVIDENCE_MISSING) for m, _ in rows)
        assert all(n > 0 for m, n in rows if m == EVIDENCE_GIVEN), (path.name, rows)
    # The example lists a document for every item, counted from its own 佐证台账 sheet.
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, data_only=True)
    typed = [c.value for c in named_cells(book, "in_ledger")[::6] if c.value is not None]
    ws = book[sheet]
    header = {c.value: c.column for c in ws[3]}
    ids = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)
           if isinstance(ws.cell(r, header[count]).value, (int, float))]
    counts = [ws.cell(r, header[count]).value for r in range(4, 4 + len(ids))]
    keys = ids if sheet.startswith("附件3") else [f"必备条件{i}" for i in ids]
    assert counts == [typed.count(k) for k in keys] and min(counts) == 1


def test_an_evidence_mark_without_documents_is_marked_red():
    ws = openpyxl.load_workbook(EXAMPLE_WORKBOOK)["附件3技术评估指标"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules if r.formula]
    assert any(EVIDENCE_GIVEN in f and "=0" in f for r in rules for f in r.formula)


def date_cells(book):
    """(where, cell) of every date a printed sheet shows or an official types."""
    yield "说明 填报日期", named(book, "in_report_date")
    submission = book["报送表"]
    assert submission["D3"].value == "填报日期："
    yield "报送表 填报日期", submission["E3"]
    yield "工作进度 填报日期", book["工作进度"]["B2"]
    yield "佐证台账 日期", named_cells(book, "in_ledger")[3]


def test_dates_read_as_officials_write_them():
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    for where, cell in date_cells(book):
        assert cell.number_format == DATE_FORMAT, (where, cell.coordinate, cell.number_format)


def test_points_and_percentages_without_needless_decimals():
    ws = openpyxl.load_workbook(EXAMPLE_WORKBOOK)["附件3技术评估指标"]
    header = {c.value: c.column for c in ws[3]}
    assert ws.cell(4, header["标准分"]).number_format == "General"
    assert ws.cell(4, header["得分"]).number_format == "General"
    assert ws.cell(4, header["完成值"]).number_format == "[=1]0%;0.0%"


def test_the_shipped_workbooks_and_the_standard_workbook_hold_to_the_glossary(tmp_path):
    exported = tmp_path / "评价标准.xlsx"
    assert run("standard", "export", "-o", exported).returncode == 0
    for path in (*WORKBOOKS, exported):
        found = [f"{where}：{p}" for where, text in file_texts(path) for p in problems(text)]
        assert not found, found[:10]
