"""计算 (hidden): where each computed cell's two engines stand side by side.

Row k holds, for one visible cell: A its address, B the UDF call (xlwings, where Python runs),
C the native twin (formulas every office suite has), D 1 when both ran and disagree. The
visible cell is =IF(calc_python, B, C). calc_python is ISNUMBER(JS_PYTHON(inputs...)): a number
only when the UDF really ran. Without Python the call is #NAME? (WPS, LibreOffice, Excel with
macros off) or xlwings' error text (Python missing): neither is a number, so IFERROR would not
do. JS_PYTHON takes every input range as arguments so that it is recalculated whenever a B cell
can be: a file saved where Python ran and edited where it does not never keeps a stale TRUE.
The visible cell never shows the hidden B's error, and the defined names out_* point at it.

Every file we write caches calc_python FALSE (JS_PYTHON's cell caches #NAME?, what WPS and
LibreOffice compute for it): the cached values are the twins', so a file opened where no Python
runs says 内置公式 and not Python until its first edit. Where Python runs, the first edit or
全部重算 recalculates JS_PYTHON and the results switch to the UDFs'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..workbook.contract import SHEET_CALC
from ..workbook.functions import JS_VERSION
from ..engine.words import MET, UNMET
from .book import Book, cell as address, ref
from .native import X, block, call, cell, evaluate, if_, lift, named

LABEL, UDF, TWIN, DIFFERS = 0, 1, 2, 3
FIRST_ROW = 3
NO_PYTHON = "#NAME?"  # JS_PYTHON's cached value: what an office suite without Python shows


@dataclass
class Calc:
    """The hidden sheet, filled row by row as the visible sheets are built."""

    book: Book
    tolerance: float
    inputs: tuple[str, ...]  # every range a UDF reads (see JS_PYTHON above)
    row: int = FIRST_ROW

    def __post_init__(self) -> None:
        ws = self.book.sheets[SHEET_CALC]
        ws.write_row(0, 0, ["Python 已连接", None, None])
        self.book.formula(ws, 0, UDF, f"JS_PYTHON({','.join(self.inputs)})", lambda: NO_PYTHON, None)
        self.book.formula(ws, 0, TWIN, f"ISNUMBER({ref(SHEET_CALC, 0, UDF)})",
                          lambda: isinstance(self.value(0, UDF), float), None)
        self.book.name("calc_python", ref(SHEET_CALC, 0, TWIN))
        ws.write(1, LABEL, "软件版本")
        self.book.formula(ws, 1, UDF, "JS_VERSION()", lambda: JS_VERSION(), None)
        self.python = named("calc_python", lambda: self.value(0, TWIN))
        self.version = cell(SHEET_CALC, 1, UDF, self.book.value_at)
        ws.write_row(2, 0, ["单元格", "Python（xlwings）", "内置公式", "不一致"])
        ws.set_column(0, 0, 24)
        ws.set_column(1, 2, 30)
        ws.hide()

    def disagreements(self) -> X:
        """How many cells' two results differ (the DIFFERS column), once every pair is written."""
        return call("SUM", block(SHEET_CALC, FIRST_ROW, DIFFERS, self.row - 1, DIFFERS,
                                 self.book.value_at))

    def value(self, row: int, col: int) -> Any:
        return self.book.value_at(SHEET_CALC, row, col)

    def twin(self, label: str, expression: X) -> X:
        """A native intermediate result no visible cell shows; a reference to it."""
        row = self._next(label)
        self.book.formula(self.book.sheets[SHEET_CALC], row, TWIN, expression.text,
                          lambda: evaluate(expression), None)
        return cell(SHEET_CALC, row, TWIN, self.book.value_at)

    def pair(self, ws: Any, row: int, col: int, udf: str, compute: Callable[[], Any], twin: X,
             fmt: Any, compare: str = "number") -> X:
        """The visible cell (ws, row, col) showing the UDF's result where Python runs and the
        twin's elsewhere; `compare` is how a disagreement is told: number, state (满足/不满足),
        text (a verdict), or none (gap hints, which the twin words more briefly). Returns a
        reference to the twin."""
        calc, k = self.book.sheets[SHEET_CALC], self._next(f"{ws.name}!{address(row, col)}")
        self.book.formula(calc, k, UDF, udf, compute, None)
        self.book.formula(calc, k, TWIN, twin.text, lambda: evaluate(twin), None)
        udf_x = cell(SHEET_CALC, k, UDF, self.book.value_at)
        twin_x = cell(SHEET_CALC, k, TWIN, self.book.value_at)
        if compare != "none":
            differs = if_(self.python, if_(self._same(udf_x, twin_x, compare), 0, 1), 0)
            self.book.formula(calc, k, DIFFERS, differs.text, lambda: evaluate(differs), None)
            ws.conditional_format(row, col, row, col, {
                "type": "formula", "criteria": f"={ref(SHEET_CALC, k, DIFFERS)}=1",
                "format": self.book.styles.bad})
        shown = if_(self.python, udf_x, twin_x)
        self.book.formula(ws, row, col, shown.text, lambda: evaluate(shown), fmt)
        return twin_x

    def _same(self, udf: X, twin: X, compare: str) -> X:
        numbers = call("AND", call("ISNUMBER", udf), call("ISNUMBER", twin))
        if compare == "number":  # equal numbers, or both a message
            close = call("ABS", udf - twin).le(lift(self.tolerance) * call("MAX", 1, call("ABS", twin)))
            return if_(numbers, close, call("ISNUMBER", udf).eq(call("ISNUMBER", twin)))
        if compare == "state":  # a message may be worded differently; 满足/不满足 may not
            words = [x.eq(word) for x in (udf, twin) for word in (MET, UNMET)]
            return if_(call("OR", *words), udf.eq(twin), True)
        return udf.eq(twin)  # a verdict: the same text

    def _next(self, label: str) -> int:
        row, self.row = self.row, self.row + 1
        self.book.sheets[SHEET_CALC].write(row, LABEL, label)
        return row
