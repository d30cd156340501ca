"""The 节水复核 add-in: built from xlwings' add-in template, ribbon wired to real Subs, no UDFs,
opened by LibreOffice; and its installer's plan for a Windows profile."""

import re
import subprocess
import zipfile
from pathlib import PureWindowsPath

from conftest import ROOT
from jieshui.installer import (Action, apply, config_value, config_with, plan_install,
                               plan_uninstall)
from test_cli import run
from test_office import convert
from test_vba import lines, modules as vba_modules

ADDIN = ROOT / "xlwings_addin" / "jieshui.xlam"
RIBBON = (ROOT / "xlwings_addin" / "customUI.xml").read_text(encoding="utf-8")
PROFILE = {"APPDATA": r"C:\Users\李明\AppData\Roaming", "USERPROFILE": r"C:\Users\李明"}


def modules():
    return vba_modules(ADDIN)


def test_custom_ui_part_is_referenced_from_the_package_relationships():
    archive = zipfile.ZipFile(ADDIN)
    rels = archive.read("_rels/.rels").decode()
    target = re.search(r'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" '
                       r'Target="([^"]+)"', rels).group(1)
    assert archive.read(target).decode("utf-8") == RIBBON


def test_ribbon_tab_groups_and_buttons():
    assert '<tab id="jieshuiTab" label="节水复核">' in RIBBON
    groups = re.findall(r'<group id="\w+" label="([^"]+)">(.*?)</group>', RIBBON, re.S)
    labels = {group: re.findall(r'label="([^"]+)"', body) for group, body in groups}
    assert labels == {"工作簿": ["新建县域工作簿", "打开示例"],
                      "数据": ["检查数据", "全部重算", "刷新缓存值"],
                      "报送": ["导出报送表"],
                      "帮助": ["使用说明", "环境诊断"]}


def test_every_callback_is_a_sub_in_the_vba_project():
    found = modules()
    callbacks = re.findall(r'onAction="(\w+)\.(\w+)"', RIBBON)
    assert len(callbacks) == 8
    for module, sub in callbacks:
        assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", found[module], re.M), sub


def test_every_callback_runs_an_existing_python_function():
    import jieshui.macros as macros

    source = (ROOT / "xlwings_addin" / "JieshuiRibbon.bas").read_text(encoding="ascii")
    for call in re.findall(r'CallPython "(\w+)\(', source):
        assert callable(getattr(macros, call)), call


def test_no_worksheet_functions_in_the_addin():
    found = modules()
    assert "xlwings_udfs" not in found
    assert not any(re.search(r"^Function JS_", code, re.M) for code in found.values())


def test_vba_is_the_template_plus_our_module():
    from jieshui.addin import TEMPLATE
    from importlib import resources
    from pyopenvba import ExcelFile

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


def test_install_plan_for_a_windows_profile():
    plan = plan_install(PROFILE, r"C:\Python311\python.exe")
    assert plan == [
        Action("copy_addin", PureWindowsPath(r"C:\Users\李明\AppData\Roaming\Microsoft\Excel\XLSTART\jieshui.xlam"), ""),
        Action("set_interpreter", PureWindowsPath(r"C:\Users\李明\.xlwings\xlwings.conf"),
               r"C:\Python311\pythonw.exe")]
    assert [a.kind for a in plan_uninstall(PROFILE, r"C:\Python311\python.exe")] == \
        ["remove_addin", "unset_interpreter"]


def test_dry_run_names_every_path_on_any_os():
    out = subprocess.run(["env", f"APPDATA={PROFILE['APPDATA']}", f"USERPROFILE={PROFILE['USERPROFILE']}",
                          run.__globals__["JIESHUI"], "excel", "install", "--dry-run"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert r"C:\Users\李明\AppData\Roaming\Microsoft\Excel\XLSTART\jieshui.xlam" in out.stdout
    assert r"C:\Users\李明\.xlwings\xlwings.conf" in out.stdout


def test_real_install_is_refused_off_windows():
    out = run("excel", "install")
    assert out.returncode == 2 and "只能安装在 Windows" in out.stderr


def test_config_file_edits_keep_other_settings():
    text = '"LICENSE_KEY","abc"\n"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n'
    updated = config_with(text, "INTERPRETER_WIN", r"C:\Python311\pythonw.exe")
    assert updated == '"LICENSE_KEY","abc"\n"INTERPRETER_WIN","C:\\Python311\\pythonw.exe"\n'
    assert config_value(updated, "interpreter_win") == r"C:\Python311\pythonw.exe"
    assert config_with(updated, "INTERPRETER_WIN", None) == '"LICENSE_KEY","abc"\n'


def test_apply_installs_and_uninstalls(tmp_path):
    addin, config = tmp_path / "XLSTART" / "jieshui.xlam", tmp_path / ".xlwings" / "xlwings.conf"
    apply([Action("copy_addin", addin, ""), Action("set_interpreter", config, "C:/py/pythonw.exe")])
    assert addin.read_bytes() == ADDIN.read_bytes()
    assert config_value(config.read_text(encoding="utf-8"), "INTERPRETER_WIN") == "C:/py/pythonw.exe"
    apply([Action("remove_addin", addin, ""), Action("unset_interpreter", config, "C:/other/pythonw.exe")])
    assert not addin.exists()
    assert "C:/py/pythonw.exe" in config.read_text(encoding="utf-8")  # not ours to remove
    apply([Action("unset_interpreter", config, "C:/py/pythonw.exe")])
    assert config.read_text(encoding="utf-8") == ""
