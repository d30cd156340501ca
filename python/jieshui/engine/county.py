"""A county's figures: read the TOML data file and validate raw values against the standard.

The validator takes plain Python values (from TOML, or later from workbook cells), so every
door into the engine reports the same problems in the same words.
"""

from __future__ import annotations

import difflib
import math
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from ..errors import UserError
from .rates import Leakage, RateError, leakage, ratio
from .standard import InputSpec, Standard, UTILITY_FIELDS
from .tomlfile import TomlProblem, loads
from .words import NO, YES, os_reason, shown

TRUE_WORDS = {YES, "true", "yes", "y", "1"}
FALSE_WORDS = {NO, "false", "no", "n", "0"}
SECTIONS = ("county", "inputs", "utilities")
MAX_FILE_BYTES = 1_000_000
MAX_NUMBER = 1e12  # far beyond any county figure in 万m³, 万元 or counts: a typo or a unit slip
NUMBERISH = re.compile(r"^\s*[-+]?\d+(\.\d+)?\s*%?\s*$")

Value = float | bool

# Where raw values were typed, so that advice follows that medium's conventions: a data file
# has TOML tables and rates as decimals (0.052); a workbook has cells, rates typed as percent
# (5.2%) and the rows of its 供水单位 table.
Source = Literal["data_file", "workbook"]
DATA_FILE: Source = "data_file"
WORKBOOK: Source = "workbook"


# A plausible 评价年度, first and last: the one rule for the data file, the workbook and every
# file name carry, split and merge build from it.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def plausible_year(value: Any) -> int | None:
    """The year `value` is when it is a whole year from FIRST_YEAR to LAST_YEAR (a workbook cell
    may hold 2025 as 2025.0; TRUE, text, NaN and 2025.5 are not years)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR or value != int(value):  # NaN fails the range
        return None
    return int(value)


def year_problem(value: Any) -> str:
    return f"评价年度应为四位年份（{FIRST_YEAR}—{LAST_YEAR}年，如2024），当前为{shown(value)}"


class DataFileError(UserError):
    """The county data file cannot be read at all (exit code 2); message in Chinese."""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Utility:
    name: str
    supply_total: float
    registered_use: float
    resident_metered: float
    pipe_length_km: float
    avg_pressure_mpa: float
    frost_depth_m: float


@dataclass(frozen=True, slots=True)
class CountyInfo:
    name: str = ""
    province: str = ""
    city: str = ""
    year: int | None = None


@dataclass(slots=True)
class CountyData:
    """Valid values only; every key that is missing or invalid is in `bad` with an error."""

    county: CountyInfo
    inputs: dict[str, Value]
    utilities: list[Utility]
    leakages: list[tuple[str, Leakage]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)
    utilities_ok: bool = True
    missing: set[str] = field(default_factory=set)  # of `bad` (and "utilities"): not given at all


def read_county_file(path: str | Path) -> dict[str, Any]:
    """Parse a county TOML file into raw values; raises DataFileError when it is unreadable."""
    path = Path(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe or a device would block the read
            raise DataFileError(f"{path}不是普通文件（可能是文件夹、管道或设备），请选择县域数据文件（.toml）")
        size = status.st_size
        if size > MAX_FILE_BYTES:
            raise DataFileError(f"文件{path}过大（{size}字节），县域数据文件不应超过1 MB")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise DataFileError(f"找不到文件{path}") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"文件{path}不是UTF-8编码的文本文件，请用UTF-8编码保存") from exc
    except OSError as exc:
        raise DataFileError(f"无法读取文件{path}：{os_reason(exc)}") from None
    try:
        return loads(text)
    except TomlProblem as exc:
        raise DataFileError(f"文件{path}不是有效的 TOML 县域数据文件：{exc}") from None


def validate(raw: Mapping[str, Any], std: Standard, source: Source = DATA_FILE) -> CountyData:
    """Check raw county values against the standard; collect every problem, lose none."""
    errors: list[FieldError] = []
    missing: set[str] = set()
    for section in raw:
        if section not in SECTIONS:
            errors.append(FieldError(section, f"未知的节 [{section}]，县域数据文件只有 [county]、[inputs]、[[utilities]]"))
    county = _county(raw.get("county"), errors)
    inputs, bad = _inputs(raw.get("inputs"), std, errors, missing, source)
    _cross_check(std, inputs, bad, errors)
    checked, utilities_ok = _utilities(raw.get("utilities"), std, errors, source)
    if raw.get("utilities") in (None, []):
        missing.add("utilities")
    utilities = [u for u, _ in checked]
    leakages = [(u.name, lk) for u, lk in checked]
    return CountyData(county, inputs, utilities, leakages, errors, bad, utilities_ok, missing)


def _county(raw: Any, errors: list[FieldError]) -> CountyInfo:
    if not isinstance(raw, Mapping):
        errors.append(FieldError("county", "缺少 [county] 节：请填写县（旗、区）名称 name、省份 province、评价年度 year"))
        return CountyInfo()
    name, province, city = (raw.get(k, "") for k in ("name", "province", "city"))
    for key, value, label in (("name", name, "县（旗、区）名称"), ("province", province, "省份")):
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(f"county.{key}", f"{label}未填写，请填写文字"))
    year = plausible_year(raw.get("year"))
    if year is None:
        errors.append(FieldError("county.year", year_problem(raw.get("year"))))
    for key in raw:
        if key not in ("name", "province", "city", "year"):
            errors.append(FieldError(f"county.{key}", f"[county] 中的未知字段{key}，可用字段：name、province、city、year"))
    return CountyInfo(str(name).strip(), str(province).strip(), str(city or "").strip(), year)


def _inputs(raw: Any, std: Standard, errors: list[FieldError], missing: set[str],
            source: Source) -> tuple[dict[str, Value], set[str]]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors.append(FieldError("inputs", "[inputs] 应为“键 = 值”的表"))
        raw = {}
    for key in raw:
        if key not in std.inputs:
            errors.append(FieldError(f"inputs.{key}", _unknown_key_message(key, std.inputs)))
    inputs: dict[str, Value] = {}
    bad: set[str] = set()
    for key, spec in std.inputs.items():
        if key not in raw or raw[key] is None:
            bad.add(key)
            missing.add(key)
            errors.append(FieldError(f"inputs.{key}", f"缺少{_name(spec)}：{_expect(spec, source)}"))
            continue
        value, problem = coerce(raw[key], spec, source)
        if problem:
            bad.add(key)
            errors.append(FieldError(f"inputs.{key}", f"{_name(spec)}{problem}"))
        else:
            inputs[key] = value
    return inputs, bad


def _cross_check(std: Standard, inputs: dict[str, Value], bad: set[str],
                 errors: list[FieldError]) -> None:
    """A numerator above its denominator makes the rate impossible: refuse the numerator."""
    for content in std.contents:
        if content.measure != "ratio":
            continue
        num, den = content.numerator or "", content.denominator or ""
        if num not in inputs or den not in inputs:
            continue
        try:
            ratio(inputs[num], inputs[den], tol=std.tolerance)
        except RateError:
            n_spec, d_spec = std.inputs[num], std.inputs[den]
            errors.append(FieldError(f"inputs.{num}", (
                f"{_name(n_spec)}{inputs[num]:g}大于{_name(d_spec)}{inputs[den]:g}"
                f"（第{content.id}项评价内容）：分子不能大于分母，请核对两项数据")))
            del inputs[num]
            bad.add(num)


def _utilities(raw: Any, std: Standard, errors: list[FieldError],
               source: Source) -> tuple[list[tuple[Utility, Leakage]], bool]:
    if raw is None or raw == []:
        where = ("在供水单位表中" if source == WORKBOOK else "") + "为每个城镇公共供水单位填写一行"
        table = "" if source == WORKBOOK else "（数据文件中为一个 [[utilities]] 表）"
        errors.append(FieldError("utilities", f"未填写供水单位：请{where}{table}，用于计算供水管网漏损率"))
        return [], False
    if not isinstance(raw, list):
        errors.append(FieldError("utilities", "[[utilities]] 应为供水单位表的列表"))
        return [], False
    utilities, ok = [], True
    for n, row in enumerate(raw, start=1):
        utility = check_utility(row, n, std, errors, source)
        ok = ok and utility is not None
        if utility is not None:
            utilities.append(utility)
    return utilities, ok


def check_utility(row: Any, n: int, std: Standard, errors: list[FieldError],
                  source: Source = DATA_FILE) -> tuple[Utility, Leakage] | None:
    """Validate the n-th utility's fields (appending to `errors`) and compute its leakage."""
    where = f"utilities[{n}]"
    if not isinstance(row, Mapping):
        errors.append(FieldError(where, f"第{n}个供水单位应为“键 = 值”的表"))
        return None
    before = len(errors)
    for key in row:
        if key not in std.utility_fields:
            errors.append(FieldError(f"{where}.{key}", f"第{n}个供水单位：{_unknown_key_message(key, std.utility_fields)}"))
    values: dict[str, Any] = {}
    for key in UTILITY_FIELDS:
        spec = std.utility_fields[key]
        if key not in row or row[key] is None:
            errors.append(FieldError(f"{where}.{key}", f"缺少第{n}个供水单位的{_name(spec)}：{_expect(spec, source)}"))
            continue
        value, problem = coerce(row[key], spec, source)
        if problem:
            errors.append(FieldError(f"{where}.{key}", f"第{n}个供水单位的{_name(spec)}{problem}"))
        values[key] = value
    if len(errors) > before:
        return None
    utility = Utility(**values)
    try:
        return utility, leakage(utility.supply_total, utility.registered_use,
                                utility.resident_metered, utility.pipe_length_km,
                                utility.avg_pressure_mpa, utility.frost_depth_m, tol=std.tolerance)
    except RateError as exc:
        errors.append(FieldError(f"{where}.{exc.field}", f"第{n}个供水单位：{exc}"))
        return None


def coerce(value: Any, spec: InputSpec, source: Source = DATA_FILE) -> tuple[Any, str]:
    """(value, "") when acceptable, else (None, what is wrong and what to enter) in Chinese,
    in the terms of `source`."""
    if spec.kind == "text":
        if isinstance(value, str) and value.strip():
            return value.strip(), ""
        return None, "应填写文字"
    if spec.kind == "bool":
        return _coerce_bool(value, source)
    return _coerce_number(value, spec, source)


def _coerce_bool(value: Any, source: Source) -> tuple[Any, str]:
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS, ""
    return None, f"应{_expect_bool(source).removeprefix('请')}，当前为{shown(value)}"


def _expect_bool(source: Source) -> str:
    return "请从下拉列表选择“是”或“否”" if source == WORKBOOK else "请填“是”或“否”"


def _coerce_number(value: Any, spec: InputSpec, source: Source) -> tuple[Any, str]:
    kind = type(value)
    if kind is not float and kind is not int and (isinstance(value, bool)
                                                  or not isinstance(value, (int, float))):
        hint = _text_hint(value, spec, source) if isinstance(value, str) and NUMBERISH.match(value) else ""
        return None, f"应为数字，当前填的是{shown(value)}{hint}"
    try:
        value = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None, f"数值过大（{shown(value)}），请检查单位和位数"
    if not math.isfinite(value):
        return None, "不是有效数字，请填写具体数值"
    if abs(value) > MAX_NUMBER:
        return None, f"数值过大（{_as_typed(value, spec, source)}），请检查单位和位数"
    if value < 0 and not spec.allow_negative:
        return None, f"不能为负数（当前为{_as_typed(value, spec, source)}），请填写不小于0的{_unit_phrase(spec)}"
    if spec.kind == "count" and value != int(value):
        return None, f"应为整数（当前为{value:g}），请填写{_unit_phrase(spec)}"
    if spec.max is not None and spec.max < value <= spec.max * (1 + 1e-9):
        value = spec.max  # a sum of shares in floating point can land one step above 1
    problem = _range_problem(value, spec, source)
    return (None, problem) if problem else (value, "")


def _text_hint(value: str, spec: InputSpec, source: Source) -> str:
    """What turns a number-like text into a number: in a data file, drop the quotes, units or
    percent sign; in a workbook, the cell holds text, so say what to delete before retyping."""
    if source != WORKBOOK:
        return "，请去掉引号、单位或百分号，只填数字"
    extra = [what for what, present in (("前后的空格", value != value.strip()),
                                        ("百分号", "%" in value and spec.kind != "fraction"))
             if present]
    if extra:
        return f"（单元格中是文字而非数字）：请删去{'和'.join(extra)}后重新输入"
    number_format = "百分比" if spec.kind == "fraction" else "数值"
    return f"（单元格中是文字而非数字）：请将单元格格式设为{number_format}后重新输入"


def _as_typed(value: float, spec: InputSpec, source: Source) -> str:
    """A number as the cell shows it: a workbook's rate cells are percent-formatted."""
    return f"{value * 100:g}%" if source == WORKBOOK and spec.kind == "fraction" else f"{value:g}"


def _range_problem(value: float, spec: InputSpec, source: Source) -> str:
    if spec.max is None:
        return ""
    if spec.kind == "fraction" and source == WORKBOOK:
        if value > spec.max or (spec.allow_negative and value < -spec.max):
            example = f"，如{value:g}%" if 1 < abs(value) <= 100 else ""
            span = f"{-spec.max * 100:g}%～{spec.max * 100:g}%" if spec.allow_negative else f"0～{spec.max * 100:g}%"
            return f"为{value * 100:g}%，超出{span}的范围：请连同百分号按百分数填写{example}"
        return ""
    if spec.kind == "coefficient" and source == WORKBOOK:
        if value > spec.max or (spec.allow_negative and value < -spec.max):
            example = f"，如{value / 100:g}" if 1 < abs(value) <= 100 else ""
            return f"为{value:g}，超出0～{spec.max:g}的范围：请填小数{example}"
        return ""
    if spec.kind in ("fraction", "coefficient"):
        if value > spec.max or (spec.allow_negative and value < -spec.max):
            # A coefficient is no percentage: 58.3 for 0.583 is a slipped decimal point.
            typed = f"{value:g}%应填" if spec.kind == "fraction" else ""
            example = f"，如{typed}{value / 100:g}" if 1 < abs(value) <= 100 else ""
            return f"为{value:g}，超出-1～1的范围：请填小数{example}" if spec.allow_negative \
                else f"为{value:g}，大于1：请填0～1之间的小数{example}"
        return ""
    if value > spec.max:
        return f"为{value:g}{spec.unit}，超出合理范围（不超过{spec.max:g}{spec.unit}），请检查单位"
    return ""


def _name(spec: InputSpec) -> str:
    return f"“{spec.label}”"  # the key is the field path beside it, or the cell


def _unit_phrase(spec: InputSpec) -> str:
    return f"数值（单位：{spec.unit}）" if spec.unit else "数值"


def _expect(spec: InputSpec, source: Source = DATA_FILE) -> str:
    if spec.kind == "bool":
        return _expect_bool(source)
    if spec.kind == "text":
        return "请填写文字"
    if source == WORKBOOK and spec.kind in ("fraction", "coefficient"):
        return "请按百分数填写（如85%）" if spec.kind == "fraction" else "请填0～1之间的小数（如0.56）"
    if spec.kind in ("fraction", "coefficient"):
        return "请填0～1之间的小数（如85%填0.85）" if spec.kind == "fraction" else "请填0～1之间的小数（如0.56）"
    return f"请填写{_unit_phrase(spec)}"


def _unknown_key_message(key: str, known: Mapping[str, InputSpec]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        spec = known[close[0]]
        return f"未知字段{key}：是否应为{spec.key}（{spec.label}）？"
    return f"未知字段{key}：评价标准中没有这一项，请删除或改正（可用 `jieshui standard` 查看全部字段）"
