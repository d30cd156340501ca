"""The workbooks' VBA project: xlwings' generator's output, our generated and hand-written text
files, read back by olevba, wired to real Subs and real Python functions."""

import io
import re
import zipfile

import olefile

from helpers import ADDIN, TEMPLATES, WORKBOOKS, vba_lines as lines, vba_modules as modules
from jieshui.buildtime.vba_project import (HELP_MODULE, UDF_MODULE, document_code, help_module,
                                           vba_string, xlwings_template_modules)
from jieshui.buildtime.xlwings_shim import generate_udf_module
from jieshui.excel import macros
from jieshui.workbook.contract import BUTTONS, CODE_NAMES, MACROS_MODULE
from jieshui.workbook.functions import FUNCTIONS

VBA = TEMPLATES / "vba"
GOLDEN = VBA / f"{UDF_MODULE}.bas"
HELP = VBA / f"{HELP_MODULE}.bas"
BUTTON_MODULE = VBA / "jieshui_macros.bas"
THIS_WORKBOOK = VBA / "ThisWorkbook.cls"


def test_udf_wrapper_module_is_xlwings_generator_output():
    generated, helps = generate_udf_module()
    assert GOLDEN.read_text(encoding="utf-8") == generated, "run `python build.py`"
    assert HELP.read_bytes().decode("utf-8") == help_module(helps), "run `python build.py`"


def test_every_registered_function_has_a_wrapper_calling_the_udf_module():
    text = GOLDEN.read_text(encoding="utf-8")
    for name in FUNCTIONS:
        assert re.search(rf"^Function {name}\(", text, re.M), name
        assert f'XLPy.CallUDF("jieshui.excel.udfs", "{name}"' in text


def test_every_function_gets_its_wizard_help_registered():
    text = HELP.read_text(encoding="utf-8")
    # Each name qualified by this workbook ('Book Name.xlsm'!JS_GAP), as xlwings registers it.
    assert set(re.findall(r'MacroOptions Macro:=book & "(\w+)"', text)) == set(FUNCTIONS)
    assert "book = \"'\" & Replace(ThisWorkbook.Name, \"'\", \"''\") & \"'!\"" in text
    assert "RegisterFunctionHelp" in document_code(THIS_WORKBOOK.read_text(encoding="ascii"))


def test_olevba_reads_every_module_back_as_its_source():
    sources = {**xlwings_template_modules(), UDF_MODULE: GOLDEN.read_text(encoding="utf-8"),
               HELP_MODULE: HELP.read_text(encoding="utf-8"),
               "jieshui_macros": BUTTON_MODULE.read_text(encoding="ascii")}
    this_workbook = lines(document_code(THIS_WORKBOOK.read_text(encoding="ascii")))
    for path in WORKBOOKS:
        found = modules(path)
        for name, source in sources.items():
            assert lines(found[name]) == lines(source), (path.name, name)
        assert this_workbook == [l for l in lines(found["ThisWorkbook"]) if not l.startswith("Attribute ")]


def test_a_document_module_loses_its_export_header_only():
    code = document_code(THIS_WORKBOOK.read_text(encoding="ascii"))
    assert not re.search(r"^(VERSION|BEGIN|END$|Attribute )", code, re.M)
    assert "Private Sub Workbook_Open()\r\n    RegisterFunctionHelp\r\nEnd Sub" in code


def test_vba_source_is_ascii():
    paths = [*VBA.glob("*.bas"), *VBA.glob("*.cls"), *(TEMPLATES.parent / "xlwings_addin").glob("*.bas")]
    # Every VBA file of ours, and no fewer: an empty or short glob checks nothing.
    assert sorted(path.name for path in paths) == ["JieshuiRibbon.bas", "ThisWorkbook.cls", "jieshui_help.bas",
                                                   "jieshui_macros.bas", "xlwings_udfs.bas"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.strip() and text.isascii(), path.name


def test_vba_string_spells_chinese_with_character_codes():
    expression = vba_string("导出报送表")
    assert expression == 'U("23548,20986,25253,36865,34920")'
    codes = re.findall(r"\d+", expression)
    assert "".join(chr(int(c)) for c in codes) == "导出报送表"


def test_the_vba_project_stream_carries_no_performance_cache():
    # MS-OVBA 2.3.4.1: Reserved1 0x61CC, Version 0xFFFF on write, Reserved2 0x00, Reserved3 (2
    # bytes), and the performance cache MUST NOT be present on write.
    for path in (*WORKBOOKS, ADDIN):
        project = olefile.OleFileIO(io.BytesIO(zipfile.ZipFile(path).read("xl/vbaProject.bin")))
        stream = project.openstream("VBA/_VBA_PROJECT").read()
        assert stream[:5] == b"\xcc\x61\xff\xff\x00" and len(stream) == 7, (path.name, stream[:8])


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


def test_every_button_calls_a_sub_that_runs_its_python_function():
    source = BUTTON_MODULE.read_text(encoding="ascii")
    # One helper runs Python in the macros module; each button's Sub calls it with its function.
    assert re.findall(r'RunPython "import ([\w.]+) as m; m\." & statement', source) == [MACROS_MODULE]
    subs = dict(re.findall(r'^Sub (\w+)\(\)\s*\n\s*CallPython "(\w+)\(\)"', source, re.M))
    assert sorted(subs) == sorted(re.findall(r"^Sub (\w+)\(", source, re.M)) == sorted(sub for _, sub, _ in BUTTONS)
    for _, sub, function in BUTTONS:
        assert subs[sub] == function and callable(getattr(macros, function)), sub
    for path in WORKBOOKS:
        archive = zipfile.ZipFile(path)
        vml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
        assert sorted(re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)) == \
            sorted(sub for _, sub, _ in BUTTONS)


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
