"""`jieshui excel install / uninstall`: the plan for a Windows profile, a dry run on any OS, and
the plan carried out on a folder standing in for the profile."""

import subprocess
from pathlib import PureWindowsPath

import pytest

from helpers import ADDIN, JIESHUI, run
from jieshui.cli.installer import (Action, InstallError, apply, config_value, config_with,
                                   plan_install, plan_uninstall)

PROFILE = {"APPDATA": r"C:\Users\李明\AppData\Roaming", "USERPROFILE": r"C:\Users\李明"}


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
                          JIESHUI, "excel", "install", "--dry-run"],
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


CHINESE_PYTHON = r"C:\Users\张三\AppData\Local\Programs\Python\Python312\pythonw.exe"


def test_the_config_is_written_in_the_ansi_code_page_xlwings_reads(tmp_path):
    # xlwings' VBA reads xlwings.conf with Line Input, in the ANSI code page (cp936 on Chinese
    # Windows): a UTF-8 file would give it a garbled interpreter path.
    config = tmp_path / ".xlwings" / "xlwings.conf"
    apply([Action("set_interpreter", config, CHINESE_PYTHON)], encoding="cp936")
    data = config.read_bytes()
    assert data.decode("cp936") == f'"INTERPRETER_WIN","{CHINESE_PYTHON}"\n'
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_an_earlier_utf8_config_is_read_and_rewritten(tmp_path):
    config = tmp_path / "xlwings.conf"
    config.write_bytes(f'"LICENSE_KEY","abc"\n"INTERPRETER_WIN","{CHINESE_PYTHON}"\n'.encode("utf-8"))
    apply([Action("unset_interpreter", config, CHINESE_PYTHON)], encoding="cp936")
    assert config.read_bytes() == b'"LICENSE_KEY","abc"\n'


def test_a_path_the_code_page_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    addin, config = tmp_path / "XLSTART" / "jieshui.xlam", tmp_path / "xlwings.conf"
    odd = r"C:\Users\王𠀀\Python312\pythonw.exe"  # 𠀀 (U+20000) is not in cp936
    with pytest.raises(InstallError, match="无法表示") as info:
        apply([Action("copy_addin", addin, ""), Action("set_interpreter", config, odd)],
              encoding="cp936")
    assert "𠀀" in str(info.value) and "C:\\Python312" in str(info.value)
    assert not addin.exists() and not config.exists()
