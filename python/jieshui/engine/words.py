"""The words users see, one word per concept, wherever it is shown: workbook cells, messages,
documents. The words live in data/words.toml (the glossary); this module is the one place code
takes them from, with the house style for numbers, volumes and dates in prose."""

from __future__ import annotations

import datetime as dt
import errno
import math
from importlib import resources
from typing import Any

from .tomlfile import loads

_DATA: dict[str, Any] = loads((resources.files("jieshui") / "data" / "words.toml").read_text("utf-8"))
_STATES: dict[str, str] = _DATA["states"]
TERMS: dict[str, str] = {key: entry["word"] for key, entry in _DATA["terms"].items()}

YES, NO = _STATES["yes"], _STATES["no"]
MISSING = _STATES["missing"]
# Wrong data: a cell whose input is wrong shows "错误：<what is wrong>", and the cells that
# depend on it, the export and the review show the word alone.
INVALID = _STATES["invalid"]
NOT_APPLICABLE = _STATES["not_applicable"]
MET, UNMET = _STATES["met"], _STATES["unmet"]
ERROR_PREFIX = f"{INVALID}："
REACHED = _STATES["reached"]
# A computed cell never shows an empty string: LibreOffice and WPS recalculate a cell whose
# cached value is empty, and without our UDFs that shows #VALUE!.
BLANK = _STATES["blank"]
EVIDENCE_GIVEN, EVIDENCE_MISSING = _STATES["evidence_given"], _STATES["evidence_missing"]


def glossary() -> dict[str, Any]:
    """The whole glossary as data (terms with the synonyms to avoid, forbidden words, the Latin
    allow-list): for the checks that hold every surface to it."""
    return _DATA


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
        return f"一个{len(str(abs(value)))}位的数"
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
    return _OS_REASONS.get(exc.errno or 0, f"系统错误（错误号{exc.errno}）")


def number(value: float, places: int = 2) -> str:
    """A figure as an official writes it: at most `places` decimals and none that say nothing
    (4.0 → 4, 96.50 → 96.5), no thousands separators."""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".") if places else f"{round(value):d}"
    return "0" if text in ("-0", "") else text


def percent(fraction: float, places: int = 1) -> str:
    """A rate in prose: one decimal (82.2%), a whole number bare (100%)."""
    return f"{number(fraction * 100, places)}%"


def volume(wan_m3: float) -> str:
    """A volume in prose (公文 write 万立方米, and 亿立方米 from 1亿 up); tables keep 万m³ in
    the header."""
    if math.isfinite(wan_m3) and abs(wan_m3) >= 10_000:
        return f"{number(wan_m3 / 10_000)}亿立方米"
    return f"{number(wan_m3)}万立方米"


def date(day: dt.date) -> str:
    """A date on a signed or printed document: 2025年7月20日, never zero-padded."""
    return f"{day.year}年{day.month}月{day.day}日"


# The number format of a date cell on a signed or printed sheet (Excel, WPS and LibreOffice).
DATE_FORMAT = 'yyyy"年"m"月"d"日"'

