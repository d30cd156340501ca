"""What each computed cell of the workbook computes: the JS_ worksheet functions, as plain
Python over the engine. The builder calls them for every formula's cached value, recalc for
fresh ones, and jieshui.excel.udfs hands the same functions to xlwings for live Excel.

Arguments arrive as Excel sends them through xlwings: floats, strings, booleans, None for blank
cells, 2-D lists for ranges, and error values as strings such as "#N/A" (err_to_str). A
function never raises: a bad argument gives a short Chinese message in the cell instead.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .. import __version__
from ..engine import (UTILITY_FIELDS, WORKBOOK, Content, FieldError, InputSpec, RateError, check_utility,
                      coerce, condition_met, county_leakage, default_standard, gaps, item_points,
                      rate_points, ratio, verdict_of)
from ..engine.words import (BLANK, ERROR_PREFIX, INVALID, MET, MISSING, NOT_APPLICABLE, REACHED,
                            UNMET)
from ..engine.standard import RATE_RULES
from .contract import (BAND_COLUMNS, EARLIER_WORDS, ITEM_COLUMNS, LEAK_PARTS, NA_NAMES, PARTIAL_NAMES,
                       RULE_NAMES, Param, prereq_name, reverse, rule_kind)

CATEGORY = "节水复核"
# Arguments that take a range: xlwings hands them over as 2-D lists whatever their shape.
RANGE_ARGUMENTS = frozenset({"params", "utilities", "points", "table", "prereqs", "row"})
Cell = Any
# The JS_ functions carry no type hints on purpose: xlwings reads a hint as a converter.


@dataclass(frozen=True)
class WorksheetFunction:
    """A registered JS_ function: its guarded body and the help the function wizard shows."""

    name: str
    call: Callable[..., Any]
    doc: str
    arguments: dict[str, str]


FUNCTIONS: dict[str, WorksheetFunction] = {}


class CellProblem(Exception):
    """A cell argument that cannot be used; the message is what the formula cell shows."""


# A 完成值 is a fraction: one beyond this (or NaN) is no rate, and its gap would overflow.
MAX_RATE = 1e6
# What a cell shows instead of a number Excel cannot hold (an overflow to infinity, or NaN).
OUT_OF_RANGE = f"{ERROR_PREFIX}计算结果超出可计算范围，请检查本行引用的数值"


def worksheet_function(doc: str, **arg_docs: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JS_ function with its Chinese description and per-argument help."""

    def register(f: Callable[..., Any]) -> Callable[..., Any]:
        guarded = _guard(f)
        FUNCTIONS[f.__name__] = WorksheetFunction(f.__name__, guarded, doc, dict(arg_docs))
        return guarded

    return register


def _label(spec: InputSpec) -> str:
    return spec.label


def read_value(value: Cell, spec: InputSpec) -> Any:
    """One input cell as the engine wants it, or CellProblem with the cell's message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellProblem(f"{MISSING}：{_label(spec)}")
    if isinstance(value, str) and value.startswith("#"):
        raise CellProblem(f"{ERROR_PREFIX}{_label(spec)}单元格是错误值{value}")
    converted, problem = coerce(value, spec, WORKBOOK)
    if problem:
        raise CellProblem(f"{ERROR_PREFIX}{_label(spec)}{problem}")
    return converted


def _guard(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn CellProblem into the cell's text, and any other failure into a short message."""

    @functools.wraps(f)
    def run(*args: Any) -> Any:
        try:
            result = f(*args)
        except CellProblem as problem:
            return str(problem)
        except Exception:  # a cell shows a message, never a traceback or a Python class name
            return f"{ERROR_PREFIX}计算失败，请检查本行引用的输入是否为数字，或点“检查数据”"
        if isinstance(result, float) and not math.isfinite(result):  # Excel would show #NUM!
            return OUT_OF_RANGE
        return result

    return run


def _content_id(value: Cell) -> int:
    std = default_standard()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value) \
            and 1 <= int(value) <= len(std.contents):
        return int(value)
    raise CellProblem(f"{ERROR_PREFIX}评价内容序号应为1～{len(std.contents)}")


def _upgraded(word: Cell) -> Cell:
    """A 2025.4 workbook's word for what the current template says otherwise (满分 → 得满分)."""
    return EARLIER_WORDS.get(word, word) if isinstance(word, str) else word


def content_from_params(params: Sequence[Sequence[Cell]]) -> Content:
    """The content with the rule of its 评价标准 row (so an edited row takes effect): the rule
    type and numbers come from the row, the inputs it reads from the standard."""
    row = list(params[0]) if params else []
    if len(row) < Param.TEXT:
        raise CellProblem(f"{ERROR_PREFIX}评价标准参数行不完整")
    content = default_standard().content(_content_id(row[Param.ID]))
    key = reverse(RULE_NAMES).get(row[Param.RULE], "")
    kind = rule_kind(key)
    allowed = [k for k in RULE_NAMES if (rule_kind(k) in RATE_RULES if content.rule.is_rate
                                         else k == content.rule.type)]
    if key not in allowed:  # a rate content takes any rate rule; items stay items
        names = "”“".join(RULE_NAMES[k] for k in allowed)
        raise CellProblem(f"{ERROR_PREFIX}评价标准第{content.id}项的规则类型应为“{names}”之一")

    def number(column: Param) -> float:
        return _number(row[column], content.id)

    rule = content.rule
    items = tuple(dataclasses.replace(item, points=number(column))
                  for column, item in zip(ITEM_COLUMNS, rule.items))
    steps = kind in ("higher_better", "lower_better")
    cutoff = row[Param.CUTOFF] if len(row) > Param.CUTOFF else None
    rule = dataclasses.replace(
        rule, type=kind, items=items, better="lower" if key.endswith("_lower") else "higher",
        target=number(Param.TARGET) if kind in ("higher_better", "lower_better", "threshold") else 0.0,
        step=number(Param.STEP) if steps else 0.0,
        deduct=number(Param.DEDUCT) if steps else 0.0,
        partial=reverse(PARTIAL_NAMES).get(row[Param.PARTIAL], "ceil"),
        not_applicable=reverse(NA_NAMES).get(_upgraded(row[Param.NOT_APPLICABLE]), "full"),
        cap=number(Param.CAP) if content.is_bonus else 0.0,
        cutoff=number(Param.CUTOFF) if steps and cutoff not in (None, "") else None,
        bands=_bands(row, content.id) if kind == "ladder" else ())
    return dataclasses.replace(content, rule=rule, max_points=number(Param.MAX_POINTS))


def _bands(row: list[Cell], content_id: int) -> tuple[tuple[float, float], ...]:
    """A ladder's (limit, points) from the row's band columns, up to the first blank limit."""
    bands = []
    for limit_column, points_column in zip(BAND_COLUMNS, ITEM_COLUMNS):
        if row[limit_column] in (None, ""):
            break
        bands.append((_number(row[limit_column], content_id), _number(row[points_column], content_id)))
    if not bands:
        raise CellProblem(f"{ERROR_PREFIX}评价标准第{content_id}项没有填写分档界限")
    return tuple(bands)


def _number(value: Cell, content_id: int) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf:
        return float(value)
    raise CellProblem(f"{ERROR_PREFIX}评价标准第{content_id}项的参数应为不小于0的数字")


def _inputs_for(keys: Sequence[str], values: Sequence[Cell]) -> dict[str, Any]:
    std = default_standard()
    if len(values) < len(keys):
        raise CellProblem(f"{ERROR_PREFIX}参数个数不足：应为{len(keys)}个输入")
    return {key: read_value(value, std.inputs[key]) for key, value in zip(keys, values)}


def _ratio(content: Content, numerator: Cell, denominator: Cell) -> tuple[float, float, float | None]:
    values = _inputs_for(content.input_keys, (numerator, denominator))
    num, den = values[content.numerator or ""], values[content.denominator or ""]
    try:
        return num, den, ratio(num, den, tol=default_standard().tolerance)
    except RateError:
        std = default_standard()
        raise CellProblem(f"{ERROR_PREFIX}{std.inputs[content.numerator or ''].label}"
                          f"大于{std.inputs[content.denominator or ''].label}") from None


def utility_rows(utilities: Sequence[Sequence[Cell]]) -> list[tuple[int, list[Cell]]]:
    """The filled rows of the utilities table, numbered from 1 as the sheet numbers them."""
    return [(n, list(row)) for n, row in enumerate(utilities or [], start=1)
            if any(v is not None and str(v).strip() for v in row)]


def _leakages(utilities: Sequence[Sequence[Cell]]) -> list:
    rows = utility_rows(utilities)
    if not rows:
        raise CellProblem(f"{MISSING}：供水单位")
    checked = []
    for n, row in rows:
        checked.append(_one_utility(n, row))
    return checked


def _one_utility(n: int, row: Sequence[Cell]):
    errors: list[FieldError] = []
    for value in row:
        if isinstance(value, str) and value.startswith("#"):
            raise CellProblem(f"{ERROR_PREFIX}第{n}个供水单位有错误值{value}")
    result = check_utility(dict(zip(UTILITY_FIELDS, row)), n, default_standard(), errors, WORKBOOK)
    if result is None:
        raise CellProblem(f"{ERROR_PREFIX}{errors[0].message}")
    return result[1]


def _value_of(value: Cell) -> float | None:
    """A rate from the 完成值 column: a number, None when 不适用; a message means no score."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= MAX_RATE:
        return float(value)
    if value == NOT_APPLICABLE:
        return None
    if isinstance(value, str) and value.startswith(MISSING):
        raise CellProblem(MISSING)
    raise CellProblem(INVALID)


def _item_score(content: Content, inputs: Sequence[Cell]) -> tuple[tuple[bool, ...], float]:
    """Which items of a checklist or bonus are met, and the points they earn."""
    met = _items_met(content, inputs)
    cap = content.rule.cap if content.is_bonus else None
    return met, item_points((i.points for i in content.rule.items), met, cap)


def _items_met(content: Content, inputs: Sequence[Cell]) -> tuple[bool, ...]:
    try:
        values = _inputs_for(content.input_keys, inputs)
    except CellProblem as problem:
        raise CellProblem(MISSING if str(problem).startswith(MISSING)
                          else INVALID) from None
    tol = default_standard().tolerance
    return tuple(bool(condition_met(item, values, tol)) for item in content.rule.items)


@worksheet_function(
    "计算比率（分子÷分母），按评价内容检查数据；分母为0时返回“不适用”。",
    numerator="分子单元格，如已计量水量", denominator="分母单元格，如总用水量",
    content="评价内容序号（1～24），用于给出具体的错误说明")
def JS_RATE(numerator, denominator, content):
    target = default_standard().content(_content_id(content))
    if target.measure != "ratio":
        raise CellProblem(f"{ERROR_PREFIX}评价内容{target.id}不是比率指标")
    value = _ratio(target, numerator, denominator)[2]
    return NOT_APPLICABLE if value is None else value


@worksheet_function(
    "按 CJJ 92-2016计算全县城镇公共供水管网漏损率（各供水单位修正后漏损率按供水量加权）。",
    utilities="供水单位表（每行：名称、供水总量、注册用户用水量、居民抄表到户水量、DN75及以上管长、年平均出厂压力、最大冻土深度）")
def JS_LEAK_RATE(utilities):
    return county_leakage(_leakages(utilities))


@worksheet_function(
    "计算一个供水单位的漏损率分项：RWL综合漏损率、R1～R4修正值、RBL漏损率（CJJ 92-2016）。",
    row="供水单位表中的一行（7个单元格）", part="分项名称（公式中已写好）：综合漏损率、R1～R4修正值或漏损率")
def JS_LEAK_PART(row, part):
    if part not in LEAK_PARTS:
        raise CellProblem(f"{ERROR_PREFIX}分项应为{'、'.join(LEAK_PARTS)}")
    cells = list(row[0]) if row else []
    if not utility_rows([cells]):
        return BLANK
    leakage = _one_utility(1, cells)
    return getattr(leakage, part.lower())


@worksheet_function(
    "按评价标准表中的参数计算一项评价内容的得分。",
    params="该内容在“评价标准”表中的参数行", value="完成值（比率类内容）；逐项得分的内容填空",
    inputs="逐项得分内容的各项输入（是/否等），比率类内容可附分子、分母")
def JS_SCORE(params, value, *inputs):
    content = content_from_params(params)
    if content.rule.is_rate:
        return rate_points(content.rule, content.max_points, _value_of(value),
                           tol=default_standard().tolerance)
    return _item_score(content, inputs)[1]


@worksheet_function(
    "差距分析：说明一项评价内容还差多少、以什么单位补齐。",
    params="该内容在“评价标准”表中的参数行", value="完成值（比率类内容）",
    inputs="比率类：分子、分母；漏损率：供水单位表；逐项得分：各项输入")
def JS_GAP(params, value, *inputs):
    return _gap(content_from_params(params), value, inputs) or REACHED


def _gap(content: Content, value: Cell, inputs: Sequence[Cell]) -> str:
    if not content.rule.is_rate:
        return gaps.items_gap(content, *_item_score(content, inputs), default_standard().tolerance)
    rate = _value_of(value)
    if rate is None:
        return gaps.not_applicable_note(content)
    if content.measure == "leakage":
        supply = sum(u.supply for u in _leakages(inputs[0] if inputs else None))
        return gaps.leakage_gap(content, rate, supply, default_standard().tolerance)
    num, den, _ = _ratio(content, *(list(inputs) + [None, None])[:2])
    return gaps.ratio_gap(content, default_standard(), num, den, rate)


@worksheet_function(
    "判断一项必备条件是否满足（附件2）。",
    prerequisite="必备条件（公式中已写好，无须修改）", values="该条件的各项输入，按附件2所列顺序")
def JS_PREREQ(prerequisite, *values):
    std = default_standard()
    found = [p for p in std.prerequisites if p.id == prerequisite]
    if not found:
        raise CellProblem(f"{ERROR_PREFIX}公式中的必备条件应为{'、'.join(prereq_name(p.id) for p in std.prerequisites)}之一，请恢复模板公式")
    prereq = found[0]
    inputs = _inputs_for(prereq.input_keys, values)
    met = all(condition_met(c, inputs, std.tolerance) for c in prereq.conditions)
    return MET if met else UNMET


@worksheet_function(
    "汇总得分：基本分（第1～23项）、加分（加分项，有上限）或总分。",
    points="附件3的得分列（24项）", table="“评价标准”表的参数区（24行）",
    part="基本分、加分 或 总分")
def JS_TOTAL(points, table, part):
    std = default_standard()
    bonus_name = RULE_NAMES["bonus"]
    base = bonus = 0.0
    for row, params in zip(points or [], table or []):
        value = row[0] if row else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return std.verdicts["incomplete"]
        if len(params) > Param.RULE and params[Param.RULE] == bonus_name:
            bonus += value
        else:
            base += value
    if len(points or []) != len(std.contents):
        raise CellProblem(f"{ERROR_PREFIX}得分区域应为{len(std.contents)}项")
    if not math.isfinite(base + bonus):  # before the cap, which would hide a bonus point of 1e308
        raise CellProblem(f"{ERROR_PREFIX}合计超出可计算范围，请检查各项得分")
    bonus = min(bonus, std.bonus_cap)
    totals = {"基本分": base, "加分": bonus, "总分": base + bonus}
    if part not in totals:
        raise CellProblem(f"{ERROR_PREFIX}汇总项应为 基本分、加分 或 总分")
    return totals[part]


@worksheet_function(
    "得出自评结论：数据不完整、不满足必备条件、自评总分达到或未达到合格线。",
    total="总分单元格", prereqs="附件2的“是否满足”列（4项）")
def JS_VERDICT(total, prereqs):
    std = default_standard()
    states = {MET: True, UNMET: False}
    met = [states.get(row[0] if row else None) for row in prereqs or []]
    score = total if isinstance(total, (int, float)) and not isinstance(total, bool) else None
    return verdict_of(std, len(met) != len(std.prerequisites), met, score)


@worksheet_function(
    "返回1：Python 与 jieshui 已连接。工作簿据此显示 Python 的结果，否则显示内置公式的结果。",
    cells="全部填报区域：任一处改动都会重新检查 Python 是否连接")
def JS_PYTHON(*cells):
    return 1.0


@worksheet_function(
    "显示 jieshui 软件和评价标准的版本。")
def JS_VERSION():
    return f"jieshui {__version__}版，评价标准{default_standard().version}版"
