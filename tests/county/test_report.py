"""生成自评报告: the document read back with python-docx finds what the engine computed; LibreOffice
prints it; the charts' Chinese text is drawn in a font that has Chinese glyphs."""

import datetime as dt
import io
import subprocess
from hashlib import sha256
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import ImageFont

from helpers import run_dated, EXAMPLE, EXAMPLE_WORKBOOK, named, run
from jieshui.buildtime.samples import edge_counties
from jieshui.engine import assess
from jieshui.county.charts import cjk_font, has_chinese
from jieshui.workbook.check import check
from jieshui.county.report import report_document
from jieshui.workbook.inputs import example_extras, from_county_raw
from jieshui.workbook.readers import read_workbook

FILED = "20250720"  # the example workbook's 填报日期, which dates its report


def text_of(document):
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(paragraphs + cells)


def contents_table(document):
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    return [[c.text for c in row.cells] for row in table.rows[1:]]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    out = run("report", EXAMPLE_WORKBOOK, "-o", folder)
    assert out.returncode == 0, out.stderr
    assert "落款日期：2025年7月20日（按工作簿的填报日期）" in out.stdout
    return folder / f"示例旗_县域节水型社会达标建设复核自评报告_{FILED}.docx"


def test_the_example_report_holds_the_engines_results(example_report, std, example):
    document = docx.Document(example_report)
    result = assess(example, std)
    text = text_of(document)
    assert document.paragraphs[0].text == "示例旗县域节水型社会达标建设复核自评报告"
    assert "初稿" in document.paragraphs[1].text  # a draft the office edits, said at the top
    assert f"总分{result.total:g}分" in text and result.verdict in text
    rows = contents_table(document)
    assert [r[0] for r in rows] == [str(c.id) for c in result.contents]  # 24 rows
    assert [r[5] for r in rows] == [f"{c.points:g}" for c in result.contents]
    for gap in result.ranked_gaps:
        assert gap.gap in text
    for heading in ("一、基本情况", "二、组织实施", "三、评价指标完成情况", "四、必备条件",
                    "五、存在问题及整改措施", "六、自评结论"):
        assert heading in text
    assert len(document.inline_shapes) == 2  # the indicator chart and the leakage breakdown


def test_generated_counties_report_each_unmet_prerequisite_and_gap(std):
    seen_unmet = 0
    for raw in list(edge_counties(12, 5, std))[:12]:
        result = assess(raw, std)
        if result.errors:
            continue
        inputs = example_extras(from_county_raw(raw, std), std)
        checked = type("Checked", (), {"assessment": result, "problems": []})()
        document = docx.Document(io.BytesIO(report_document(checked, inputs, std, dt.date(2025, 7, 20))))
        text = text_of(document)
        for p in result.prerequisites:
            if p.met is False:
                seen_unmet += 1
                assert f"{p.id} {p.title}：不满足" in text
        for gap in result.ranked_gaps:
            assert gap.gap in text
        assert [r[5] for r in contents_table(document)] == [f"{c.points:g}" for c in result.contents]
    assert seen_unmet  # the sample does include unmet prerequisites


def test_libreoffice_prints_the_report_with_its_total(example_report):
    pdf = example_report.with_suffix(".pdf")
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "总分96.5分" in text.replace("\n", "")


def test_the_charts_font_draws_chinese_and_the_check_can_fail():
    font = cjk_font(20)
    assert has_chinese(font)
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    assert latin.exists(), "fonts-dejavu comes with LibreOffice"
    assert not has_chinese(ImageFont.truetype(str(latin), 20))  # boxes would be caught


def snapshot(folder):
    """{file name: (SHA-256 of its bytes, modification time in ns)} of every file in `folder`."""
    return {p.name: (sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_second_report_gets_a_new_name(example_report):
    folder = example_report.parent
    before = snapshot(folder)
    assert example_report.name in before
    out = run("report", EXAMPLE_WORKBOOK, "-o", folder)
    assert out.returncode == 0, out.stderr
    second = example_report.with_name(example_report.stem + "_2.docx")
    # The first run's files (the report and its PDF) are still there, not a byte or a
    # modification time changed; the second run added only its own _2 files.
    after = snapshot(folder)
    assert {name: after.get(name) for name in before} == before
    expected_new = {second.name} | ({second.with_suffix(".pdf").name}
                                    if example_report.with_suffix(".pdf").name in before else set())
    assert set(after) - set(before) == expected_new
    assert docx.Document(second).paragraphs[0].text == "示例旗县域节水型社会达标建设复核自评报告"


def test_a_report_of_a_workbook_with_problems_still_says_what_it_can(tmp_path, std):
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    data.inputs.inputs["permits_total"] = "四十"
    checked = check(data, std)
    document = docx.Document(io.BytesIO(report_document(checked, data.inputs, std, dt.date(2025, 7, 20))))
    assert "数据尚不完整" in text_of(document)


def test_the_report_is_dated_with_the_workbooks_report_date(example_report):
    text = text_of(docx.Document(example_report))
    assert "示例旗（盖章）        2025年07月20日" in text
    # Its plan, dated in the year the example worked it (评价年度 2024, 填报日期 2025).
    assert "2025年02月01日至02月28日" in text


def test_a_date_given_dates_the_report_and_a_wrong_one_is_refused(tmp_path):
    out = run("report", EXAMPLE_WORKBOOK, "-o", tmp_path, "--date", "2025-08-02")
    assert out.returncode == 0, out.stderr
    document = tmp_path / "示例旗_县域节水型社会达标建设复核自评报告_20250802.docx"
    assert "示例旗（盖章）        2025年08月02日" in text_of(docx.Document(document))
    out = run("report", EXAMPLE_WORKBOOK, "-o", tmp_path / "bad", "--date", "8月2日")
    assert out.returncode == 2 and "--date 应为日期，如2025-07-20" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "bad").exists()


def test_a_report_date_that_is_not_a_date_is_named_and_today_used(tmp_path):
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    named(book, "in_report_date").value = "7月20日"
    book.save(tmp_path / "typed.xlsm")
    out, days = run_dated("report", tmp_path / "typed.xlsm", "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "填报日期 “7月20日” 不是日期，按今天" in out.stdout
    assert [p for day in days for p in tmp_path.glob(f"*自评报告_{day}.docx")]


def test_a_workbook_without_a_report_date_is_dated_today(tmp_path):
    county = tmp_path / "county.xlsm"
    assert run("template", "--county", EXAMPLE, "-o", county).returncode == 0
    out, days = run_dated("report", county, "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "工作簿未填填报日期，按今天" in out.stdout
    assert [p for day in days for p in tmp_path.glob(f"*自评报告_{day}.docx")]
