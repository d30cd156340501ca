"""The workbook's contract: sheet names, the 评价标准 parameter row, Chinese rule names, and the
messages UDF cells show. Shared by the UDFs, the workbook writer and the workbook reader."""

from __future__ import annotations

TEMPLATE_VERSION = "2025.1"

SHEET_COVER = "说明"
SHEET_INPUTS = "基础数据"
SHEET_UNITS = "附件1 责任分工"
SHEET_PREREQS = "附件2 必备条件"
SHEET_CONTENTS = "附件3 技术评估指标"
SHEET_PARAMS = "评价标准"
SHEET_SUBMISSION = "报送表"
SHEET_PROGRESS = "工作进度"
SHEET_CONFIG = "xlwings.conf"

UTILITY_ROWS = 10
LEAK_PARTS = ("R_WL", "R1", "R2", "R3", "R4", "R_BL")

# The 评价标准 row, left to right. JS_SCORE and JS_GAP read a content's parameters from it.
PARAM_HEADERS = ("序号", "评价指标", "评价内容", "规则类型", "分值", "目标值", "步长", "每步扣分",
                 "部分得分", "分母为0时", "加分上限", "第1项分值", "第2项分值", "第3项分值",
                 "第4项分值", "评分规则说明")
MAX_ITEMS = 4

RULE_NAMES = {"higher_better": "越高越好", "lower_better": "越低越好",
              "checklist": "逐项得分", "bonus": "加分项"}
PARTIAL_NAMES = {"ceil": "不足一档按一档", "linear": "按比例"}
NA_NAMES = {"full": "满分", "zero": "零分"}

YES, NO = "是", "否"
EVIDENCE_CHOICES = ("提供", "缺")
REPORT_CHOICES = ("已报", "未报")

MISSING = "缺数据"
INVALID = "数据有误"
NOT_APPLICABLE = "不适用"
MET, UNMET = "满足", "不满足"
ERROR_PREFIX = "错误："
REACHED = "已达标"
# Formulas never return an empty string: LibreOffice and WPS recalculate a cell whose cached
# value is empty, and without our UDFs that shows #VALUE!.
BLANK = "—"


def reverse(names: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in names.items()}
