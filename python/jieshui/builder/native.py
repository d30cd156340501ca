"""Native formulas as expressions that render to worksheet formula text and evaluate in Python
with the spreadsheet's semantics, so a twin formula's cached value is what Excel, WPS and
LibreOffice compute from it (one expression, two renderings, no second scoring logic).

Only functions that Excel 2010+, WPS and LibreOffice all have are available: FUNCTIONS is the
registry of the set (no LET, LAMBDA, dynamic arrays, XLOOKUP, TEXTJOIN, IFS, ...). An
expression the generator builds never evaluates to an error value; one that would raises
NativeError at build time instead.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from .book import area, excel_serial, ref


class NativeError(ValueError):
    """A twin formula that would show an error value: a bug in the generator, found at build."""


Value = Any  # float | str | bool | None (a blank cell)
EPOCH = dt.date(1899, 12, 30)  # serial 0 of the 1900 date system (dates from March 1900 on)


@dataclass(frozen=True)
class X:
    """A formula expression: its text and how to compute it from the book's cell values."""

    text: str
    eval: Callable[[], Any]

    def __add__(self, other: Any) -> X:
        return _binary("+", self, other, lambda a, b: a + b)

    def __sub__(self, other: Any) -> X:
        return _binary("-", self, other, lambda a, b: a - b)

    def __mul__(self, other: Any) -> X:
        return _binary("*", self, other, lambda a, b: a * b)

    def __truediv__(self, other: Any) -> X:
        return _binary("/", self, other, _divide)

    def __neg__(self) -> X:
        return X(f"(-{self.text})", lambda: -_number(self.eval()))

    def __and__(self, other: Any) -> X:
        """Text concatenation (&)."""
        right = lift(other)
        return X(f"({self.text}&{right.text})", lambda: _text(self.eval()) + _text(right.eval()))

    def __rand__(self, other: Any) -> X:
        return lift(other) & self

    def eq(self, other: Any) -> X:
        return _compare("=", self, other, lambda order: order == 0)

    def ne(self, other: Any) -> X:
        return _compare("<>", self, other, lambda order: order != 0)

    def lt(self, other: Any) -> X:
        return _compare("<", self, other, lambda order: order < 0)

    def le(self, other: Any) -> X:
        return _compare("<=", self, other, lambda order: order <= 0)

    def gt(self, other: Any) -> X:
        return _compare(">", self, other, lambda order: order > 0)

    def ge(self, other: Any) -> X:
        return _compare(">=", self, other, lambda order: order >= 0)


@dataclass(frozen=True)
class Range:
    """A block of cells, for the functions that take one (COUNT, SUMIF, ...)."""

    text: str
    values: Callable[[], list[Value]]


def lift(value: Any) -> X:
    """A Python constant as an expression."""
    if isinstance(value, X):
        return value
    if isinstance(value, bool):
        return X("TRUE" if value else "FALSE", lambda: value)
    if isinstance(value, (int, float)):
        return X(number_text(float(value)), lambda: float(value))
    text = str(value)
    return X('"' + text.replace('"', '""') + '"', lambda: text)


def number_text(value: float) -> str:
    """A number as formula text, in plain decimals (1e-09 would need an exponent)."""
    if value == int(value):
        return str(int(value))
    return format(value, ".15f").rstrip("0").rstrip(".")


def cell(sheet: str, row: int, col: int, value_at: Callable[[str, int, int], Value]) -> X:
    return X(ref(sheet, row, col), lambda: value_at(sheet, row, col))


def block(sheet: str, first_row: int, first_col: int, last_row: int, last_col: int,
          value_at: Callable[[str, int, int], Value]) -> Range:
    return Range(area(sheet, first_row, first_col, last_row, last_col),
                 lambda: [value_at(sheet, r, c) for r in range(first_row, last_row + 1)
                          for c in range(first_col, last_col + 1)])


def named(name: str, value: Callable[[], Value]) -> X:
    """A defined name of one cell."""
    return X(name, value)


# -- spreadsheet semantics -------------------------------------------------------------------

def _number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    raise NativeError(f"text {value!r} in arithmetic")


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise NativeError("division by zero")
    return a / b


def _text(value: Value) -> str:
    """How a value reads when joined with &: numbers in the general format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"{float(value):.15g}"
    return str(value)


def _binary(op: str, left: X, right: Any, apply: Callable[[float, float], float]) -> X:
    other = lift(right)
    return X(f"({left.text}{op}{other.text})",
             lambda: apply(_number(left.eval()), _number(other.eval())))


def _order(a: Value, b: Value) -> int:
    """-1, 0, 1 as the spreadsheet orders two values: numbers < text < logical; a blank is 0
    beside a number and "" beside text; text compares without regard to case."""
    if a is None:
        a = "" if isinstance(b, str) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else 0.0
    rank = lambda v: 2 if isinstance(v, bool) else (1 if isinstance(v, str) else 0)  # noqa: E731
    if rank(a) != rank(b):
        return -1 if rank(a) < rank(b) else 1
    if isinstance(a, str):
        a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _compare(op: str, left: X, right: Any, test: Callable[[int], bool]) -> X:
    other = lift(right)
    return X(f"({left.text}{op}{other.text})", lambda: test(_order(left.eval(), other.eval())))


def _truth(value: Value) -> bool:
    if isinstance(value, str):
        raise NativeError(f"text {value!r} as a condition")
    return bool(value)


def _numbers(values: Iterable[Value]) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _flat(args: Sequence[Any]) -> list[float]:
    """MIN/MAX arguments: numbers of ranges (text and blanks skipped), expressions as numbers."""
    found: list[float] = []
    for arg in args:
        found += _numbers(arg.values()) if isinstance(arg, Range) else [_number(arg.eval())]
    return found


def _matches(value: Value, criterion: str) -> bool:
    """COUNTIF/SUMIF with an exact text criterion, or "<>" and a text."""
    if criterion.startswith("<>"):
        return not _matches(value, criterion[2:])
    return isinstance(value, str) and value.casefold() == criterion.casefold()


def _round(value: float, digits: float) -> float:
    """ROUND: half away from zero, on the decimal value the sheet shows."""
    scale = 10 ** int(digits)
    shifted = float(f"{abs(value) * scale:.12g}")
    return math.copysign(math.floor(shifted + 0.5) / scale, value)


def _call(name: str, args: Sequence[Any]) -> Value:
    if name == "IF":
        return args[1].eval() if _truth(args[0].eval()) else args[2].eval()
    return FUNCTIONS[name](*args)


# The functions twin formulas may use, and their Python semantics. Arguments are expressions
# (evaluated here, so that IF stays lazy) or Ranges.
FUNCTIONS: dict[str, Callable[..., Value]] = {
    "AND": lambda *xs: all(_truth(x.eval()) for x in xs),
    "OR": lambda *xs: any(_truth(x.eval()) for x in xs),
    "NOT": lambda x: not _truth(x.eval()),
    "ISNUMBER": lambda x: _numbers([x.eval()]) != [],
    "MIN": lambda *xs: min(_flat(xs)),
    "MAX": lambda *xs: max(_flat(xs)),
    "ABS": lambda x: abs(_number(x.eval())),
    "INT": lambda x: float(math.floor(_number(x.eval()))),
    "ROUND": lambda x, n: _round(_number(x.eval()), _number(n.eval())),
    "TRIM": lambda x: " ".join(part for part in _text(x.eval()).split(" ") if part),
    "ISERROR": lambda x: False,  # the book's values are never error values
    "LEFT": lambda x, n: _text(x.eval())[:int(_number(n.eval()))],
    "LEN": lambda x: float(len(_text(x.eval()))),
    "COUNT": lambda r: float(len(_numbers(r.values()))),
    "COUNTA": lambda r: float(sum(v is not None for v in r.values())),
    "COUNTIF": lambda r, c: float(sum(_matches(v, c.eval()) for v in r.values())),
    "SUM": lambda r: sum(_numbers(r.values())),
    "SUMIF": lambda r, c, s: sum(_numbers(v for k, v in zip(r.values(), s.values())
                                          if _matches(k, c.eval()))),
    "DATE": lambda y, m, d: excel_serial(dt.date(*(int(_number(v.eval())) for v in (y, m, d)))),
    "YEAR": lambda x: float((EPOCH + dt.timedelta(days=int(_number(x.eval())))).year),
    "TODAY": lambda: excel_serial(dt.date.today()),  # conditional formats only: never cached
    "SUMPRODUCT": lambda a, b: sum(x * y for x, y in zip(
        [v if isinstance(v, float) else 0.0 for v in a.values()],
        [v if isinstance(v, float) else 0.0 for v in b.values()])),
}


def call(name: str, *args: Any) -> X:
    """NAME(args...) for a function of the shared set; constants are lifted."""
    if name != "IF" and name not in FUNCTIONS:
        raise NativeError(f"{name} is not in the function set every office suite shares")
    parts = [a if isinstance(a, (X, Range)) else lift(a) for a in args]
    return X(f"{name}({','.join(p.text for p in parts)})", lambda: _call(name, parts))


def if_(condition: X, then: Any, otherwise: Any) -> X:
    return call("IF", condition, then, otherwise)


def cases(pairs: Sequence[tuple[X, Any]], otherwise: Any) -> X:
    """IF(c1, v1, IF(c2, v2, ... otherwise)): the first condition that holds wins."""
    result = lift(otherwise)
    for condition, value in reversed(pairs):
        result = if_(condition, value, result)
    return result


def evaluate(expression: X) -> Value:
    """The expression's value; NativeError where the sheet would show an error value."""
    try:
        return expression.eval()
    except (TypeError, IndexError) as exc:  # an argument of the wrong kind: a generator bug
        raise NativeError(f"{expression.text}: {exc}") from exc
