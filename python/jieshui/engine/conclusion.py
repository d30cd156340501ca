"""The county's self-assessment conclusion as one sentence (报送表, 自评报告, `score`): what the
county concludes, never the reviewer's decision."""

from __future__ import annotations

from .scoring import Assessment
from .words import number


def self_conclusion(a: Assessment) -> str:
    """"自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足", or what
    stands in the way: the prerequisites not met by their order, the data still missing."""
    std = a.standard
    if a.verdict == std.verdicts["incomplete"] or a.total is None:
        return f"数据尚不完整（{len(a.errors)}项问题），暂不能得出自评结论"
    score = f"自评总分{number(a.total)}分（基本分{number(a.base or 0)}分，加分{number(a.bonus or 0)}分）"
    unmet = [str(i) for i, p in enumerate(a.prerequisites, 1) if p.met is False]
    if unmet:
        return f"{score}；不满足必备条件（第{'、'.join(unmet)}项）"
    mark = number(std.pass_mark)
    if a.verdict == std.verdicts["fail"]:
        return f"{score}，未达到{mark}分合格线，{len(a.prerequisites)}项必备条件均满足"
    return f"{score}，达到{mark}分合格线，{len(a.prerequisites)}项必备条件均满足"
