"""Load and validate the standard file: the one source of truth for points, rules and inputs."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..errors import UserError
from .plausibility import Plausibility, check_rules, parse_rule
from .tomlfile import TomlProblem, loads
from .words import os_reason

# Rules scored from a value: points fall by steps (higher/lower_better, optionally to 0 beyond a
# cut-off), all or nothing at a target (threshold), or by bands of value (ladder).
STEP_RULES = ("higher_better", "lower_better")
RATE_RULES = STEP_RULES + ("threshold", "ladder")
# Where a content, prerequisite or rule comes from, so an official knows what to check against
# the province's text; 复核公开报道: reports of recent reviews (wording of the prerequisites).
SOURCES = ("实施方案", "评价标准原文", "复核公开报道", "本软件默认")
ITEM_RULES = ("checklist", "bonus")
OPERATORS = ("<=", ">=", "<", ">")
NUMBER_KINDS = ("count", "volume", "area", "money", "fraction", "coefficient",
                "length", "pressure", "depth")
INPUT_KINDS = NUMBER_KINDS + ("bool", "text")
UTILITY_FIELDS = ("name", "supply_total", "registered_use", "resident_metered",
                  "pipe_length_km", "avg_pressure_mpa", "frost_depth_m")

DEFAULT_STANDARD = "standard-2023.toml"


class StandardError(UserError, ValueError):
    """The standard file is unreadable or inconsistent; the message is for the user (Chinese).
    `problems`: each inconsistency on its own, for a reader that can say where it was typed."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class InputSpec:
    key: str
    label: str
    kind: str
    unit: str
    definition: str
    allow_negative: bool = False
    max: float | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """A 是/否 input that must be 是, or a comparison between two numeric inputs."""

    label: str
    points: float = 0.0
    input: str | None = None
    left: str | None = None
    op: str | None = None
    right: str | None = None
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    type: str
    target: float = 0.0
    step: float = 0.0
    deduct: float = 0.0
    partial: Literal["ceil", "linear"] = "ceil"
    not_applicable: Literal["full", "zero"] = "full"
    items: tuple[Condition, ...] = ()
    cap: float = 0.0
    better: Literal["higher", "lower"] = "higher"   # threshold and ladder; implied by the others
    cutoff: float | None = None                      # step rules: beyond it the content scores 0
    bands: tuple[tuple[float, float], ...] = ()      # ladder: (limit, points), worst band first

    @property
    def is_rate(self) -> bool:
        return self.type in RATE_RULES

    @property
    def higher(self) -> bool:
        """Whether a higher value is better."""
        return self.type == "higher_better" or (self.type not in STEP_RULES and self.better == "higher")

    @property
    def full_at(self) -> float:
        """The value that earns full points (a ladder's best band)."""
        if self.type == "ladder" and self.bands:
            return max(self.bands, key=lambda band: band[1])[0]
        return self.target


@dataclass(frozen=True, slots=True)
class Content:
    id: int
    indicator: str
    title: str
    max_points: float
    rule: Rule
    lead: str
    coop: tuple[str, ...]
    evidence: tuple[str, ...]
    measure: Literal["ratio", "leakage", "items"] = "items"
    numerator: str | None = None
    denominator: str | None = None
    gap_action: str = ""
    input_keys: tuple[str, ...] = ()
    source: str = "本软件默认"        # where the content itself comes from (SOURCES)
    rule_source: str = "本软件默认"   # where its points and rule numbers come from

    @property
    def is_bonus(self) -> bool:
        return self.rule.type == "bonus"


@dataclass(frozen=True, slots=True)
class Prerequisite:
    id: str
    title: str
    conditions: tuple[Condition, ...]
    lead: str
    coop: tuple[str, ...]
    evidence: tuple[str, ...]
    input_keys: tuple[str, ...] = ()
    source: str = "本软件默认"


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    start: dt.date
    end: dt.date
    tasks: str


@dataclass(frozen=True, slots=True)
class Standard:
    version: str
    source: str
    base_max: float
    bonus_cap: float
    pass_mark: float
    tolerance: float
    verdicts: dict[str, str]
    units: tuple[str, ...]
    indicators: tuple[str, ...]
    inputs: dict[str, InputSpec]
    utility_fields: dict[str, InputSpec]
    prerequisites: tuple[Prerequisite, ...]
    contents: tuple[Content, ...]
    stages: tuple[Stage, ...] = ()
    report_day: int = 25
    path: str = ""
    # 下一年度: next year's input ← this year's input, and the utility columns that carry over.
    carry_inputs: tuple[tuple[str, str], ...] = ()
    carry_utility_fields: tuple[str, ...] = ()
    plausibility: tuple[Plausibility, ...] = ()
    # The province's 资料复核 words for the same four outcomes (verdicts are the county's 自评).
    review_verdicts: dict[str, str] = field(default_factory=dict)

    def review_verdict(self, verdict: str) -> str:
        """The reviewer's word for the outcome a county's self-assessment `verdict` names."""
        key = next((k for k, v in self.verdicts.items() if v == verdict), None)
        return self.review_verdicts.get(key or "", verdict)

    def content(self, content_id: int) -> Content:
        return self.contents[content_id - 1]


@functools.cache
def default_standard() -> Standard:
    """The packaged standard, parsed once per process (UDFs and batches call this often)."""
    return load_standard()


def load_standard(path: str | Path | None = None) -> Standard:
    """Read and validate a standard file; the packaged default when `path` is None."""
    if path is None:
        ref = resources.files("jieshui") / "data" / DEFAULT_STANDARD
        text, where = ref.read_text(encoding="utf-8"), DEFAULT_STANDARD
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise StandardError(f"无法读取评价标准文件{where}：{os_reason(exc)}") from None
        except UnicodeDecodeError:
            raise StandardError(f"评价标准文件{where}不是 UTF-8编码的文本文件，请用 UTF-8保存") from None
    try:
        raw = loads(text)
    except TomlProblem as exc:
        raise StandardError(f"评价标准文件{where}不是有效的 TOML：{exc}") from None
    return parse_standard(raw, where)


def parse_standard(raw: dict[str, Any], where: str = "", what: str = "评价标准文件") -> Standard:
    """The standard `raw` describes, checked; `what` and `where` name it in messages (the TOML
    file, or the data inside an edited standard workbook)."""
    try:
        std = _build(raw, where)
    except StandardError:
        raise
    except KeyError as exc:
        raise StandardError(f"{what}{where}缺少字段{exc.args[0]}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise StandardError(f"{what}{where}有字段写错了类型：{exc}") from exc
    problems = _check(std)
    if problems:
        raise StandardError(f"{what}{where}有{len(problems)}处错误：\n" +
                            "\n".join(f"  - {p}" for p in problems), tuple(problems))
    return std


def _build(raw: dict[str, Any], where: str) -> Standard:
    kind_units = raw["kind_units"]
    return Standard(
        version=str(raw["version"]),
        source=str(raw["source"]),
        base_max=float(raw["base_max"]),
        bonus_cap=float(raw["bonus_cap"]),
        pass_mark=float(raw["pass_mark"]),
        tolerance=float(raw["tolerance"]),
        **_verdicts(raw),
        units=tuple(raw["units"]),
        indicators=tuple(raw["indicators"]),
        inputs={k: _input(k, v, kind_units) for k, v in raw["inputs"].items()},
        utility_fields={k: _input(k, v, kind_units) for k, v in raw["utility_fields"].items()},
        prerequisites=tuple(_prerequisite(p) for p in raw["prerequisites"]),
        contents=tuple(_content(c) for c in raw["contents"]),
        stages=tuple(Stage(s["name"], s["start"], s["end"], s["tasks"]) for s in raw.get("stages", ())),
        report_day=int(raw.get("report_day", 25)),
        path=where,
        carry_inputs=tuple((str(k), str(v)) for k, v in raw.get("carry", {}).get("inputs", {}).items()),
        carry_utility_fields=tuple(raw.get("carry", {}).get("utility_fields", ())),
        plausibility=tuple(parse_rule(p) for p in raw.get("plausibility", ())),
    )


def _verdicts(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Both vocabularies. A standard file written before the county's self-assessment words
    existed has one [verdicts] table, in the reviewer's words: it keeps them for the review, and
    the county's documents take the packaged self-assessment words."""
    own = {k: str(v) for k, v in raw["verdicts"].items()}
    if "review_verdicts" in raw:
        return {"verdicts": own, "review_verdicts": {k: str(v) for k, v in raw["review_verdicts"].items()}}
    return {"verdicts": dict(default_standard().verdicts), "review_verdicts": own}


def _input(key: str, raw: dict[str, Any], kind_units: dict[str, str]) -> InputSpec:
    kind = raw["kind"]
    if kind not in INPUT_KINDS:
        raise StandardError(f"输入{key}的类型 kind = \"{kind}\" 无效，应为{'、'.join(INPUT_KINDS)}之一")
    unit = raw.get("unit", kind_units.get(kind, ""))
    limit = raw.get("max", 1.0 if kind in ("fraction", "coefficient") else None)
    return InputSpec(key, raw["label"], kind, unit, raw.get("definition", ""),
                     bool(raw.get("allow_negative", False)),
                     None if limit is None else float(limit))


def _condition(raw: dict[str, Any]) -> Condition:
    single = raw.get("input")
    keys = (single,) if single is not None else (raw.get("left") or "", raw.get("right") or "")
    return Condition(label=raw["label"], points=float(raw.get("points", 0.0)), input=single,
                     left=raw.get("left"), op=raw.get("op"), right=raw.get("right"), keys=keys)


def _rule(raw: dict[str, Any]) -> Rule:
    cutoff = raw.get("cutoff")
    return Rule(type=raw["type"], target=float(raw.get("target", 0.0)),
                step=float(raw.get("step", 0.0)), deduct=float(raw.get("deduct", 0.0)),
                partial=raw.get("partial", "ceil"),
                not_applicable=raw.get("not_applicable", "full"),
                items=tuple(_condition(i) for i in raw.get("items", ())),
                cap=float(raw.get("cap", 0.0)), better=raw.get("better", "higher"),
                cutoff=None if cutoff is None else float(cutoff),
                bands=tuple((float(limit), float(points)) for limit, points in raw.get("bands", ())))


def _content(raw: dict[str, Any]) -> Content:
    rule = _rule(raw["rule"])
    measure = raw.get("measure", "ratio" if rule.is_rate else "items")
    if measure == "ratio":
        keys = (raw.get("numerator") or "", raw.get("denominator") or "")
    else:
        keys = tuple(k for item in rule.items for k in item.keys)
    return Content(id=int(raw["id"]), indicator=raw["indicator"], title=raw["title"],
                   max_points=float(raw["max_points"]), rule=rule, lead=raw["lead"],
                   coop=tuple(raw.get("coop", ())), evidence=tuple(raw.get("evidence", ())),
                   measure=measure, numerator=raw.get("numerator"),
                   denominator=raw.get("denominator"), gap_action=raw.get("gap_action", ""),
                   input_keys=keys, source=raw.get("source", SOURCES[-1]),
                   rule_source=raw.get("rule_source", SOURCES[-1]))


def _prerequisite(raw: dict[str, Any]) -> Prerequisite:
    conditions = tuple(_condition(c) for c in raw["conditions"])
    return Prerequisite(id=raw["id"], title=raw["title"], conditions=conditions,
                        lead=raw["lead"], coop=tuple(raw.get("coop", ())),
                        evidence=tuple(raw.get("evidence", ())),
                        input_keys=tuple(k for c in conditions for k in c.keys),
                        source=raw.get("source", SOURCES[-1]))


def _check(std: Standard) -> list[str]:
    problems: list[str] = []
    ids = [c.id for c in std.contents]
    if ids != list(range(1, len(ids) + 1)):
        problems.append(f"评价内容序号应为1..{len(ids)}且不重复、按顺序排列，实际为{ids}")
    prereq_ids = [p.id for p in std.prerequisites]
    if len(set(prereq_ids)) != len(prereq_ids):
        problems.append(f"必备条件的 id 重复：{prereq_ids}")
    for table, words in (("verdicts", std.verdicts), ("review_verdicts", std.review_verdicts)):
        problems += [f"[{table}] 缺少{key}" for key in ("veto", "pass", "fail", "incomplete")
                     if key not in words]
    if set(std.utility_fields) != set(UTILITY_FIELDS):
        problems.append(f"[utility_fields] 应恰好包含{', '.join(UTILITY_FIELDS)}")
    if not 0 < std.tolerance < 1e-3:
        problems.append(f"tolerance = {std.tolerance}应在0与0.001之间")
    if not 0 < std.pass_mark <= std.base_max + std.bonus_cap:
        problems.append(f"合格分 pass_mark = {std.pass_mark}应在0与总分之间")
    for stage in std.stages:
        if not (isinstance(stage.start, dt.date) and isinstance(stage.end, dt.date)
                and stage.start <= stage.end):
            problems.append(f"阶段“{stage.name}”的起止日期应为日期（如2025-03-01）且开始不晚于结束")
    for content in std.contents:
        problems += _check_content(std, content)
    for target, source in std.carry_inputs:
        if target not in std.inputs or source not in std.inputs:
            problems.append(f"[carry] inputs 中的{target} = \"{source}\"：两者都应是 [inputs] 中声明的输入")
    if not set(std.carry_utility_fields) <= set(UTILITY_FIELDS):
        problems.append(f"[carry] utility_fields 应取自{', '.join(UTILITY_FIELDS)}")
    for prereq in std.prerequisites:
        problems += _check_source(f"必备条件{prereq.id}", prereq.source)
        problems += _check_conditions(std, f"必备条件{prereq.id}", prereq.conditions)
        problems += _check_units(std, f"必备条件{prereq.id}", prereq.lead, prereq.coop)
    problems += check_rules(std.plausibility, std.inputs, std.utility_fields)
    base = sum(c.max_points for c in std.contents if not c.is_bonus)
    if abs(base - std.base_max) > std.tolerance:
        problems.append(f"基本分各内容标准分之和为{base:g}，应为 base_max = {std.base_max:g}")
    bonus_max = sum(c.max_points for c in std.contents if c.is_bonus)
    if abs(bonus_max - std.bonus_cap) > std.tolerance:
        problems.append(f"加分项标准分之和为{bonus_max:g}，应等于加分上限 bonus_cap = {std.bonus_cap:g}")
    return problems


def _check_content(std: Standard, c: Content) -> list[str]:
    where = f"评价内容{c.id}"
    problems = _check_units(std, where, c.lead, c.coop)
    problems += _check_source(where, c.source) + _check_source(where, c.rule_source)
    rule = c.rule
    if c.indicator not in std.indicators:
        problems.append(f"{where}：指标“{c.indicator}”不在 indicators 列表中")
    if c.max_points <= 0:
        problems.append(f"{where}：标准分 max_points 应大于0")
    if rule.is_rate:
        problems += _check_rate_rule(where, c)
        if rule.higher != (c.measure != "leakage"):  # the gap hints are written for these
            problems.append(f"{where}：比率类内容应越高越好，漏损率应越低越好（better 写错了）")
        if c.measure == "ratio":
            problems += _check_declared(std, where, (c.numerator, c.denominator), number=True)
        elif c.measure != "leakage":
            problems.append(f"{where}：measure 应为 ratio 或 leakage")
    elif rule.type in ITEM_RULES:
        problems += _check_conditions(std, where, rule.items)
        total = sum(i.points for i in rule.items)
        if any(i.points <= 0 for i in rule.items):
            problems.append(f"{where}：每个得分项的标准分应大于0")
        if rule.type == "checklist" and abs(total - c.max_points) > std.tolerance:
            problems.append(f"{where}：各项标准分之和{total:g}应等于标准分{c.max_points:g}")
        if rule.type == "bonus" and (rule.cap <= 0 or rule.cap > std.bonus_cap
                                     or abs(rule.cap - c.max_points) > std.tolerance):
            problems.append(f"{where}：加分上限 cap 应大于0、不超过{std.bonus_cap:g}且等于标准分")
    else:
        problems.append(f"{where}：规则类型“{rule.type}”无效，应为{'、'.join(RATE_RULES + ITEM_RULES)}之一")
    return problems


def _check_rate_rule(where: str, c: Content) -> list[str]:
    rule, problems = c.rule, []
    if rule.not_applicable not in ("full", "zero"):
        problems.append(f"{where}：not_applicable 应为 full 或 zero")
    if rule.type in ("threshold", "ladder") and rule.better not in ("higher", "lower"):
        problems.append(f"{where}：better 应为 higher（越高越好）或 lower（越低越好）")
    if rule.type == "ladder":
        return problems + _check_bands(where, c)
    if not 0 <= rule.target <= 1:
        problems.append(f"{where}：目标值 target = {rule.target:g}应在0与1之间（如80%写0.80）")
    if rule.type == "threshold":
        return problems
    if not 0 < rule.step <= 1:
        problems.append(f"{where}：步长 step = {rule.step:g}应在0与1之间（5个百分点写0.05）")
    if not 0 < rule.deduct <= c.max_points:
        problems.append(f"{where}：每步扣分 deduct = {rule.deduct:g}应大于0且不超过标准分{c.max_points:g}")
    if rule.partial not in ("ceil", "linear"):
        problems.append(f"{where}：partial 应为 ceil 或 linear")
    if rule.cutoff is not None and not (0 <= rule.cutoff <= 1 and (
            rule.cutoff < rule.target if rule.higher else rule.cutoff > rule.target)):
        side = "低于" if rule.higher else "高于"
        problems.append(f"{where}：不得分界限 cutoff = {rule.cutoff:g}应在0与1之间且{side}目标值{rule.target:g}")
    return problems


MAX_BANDS = 4  # the 评价标准 row has four band columns


def _check_bands(where: str, c: Content) -> list[str]:
    bands, problems = c.rule.bands, []
    if not 1 <= len(bands) <= MAX_BANDS:
        return [f"{where}：分档 bands 应有1到{MAX_BANDS}档，如 [[0.05, 1], [0.10, 2]]"]
    limits, points = [b[0] for b in bands], [b[1] for b in bands]
    ordered = limits == sorted(limits) if c.rule.higher else limits == sorted(limits, reverse=True)
    if not ordered or len(set(limits)) != len(limits):
        problems.append(f"{where}：分档界限应从差到好排列且不重复（越高越好时从小到大）")
    if any(not 0 <= x <= 1 for x in limits):
        problems.append(f"{where}：分档界限应在0与1之间（如5%写0.05）")
    if points != sorted(points) or any(x <= 0 for x in points) or abs(points[-1] - c.max_points) > 1e-9:
        problems.append(f"{where}：各档标准分应大于0、逐档增加，最高一档等于标准分{c.max_points:g}")
    return problems


def _check_source(where: str, source: str) -> list[str]:
    if source in SOURCES:
        return []
    return [f"{where}：来源“{source}”无效，应为{'、'.join(SOURCES)}之一"]


def _check_conditions(std: Standard, where: str, conditions: tuple[Condition, ...]) -> list[str]:
    problems = []
    if not conditions:
        problems.append(f"{where}：没有任何条件或得分项")
    for cond in conditions:
        if cond.input is not None:
            problems += _check_declared(std, where, (cond.input,), number=False)
        elif cond.op in OPERATORS:
            problems += _check_declared(std, where, (cond.left, cond.right), number=True)
        else:
            problems.append(f"{where}：条件“{cond.label}”应写 input = 键名，或 left、op（{' '.join(OPERATORS)}）、right")
    return problems


def _check_declared(std: Standard, where: str, keys: tuple[str | None, ...],
                    number: bool) -> list[str]:
    problems = []
    for key in keys:
        spec = std.inputs.get(key or "")
        if spec is None:
            problems.append(f"{where}：引用的输入{key}未在 [inputs] 中声明")
        elif number != (spec.kind in NUMBER_KINDS):
            wanted = "数值" if number else "是/否（bool）"
            problems.append(f"{where}：输入{key}的类型应为{wanted}")
    return problems


def _check_units(std: Standard, where: str, lead: str, coop: tuple[str, ...]) -> list[str]:
    return [f"{where}：责任单位“{u}”不在 units 列表中" for u in (lead, *coop) if u not in std.units]
