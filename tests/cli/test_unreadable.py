"""A file the official may not read is said in Chinese, naming the file, by every command that
reads one: never click's English "is not readable" with a usage text (issue 22, words)."""

from __future__ import annotations

import shutil

import pytest

from helpers import EXAMPLE, EXAMPLE_WORKBOOK, child_can, unprivileged

COMMANDS = {
    "score": lambda f, out: ["score", f],
    "check": lambda f, out: ["check", f],
    "recalc": lambda f, out: ["recalc", f, "-o", out / "新.xlsm"],
    "recalc --in-place": lambda f, out: ["recalc", "--in-place", f],
    "export": lambda f, out: ["export", f, "-o", out / "报送表.xlsx"],
    "split": lambda f, out: ["split", f, "-o", out / "填报表"],
    "merge": lambda f, out: ["merge", f, f, "-o", out / "汇总.xlsm"],
    "carry": lambda f, out: ["carry", f, "-o", out / "下年.xlsm"],
    "evidence": lambda f, out: ["evidence", f],
    "standard import": lambda f, out: ["standard", "import", f, "-o", out / "标准.toml"],
    "standard diff": lambda f, out: ["standard", "diff", "默认", f],
}


@pytest.fixture
def unreadable(tmp_path):
    target = tmp_path / "示例旗.xlsm"
    shutil.copy(EXAMPLE_WORKBOOK, target)
    target.chmod(0)
    assert not child_can(f"open({str(target)!r}, 'rb')"), "the child must not be able to read the file"
    return target


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreadable_workbook_is_named_in_chinese(command, unreadable, tmp_path):
    out = unprivileged(*COMMANDS[command](unreadable, tmp_path))
    said = out.stdout + out.stderr
    assert out.returncode == 2, said
    assert str(unreadable) in said and "没有权限" in said, said
    assert "is not readable" not in said and "Usage" not in said and "程序内部出错" not in said, said


def test_an_unreadable_county_data_file_is_named_in_chinese(tmp_path):
    data = tmp_path / "示例旗.toml"
    shutil.copy(EXAMPLE, data)
    data.chmod(0)
    out = unprivileged("score", data)
    assert out.returncode == 2 and str(data) in out.stderr and "没有权限" in out.stderr, out.stderr
