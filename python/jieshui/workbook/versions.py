"""Which rules a workbook was made with. An official version of the standard is named
`2023.1-jieshui.1` (year of the standard, its revision, our edition); a province's edit imported
from the standard workbook without a version of its own is named after it in words, e.g.
`2023.1-jieshui.1省级修订（2025年3月10日14:05保存）`, and its rules carry a digest (never shown)
so that an unchanged round trip keeps its name. 版本不符 then says whether a county used another
set of rules or an older template.

A workbook of the previous template (PREVIOUS_TEMPLATE) is still read: `upgrade` gives what was
read from it in the current template's words (佐证材料 提供/缺 → 已提供/未提供, the 评价标准 row's
wording columns as the current template writes them), so check and collect judge it as they
judge a current one. Only recalc (and merge, which recalculates) need the current template's
cells."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from ..engine import Standard
from .contract import EARLIER_WORDS, PREVIOUS_TEMPLATE, TEMPLATE_VERSION, Param, param_row

if TYPE_CHECKING:  # the readers load calamine and openpyxl: only what reads a workbook pays for them
    from .readers import WorkbookData

REVISION = "省级修订"
OFFICIAL = re.compile(r"(\d{4})\.(\d+)-jieshui\.(\d+)")
CHINA = dt.timezone(dt.timedelta(hours=8))  # one clock for every office, whatever the PC's zone


def rules_digest(std: Standard) -> str:
    """SHA-256 of everything that decides a score or a text the county sees: the standard less
    its version, its 来源说明 and where it was read from."""
    rules = dataclasses.asdict(dataclasses.replace(std, version="", source="", path=""))
    text = json.dumps(rules, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def china_time(stamp: dt.datetime) -> dt.datetime:
    """A file's time (naive means UTC, as Office documents store it) on Beijing's clock."""
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)).astimezone(CHINA)


def revision_name(official: str, saved: dt.datetime | None) -> str:
    """The version of a province's edit that has no version of its own, in words."""
    if saved is None:
        return f"{official}{REVISION}（保存时间不详）"
    local = china_time(saved)
    return f"{official}{REVISION}（{local.year}年{local.month}月{local.day}日{local:%H:%M}保存）"


def official_root(version: str) -> str | None:
    """The official version a version is, or was edited from (None for a province's own name)."""
    if OFFICIAL.fullmatch(version):
        return version
    edited = OFFICIAL.match(version)  # before 2025.5 a space came between the two
    if edited and version[edited.end():].lstrip(" ").startswith(REVISION):
        return edited.group()
    return None


def _order(version: str) -> tuple[int, ...]:
    match = OFFICIAL.fullmatch(version)
    return tuple(int(part) for part in match.groups()) if match else ()


def _template(found: Any) -> str:
    """Why a workbook's 模板版本 differs from this software's, or ""."""
    text = "" if found in (None, "") else str(found).strip()
    if text in (TEMPLATE_VERSION, PREVIOUS_TEMPLATE):
        return ""
    said = f"工作簿模板版本为{text or '空白'}"
    try:
        older = tuple(map(int, text.split("."))) < tuple(map(int, TEMPLATE_VERSION.split(".")))
    except ValueError:
        return f"{said}，无法识别（当前模板为{TEMPLATE_VERSION}）：请用当前模板重新生成工作簿"
    if older:
        return f"{said}，是较早的模板（当前模板为{TEMPLATE_VERSION}）：请用当前模板重新生成工作簿后填报"
    return f"{said}，比本软件的模板{TEMPLATE_VERSION}新：请升级 jieshui 后再复核"


def _standard(found: Any, official: str) -> str:
    """Why a workbook's 评价标准版本 differs from the standard of this review, or ""."""
    text = "" if found in (None, "") else str(found).strip()
    if text == official:
        return ""
    if not text:
        return f"工作簿中没有评价标准版本，无法确认按哪套规则编制（本次复核使用{official}）"
    said = f"工作簿的评价标准版本为{text}"
    if OFFICIAL.fullmatch(text):
        if not OFFICIAL.fullmatch(official):
            return (f"{said}（软件默认标准），是较早的模板，未采用本次复核使用的评价标准（{official}）："
                    "请县区用下发的模板重新填报")
        if _order(text) < _order(official):
            return f"{said}，是较早的模板（本次复核使用的版本为{official}）：请县区用当前模板重新填报"
        return f"{said}，比本次复核使用的{official}新：请升级 jieshui 后再复核"
    return (f"{said}，是另一套评价标准（本次复核使用{official}）：若是本省细则，请用该细则复核"
            "（--standard 细则文件）；否则请县区用本省下发的模板重新填报")


def version_mismatches(data: WorkbookData, std: Standard) -> list[tuple[str, str]]:
    """(cell, message) for each of the workbook's versions that is not this review's."""
    found = [(data.cell("tpl_version"), _template(data.template_version)),
             (data.cell("std_version"), _standard(data.standard_version, std.version))]
    return [(cell, message) for cell, message in found if message]


# The 评价标准 columns that only describe a content (no formula reads them): a previous
# template wrote them in its own words.
WORDING_COLUMNS = (Param.INDICATOR, Param.TITLE, Param.TEXT, Param.SOURCE)


def upgrade(data: WorkbookData, std: Standard) -> WorkbookData:
    """What was read from a previous template's workbook, in the current template's words (a
    current workbook is returned as read)."""
    if str(data.template_version).strip() != PREVIOUS_TEMPLATE:
        return data
    inputs = data.inputs
    inputs.evidence = {k: EARLIER_WORDS.get(v, v) for k, v in inputs.evidence.items()}
    inputs.prereq_evidence = {k: EARLIER_WORDS.get(v, v) for k, v in inputs.prereq_evidence.items()}
    for row, content in zip(data.standard_table, std.contents):
        official = param_row(content)
        for col in WORDING_COLUMNS:
            if col < len(row):
                row[col] = official[col]
        if Param.NOT_APPLICABLE < len(row) and isinstance(row[Param.NOT_APPLICABLE], str):
            row[Param.NOT_APPLICABLE] = EARLIER_WORDS.get(row[Param.NOT_APPLICABLE], row[Param.NOT_APPLICABLE])
    return data
