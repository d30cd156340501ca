"""One error family (issue 23 item 3): every error a user is told about derives from
jieshui.errors.UserError, and the command line says each in one place (cli.app.main): exit 2,
one line “错误：<the message>”, no traceback, no crash log."""

import importlib
import inspect
import pkgutil

import pytest

import jieshui
from helpers import EXAMPLE_WORKBOOK, run
from jieshui.errors import UserError

# Exceptions that never reach a user: each is caught and turned into a UserError (or a cell's
# message) by the module that raises it. Why, per class.
INTERNAL = {
    "jieshui.engine.rates.RateError": "a rate's input problem: becomes a FieldError in the assessment",
    "jieshui.engine.tomlfile.TomlProblem": "a TOML syntax problem: becomes a DataFileError or StandardError",
    "jieshui.builder.native.NativeError": "a rule the native formula builder cannot express: a bug at build time",
    "jieshui.workbook.functions.CellProblem": "a worksheet function's input problem: shown in its cell",
    "jieshui.workbook.cached_values.PatchError": "becomes the recalc's WorkbookError",
    "jieshui.workbook.readers.calamine_reader.Inexact": "calamine's value is not exact: the file reader reads the cell",
    "jieshui.workbook.readers.file_reader.DamagedCell": "becomes the reader's WorkbookError naming the cell",
    "jieshui.cli.app.Stopped": "Ctrl+C or SIGTERM: said as 已中断 (exit 130)",
}


def package_exceptions() -> dict[str, type]:
    found = {}
    for module in pkgutil.walk_packages(jieshui.__path__, "jieshui."):
        if module.name.endswith("__main__"):  # runs the command line when imported
            continue
        loaded = importlib.import_module(module.name)
        for _, obj in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module.name:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_error_of_the_package_is_a_user_error_or_said_why_not():
    found = package_exceptions()
    assert len(found) >= 15  # the walk reached the package (15 exception classes when written)
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, UserError) and name not in INTERNAL)
    assert outside == [], "derive from jieshui.errors.UserError, or add to INTERNAL with the reason"
    assert sorted(set(INTERNAL) - set(found)) == [], "INTERNAL names a class that no longer exists"
    users = {name for name, cls in found.items() if issubclass(cls, UserError)}
    assert {"jieshui.locks.LockError", "jieshui.workbook.readers.base.WorkbookError",
            "jieshui.engine.standard.StandardError", "jieshui.province.history.HistoryError"} <= users


@pytest.fixture
def broken(tmp_path):
    bad = tmp_path / "坏.xlsm"
    bad.write_bytes(b"not a zip")
    folder = tmp_path / "文件夹.sqlite"
    folder.mkdir()
    toml = tmp_path / "标准.toml"
    toml.write_text("version = [", encoding="utf-8")
    return {"bad": bad, "folder": folder, "toml": toml, "missing": tmp_path / "没有.toml"}


# (command, the error class it meets, words its message must contain)
CASES = {
    "DataFileError": (lambda f: ["score", f["missing"]], "没有"),
    "WorkbookError": (lambda f: ["check", f["bad"]], "坏.xlsm"),
    "StandardError": (lambda f: ["score", EXAMPLE_WORKBOOK, "--standard", f["toml"]], "语法错误"),
    "HistoryError": (lambda f: ["collect", EXAMPLE_WORKBOOK, "--db", f["folder"]], "是文件夹"),
    "PreferError or a run's UserError": (lambda f: ["collect", EXAMPLE_WORKBOOK, "--json", "--prefer", f["missing"]],
                                         "--prefer"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_says_each_user_error_once_and_exits_2(case, broken):
    args, words = CASES[case]
    out = run(*args(broken))
    assert out.returncode == 2, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("错误：")]
    assert len(said) == 1 and words in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "程序内部出错" not in out.stderr
