"""The county's self-assessment conclusion as one sentence on the 报送表, as a native formula
over the totals, the verdict and 附件2's 是否满足 column: the words of engine.conclusion
(self_conclusion) without the count of data problems, which only the engine knows."""

from __future__ import annotations

from typing import Any

from ..engine import Standard
from ..engine.words import UNMET, number

INCOMPLETE = "数据尚不完整，暂不能得出自评结论"


def formula(std: Standard, met_area: str, met_cells: list[str]) -> str:
    """=IF(…): 自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足;
    `met_cells` are 附件2's 是否满足 cells in order (INDEX is not in every office suite)."""
    count, mark = len(met_cells), number(std.pass_mark)
    unmet = "&".join(f'IF({ref}="{UNMET}","{n}、","")' for n, ref in enumerate(met_cells, start=1))
    score = ('"自评总分"&ROUND(out_total,2)&"分（基本分"&ROUND(out_base,2)&"分，加分"'
             '&ROUND(out_bonus,2)&"分）"')
    veto = f'"；不满足必备条件（第"&LEFT({unmet},LEN({unmet})-1)&"项）"'
    reached = (f'IF(out_verdict="{std.verdicts["pass"]}","，达到","，未达到")'
               f'&"{mark}分合格线，{count}项必备条件均满足"')
    return (f'IF(OR(NOT(ISNUMBER(out_total)),out_verdict="{std.verdicts["incomplete"]}"),"{INCOMPLETE}",'
            f'{score}&IF(COUNTIF({met_area},"{UNMET}")>0,{veto},{reached}))')


def value(std: Standard, outputs: dict[str, Any], met: list[Any]) -> str:
    """What the formula shows for these totals and prerequisites (the cached value)."""
    total, verdict = outputs["out_total"], outputs["out_verdict"]
    if not isinstance(total, (int, float)) or verdict == std.verdicts["incomplete"]:
        return INCOMPLETE
    score = (f"自评总分{_figure(total)}分（基本分{_figure(outputs['out_base'])}分，"
             f"加分{_figure(outputs['out_bonus'])}分）")
    unmet = [str(n) for n, m in enumerate(met, 1) if m == UNMET]
    if unmet:
        return f"{score}；不满足必备条件（第{'、'.join(unmet)}项）"
    reached = "，达到" if verdict == std.verdicts["pass"] else "，未达到"
    return f"{score}{reached}{number(std.pass_mark)}分合格线，{len(met)}项必备条件均满足"


def _figure(x: Any) -> str:
    """ROUND(x,2)& as Excel shows it: no trailing zeros."""
    return number(float(x)) if isinstance(x, (int, float)) else str(x)
