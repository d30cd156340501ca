"""The standard workbook's layout, shared by its writer (book, XlsxWriter) and its
reader (read, which a collect worker loads: no XlsxWriter here)."""

from __future__ import annotations

from ..engine.standard import MAX_BANDS, RATE_RULES
from ..workbook.contract import RULE_NAMES, rule_kind

BASE_SHEET = "_base"
CHUNK = 30_000  # characters per cell (a cell holds 32,767)
SHEET_GENERAL, SHEET_CONTENTS, SHEET_ITEMS = "总体", "评价内容", "得分项"
SHEET_PREREQS, SHEET_UNITS, SHEET_GUIDE = "必备条件", "责任单位", "说明"
LIST_SEPARATOR = "、"
YELLOW = "#FFF2CC"

# (key in the general sheet, label, note)
GENERAL = (("version", "版本", "本细则的版本号，如2025.1-某某省.1；报送表和工作簿显示此版本。"
                               "不改而修改了标准分或评分方法的，导入时自动记为“省级修订（保存日期）”"),
           ("source", "依据", "细则的文件名、文号和发布日期"),
           ("base_max", "基本分", "各基本项标准分之和，应等于“评价内容”表中非加分项标准分之和"),
           ("bonus_cap", "加分上限", "加分项累计不超过的分数"),
           ("pass_mark", "合格分", "自评总分不低于此分为达到合格线"),
           ("verdicts.veto", "结论：必备条件不满足", "任一必备条件不满足时的结论"),
           ("verdicts.pass", "结论：达到合格线", "总分达到合格分时县区的自评结论"),
           ("verdicts.fail", "结论：未达到合格线", "总分低于合格分时县区的自评结论"),
           ("verdicts.incomplete", "结论：数据不完整", "数据缺失或有误时的结论"))

# The 评价内容 columns: (header, note). Order is the import's contract.
CONTENT_COLUMNS = (
    ("序号", "评价内容序号（不可修改）"), ("评价指标", "不可修改"), ("评价内容", "可按细则修改文字"),
    ("标准分", "本项的标准分"),
    ("规则类型", "越高越好/越低越好：按步长扣分；达标得分：达到目标得满分，否则0分；分档得分：达到某档得该档得分"),
    ("目标值", "得满分的值（百分比）；越高越好、越低越好、达标得分用"),
    ("步长", "每差多少扣一次分（百分点），如5%"), ("每步扣分", "每差一个步长扣的分"),
    ("部分得分", "不足一个步长时：不足一档按一档，或按比例"), ("分母为0时", "分母为0（不适用）时得满分或得0分"),
    ("不得分界限", "可空；越高越好时低于此值、越低越好时高于此值，本项0分"),
    *((f"第{k}档界限", "分档得分用：达到（越低越好时不超过）此值得本档得分；从最差一档填起，不用的档留空")
      for k in range(1, MAX_BANDS + 1)),
    *((f"第{k}档得分", "分档得分用：本档得分；最高一档等于标准分") for k in range(1, MAX_BANDS + 1)),
    ("加分上限", "加分项用：累计不超过的分数"),
    ("牵头单位", "从“责任单位”表中选择"), ("配合单位", "多个单位用顿号（、）分隔"),
    ("佐证材料", "多项用顿号（、）分隔"), ("差距分析用语", "差距分析中“……较目标少”前的说法，如“工业计量水量”"),
    ("评分方法（按本行生成）", "由本行参数（逐项得分、加分项为“得分项”表）自动生成的公式，修改参数后随之更新，供核对"),
)
# What a workbook exported by the previous release called the same columns (still imported).
EARLIER_HEADERS = {"分值": "标准分", **{f"第{k}档分值": f"第{k}档得分" for k in range(1, MAX_BANDS + 1)},
                   "差距措施用语": "差距分析用语", "评分规则（按本行生成）": "评分方法（按本行生成）", "编号": "序号"}
# Columns a previous release exported and the import still reads when present: where a content's
# wording and its points came from (the standard file keeps them; the sheets no longer show them).
SOURCE_HEADERS = {"内容来源": "source", "分值与规则来源": "rule_source", "来源": "source"}
RATE_RULE_NAMES = tuple(name for key, name in RULE_NAMES.items() if rule_kind(key) in RATE_RULES)
PERCENT_HEADERS = {"目标值", "步长", "不得分界限", *(f"第{k}档界限" for k in range(1, MAX_BANDS + 1))}
