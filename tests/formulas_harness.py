"""Recompute a workbook with the `formulas` package, our UDFs called as xlwings calls them.

Each JS_ function is registered under its name; formulas hands it Ranges or plain values, which
are turned into what COM would deliver (floats, strings, None for blanks, Excel error codes,
2-D tuples for ranges) and then go through xlwings' own conversion (xlwings_shim.call_udf).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import numpy as np
import formulas
import schedula as sh
from formulas.functions import Error, get_functions
from formulas.ranges import Ranges
from formulas.tokens.operand import XlError

from jieshui.buildtime.xlwings_shim import CELL_ERRORS, call_udf, load_udfs
from jieshui.workbook.functions import FUNCTIONS

ERROR_CODES = {text: code for code, text in CELL_ERRORS.items()}
logging.getLogger("schedula").setLevel(logging.CRITICAL)
logging.getLogger("formulas").setLevel(logging.CRITICAL)


def _com(cell: Any) -> Any:
    if cell is sh.EMPTY or cell is None:
        return None
    if isinstance(cell, XlError):
        return ERROR_CODES.get(str(cell), ERROR_CODES["#VALUE!"])
    if isinstance(cell, (bool, np.bool_)):
        return bool(cell)
    if isinstance(cell, (int, float, np.number)):
        return float(cell)
    return str(cell)


def _argument(value: Any) -> Any:
    raw = value.value if isinstance(value, Ranges) else value
    cells = np.asarray(raw, dtype=object)
    if cells.ndim == 0:
        return _com(cells.item())
    if cells.ndim == 1:
        cells = cells.reshape(1, -1)
    if cells.shape == (1, 1):
        return _com(cells[0, 0])
    return tuple(tuple(_com(c) for c in row) for row in cells)


def register_udfs(python: bool = True) -> list[str]:
    """Our UDFs in formulas' registry; python=False leaves JS_PYTHON #NAME?, as where xlwings
    does not run, so the workbook shows its built-in formulas' results (as every file we write
    caches them)."""
    module = load_udfs()
    registry = get_functions()
    for name in FUNCTIONS:
        def run(*args: Any, _func: Any = getattr(module, name)) -> Any:
            result = call_udf(_func, *map(_argument, args))
            return result[0][0] if isinstance(result, list) else result

        registry[name] = run
    if not python:
        registry["JS_PYTHON"] = lambda *args: Error.errors["#NAME?"]
    return list(FUNCTIONS)


def recompute(path: Path, python: bool = True) -> dict[tuple[str, str], Any]:
    """{(sheet, cell): value} of every cell formulas computed."""
    register_udfs(python)
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values = {}
    for key, value in solution.items():
        if "!" not in key or ":" in key or "]" not in key:
            continue
        where, cell = key.rsplit("!", 1)
        sheet = where.split("]", 1)[1].strip("'")
        raw = value.value if isinstance(value, Ranges) else value
        cell_value = np.asarray(raw, dtype=object).ravel()[0]
        values[(sheet.upper(), cell.upper())] = None if cell_value is sh.EMPTY else cell_value
    return values


def plain(value: Any) -> Any:
    """Cached and recomputed values in one form: dates as Excel serials, numbers as floats."""
    if isinstance(value, dt.datetime):
        return float((value - dt.datetime(1899, 12, 30)).days)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    if isinstance(value, XlError):
        return str(value)
    return "" if value is None else value
