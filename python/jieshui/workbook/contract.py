"""The workbook's contract, shared by every adapter: sheet names and code names, the defined
names, the 评价标准 row with named columns, the drop-down choices, the buttons, and the Python
modules the workbook's VBA calls."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ..engine import Content, Rule, Standard, describe_rule
from ..engine.words import EVIDENCE_GIVEN, EVIDENCE_MISSING
from .buttons import BUTTONS as ALL_BUTTONS

# 2025.2: the VBA calls jieshui.excel.udfs and jieshui.excel.macros (2025.1 named jieshui.udfs
# and jieshui.macros, which no longer exist), and the name out_values was added.
# 2025.4: 工作进度 judged in the workbook's 工作年度, twins say 错误 where they said 数据有误, and
# JS_PYTHON caches #NAME?: a 2025.3 workbook's formulas differ, so recalc and merge say which
# template it is instead of naming a changed formula.
# 2025.5: the county's words (issue 24): 佐证材料 已提供/未提供 (was 提供/缺), 分母为0时 得满分/得0分
# (was 满分/零分), the 评价标准 row's texts without the 0/0 note and in official words, the
# 佐证台账 taking 必备条件1…4 as well as 1–24. Check and collect still read a 2025.4 workbook
# (workbook/versions.py upgrades what is read from it).
TEMPLATE_VERSION = "2025.5"
PREVIOUS_TEMPLATE = "2025.4"

SHEET_COVER = "说明"
SHEET_INPUTS = "基础数据"
SHEET_UNITS = "附件1责任分工"
SHEET_PREREQS = "附件2必备条件"
SHEET_CONTENTS = "附件3技术评估指标"
SHEET_PARAMS = "评价标准"
SHEET_SUBMISSION = "报送表"
SHEET_PROGRESS = "工作进度"
SHEET_CONFIG = "xlwings.conf"
# What `jieshui merge` wrote from the units' returned files (builder/records.py).
SHEET_RECORDS = "填报记录"
# The evidence ledger: any number of documents per content (builder/ledger.py).
SHEET_LEDGER = "佐证台账"
LEDGER_ROWS = 300
LEDGER_HEADERS = ("评价内容序号或必备条件", "材料名称", "文号", "日期", "页数", "文件（佐证材料文件夹中的路径）")
# The ledger's first column for a prerequisite's evidence: 必备条件1…必备条件4 (P1…P4 inside).
PREREQ_EVIDENCE = "必备条件"
# Hidden: each computed cell's UDF call and native twin, side by side (see builder/calc.py).
SHEET_CALC = "计算"
# Tab order; every sheet's VBA code name is fixed by its place (the VBA project has a document
# module per code name).
SHEETS = (SHEET_COVER, SHEET_INPUTS, SHEET_UNITS, SHEET_PREREQS, SHEET_CONTENTS, SHEET_PARAMS,
          SHEET_SUBMISSION, SHEET_PROGRESS, SHEET_LEDGER, SHEET_RECORDS, SHEET_CONFIG, SHEET_CALC)
CODE_NAMES = {name: f"Sheet{i}" for i, name in enumerate(SHEETS, start=1)}

# The Python modules the workbook's VBA names: xlwings.conf's UDF Modules, and RunPython.
UDF_MODULE = "jieshui.excel.udfs"
MACROS_MODULE = "jieshui.excel.macros"
# (caption, VBA Sub, function of MACROS_MODULE) of each button on the cover, from the one
# table of buttons (workbook/buttons.py) that the VBA and the ribbon are generated from.
BUTTONS = tuple((b.label, b.sub, b.function) for b in ALL_BUTTONS if b.on_sheet)

UTILITY_ROWS = 10
LEAK_PARTS = ("R_WL", "R1", "R2", "R3", "R4", "R_BL")
EVIDENCE_CHOICES = (EVIDENCE_GIVEN, EVIDENCE_MISSING)
REPORT_CHOICES = ("已报", "未报")

# A rule's name in the 评价标准 row (rule_key: a threshold or ladder also names its direction).
RULE_NAMES = {"higher_better": "越高越好", "lower_better": "越低越好",
              "threshold_higher": "达标得分（越高越好）", "threshold_lower": "达标得分（越低越好）",
              "ladder_higher": "分档得分（越高越好）", "ladder_lower": "分档得分（越低越好）",
              "checklist": "逐项得分", "bonus": "加分项"}
PARTIAL_NAMES = {"ceil": "不足一档按一档", "linear": "按比例"}
NA_NAMES = {"full": "得满分", "zero": "得0分"}
# What a 2025.4 workbook wrote for the same things (read as the new words).
EARLIER_WORDS = {"提供": EVIDENCE_GIVEN, "缺": EVIDENCE_MISSING, "满分": NA_NAMES["full"], "零分": NA_NAMES["zero"]}


class Param(IntEnum):
    """The columns of a 评价标准 row, left to right; JS_SCORE and JS_GAP read a content's
    parameters from its row."""

    ID = 0
    INDICATOR = 1
    TITLE = 2
    RULE = 3
    MAX_POINTS = 4
    TARGET = 5
    STEP = 6
    DEDUCT = 7
    PARTIAL = 8
    NOT_APPLICABLE = 9
    CAP = 10
    ITEM_1 = 11
    ITEM_2 = 12
    ITEM_3 = 13
    ITEM_4 = 14
    CUTOFF = 15
    BAND_1 = 16
    BAND_2 = 17
    BAND_3 = 18
    BAND_4 = 19
    TEXT = 20
    SOURCE = 21


PARAM_HEADERS = ("序号", "评价指标", "评价内容", "规则类型", "标准分", "目标值", "步长", "每步扣分",
                 "部分得分", "分母为0时", "加分上限", "第1项（档）得分", "第2项（档）得分", "第3项（档）得分",
                 "第4项（档）得分", "不得分界限", "第1档界限", "第2档界限", "第3档界限", "第4档界限",
                 "评分方法", "依据")
# The 依据 column in official words: the 24 contents and the prerequisites are the standard's,
# points and rule numbers a general setting until the province's 赋分细则 replaces them (the
# data file keeps where each came from: engine.standard.SOURCES).
SOURCE_WORDS = {"实施方案": "评价标准", "评价标准原文": "评价标准", "复核公开报道": "评价标准", "本软件默认": "通用设置"}
# The note under a table whose 评分方法 leave out the 0/0 rule.
NA_NOTE = "注：比率类评价内容的分母为0时，该项不适用，按“分母为0时”一栏得分（通用设置为得满分）。"
# A checklist's item points, or a ladder's band points (its limits in BAND_COLUMNS).
ITEM_COLUMNS = (Param.ITEM_1, Param.ITEM_2, Param.ITEM_3, Param.ITEM_4)
BAND_COLUMNS = (Param.BAND_1, Param.BAND_2, Param.BAND_3, Param.BAND_4)


def rule_kind(key: str) -> str:
    """The rule type a RULE_NAMES key names."""
    return key.rsplit("_", 1)[0] if key.startswith(("threshold_", "ladder_")) else key


def rule_key(rule: Rule) -> str:
    """The key of RULE_NAMES for a rule."""
    if rule.type in ("threshold", "ladder"):
        return f"{rule.type}_{rule.better}"
    return rule.type


def param_row(content: Content) -> list[Any]:
    """A content's 评价标准 row as the official standard gives it (None where a column does not
    apply to its rule)."""
    rule = content.rule
    row: list[Any] = [None] * len(Param)
    row[Param.ID], row[Param.INDICATOR], row[Param.TITLE] = content.id, content.indicator, content.title
    row[Param.RULE], row[Param.MAX_POINTS] = RULE_NAMES[rule_key(rule)], content.max_points
    if rule.is_rate:
        row[Param.NOT_APPLICABLE] = NA_NAMES[rule.not_applicable]
    if rule.type in ("higher_better", "lower_better", "threshold"):
        row[Param.TARGET] = rule.target
    if rule.type in ("higher_better", "lower_better"):
        row[Param.STEP], row[Param.DEDUCT] = rule.step, rule.deduct
        row[Param.PARTIAL] = PARTIAL_NAMES[rule.partial]
        row[Param.CUTOFF] = rule.cutoff
    if content.is_bonus:
        row[Param.CAP] = rule.cap
    for column, item in zip(ITEM_COLUMNS, rule.items):
        row[column] = item.points
    for limit_column, points_column, (limit, points) in zip(BAND_COLUMNS, ITEM_COLUMNS, rule.bands):
        row[limit_column], row[points_column] = limit, points
    row[Param.TEXT] = describe_rule(rule, na_note=False)
    row[Param.SOURCE] = source_words(content.source, content.rule_source)
    return row


def source_words(source: str, rule_source: str | None = None) -> str:
    """Where a content (and its points) come from, in official words: 评价标准／通用设置."""
    words = [SOURCE_WORDS.get(source, source)]
    if rule_source is not None and SOURCE_WORDS.get(rule_source, rule_source) != words[0]:
        words.append(SOURCE_WORDS.get(rule_source, rule_source))
    return "／".join(words)


def prereq_name(prereq_id: str) -> str:
    """必备条件1 for P1: how a sheet names a prerequisite."""
    return f"{PREREQ_EVIDENCE}{prereq_id.removeprefix('P')}"


def reverse(names: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in names.items()}


# -- defined names -------------------------------------------------------------------------

COUNTY_FIELDS = ("name", "province", "city", "year", "report_date", "contact", "phone")
OUTPUT_NAMES = ("out_base", "out_bonus", "out_total", "out_verdict")


def county_name(key: str) -> str:
    """The defined name of a cover field: in_county_<key> for the county itself, else in_<key>."""
    return f"in_county_{key}" if key in ("name", "province", "city", "year") else f"in_{key}"


def required_names(std: Standard) -> list[str]:
    """Every name a reader relies on; a workbook lacking one is not a county workbook."""
    return ([county_name(k) for k in COUNTY_FIELDS] + [f"in_{k}" for k in std.inputs]
            + ["in_utilities", "in_evidence", "in_prereq_evidence", "in_reports", "in_returns", "in_ledger", "tpl_version",
               "std_version", "std_table", "out_points", "out_prereqs", *OUTPUT_NAMES])
