"""The 节水复核 add-in: built from xlwings' add-in template, ribbon wired to real Subs, no UDFs,
opened by LibreOffice."""

import ast
import inspect
import re
import zipfile
from importlib import resources

from pyopenvba import ExcelFile

from helpers import ADDIN, ROOT, convert, vba_lines as lines, vba_modules
from jieshui.buildtime.addin import TEMPLATE
from jieshui.excel import macros
from jieshui.workbook.buttons import BUTTONS, RIBBON_GROUPS

RIBBON = (ROOT / "xlwings_addin" / "customUI.xml").read_text(encoding="utf-8")


def modules():
    return vba_modules(ADDIN)


def test_custom_ui_part_is_referenced_from_the_package_relationships():
    archive = zipfile.ZipFile(ADDIN)
    rels = archive.read("_rels/.rels").decode()
    kind, target = re.search(r'Type="(http://schemas.microsoft.com/office/\d+/relationships/ui/'
                             r'extensibility)" Target="([^"]+)"', rels).groups()
    assert archive.read(target).decode("utf-8") == RIBBON
    # The ribbon's namespace and the relationship type come in pairs (MS-CUSTOMUI, MS-CUSTOMUI2).
    namespace = re.search(r'<customUI xmlns="([^"]+)"', RIBBON).group(1)
    pairs = {"http://schemas.microsoft.com/office/2006/01/customui":
             "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
             "http://schemas.microsoft.com/office/2009/07/customui":
             "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"}
    assert pairs[namespace] == kind


def test_ribbon_tab_groups_and_buttons():
    assert '<tab id="jieshuiTab" label="节水复核">' in RIBBON
    groups = re.findall(r'<group id="\w+" label="([^"]+)">(.*?)</group>', RIBBON, re.S)
    labels = {group: re.findall(r'label="([^"]+)"', body) for group, body in groups}
    # The groups in their order, each with the table's buttons of that group in the table's order.
    assert list(labels) == list(RIBBON_GROUPS.values())
    assert labels == {label: [b.label for b in BUTTONS if b.ribbon and b.ribbon.group == group]
                      for group, label in RIBBON_GROUPS.items()}
    assert "新建县域工作簿" in labels["工作簿"] and "检查数据" in labels["数据"]


def test_every_callback_is_a_sub_in_the_vba_project():
    found = modules()
    callbacks = re.findall(r'onAction="(\w+)\.(\w+)"', RIBBON)
    assert len(callbacks) == len([b for b in BUTTONS if b.ribbon]) >= 12
    for module, sub in callbacks:
        assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", found[module], re.M), sub


def test_every_callback_runs_an_existing_python_function():
    """Each ribbon Sub of the generated module hands its module's one CallPython helper a call
    of the function the button table names, with arguments that function accepts; every Sub of
    the module is such a callback (a Sub in another shape is not read past)."""
    source = (ROOT / "xlwings_addin" / "JieshuiRibbon.bas").read_text(encoding="ascii")
    assert re.search(r'^Private Sub CallPython\(statement As String\)\n'
                     r'    RunPython "import jieshui\.excel\.macros as m; m\." & statement\nEnd Sub$', source, re.M)
    calls = re.findall(r'^Sub (\w+)\(control As IRibbonControl\)\n    CallPython "(\w+)\(([^")]*)\)"\nEnd Sub$',
                       source, re.M)
    ribbon = {b.sub: b.function for b in BUTTONS if b.ribbon}
    assert len(calls) == len(re.findall(r"^Sub ", source, re.M)) == len(ribbon) >= 12
    assert {sub: function for sub, function, _ in calls} == ribbon
    for _, function, arguments in calls:
        call = ast.parse(f"f({arguments})", mode="eval").body
        inspect.signature(getattr(macros, function)).bind(  # TypeError when it does not take them
            *map(ast.literal_eval, call.args), **{k.arg: ast.literal_eval(k.value) for k in call.keywords})


def test_no_worksheet_functions_in_the_addin():
    found = modules()
    assert "xlwings_udfs" not in found
    assert not any(re.search(r"^Function JS_", code, re.M) for code in found.values())


def test_vba_is_the_template_plus_our_module():
    found = modules()
    with resources.as_file(resources.files("xlwings") / TEMPLATE) as path, ExcelFile(path) as book:
        original = book.get_module("xlwings")
    ours = [l for l in lines(found["xlwings"]) if "PROJECT_NAME As String" not in l]
    theirs = [l for l in lines(original) if "PROJECT_NAME As String" not in l]
    assert ours == theirs
    assert 'Public Const PROJECT_NAME As String = "xlwings"' in found["xlwings"]
    source = (ROOT / "xlwings_addin" / "JieshuiRibbon.bas").read_text(encoding="ascii")
    assert lines(found["JieshuiRibbon"]) == lines(source)
    assert "Module1" not in found


def test_libreoffice_opens_the_addin(tmp_path):
    # LibreOffice's type detection does not know the add-in content type; named, its Excel
    # 2007+ filter opens the file.
    convert(ADDIN, tmp_path, "xlsx", infilter="Calc MS Excel 2007 XML")
    opened = zipfile.ZipFile(tmp_path / "jieshui.xlsx").read("xl/workbook.xml").decode()
    assert "_xlwings.conf" in opened
