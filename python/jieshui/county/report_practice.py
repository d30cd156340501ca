"""三、主要做法和成效: the county's work by sector, as county reports group it. Each sector gets
a 【】 for what only the county can write, the 完成值 of its contents from the workbook, and the
ledger's documents for them by name and 文号."""

from __future__ import annotations

import re

from ..engine.scoring import ContentResult
from .report_facts import Facts
from .report_layout import Layout

# (二级标题, what a content's title must contain to belong to the sector, the 【】 prompt). A
# content goes to the first sector it matches; one that matches none (定额, 计划用水, 水资源税,
# 节水评价, “三同时”) to the first, the management of water use. Titles, not ids: a province's
# standard may renumber its contents.
SECTORS = (
    ("（一）强化水资源刚性约束和用水管理", None, "用水定额、计划用水、水资源税、节水评价和“三同时”管理等方面的主要做法"),
    ("（二）推进农业节水增效", r"(?<!非)农业|灌溉", "灌区节水改造、高效节水灌溉、农业用水计量和农业水价综合改革等方面的主要做法"),
    ("（三）推进工业节水减排", r"工业|企业", "工业用水计量、节水型企业建设和工业节水改造等方面的主要做法"),
    ("（四）推进城镇节水降损", r"居民|生活|公共|管网|器具|城镇", "城镇供水管网改造、节水型单位和小区建设、节水器具推广和水价机制等方面的主要做法"),
    ("（五）加强非常规水源利用", r"再生水|非常规", "再生水、雨水、矿井水等非常规水源配置和利用方面的主要做法"),
    ("（六）加强节水宣传教育", r"宣传", "节水宣传教育的主要活动"),
)


def sector_of(title: str) -> int:
    for n, (_, pattern, _) in enumerate(SECTORS):
        if pattern and re.search(pattern, title):
            return n
    return 0


def practice(doc: Layout, facts: Facts) -> None:
    doc.heading("三、主要做法和成效")
    contents = [c for c in facts.assessment.contents if not facts.std.content(c.id).is_bonus]
    for n, (heading, _, prompt) in enumerate(SECTORS):
        mine = [c for c in contents if sector_of(c.title) == n]
        if not mine:
            continue
        doc.heading(heading, 2)
        doc.body(f"【{prompt}】。")
        done = [d for d in (achieved(facts, c) for c in mine) if d]
        if done:
            doc.body(f"{facts.year}，{'；'.join(done)}。")
        cited = facts.documents({c.id for c in mine})
        doc.body(f"相关文件有{'、'.join(cited)}。" if cited else "相关文件有【文件名称及文号】。")


def achieved(facts: Facts, result: ContentResult) -> str:
    """What a content reached, in a clause: its 完成值, or which of its requirements the county
    met (what it did not meet is said in 五、存在问题)."""
    content = facts.std.content(result.id)
    if content.rule.is_rate:
        if result.not_applicable or result.value is None:
            return ""
        return facts.rate(result)
    met = [item.label for item, ok in zip(content.rule.items, result.items_met) if ok]
    if not met:
        return ""
    if len(met) == len(content.rule.items):
        return f"{content.title}的{len(met)}项要求均已落实"
    return f"{content.title}的{len(content.rule.items)}项要求中已落实{len(met)}项（{'；'.join(met)}）"
