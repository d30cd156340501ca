"""Formulas compared by meaning: what office programs respell on save is the same formula, and
anything else is not; a file's formulas read as openpyxl reads them; the digest path parses
nothing; a difference is told in a few words."""

import io
import re
import zipfile

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK, run
from jieshui.builder import formula_cells
from jieshui.engine import default_standard
from jieshui.workbook.cached_values import sheet_parts
from jieshui.workbook.formulas import (TemplateFormulas, canonical, changed_formulas, difference, read_formulas,
                                       same_formula)
from jieshui.workbook.inputs import WorkbookInputs


@pytest.fixture(scope="module")
def template():
    """What recalc compares a workbook with: the builder's formulas for the packaged standard."""
    return TemplateFormulas.of(formula_cells(default_standard(), WorkbookInputs()))


@pytest.mark.parametrize("saved, template", [
    ("=基础数据!$B$80", "='基础数据'!$B$80"),                       # LibreOffice drops needless quotes
    ("=IF(A1>0,FALSE(),TRUE())", "=IF(A1>0,FALSE,TRUE)"),          # ... and writes FALSE()
    ("=if(a1 > 0, 1, 2)", "=IF(A1>0,1,2)"),                         # case and spaces
    ("=_xlfn.STDEV.S(A1:A3)", "=STDEV.S(A1:A3)"),                   # Excel's and WPS's prefixes
    ("=_xlfn._xlws.SORT(A1:A3)", "=SORT(A1:A3)"),
    ("=A1*1E+12", "=A1*1000000000000"),                             # number spelling
    ("=A1*1.0E12", "=A1*1000000000000"),
    ("=A1<=1E-9", "=A1<=0.000000001"),
    ("=SUM(计算!B1:B9)", "=SUM('计算'!$B$1:$B$9)"),
    ("='A B'!$A$1", "='a b'!A1"),                                   # sheet names ignore case
    ("=IN_UTILITIES", "=in_utilities"),                              # so do defined names
])
def test_what_office_programs_respell_is_the_same_formula(saved, template):
    assert same_formula(saved, template)


@pytest.mark.parametrize("saved, template", [
    ("=IF(calc_python,计算!$C$85,计算!$C$85)", "=IF(calc_python,'计算'!$B$85,'计算'!$C$85)"),
    ('=IF(A1="OK",1,0)', '=IF(A1="ok",1,0)'),                       # a string literal keeps its case
    ('="a!A1"', "=\"'a'!A1\""),                                     # ... and its quotes
    ("=MAX(A1:A3)", "=SUM(A1:A3)"),
    ("=A1*0.5", "=A1*0.05"),
    ("=A1+1+0", "=A1+1"),
    ("='计算'!B80", "='基础数据'!B80"),
    ("=IF(A1,TRUE,FALSE)", "=IF(A1,FALSE,TRUE)"),
    ("=SUM((A1", "=SUM(A1)"),                                       # not a formula the tokenizer reads
    (None, "=A1"),                                                   # no formula left in the cell
])
def test_anything_else_is_a_different_formula(saved, template):
    assert not same_formula(saved, template)


def test_a_difference_is_told_by_its_first_differing_token():
    told = difference("=IF(calc_python,'计算'!$B$85,'计算'!$C$85)", "=IF(calc_python,计算!$C$85,计算!$C$85)")
    assert "'计算'!$B$85" in told and "计算!$C$85" in told
    long_template = "=" + "+".join(f"'计算'!$B${n}" for n in range(1, 300))
    long_saved = long_template.replace("$B$150", "$B$151")
    told = difference(long_template, long_saved)
    assert "$B$150" in told and "$B$151" in told and len(told) < 120
    assert "$B$1" in difference("=A1+'计算'!$B$1", "=A1") and "多出" in difference("=A1", "=A1+B1")
    assert "不是公式" in difference("=A1", None)


def _saved_by_openpyxl(formulas: dict[str, str]) -> bytes:
    book = openpyxl.Workbook()
    for ref, text in formulas.items():
        book.active[ref] = text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_a_sheets_formulas_are_read_as_openpyxl_reads_them():
    # openpyxl escapes &, <, > and writes every non-ASCII character as a character reference.
    written = {"A1": '=IF(B1<>"",B1&"（县）",">0")', "A2": "='基础数据'!$B$80*1E+12",
               "A3": '=IF(A1="说明","是","否")', "C7": "=SUM(A1:A3)"}
    data = _saved_by_openpyxl(written)
    assert b"&#" in _sheet_xml(data) and b"&amp;" in _sheet_xml(data)
    oracle = openpyxl.load_workbook(io.BytesIO(data)).active
    assert read_formulas(_sheet_xml(data)) == {ref: oracle[ref].value for ref in written} == written


def test_shared_formulas_are_expanded_as_openpyxl_expands_them():
    data = _saved_by_openpyxl({"B2": "=A2*2", "B3": "=A3*2", "B4": "=A4*2", "C1": "=1"})
    xml = _sheet_xml(data)
    xml = xml.replace(b"<f>A2*2</f>", b'<f t="shared" ref="B2:B4" si="0">A2*2</f>')
    xml = re.sub(rb"<f>A[34]\*2</f>", b'<f t="shared" si="0"/>', xml)
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    oracle = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    found = read_formulas(xml)
    assert found == {ref: oracle[ref].value for ref in ("B2", "B3", "B4", "C1")}
    assert found["B4"] == "=A4*2"


def test_an_unchanged_workbook_is_decided_by_the_digest_without_parsing(template):
    assert sum(map(len, template.sheets.values())) > 900
    canonical.cache_clear()
    with zipfile.ZipFile(BLANK_WORKBOOK) as archive:
        assert changed_formulas(archive, template) == []
    assert canonical.cache_info().currsize == 0


def test_a_changed_formula_is_found_among_a_workbooks_respelled_ones(tmp_path, template):
    # openpyxl rewrites every formula's XML (character references), so each sheet is parsed.
    book = openpyxl.load_workbook(BLANK_WORKBOOK, keep_vba=True)
    sheet, ref = next(iter(book.defined_names["out_total"].destinations))
    cell = book[sheet][ref.replace("$", "")]
    cell.value = "=100"
    book.save(tmp_path / "changed.xlsm")
    with zipfile.ZipFile(tmp_path / "changed.xlsm") as archive:
        changes = changed_formulas(archive, template, sheet_parts(archive))
    assert [c.cell for c in changes] == [f"{sheet}!{cell.coordinate}"]
    assert "100" in changes[0].detail and changes[0].found == "=100"


def test_a_formula_no_xml_parser_reads_is_a_damaged_file_for_recalc(tmp_path):
    # 计算 is a sheet the value readers never open, so only the formula check meets it.
    source = zipfile.ZipFile(EXAMPLE_WORKBOOK)
    part = sheet_parts(source)["计算"]
    damaged = tmp_path / "damaged.xlsm"
    with zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                content = content.replace(b"<f>", b"<f>&#0;", 1)
            target.writestr(info, content, compress_type=info.compress_type)
    out = run("recalc", damaged, "-o", tmp_path / "out.xlsm")
    assert out.returncode == 2 and "已损坏" in out.stderr and "Traceback" not in out.stderr, out.stderr
