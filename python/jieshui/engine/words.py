"""The words a state is shown with, one word per state, wherever it is shown: workbook cells,
the terminal report, the submission sheet."""

from __future__ import annotations

import errno

YES, NO = "是", "否"
MISSING = "缺数据"
# Wrong data: a cell whose input is wrong shows "错误：<what is wrong>", and the cells that
# depend on it, the export and the review show the word alone.
INVALID = "错误"
NOT_APPLICABLE = "不适用"
MET, UNMET = "满足", "不满足"
ERROR_PREFIX = f"{INVALID}："
REACHED = "已达标"
# A computed cell never shows an empty string: LibreOffice and WPS recalculate a cell whose
# cached value is empty, and without our UDFs that shows #VALUE!.
BLANK = "—"


def met_word(met: bool | None, invalid: bool = False) -> str:
    """A prerequisite's state: met, not met, or not decidable for want of data (missing, or
    `invalid`: wrong)."""
    if met is None:
        return INVALID if invalid else MISSING
    return MET if met else UNMET


def shown(value: object) -> str:
    """A value an official typed, as a message quotes it: never Python's repr (None, '…',
    datetime.date(…)), never a 400-digit number in full."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "空白"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str):
        return f"“{value[:30]}{'…' if len(value) > 30 else ''}”"
    if isinstance(value, int) and abs(value) >= 10 ** 15:
        return f"一个 {len(str(abs(value)))} 位的数"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "一组数据（应为单个数值）"
    if isinstance(value, dict):
        return "一个表（应为单个数值）"
    if hasattr(value, "isoformat"):  # a date or a time from a date cell
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")
    return str(value)


_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有权限（请检查文件或文件夹的权限，或是否被其他程序占用）",
    errno.EPERM: "没有权限", errno.EROFS: "所在磁盘只读", errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额", errno.ENAMETOOLONG: "文件名过长", errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹", errno.EEXIST: "文件已存在", errno.EBUSY: "文件被占用",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in Chinese (the system's own text is English)."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误（错误号 {exc.errno}）")
