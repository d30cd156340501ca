"""What the 自评报告 says about the county, as an official writes it: each figure the workbook
holds with its unit (万立方米 in prose), each content's 完成值 named by what it measures, the
ledger's documents by name and 文号. A figure the workbook does not hold is a 【】 for the county
to fill, never a guess."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..builder.progress import work_year
from ..engine import Assessment, Standard
from ..engine.scoring import ContentResult
from ..engine.standard import Content, InputSpec
from ..engine.words import EVIDENCE_GIVEN, YES, NO, number, percent, volume
from ..workbook.inputs import WorkbookInputs

# A content whose title names a rate reads "<title>为82.2%"; another ("水资源税足额征收") needs
# the noun: "<title>的比例为100%".
RATE_ENDINGS = ("率", "比例", "系数", "修正后）")
# 佐证材料 given: the glossary's word, and 提供 of the templates before it (still read).
GIVEN = {EVIDENCE_GIVEN, "提供"}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class Facts:
    """One county's figures and results, and the words the report writes them in."""

    assessment: Assessment
    inputs: WorkbookInputs
    std: Standard
    day: dt.date

    @property
    def name(self) -> str:
        return str(self.inputs.county.get("name") or "").strip() or "【县名】"

    @property
    def whole(self) -> str:
        """全县 / 全旗 / 全区 / 全市, after the county's own kind."""
        kind = self.name[-1] if self.name[-1] in "县旗区市" else "县"
        return f"全{kind}"

    @property
    def year(self) -> str:
        """The 评价年度 as prose writes it (2024年), a 【】 when the cover has none."""
        year = self.inputs.county.get("year")
        return f"{int(year)}年" if is_number(year) else "【评价年度】年"

    @property
    def work_year(self) -> int:
        county = self.inputs.county
        return work_year(county.get("year"), county.get("report_date")) or self.day.year

    @property
    def group(self) -> str:
        """The leading group the plan sets up (its office signs the report)."""
        return f"{self.name}节水型社会达标建设复核工作领导小组"

    def value(self, key: str) -> Any:
        return self.inputs.inputs.get(key)

    def figure(self, key: str) -> str | None:
        """An input as prose writes it with its unit, or None when the workbook holds no valid one."""
        value, spec = self.value(key), self.std.inputs[key]
        if spec.kind == "bool":
            return value if value in (YES, NO) else None
        if not is_number(value):
            return None
        return figure(spec, float(value))

    def labelled(self, key: str) -> str | None:
        """"农业灌溉计量水量25120万立方米", or None without a figure."""
        shown = self.figure(key)
        return None if shown is None else f"{self.std.inputs[key].label}{shown}"

    def measure(self, content: Content) -> str:
        """What a rate content's 完成值 measures, as the subject of a sentence."""
        title = content.title
        return title if title.endswith(RATE_ENDINGS) else f"{title}的比例"

    def rate(self, result: ContentResult) -> str:
        """"<what it measures>为<完成值>" of a rate content (三 says no more; 四 adds the figures)."""
        content = self.std.content(result.id)
        if result.value is None:
            return f"{self.measure(content)}暂无完成值"
        shown = (number(result.value, 3) if content.numerator and
                 self.std.inputs[content.numerator].kind == "coefficient" else percent(result.value))
        return f"{self.measure(content)}为{shown}"

    def completion(self, result: ContentResult) -> str:
        """"<完成值>（<numerator>，<denominator>）" of a rate content, as far as the workbook has it."""
        content = self.std.content(result.id)
        parts = [self.labelled(k) for k in (content.numerator, content.denominator) if k]
        if content.measure == "leakage":
            parts = [f"{n}{percent(u.r_bl)}" for n, u in self.assessment.leakage]
            parts = [f"各供水单位修正后漏损率：{'，'.join(parts)}"] if parts else []
        detail = "，".join(p for p in parts if p)
        return self.rate(result) + (f"（{detail}）" if detail and result.value is not None else "")

    def documents(self, content_ids: set[int]) -> list[str]:
        """The ledger's documents for these contents: 《名称》（文号）, in the ledger's order."""
        cited = []
        for _, row in self.inputs.ledger_rows():
            if row[0] in content_ids and str(row[1] or "").strip():
                title = str(row[1]).strip().strip("《》")
                code = str(row[2] or "").strip()
                cited.append(f"《{title}》" + (f"（{code}）" if code else ""))
        return list(dict.fromkeys(cited))

    def evidence(self, content: Content) -> str:
        """The evidence a content rests on: the ledger's documents, else the kinds the standard
        asks for and whether the county says it has them."""
        cited = self.documents({content.id})
        if cited:
            return f"佐证材料为{'、'.join(cited)}"
        kinds = "、".join(content.evidence)
        if self.inputs.evidence.get(content.id) in GIVEN:
            return f"佐证材料为{kinds}等【文件名称及文号】"
        return f"{kinds}等佐证材料尚未提供"


def figure(spec: InputSpec, value: float) -> str:
    """A figure with its unit in prose: 38650万立方米, 5.2%, 0.583, 40件, 198.5万亩."""
    if spec.kind == "volume":
        return volume(value)
    if spec.kind == "fraction":
        return percent(value)
    if spec.kind == "coefficient":
        return number(value, 3)
    if spec.kind == "count":
        return f"{number(value, 0)}{spec.unit}"
    return f"{number(value)}{spec.unit}"
