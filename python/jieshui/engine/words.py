"""The words a state is shown with, one word per state, wherever it is shown: workbook cells,
the terminal report, the submission sheet."""

from __future__ import annotations

YES, NO = "是", "否"
MISSING = "缺数据"
INVALID = "数据有误"
NOT_APPLICABLE = "不适用"
MET, UNMET = "满足", "不满足"
ERROR_PREFIX = "错误："
REACHED = "已达标"
# A computed cell never shows an empty string: LibreOffice and WPS recalculate a cell whose
# cached value is empty, and without our UDFs that shows #VALUE!.
BLANK = "—"


def met_word(met: bool | None) -> str:
    """A prerequisite's state: met, not met, or not decidable for want of data."""
    return {True: MET, False: UNMET, None: MISSING}[met]
