"""The one table of buttons (jieshui.workbook.buttons): the committed VBA and ribbon are what the
generator writes from it, every entry has its Python function, and a new entry alone reaches
the workbook's sheet, its VBA, the ribbon and the ribbon's callbacks."""

import importlib.util
import inspect
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, TEMPLATES, vba_modules
from jieshui.buildtime.buttons import custom_ui, macros_module, ribbon_module
from jieshui.excel import macros
from jieshui.workbook.buttons import BUTTONS, Button, Ribbon

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
COMMITTED = {TEMPLATES / "vba" / "jieshui_macros.bas": macros_module,
             ROOT / "xlwings_addin" / "JieshuiRibbon.bas": ribbon_module,
             ROOT / "xlwings_addin" / "customUI.xml": custom_ui}
# A button nobody has: on the sheet and in the ribbon's 数据 group, between two others.
EXTRA = Button("核对台账", "CheckLedger", "check_ledger", True,
               Ribbon("jieshuiData", "jieshuiLedger", "ReviewCompareMenu", "核对佐证台账"))


def grammar():
    """test_conformance's VBA grammar check (antlr4-vba after vba-precompiler), loaded by path:
    test modules are imported by path, not by name (pyproject's --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location("conformance", Path(__file__).with_name("test_conformance.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.syntax_errors, module.SYSTEMS


def ribbon_controls(xml: str) -> list[tuple[str, str, str, str]]:
    """(group label, button label, id, onAction) of every ribbon button, as an XML parser reads them."""
    root = ET.fromstring(xml.encode("utf-8"))
    return [(group.get("label"), button.get("label"), button.get("id"), button.get("onAction"))
            for group in root.iter(f"{UI}group") for button in group.iter(f"{UI}button")]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_vba_and_ribbon_are_what_the_generator_writes(path):
    assert path.read_bytes().decode("utf-8") == COMMITTED[path](), "run `python build.py` and commit"


def test_every_button_has_its_python_function_taking_what_the_vba_passes():
    for button in BUTTONS:
        function = getattr(macros, button.function)
        signature = inspect.signature(function)
        signature.bind()  # the sheet's Sub, and a ribbon callback that needs no workbook
        if button.acts_on_workbook:
            signature.bind(active=True)  # a ribbon callback: the active workbook
        else:
            assert "active" not in signature.parameters, button.function


def test_the_ribbon_is_the_tables_ribbon_buttons():
    controls = ribbon_controls(custom_ui())
    on_ribbon = [b for b in BUTTONS if b.ribbon]
    assert sorted((label, id_, action) for _, label, id_, action in controls) == \
        sorted((b.label, b.ribbon.id, f"JieshuiRibbon.{b.sub}") for b in on_ribbon)
    # Every callback a Sub of the ribbon module, calling its function the way the add-in must.
    source = ribbon_module()
    for b in on_ribbon:
        argument = "active=True" if b.acts_on_workbook else ""
        assert f'Sub {b.sub}(control As IRibbonControl)\n    CallPython "{b.function}({argument})"' in source


def test_a_name_vba_cannot_hold_or_a_repeated_sub_is_refused():
    with pytest.raises(ValueError, match="ASCII identifier"):
        macros_module((*BUTTONS, Button("核对", "核对台账", "check_ledger", True, None)))
    with pytest.raises(ValueError, match="share a Sub: CheckData"):
        ribbon_module((*BUTTONS, Button("核对", "CheckData", "check_ledger", False, EXTRA.ribbon)))
    with pytest.raises(ValueError, match="neither on the sheet nor on the ribbon"):
        Button("核对", "CheckLedger", "check_ledger", False, None)


def test_one_callpython_helper_in_each_module():
    for source in (macros_module(), ribbon_module()):
        assert source.count("Private Sub CallPython(statement As String)") == 1
        assert source.count("RunPython ") == 1
        assert len(re.findall(r'^    CallPython "', source, re.M)) == len(re.findall(r"^Sub ", source, re.M))


def test_a_new_entry_reaches_the_generated_vba_and_ribbon_and_parses(tmp_path):
    buttons = (*BUTTONS, EXTRA)
    macros_text, ribbon_text, ui = macros_module(buttons), ribbon_module(buttons), custom_ui(buttons)
    assert 'Sub CheckLedger()\n    CallPython "check_ledger()"\nEnd Sub' in macros_text
    assert 'Sub CheckLedger(control As IRibbonControl)\n    CallPython "check_ledger(active=True)"\nEnd Sub' \
        in ribbon_text
    data = [c for c in ribbon_controls(ui) if c[0] == "数据"]
    assert [c[1] for c in data] == ["检查数据", "全部重算", "重算并保存", "核对台账"]
    assert data[-1][2:] == ("jieshuiLedger", "JieshuiRibbon.CheckLedger")
    syntax_errors, systems = grammar()
    for name, text in (("jieshui_macros.bas", macros_text), ("JieshuiRibbon.bas", ribbon_text)):
        (tmp_path / name).write_text(text, encoding="ascii")
        for system in systems:
            assert not syntax_errors(tmp_path / name, system), (name, system)


# Build the blank workbook and the add-in in a fresh interpreter whose table of buttons has one
# more entry, patched in before anything reads it: nothing else is told about the button.
BUILD_WITH_EXTRA = """
import importlib.util, sys
from pathlib import Path
import jieshui.workbook.buttons as registry
registry.BUTTONS = (*registry.BUTTONS, registry.Button("核对台账", "CheckLedger", "check_ledger", True,
                    registry.Ribbon("jieshuiData", "jieshuiLedger", "ReviewCompareMenu", "核对佐证台账")))
spec = importlib.util.spec_from_file_location("build", sys.argv[1])
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)
from jieshui.builder import build_workbook
from jieshui.engine import load_standard
from jieshui.workbook.inputs import WorkbookInputs
project, _, _ = build.vba_project()
out = Path(sys.argv[2])
(out / "blank.xlsm").write_bytes(build_workbook(load_standard(), WorkbookInputs(), project))
ribbon = build.ribbon_module()
(out / "jieshui.xlam").write_bytes(build.build_addin({build.RIBBON_MODULE_NAME: ribbon}, build.custom_ui()))
"""


def test_one_entry_puts_a_button_on_the_sheet_and_the_ribbon_of_the_built_files(tmp_path):
    subprocess.run([sys.executable, "-c", BUILD_WITH_EXTRA, str(ROOT / "build.py"), str(tmp_path)],
                   check=True, capture_output=True, timeout=600)
    book = zipfile.ZipFile(tmp_path / "blank.xlsm")
    vml = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".vml"))
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)[-1] == "CheckLedger"
    assert ">核对台账<" in vml
    assert re.search(r"^Sub CheckLedger\(\)", vba_modules(tmp_path / "blank.xlsm")["jieshui_macros"], re.M)
    addin = zipfile.ZipFile(tmp_path / "jieshui.xlam")
    assert ("数据", "核对台账", "jieshuiLedger", "JieshuiRibbon.CheckLedger") in \
        ribbon_controls(addin.read("customUI/customUI.xml").decode("utf-8"))
    assert re.search(r"^Sub CheckLedger\(control As IRibbonControl\)",
                     vba_modules(tmp_path / "jieshui.xlam")["JieshuiRibbon"], re.M)
