"""四、评价指标自评情况 and 五、存在问题及下一步工作打算: the prerequisites with their figures, each
indicator's contents with 完成值 (numerator and denominator), evidence, 标准分 and 自评得分, the
24-row table; then each content that lost points as a sentence, by indicator, and for each a
measure for the county to write, naming who leads it and by when."""

from __future__ import annotations

from ..engine.scoring import ContentResult, PrerequisiteResult
from ..engine.standard import Condition, Prerequisite
from ..engine.words import BLANK, NOT_APPLICABLE, met_word, number, percent
from .charts import indicator_figure
from .report_facts import Facts
from .report_layout import Layout, width_in_characters as width

HEADERS = ("序号", "评价指标", "评价内容", "标准分", "完成值", "自评得分")
# The table fills the 版心's 156 mm. Each column but 评价内容 is as wide as its longest text
# on one line of 小四, 12 pt a character, figures half that, with the cell's 1 mm margins and
# 0.5 mm to spare: 评价指标 (at most 42 mm, a longer name wraps) and the numbers; a heading on
# one line, but 自评得分 on two (自评 / 得分, as wide as its figures), 评价内容 the rest.
TABLE_MM, CONTENT = 156, 2
MM_PER_CHARACTER, SPARE_MM, MOST_MM = 12 * 25.4 / 72, 2.5, 42.0
HEADING_LINES = {5: 2}


def widths(rows: list[list[str]]) -> list[float]:
    """The table's column widths in mm, from its headings and rows."""
    found = []
    for n, heading in enumerate(HEADERS):
        longest = max([width(heading) / HEADING_LINES.get(n, 1), *(width(row[n]) for row in rows)])
        found.append(min(MOST_MM, round(longest * MM_PER_CHARACTER + SPARE_MM, 1)))
    found[CONTENT] = round(TABLE_MM - sum(found) + found[CONTENT], 1)
    return found


def points(value: float | None) -> str:
    return BLANK if value is None else number(value)


def scores(doc: Layout, facts: Facts) -> None:
    a, std = facts.assessment, facts.std
    doc.heading("四、评价指标自评情况")
    doc.body(f"{facts.name}对照评价标准{len(std.prerequisites)}项必备条件、{len(std.indicators)}项评价指标、"
             f"{len(std.contents)}项评价内容逐项开展自评，各项情况如下。")
    doc.heading("（一）必备条件", 2)
    for n, p in enumerate(a.prerequisites, 1):
        doc.body(f"{n}.{prerequisite(facts, n - 1, p)}")
    doc.heading("（二）评价内容", 2)
    for n, indicator in enumerate(dict.fromkeys(c.indicator for c in a.contents), 1):
        items = [c for c in a.contents if c.indicator == indicator]
        doc.body(f"{n}.{indicator}。{subtotal(facts, items)}")
        for k, c in enumerate(items, 1):
            doc.body(f"（{k}）{content(facts, c)}")
    indicator_figure(doc, a)
    doc.heading("（三）自评得分", 2)
    if a.total is None:
        doc.body(f"因填报数据尚不完整，部分评价内容暂不能计算得分（表中以{BLANK}表示），各项得分见下表。")
    else:
        doc.body(f"基本分{number(a.base or 0)}分，加分{number(a.bonus or 0)}分，自评总分"
                 f"{number(a.total)}分。各项得分见下表。")
    doc.paragraph("评价内容自评得分表", "表格标题").paragraph_format.keep_with_next = True
    rows = [[str(c.id), c.indicator, c.title, number(c.max_points), completed(c), points(c.points)]
            for c in a.contents]
    total = ["合计", "", "", number(std.base_max + std.bonus_cap), BLANK, points(a.total)]
    table = doc.table(HEADERS, [*rows, total], widths(rows), left=(2,), merge=1)
    last = table.rows[-1].cells
    last[0].merge(last[2]).paragraphs[0].text = "合计"
    _drop_empty_paragraphs(last[0])


def subtotal(facts: Facts, items: list[ContentResult]) -> str:
    """An indicator's 标准分 and 自评得分 (the bonus: its cap and what it earned)."""
    got = None if any(c.points is None for c in items) else sum(c.points or 0.0 for c in items)
    if all(facts.std.content(c.id).is_bonus for c in items):
        return f"上限{number(sum(c.max_points for c in items))}分，自评加分{points(got)}分。"
    return f"标准分{number(sum(c.max_points for c in items))}分，自评得分{points(got)}分。"


def _drop_empty_paragraphs(cell) -> None:  # a merge keeps each merged cell's (empty) paragraph
    for extra in cell.paragraphs[1:]:
        if not extra.text:
            extra._p.getparent().remove(extra._p)


def completed(c: ContentResult) -> str:
    """The table's 完成值: a rate, 不适用, or — for a content scored by its requirements."""
    if c.not_applicable:
        return NOT_APPLICABLE
    return BLANK if c.value is None else percent(c.value)


def prerequisite(facts: Facts, index: int, p: PrerequisiteResult) -> str:
    """"用水总量符合控制指标。评价年用水总量…，用水总量控制指标…，满足该项必备条件。" """
    spec = facts.std.prerequisites[index]
    figures = [f for f in (condition(facts, c) for c in spec.conditions) if f]
    if p.met is None:
        state = f"因数据{met_word(p.met, p.invalid)}暂不能判定是否满足"
    else:
        state = f"{'满足' if p.met else '不满足'}该项必备条件"
    return f"{short(spec.title)}。" + ("；".join(figures) + "，" if figures else "") + f"{state}。"


def short(title: str) -> str:
    """A prerequisite's name: its title up to the colon that starts its explanation."""
    return title.split("：")[0]


def condition(facts: Facts, c: Condition) -> str:
    if c.input:  # a 是/否 the county states: its sentence is the prerequisite's title
        return ""
    shown = [facts.labelled(k) for k in (c.left, c.right) if k]
    return "，".join(s for s in shown if s)


def content(facts: Facts, c: ContentResult) -> str:
    """One content's sentence in its indicator's paragraph."""
    spec = facts.std.content(c.id)
    score = (f"标准分{number(c.max_points)}分，自评得分{points(c.points)}分" if not spec.is_bonus
             else f"上限{number(c.max_points)}分，自评加分{points(c.points)}分")
    if spec.rule.is_rate:
        if c.not_applicable:
            denominator = facts.std.inputs[spec.denominator].label if spec.denominator else "分母"
            what = f"{facts.measure(spec)}不适用（{denominator}为0）"
        else:
            what = facts.completion(c)
    elif spec.is_bonus:
        earned = [f"{i.label}（{number(i.points)}分）" for i, ok in zip(spec.rule.items, c.items_met) if ok]
        what = f"{'、'.join(earned)}符合加分条件" if earned else "暂无符合加分条件的事项"
    else:
        what = requirements(facts, c)
    return f"{what}，{score}。{facts.evidence(spec)}。"


def requirements(facts: Facts, c: ContentResult) -> str:
    """A content scored by its requirements: which are met and which are not."""
    spec = facts.std.content(c.id)
    met = [i.label for i, ok in zip(spec.rule.items, c.items_met) if ok]
    unmet = [i.label for i, ok in zip(spec.rule.items, c.items_met) if not ok]
    if c.points is None:
        return f"{spec.title}缺少填报数据"
    if not unmet:
        return f"{spec.title}的{len(met)}项要求（{'；'.join(met)}）均已落实"
    done = f"已落实{len(met)}项（{'；'.join(met)}），" if met else ""
    return f"{spec.title}的{len(spec.rule.items)}项要求中，{done}未落实{len(unmet)}项（{'；'.join(unmet)}）"


# -- 五、存在问题及下一步工作打算 -------------------------------------------------------------

def problems(doc: Layout, facts: Facts) -> None:
    a, std = facts.assessment, facts.std
    doc.heading("五、存在问题及下一步工作打算")
    doc.heading("（一）存在问题", 2)
    found = [(f"确保{short(q.title)}", q.lead, q.coop, unmet_prerequisite(facts, q))
             for q, p in zip(std.prerequisites, a.prerequisites) if p.met is False]
    found += [(task(facts, c), std.content(c.id).lead, std.content(c.id).coop, problem(facts, c))
              for c in a.contents if c.lost and not std.content(c.id).is_bonus]
    if not found:
        doc.body("对照评价标准，各项必备条件均已满足，各项评价内容均已得满分。【仍需巩固提升的方面】。")
    for n, (_, _, _, text) in enumerate(found, 1):
        doc.body(f"{n}.{text}")
    doc.heading("（二）下一步工作打算", 2)
    doc.body(f"针对上述问题，{facts.name}将【总体安排】，巩固提升节水型社会建设成果。")
    for n, (subject, lead, coop, _) in enumerate(found, 1):
        who = f"由{lead}牵头" + (f"，{'、'.join(coop)}配合" if coop else "")
        doc.body(f"{n}.{subject}。{who}，【具体措施】，于【完成时限】前完成。")


def unmet_prerequisite(facts: Facts, spec: Prerequisite) -> str:
    figures = [f for f in (condition(facts, c) for c in spec.conditions) if f]
    return f"必备条件“{short(spec.title)}”不满足" + (f"（{'；'.join(figures)}）" if figures else "") + "。"


def task(facts: Facts, c: ContentResult) -> str:
    """What the measure for a content's problem is about: 提高农业灌溉用水计量率, 全面落实…."""
    spec = facts.std.content(c.id)
    if spec.rule.is_rate:
        return f"{'提高' if spec.rule.higher else '降低'}{facts.measure(spec)}"
    return f"全面落实{spec.title}"


def problem(facts: Facts, c: ContentResult) -> str:
    """A content that lost points as a sentence with its subject: what it reached against what
    earns full points, and the points lost."""
    spec = facts.std.content(c.id)
    lost = f"失{number(c.lost or 0)}分"
    if spec.rule.is_rate and c.value is not None:
        target = spec.rule.full_at
        side = "低" if spec.rule.higher else "高"
        gap = abs(target - c.value) * 100
        return (f"{facts.measure(spec)}为{percent(c.value)}，较得满分所需的{percent(target)}{side}"
                f"{number(gap, 1)}个百分点，{lost}。")
    if c.points is None:
        return f"{spec.title}缺少填报数据，暂不能计算得分。"
    unmet = [i.label for i, ok in zip(spec.rule.items, c.items_met) if not ok]
    return f"{spec.title}的评分要求中，{'、'.join(unmet)}尚未落实，{lost}。"
