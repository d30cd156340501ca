"""导出报送表 / `jieshui export`: a clean, values-only submission and its PDF."""

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from glossary import report, workbook_texts
from helpers import run_dated, EXAMPLE_WORKBOOK as EXAMPLE, JIESHUI, planted, run, set_named
from jieshui.engine.words import DATE_FORMAT
from jieshui.engine import assess
from jieshui.workbook.check import check
from jieshui.county.export import export
from jieshui.workbook.contract import SOURCE_WORDS
from jieshui.workbook.readers import read_workbook

STEM = "示例旗_县域节水型社会达标建设复核自评赋分表"


def dated_file(folder, days, suffix):
    """The one export of that day in `folder` (the day the run started or ended)."""
    (found,) = [folder / f"{STEM}_{day}{suffix}" for day in days if (folder / f"{STEM}_{day}{suffix}").exists()]
    return found


def exported_rows(path):
    return [[c.value for c in row] for row in openpyxl.load_workbook(path)["报送表"].iter_rows()]


def contents_rows(rows):
    return [r for r in rows if isinstance(r[0], int) and 1 <= r[0] <= 24]


def test_export_of_the_example(tmp_path, std, example):
    out, days = run_dated("export", EXAMPLE, "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    xlsx = dated_file(tmp_path, days, ".xlsx")
    rows = exported_rows(xlsx)
    assert rows[0][0] == "示例旗县域节水型社会达标建设复核自评赋分表（2024年度）"
    assert rows[3][:2] == ["评价标准：", std.version]  # which rules scored it
    expected = assess(example, std)
    points = [r[4] for r in contents_rows(rows)]
    assert points == [c.points for c in expected.contents]
    shown = read_workbook(EXAMPLE, std).claimed["out_points"]
    assert points == pytest.approx(shown)
    totals = {r[0]: r[4] for r in rows if r[0] in ("基本分", "加分", "自评总分")}
    assert totals == {"基本分": 91.5, "加分": 5.0, "自评总分": 96.5}
    # The county's own conclusion, by hand from examples/shiliqi.toml (96.5 = 91.5 + 5, the four
    # prerequisites met), never the reviewer's 资料复核 decision.
    (conclusion,) = [r[2] for r in rows if r[0] == "自评结论"]
    assert conclusion == "自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足"
    assert not any(str(r[0]).startswith(("数据问题", "复核提示")) for r in rows)
    assert any(r[0] == "填报人：" for r in rows)
    assert rows[2][3] == "填报日期：" and rows[2][4] == dt.datetime(2025, 7, 20)


def test_export_figures_as_officials_write_them(tmp_path, std):
    data = read_workbook(EXAMPLE, std)
    result = export(check(data, std), data.inputs, tmp_path, dt.date(2025, 7, 20), make_pdf=False)
    ws = openpyxl.load_workbook(result.xlsx)["报送表"]
    header = next(row for row in ws.iter_rows() if row[0].value == "序号")
    assert [c.value for c in header] == ["序号", "评价指标", "评价内容", "标准分", "自评得分", "完成值"]
    by_id = {row[0].value: row for row in ws.iter_rows() if isinstance(row[0].value, int)}
    # 标准分 4 and 得分 4 print as 4 (not 4.0); 9's 1.5 as 1.5.
    assert by_id[1][3].value == 4 and by_id[1][3].number_format == "General"
    assert by_id[9][4].value == 1.5 and by_id[9][4].number_format == "General"
    # 完成值 one decimal, a whole rate bare: 118/120 = 98.33 % -> 98.3%; 1 -> 100%.
    assert by_id[2][5].value == "98.3%" and by_id[1][5].value == "100%"
    date_cell = next(row[4] for row in ws.iter_rows() if row[3].value == "填报日期：")
    assert date_cell.number_format == DATE_FORMAT and date_cell.value == dt.datetime(2025, 7, 20)
    # The prerequisites under their names, the conclusion the county's.
    names = [row[0].value for row in ws.iter_rows() if str(row[0].value).startswith("必备条件")]
    assert names == ["必备条件1", "必备条件2", "必备条件3", "必备条件4"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "自评" in text and "资料复核" not in text and "现场复核" not in text and "P1" not in text
    assert report(workbook_texts(result.xlsx)) == []


def test_export_is_values_only(tmp_path):
    run("export", EXAMPLE, "-o", tmp_path)
    xlsx = next(tmp_path.glob("*.xlsx"))
    archive = zipfile.ZipFile(xlsx)
    names = archive.namelist()
    assert not any("vbaProject" in n or "externalLink" in n or n.endswith(".vml") for n in names)
    types = archive.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types
    for name in names:
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in archive.read(name).decode() and "<f " not in archive.read(name).decode()


def test_print_ready(tmp_path):
    run("export", EXAMPLE, "-o", tmp_path)
    ws = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")))["报送表"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows and "第&P页" in ws.oddFooter.center.text


def test_the_pdf_shows_county_and_total(tmp_path):
    _, days = run_dated("export", EXAMPLE, "-o", tmp_path)
    pdf = dated_file(tmp_path, days, ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "示例旗县域节水型社会达标建设复核自评赋分表" in text and "96.5" in text
    # LibreOffice prints the 填报日期 cell in its Chinese date format, and the county's conclusion.
    assert "2025年7月20日" in text and "2025-07-20" not in text
    assert "达到85分合格线" in re.sub(r"\s+", "", text)


def test_two_exports_give_two_files(tmp_path):
    first, days = run_dated("export", EXAMPLE, "-o", tmp_path)
    second, later = run_dated("export", EXAMPLE, "-o", tmp_path)
    assert first.returncode == 0 and second.returncode == 0
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    # Two runs on one day: the second is _2 (two days, the first as they were dated).
    assert names in ([f"{STEM}_{day}.xlsx", f"{STEM}_{day}_2.xlsx"] for day in days | later) \
        or names == sorted(f"{STEM}_{day}.xlsx" for day in days | later), names


def test_default_folder_is_the_workbooks(tmp_path):
    book = tmp_path / "县.xlsm"
    shutil.copy(EXAMPLE, book)
    assert run("export", book).returncode == 0
    assert len(list(tmp_path.glob("示例旗_*.xlsx"))) == 1


def refreshed(path):
    """The planted workbook with its cached results computed again (openpyxl dropped them)."""
    fresh = path.with_name(f"fresh_{path.name}")
    assert run("recalc", path, "-o", fresh).returncode == 0
    return fresh


def test_review_hints_are_not_data_problems(tmp_path, std):
    # An unmet prerequisite is the county's state, for the reviewer; the data are in order.
    path = refreshed(planted(tmp_path, set_named("in_no_major_violation", "否")))
    problems = check(read_workbook(path, std), std).problems
    assert problems and all(p.is_hint for p in problems)
    out_dir = tmp_path / "out"
    out = run("export", path, "-o", out_dir)
    assert out.returncode == 0 and f"复核提示{len(problems)}项" in out.stdout
    assert "数据问题" not in out.stdout
    rows = exported_rows(next(out_dir.glob("*.xlsx")))
    flat = [str(r[0]) for r in rows]
    assert f"复核提示：{len(problems)}项（见表后清单）" in flat
    assert not any("数据问题" in line or "未通过" in line for line in flat)
    assert any(line.startswith("1.【必备条件不满足】必备条件4不满足") for line in flat)
    assert {r[0]: r[2] for r in rows}["自评结论"] == "自评总分96.5分（基本分91.5分，加分5分）；不满足必备条件（第4项）"


def test_data_problems_come_first_and_say_to_correct_them(tmp_path, std):
    path = refreshed(planted(tmp_path, set_named("in_permits_total", "四十")))
    change = set_named("in_no_major_violation", "否")  # and a prerequisite unmet: a hint
    path = refreshed(planted(tmp_path, change, "both.xlsm", source=path))
    problems = check(read_workbook(path, std), std).problems
    data = [p for p in problems if not p.is_hint]
    assert data and len(data) < len(problems)
    out_dir = tmp_path / "out"
    out = run("export", path, "-o", out_dir)
    assert f"数据问题{len(data)}项：请改正后重新导出" in out.stdout
    rows = exported_rows(next(out_dir.glob("*.xlsx")))
    flat = [str(r[0]) for r in rows]
    assert f"数据问题：{len(data)}项，请改正后重新导出（见表后清单）" in flat
    # Content 1 reads the wrong count: its 自评得分 says 错误, as the workbook's 得分 cell does.
    assert contents_rows(rows)[0][4] == "错误"
    lists = [line for line in flat if line.startswith(("数据问题：", "复核提示："))]
    assert lists[-2].startswith("数据问题：") and lists[-1].startswith("复核提示：")
    # The table with its totals on the first page, the list from the next one on (a fixed scale:
    # Excel ignores page breaks when fitting to pages), still legible (11 pt at 64% and more).
    ws = openpyxl.load_workbook(next(out_dir.glob("*.xlsx")))["报送表"]
    (first_listed,) = [n for n, line in enumerate(flat) if line.startswith("数据问题：") and "项（" in line]
    assert [b.id for b in ws.row_breaks.brk] == [first_listed]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and 64 <= ws.page_setup.scale < 100


def test_a_file_that_is_not_our_workbook_is_refused(tmp_path):
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "财务报表"
    book.save(other)
    out = run("export", other, "-o", tmp_path / "out")
    assert out.returncode == 2 and "不是由 jieshui 模板生成的县域复核工作簿" in out.stderr
    pdf_named_xlsm = tmp_path / "scan.xlsm"
    pdf_named_xlsm.write_bytes(b"%PDF-1.4 scanned page")
    out = run("export", pdf_named_xlsm, "-o", tmp_path / "out")
    assert out.returncode == 2 and "它是PDF 文件" in out.stderr
    assert not (tmp_path / "out").exists()


def test_typed_formulas_stay_text(tmp_path, std):
    def type_text(book):
        set_named("in_county_name", '=HYPERLINK("http://x","点我")')(book)
        sheet, ref = next(iter(book.defined_names["in_county_name"].destinations))
        book[sheet][ref.replace("$", "")].data_type = "s"  # typed as text, as Excel stores it

    path = planted(tmp_path, type_text)
    data = read_workbook(path, std)
    result = export(check(data, std), data.inputs, tmp_path / "out", dt.date(2025, 7, 20), make_pdf=False)
    archive = zipfile.ZipFile(result.xlsx)
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert 'quotePrefix="1"' in archive.read("xl/styles.xml").decode()
    assert re.match(r"HYPERLINK.*_县域节水型社会达标建设复核自评赋分表_20250720\.xlsx", result.xlsx.name)


def _office_processes(folder):
    mark = str(folder).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if mark in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _export_until_office_runs(tmp_path):
    """An export started with its own temporary folder, returned once LibreOffice is running."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temp)}
    process = subprocess.Popen([JIESHUI, "export", str(EXAMPLE), "-o", str(tmp_path / "out")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        folders = list(temp.glob("jieshui-office-*"))
        if folders and _office_processes(folders[0]):
            return process, folders[0], env
        time.sleep(0.02)
    raise AssertionError("LibreOffice never started")


def test_an_export_stopped_during_the_pdf_leaves_nothing_behind(tmp_path):
    process, folder, _ = _export_until_office_runs(tmp_path)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "已中断" in err and "Traceback" not in err
    assert not folder.exists() and not _office_processes(folder)
    assert not list((tmp_path / "out").glob("*.pdf"))  # no empty PDF left under the claimed name


def test_what_a_killed_export_left_is_swept_by_the_next(tmp_path):
    process, folder, env = _export_until_office_runs(tmp_path)
    process.kill()  # SIGKILL: nothing runs in the process, so the next run must clean up
    process.wait(timeout=30)
    again = run("export", EXAMPLE, "-o", tmp_path / "again", env=env)
    assert again.returncode == 0, again.stderr
    assert not folder.exists() and not _office_processes(folder)
    assert not list((tmp_path / "tmp").glob("jieshui-office-*"))


def provenance_notes(std):
    """What would be a software provenance note in an official document, from the standard data:
    its source statement, and any bracketed remark naming a source (本软件默认, 复核公开报道, ...).
    A source's name in running text (印发实施方案) is the plan's wording, not a note."""
    sources = {std.source} | {p.source for p in std.prerequisites} | \
        {s for c in std.contents for s in (c.source, c.rule_source)}
    names = "|".join(re.escape(s) for s in sorted(sources - {std.source}))
    return std.source, re.compile(rf"[（(][^（）()]*(?:{names})[^（）()]*[）)]|来源[：:]")


def official_texts(tmp_path):
    """{document: its text} for every document an official signs or hands in."""
    book = openpyxl.load_workbook(EXAMPLE, data_only=True)
    def sheet_text(ws):
        return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    texts = {"报送表 (workbook)": sheet_text(book["报送表"]),
             "附件2 (workbook)": sheet_text(next(ws for ws in book if ws.title.startswith("附件2")))}
    assert run("export", EXAMPLE, "-o", tmp_path).returncode == 0
    assert run("report", EXAMPLE, "-o", tmp_path).returncode == 0
    xlsx, = tmp_path.glob("*赋分表*.xlsx")
    texts["export .xlsx"] = "\n".join(sheet_text(ws) for ws in openpyxl.load_workbook(xlsx))
    import docx
    document = docx.Document(next(tmp_path.glob("*.docx")))
    texts["report .docx"] = "\n".join([p.text for p in document.paragraphs] +
                                      [c.text for t in document.tables for r in t.rows for c in r.cells])
    for pdf in tmp_path.glob("*.pdf"):  # as LibreOffice prints them
        texts[pdf.name] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                         check=True).stdout
    return texts


def test_official_documents_carry_no_provenance_note(tmp_path, std):
    statement, note = provenance_notes(std)
    texts = official_texts(tmp_path)
    assert len(texts) == 6  # two sheets, the export and its PDF, the report and its PDF
    p3 = std.prerequisites[2]
    for document, text in texts.items():
        flat = re.sub(r"\s+", "", text)  # a PDF breaks lines anywhere
        # The prerequisites are there: by their title on the forms, by their figures in the report.
        mark = "地下水开采量" if "报告" in document or "report" in document else re.sub(r"\s+", "", p3.title)[:10]
        assert mark in flat, document
        assert statement not in text and not note.search(flat), (document, note.search(flat))
    # The provenance stays where a province checks the rules: the workbook's 评价标准.
    rules = "\n".join(str(c.value) for row in openpyxl.load_workbook(EXAMPLE)["评价标准"].iter_rows()
                      for c in row if c.value is not None)
    assert p3.source == "本软件默认" and SOURCE_WORDS[p3.source] == "通用设置" and "通用设置" in rules
