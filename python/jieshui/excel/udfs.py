"""The workbook's UDF module for xlwings (xlwings.conf: UDF Modules = jieshui.excel.udfs).

Every function registered in jieshui.workbook.functions becomes a module attribute of the
same name, decorated with xlwings' own decorators: that is what xlwings' call_udf looks up and
what its VBA generator (import_udfs) writes a wrapper for. The functions hold no logic of
their own, so Excel, the builder's cached values and recalc compute the same thing.
"""

from __future__ import annotations

import functools
from typing import Any

import xlwings as xw

from ..workbook.functions import CATEGORY, FUNCTIONS, RANGE_ARGUMENTS, WorksheetFunction


def _udf(function: WorksheetFunction) -> Any:
    # A fresh wrapper per import: xlwings records its options on the function object, and the
    # signature it reads comes through __wrapped__ from the registered body.
    @functools.wraps(function.call)
    def udf(*args: Any) -> Any:
        return function.call(*args)

    udf.__module__, udf.__doc__ = __name__, function.doc
    # err_to_str: #N/A in an input cell reaches the function and is reported, not taken as blank.
    for name, help_text in function.arguments.items():
        ndim = {"ndim": 2} if name in RANGE_ARGUMENTS else {}
        udf = xw.arg(name, doc=help_text, err_to_str=True, **ndim)(udf)
    return xw.func(category=CATEGORY)(udf)


globals().update({name: _udf(function) for name, function in FUNCTIONS.items()})
