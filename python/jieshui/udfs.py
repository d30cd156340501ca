"""Excel worksheet functions (xlwings UDFs): thin wrappers that turn cell values into engine calls.

Arguments arrive as Excel sends them through xlwings: floats, strings, booleans, None for blank
cells, 2-D lists for ranges, and error values as strings such as "#N/A" (err_to_str). A UDF
never raises: a bad argument gives a short Chinese message in the cell instead.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Sequence

import xlwings as xw

from . import __version__, gaps, layout
from .county import FieldError, check_utility, coerce
from .rates import RateError, county_leakage, ratio
from .rules import item_points, rate_points
from .scoring import condition_met, verdict_of
from .standard import (Content, InputSpec, UTILITY_FIELDS, default_standard)

CATEGORY = "节水复核"
Cell = Any
# The JS_ functions carry no type hints on purpose: xlwings reads a hint as a converter.


class CellProblem(Exception):
    """A cell argument that cannot be used; the message is what the formula cell shows."""


def udf(doc: str, **arg_docs: str) -> Callable:
    """xw.func with a Chinese description and per-argument help for the function wizard.

    Every argument converts Excel errors to strings so that #N/A in an input cell reaches the
    function and is reported, instead of arriving as a blank."""

    def decorate(f: Callable) -> Callable:
        f.__doc__ = doc
        for name, help_text in arg_docs.items():
            ndim = {"ndim": 2} if name in ("params", "utilities", "points", "table", "prereqs", "row") else {}
            f = xw.arg(name, doc=help_text, err_to_str=True, **ndim)(f)
        return xw.func(category=CATEGORY)(f)

    return decorate


def _label(spec: InputSpec) -> str:
    return spec.label


def read_value(value: Cell, spec: InputSpec) -> Any:
    """One input cell as the engine wants it, or CellProblem with the cell's message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellProblem(f"{layout.MISSING}：{_label(spec)}")
    if isinstance(value, str) and value.startswith("#"):
        raise CellProblem(f"{layout.ERROR_PREFIX}{_label(spec)}单元格是错误值 {value}")
    converted, problem = coerce(value, spec)
    if problem:
        raise CellProblem(f"{layout.ERROR_PREFIX}{_label(spec)}{problem}")
    return converted


def _guard(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CellProblem into the cell's text, and any other failure into a short message."""

    @functools.wraps(f)
    def run(*args: Any) -> Any:
        try:
            return f(*args)
        except CellProblem as problem:
            return str(problem)
        except Exception as exc:  # a cell shows a message, never a traceback
            return f"{layout.ERROR_PREFIX}计算失败（{type(exc).__name__}），请检查输入"

    return run


def _content_id(value: Cell) -> int:
    std = default_standard()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value) \
            and 1 <= int(value) <= len(std.contents):
        return int(value)
    raise CellProblem(f"{layout.ERROR_PREFIX}评价内容序号应为 1～{len(std.contents)}")


def content_from_params(params: Sequence[Sequence[Cell]]) -> Content:
    """The content with the rule numbers of its 评价标准 row (so an edited row takes effect)."""
    row = list(params[0]) if params else []
    if len(row) < len(layout.PARAM_HEADERS) - 1:
        raise CellProblem(f"{layout.ERROR_PREFIX}评价标准参数行不完整")
    content = default_standard().content(_content_id(row[0]))
    numbers = dict(zip(layout.PARAM_HEADERS, row))
    rule_type = layout.reverse(layout.RULE_NAMES).get(numbers["规则类型"], "")
    if rule_type != content.rule.type:
        raise CellProblem(f"{layout.ERROR_PREFIX}评价标准第 {content.id} 项的规则类型应为"
                          f"“{layout.RULE_NAMES[content.rule.type]}”")
    items = tuple(dataclasses.replace(item, points=_number(numbers[f"第{k}项分值"], content.id))
                  for k, item in enumerate(content.rule.items, start=1))
    rule = dataclasses.replace(
        content.rule, items=items,
        target=_number(numbers["目标值"], content.id) if content.rule.is_rate else 0.0,
        step=_number(numbers["步长"], content.id) if content.rule.is_rate else 0.0,
        deduct=_number(numbers["每步扣分"], content.id) if content.rule.is_rate else 0.0,
        partial=layout.reverse(layout.PARTIAL_NAMES).get(numbers["部分得分"], "ceil"),
        not_applicable=layout.reverse(layout.NA_NAMES).get(numbers["分母为0时"], "full"),
        cap=_number(numbers["加分上限"], content.id) if content.is_bonus else 0.0)
    return dataclasses.replace(content, rule=rule,
                               max_points=_number(numbers["分值"], content.id))


def _number(value: Cell, content_id: int) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    raise CellProblem(f"{layout.ERROR_PREFIX}评价标准第 {content_id} 项的参数应为不小于 0 的数字")


def _inputs_for(keys: Sequence[str], values: Sequence[Cell]) -> dict[str, Any]:
    std = default_standard()
    if len(values) < len(keys):
        raise CellProblem(f"{layout.ERROR_PREFIX}参数个数不足：应为 {len(keys)} 个输入")
    return {key: read_value(value, std.inputs[key]) for key, value in zip(keys, values)}


def _ratio(content: Content, numerator: Cell, denominator: Cell) -> tuple[float, float, float | None]:
    values = _inputs_for(content.input_keys, (numerator, denominator))
    num, den = values[content.numerator or ""], values[content.denominator or ""]
    try:
        return num, den, ratio(num, den, default_standard().tolerance)
    except RateError:
        std = default_standard()
        raise CellProblem(f"{layout.ERROR_PREFIX}{std.inputs[content.numerator or ''].label}"
                          f"大于{std.inputs[content.denominator or ''].label}") from None


def utility_rows(utilities: Sequence[Sequence[Cell]]) -> list[tuple[int, list[Cell]]]:
    """The filled rows of the utilities table, numbered from 1 as the sheet numbers them."""
    return [(n, list(row)) for n, row in enumerate(utilities or [], start=1)
            if any(v is not None and str(v).strip() for v in row)]


def _leakages(utilities: Sequence[Sequence[Cell]]) -> list:
    rows = utility_rows(utilities)
    if not rows:
        raise CellProblem(f"{layout.MISSING}：供水单位")
    checked = []
    for n, row in rows:
        checked.append(_one_utility(n, row))
    return checked


def _one_utility(n: int, row: Sequence[Cell]):
    errors: list[FieldError] = []
    for value in row:
        if isinstance(value, str) and value.startswith("#"):
            raise CellProblem(f"{layout.ERROR_PREFIX}第 {n} 个供水单位有错误值 {value}")
    result = check_utility(dict(zip(UTILITY_FIELDS, row)), n, default_standard(), errors)
    if result is None:
        raise CellProblem(f"{layout.ERROR_PREFIX}{errors[0].message}")
    return result[1]


def _value_of(value: Cell) -> float | None:
    """A rate from the 计算值 column: a number, None when 不适用; a message means no score."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if value == layout.NOT_APPLICABLE:
        return None
    if isinstance(value, str) and value.startswith(layout.MISSING):
        raise CellProblem(layout.MISSING)
    raise CellProblem(layout.INVALID)


def _item_score(content: Content, inputs: Sequence[Cell]) -> tuple[tuple[bool, ...], float]:
    """Which items of a checklist or bonus are met, and the points they earn."""
    met = _items_met(content, inputs)
    cap = content.rule.cap if content.is_bonus else None
    return met, item_points((i.points for i in content.rule.items), met, cap)


def _items_met(content: Content, inputs: Sequence[Cell]) -> tuple[bool, ...]:
    try:
        values = _inputs_for(content.input_keys, inputs)
    except CellProblem as problem:
        raise CellProblem(layout.MISSING if str(problem).startswith(layout.MISSING)
                          else layout.INVALID) from None
    tol = default_standard().tolerance
    return tuple(bool(condition_met(item, values, tol)) for item in content.rule.items)


@udf("计算比率（分子÷分母），按评价内容检查数据；分母为 0 时返回“不适用”。",
     numerator="分子单元格，如已计量水量", denominator="分母单元格，如总用水量",
     content="评价内容序号（1～24），用于给出具体的错误说明")
@_guard
def JS_RATE(numerator, denominator, content):
    target = default_standard().content(_content_id(content))
    if target.measure != "ratio":
        raise CellProblem(f"{layout.ERROR_PREFIX}评价内容 {target.id} 不是比率指标")
    value = _ratio(target, numerator, denominator)[2]
    return layout.NOT_APPLICABLE if value is None else value


@udf("按 CJJ 92-2016 计算全县城镇公共供水管网漏损率（各供水单位修正后漏损率按供水量加权）。",
     utilities="供水单位表（每行：名称、供水总量、注册用户用水量、居民抄表到户水量、DN75及以上管长、年平均出厂压力、最大冻土深度）")
@_guard
def JS_LEAK_RATE(utilities):
    return county_leakage(_leakages(utilities))


@udf("计算一个供水单位的漏损率分项：R_WL 综合漏损率、R1～R4 修正值、R_BL 漏损率（CJJ 92-2016）。",
     row="供水单位表中的一行（7 个单元格）", part="分项名称：R_WL、R1、R2、R3、R4 或 R_BL")
@_guard
def JS_LEAK_PART(row, part):
    if part not in layout.LEAK_PARTS:
        raise CellProblem(f"{layout.ERROR_PREFIX}分项应为 {'、'.join(layout.LEAK_PARTS)}")
    cells = list(row[0]) if row else []
    if not utility_rows([cells]):
        return layout.BLANK
    leakage = _one_utility(1, cells)
    return getattr(leakage, part.lower())


@udf("按评价标准表中的参数计算一项评价内容的得分。",
     params="该内容在“评价标准”表中的参数行", value="计算值（比率类内容）；逐项得分的内容填空",
     inputs="逐项得分内容的各项输入（是/否等），比率类内容可附分子、分母")
@_guard
def JS_SCORE(params, value, *inputs):
    content = content_from_params(params)
    if content.rule.is_rate:
        return rate_points(content.rule, content.max_points, _value_of(value),
                           default_standard().tolerance)
    return _item_score(content, inputs)[1]


@udf("差距分析：说明一项评价内容还差多少、以什么单位补齐。",
     params="该内容在“评价标准”表中的参数行", value="计算值（比率类内容）",
     inputs="比率类：分子、分母；漏损率：供水单位表；逐项得分：各项输入")
@_guard
def JS_GAP(params, value, *inputs):
    return _gap(content_from_params(params), value, inputs) or layout.REACHED


def _gap(content: Content, value: Cell, inputs: Sequence[Cell]) -> str:
    if not content.rule.is_rate:
        return gaps.items_gap(content, *_item_score(content, inputs))
    rate = _value_of(value)
    if rate is None:
        award = "按满分计" if content.rule.not_applicable == "full" else "计 0 分"
        return f"不适用：分母为 0，{award}"
    if content.measure == "leakage":
        supply = sum(u.supply for u in _leakages(inputs[0] if inputs else None))
        return gaps.leakage_gap(content, rate, supply)
    num, den, _ = _ratio(content, *(list(inputs) + [None, None])[:2])
    return gaps.ratio_gap(content, default_standard(), num, den, rate)


@udf("判断一项必备条件是否满足（附件2）。",
     prerequisite="必备条件编号，如 P1", values="该条件的各项输入，按附件2所列顺序")
@_guard
def JS_PREREQ(prerequisite, *values):
    std = default_standard()
    found = [p for p in std.prerequisites if p.id == prerequisite]
    if not found:
        raise CellProblem(f"{layout.ERROR_PREFIX}必备条件编号应为 {'、'.join(p.id for p in std.prerequisites)}")
    prereq = found[0]
    inputs = _inputs_for(prereq.input_keys, values)
    met = all(condition_met(c, inputs, std.tolerance) for c in prereq.conditions)
    return layout.MET if met else layout.UNMET


@udf("汇总得分：基本分（内容1～23）、加分（加分项，有上限）或总分。",
     points="附件3 的得分列（24 项）", table="“评价标准”表的参数区（24 行）",
     part="基本分、加分 或 总分")
@_guard
def JS_TOTAL(points, table, part):
    std = default_standard()
    bonus_name = layout.RULE_NAMES["bonus"]
    base = bonus = 0.0
    for row, params in zip(points or [], table or []):
        value = row[0] if row else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return "数据不完整"
        if params[3] == bonus_name:
            bonus += value
        else:
            base += value
    if len(points or []) != len(std.contents):
        raise CellProblem(f"{layout.ERROR_PREFIX}得分区域应为 {len(std.contents)} 项")
    bonus = min(bonus, std.bonus_cap)
    totals = {"基本分": base, "加分": bonus, "总分": base + bonus}
    if part not in totals:
        raise CellProblem(f"{layout.ERROR_PREFIX}汇总项应为 基本分、加分 或 总分")
    return totals[part]


@udf("得出结论：数据不完整、不具备达标条件、资料复核合格或不合格。",
     total="总分单元格", prereqs="附件2 的“是否满足”列（4 项）")
@_guard
def JS_VERDICT(total, prereqs):
    std = default_standard()
    states = {layout.MET: True, layout.UNMET: False}
    met = [states.get(row[0] if row else None) for row in prereqs or []]
    score = total if isinstance(total, (int, float)) and not isinstance(total, bool) else None
    return verdict_of(std, len(met) != len(std.prerequisites), met, score)


@udf("显示 jieshui 软件和评价标准的版本。")
@_guard
def JS_VERSION():
    return f"jieshui {__version__}，评价标准 {default_standard().version}"


UDFS = (JS_RATE, JS_LEAK_RATE, JS_LEAK_PART, JS_SCORE, JS_GAP, JS_PREREQ, JS_TOTAL,
        JS_VERDICT, JS_VERSION)
