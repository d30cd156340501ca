"""Run xlwings' Windows-only UDF machinery on any OS, for the build and the tests.

xlwings.udfs imports pywin32 at the top and is otherwise plain Python. With those modules
stubbed it imports on Linux, and then:

* its decorators record each UDF's signature and conversion options (``__xlfunc__``);
* its ``import_udfs`` writes the very ``xlwings_udfs`` VBA module that Excel's "Import
  Functions" button would import, and the function-wizard help it would register;
* its conversion pipeline reads arguments and writes results exactly as ``call_udf`` does.

Only the last COM hop (Excel calling Python) is left out. Nothing here is used at run time in
Excel, where the real xlwings is loaded.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..workbook.contract import UDF_MODULE

WIN32_MODULES = ("pythoncom", "pywintypes", "win32com", "win32com.client")

# The integer codes pywin32 hands over for Excel error values (xlwings._xlwindows.cell_errors).
CELL_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?",
               -2146826288: "#NULL!", -2146826252: "#NUM!", -2146826265: "#REF!",
               -2146826273: "#VALUE!"}


def load_udfs() -> types.ModuleType:
    """jieshui.excel.udfs with xlwings' real decorators applied (re-imported if needed)."""
    udfs_lib = _xlwings_udfs()
    import xlwings

    xlwings.func, xlwings.arg, xlwings.ret = udfs_lib.xlfunc, udfs_lib.xlarg, udfs_lib.xlret
    module = importlib.import_module(UDF_MODULE)
    if not hasattr(module.JS_VERSION, "__xlfunc__"):
        module = importlib.reload(module)
    _register_engine()
    return module


def _xlwings_udfs() -> types.ModuleType:
    for name in WIN32_MODULES:
        sys.modules.setdefault(name, types.ModuleType(name))
    client = sys.modules["win32com.client"]
    if not hasattr(client, "Dispatch"):
        client.Dispatch = _no_com  # type: ignore[attr-defined]
    pythoncom = sys.modules["pythoncom"]
    if not hasattr(pythoncom, "CoInitialize"):
        pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]  # a thread initialiser
    sys.modules["win32com"].client = client  # type: ignore[attr-defined]
    return importlib.import_module("xlwings.udfs")


def _no_com(*_: Any) -> Any:
    raise RuntimeError("no COM on this machine")


@dataclass
class _ComWorkbook:
    """The few members of Excel's COM Workbook that xlwings' import_udfs touches.

    It is falsy so that import_udfs skips its scan for embedded code, which needs real COM."""

    Name: str = "jieshui.xlsm"
    imported: str = ""
    macro_options: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return False

    @property
    def VBProject(self) -> "_ComWorkbook":
        return self

    @property
    def VBComponents(self) -> "_ComWorkbook":
        return self

    @property
    def Application(self) -> "_ComWorkbook":
        return self

    Version = "16.0"

    def __call__(self, name: str) -> str:
        return name

    def Remove(self, _component: Any) -> None:
        pass

    def Import(self, path: str) -> None:
        self.imported = Path(path).read_text(encoding="utf-8")

    def MacroOptions(self, macro: str, **options: Any) -> None:
        self.macro_options.append((macro, options))


@dataclass(frozen=True)
class FunctionHelp:
    name: str
    description: str
    category: str
    arguments: tuple[str, ...]


def generate_udf_module() -> tuple[str, list[FunctionHelp]]:
    """The xlwings_udfs VBA module and the function-wizard help, from xlwings' own generator."""
    load_udfs()
    udfs_lib = _xlwings_udfs()
    workbook = _ComWorkbook()
    quiet = _Quiet()
    with quiet:
        udfs_lib.import_udfs(UDF_MODULE, workbook)
    helps = [FunctionHelp(macro.split("!")[-1], opts["Description"], opts["Category"],
                          tuple(opts["ArgumentDescriptions"] or ()))
             for macro, opts in workbook.macro_options]
    return workbook.imported, helps


class _Quiet:
    """import_udfs prints a line; the build's output should stay its own."""

    def __enter__(self) -> None:
        self._stdout, sys.stdout = sys.stdout, open(os.devnull, "w")

    def __exit__(self, *_: Any) -> None:
        sys.stdout.close()
        sys.stdout = self._stdout


class _ExcelLikeEngine:
    """Stands in for xlwings._xlwindows.Engine: the same cleaning of COM values, minus COM."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def prepare_xl_data_element(x: Any, date_format: Any) -> Any:
        return "" if x is None else x

    @staticmethod
    def clean_value_data(data: Any, datetime_builder: Any, empty_as: Any, number_builder: Any,
                         err_to_str: bool) -> Any:
        def clean(value: Any) -> Any:
            if value in ("", None):
                return empty_as
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
                return CELL_ERRORS[value] if err_to_str else None
            return value

        return [[clean(c) for c in row] for row in data]


def _register_engine() -> None:
    import xlwings
    from xlwings.main import Engine

    if "excel" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_ExcelLikeEngine()))


def call_udf(func: Callable[..., Any], *com_args: Any) -> Any:
    """Call a UDF as xlwings.udfs.call_udf does: each argument through xlwings' reader with the
    argument's options, the result through xlwings' writer. Arguments are what COM delivers:
    floats, strings, booleans, None for blanks, error codes, 2-D tuples for ranges."""
    from xlwings import conversion

    info = func.__xlfunc__
    args_info = info["args"]
    args = []
    for i, arg in enumerate(com_args):
        options = args_info[min(i, len(args_info) - 1)]["options"]
        args.append(conversion.read(None, arg, options))
    return conversion.write(func(*args), None, info["ret"]["options"])
