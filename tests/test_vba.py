"""The VBA project: xlwings' generator's output, read back by olevba, wired to real Subs."""

import io
import re
import zipfile

import olefile
from oletools.olevba import VBA_Parser

from conftest import ROOT
from jieshui.vba_project import (BUTTONS, MACROS_MODULE, THIS_WORKBOOK_CODE, macros_module,
                                 vba_string, xlwings_template_modules)
from jieshui.workbook_writer import CODE_NAMES
from jieshui.xlwings_shim import generate_udf_module, load_udfs

TEMPLATES = ROOT / "workbook_templates"
GOLDEN = TEMPLATES / "vba" / "xlwings_udfs.bas"
WORKBOOKS = [TEMPLATES / "jieshui_template.xlsm", TEMPLATES / "jieshui_example_shiliqi.xlsm"]


def lines(code):
    return [line.rstrip() for line in code.replace("\r\n", "\n").split("\n") if line.strip()]


def modules(path):
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_udf_wrapper_module_is_xlwings_generator_output():
    generated, _ = generate_udf_module()
    assert GOLDEN.read_text(encoding="utf-8") == generated, "run `python build.py`"


def test_every_udf_has_a_wrapper_function():
    text = GOLDEN.read_text(encoding="utf-8")
    for func in load_udfs().UDFS:
        assert re.search(rf"^Function {func.__name__}\(", text, re.M), func.__name__
        assert f'XLPy.CallUDF("jieshui.udfs", "{func.__name__}"' in text


def test_olevba_reads_every_module_back_as_its_source():
    _, helps = generate_udf_module()
    sources = {**xlwings_template_modules(), "xlwings_udfs": GOLDEN.read_text(encoding="utf-8"),
               MACROS_MODULE: macros_module(helps)}
    for path in WORKBOOKS:
        found = modules(path)
        for name, source in sources.items():
            assert lines(found[name]) == lines(source), (path.name, name)
        assert lines(THIS_WORKBOOK_CODE) == [l for l in lines(found["ThisWorkbook"])
                                             if not l.startswith("Attribute ")]


def test_vba_source_is_ascii():
    _, helps = generate_udf_module()
    for source in (GOLDEN.read_text(encoding="utf-8"), macros_module(helps), THIS_WORKBOOK_CODE):
        source.encode("ascii")


def test_vba_string_spells_chinese_with_character_codes():
    expression = vba_string("导出报送表")
    assert expression == 'U("23548,20986,25253,36865,34920")'
    codes = re.findall(r"\d+", expression)
    assert "".join(chr(int(c)) for c in codes) == "导出报送表"


def test_macro_enabled_package_with_a_document_module_per_sheet():
    for path in WORKBOOKS:
        archive = zipfile.ZipFile(path)
        types = archive.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert "application/vnd.ms-office.vbaProject" in types
        workbook = archive.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook
        project = olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))
        declared = project.openstream("PROJECT").read().decode("latin-1")
        sheet_xml = "".join(archive.read(n).decode() for n in archive.namelist()
                            if n.startswith("xl/worksheets/sheet"))
        for code_name in CODE_NAMES.values():
            assert f'codeName="{code_name}"' in sheet_xml
            assert f"Document={code_name}/" in declared


def test_every_button_calls_an_existing_sub():
    _, helps = generate_udf_module()
    subs = set(re.findall(r"^Sub (\w+)\(", macros_module(helps), re.M))
    for path in WORKBOOKS:
        archive = zipfile.ZipFile(path)
        vml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
        macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
        assert sorted(macros) == sorted(sub for _, sub, _ in BUTTONS)
        assert set(macros) <= subs


def test_every_function_in_a_formula_has_a_wrapper():
    wrappers = set(re.findall(r"^Function (\w+)\(", GOLDEN.read_text(encoding="utf-8"), re.M))
    for path in WORKBOOKS:
        archive = zipfile.ZipFile(path)
        used = set()
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for formula in re.findall(r"<f>(.*?)</f>", archive.read(name).decode()):
                    used |= set(re.findall(r"\b(JS_[A-Z_]+)\(", formula))
        assert used and used <= wrappers, used - wrappers
