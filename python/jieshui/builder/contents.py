"""附件3技术评估指标: the 24 contents with their computed value, points, points lost, gap
hint and responsibility, then the base, bonus, total and verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Callable

from ..engine import Content, Standard, describe_rule
from ..engine.words import BLANK, MISSING
from ..workbook.contract import NA_NOTE, RULE_NAMES, SHEET_CONTENTS, Param
from ..workbook.functions import JS_GAP, JS_LEAK_RATE, JS_RATE, JS_SCORE, JS_TOTAL, JS_VERDICT
from ..workbook.inputs import WorkbookInputs
from .annex import County, county_line, evidence_warning, responsibility
from .basic_data import InputCells
from .book import Book, area, cell, protect, ref
from .calc import Calc
from .native import X, call, if_, lift
from .params import Params
from .prereqs import PrereqCells
from . import ledger
from ..workbook.styles import LINE_PT, text_height
from . import pages
from .twins import Twins

FIRST_ROW = 3
WIDTHS = (5, 11, 26, 7, 44, 8, 16, 7, 7, 30, 10, 14, 25, 9, 11)
TOTALS = (("基本分", "out_base"), ("加分", "out_bonus"), ("总分", "out_total"))
TITLE = "县域节水型社会达标建设评估工作技术评估指标责任分工表（按评估指标）"


class Col(IntEnum):
    ID = 0
    INDICATOR = 1
    TITLE = 2
    MAX_POINTS = 3
    RULE = 4
    TARGET = 5
    VALUE = 6
    POINTS = 7
    LOST = 8
    GAP = 9
    LEAD = 10
    COOP = 11
    EVIDENCE_LIST = 12
    EVIDENCE = 13
    LEDGER = 14


HEADERS = ("序号", "评价指标", "评价内容", "标准分", "评分方法", "目标值", "完成值", "得分", "失分",
           "差距分析", "牵头单位", "配合单位", "应提供的佐证材料", "佐证材料", "台账（份）")


# The printed pages' columns: the scores, then (after the key columns 序号 to 评价内容 again)
# the gaps, the units and the evidence.
BANDS = ((Col.ID, Col.LOST), (Col.GAP, Col.LEDGER))


@dataclass(frozen=True)
class ContentCells:
    """Where each content's cells are and what they show; the totals and the verdict."""

    book: Book
    last_row: int
    outputs: dict[str, Any]

    @staticmethod
    def row(content_id: int) -> int:
        return FIRST_ROW + content_id - 1

    def ref(self, content_id: int, col: Col) -> str:
        return ref(SHEET_CONTENTS, self.row(content_id), col)

    def value(self, content_id: int, col: Col) -> Any:
        return self.book.value_at(SHEET_CONTENTS, self.row(content_id), col)

    def column(self, col: Col) -> str:
        return area(SHEET_CONTENTS, FIRST_ROW, col, self.last_row, col)


@dataclass(frozen=True)
class _Arguments:
    """A content's value formula (empty for item rules) and the inputs JS_SCORE/JS_GAP take."""

    value_formula: str
    value_compute: Callable[[], Any]
    value_twin: X | None  # None: an item rule, whose value column shows a dash
    inputs: str
    input_values: list[Any]


def _arguments(content: Content, data: InputCells, twins: Twins) -> _Arguments:
    if content.measure == "ratio":
        keys = [content.numerator or "", content.denominator or ""]
        refs, values = data.refs(keys), data.values_of(keys)
        return _Arguments(f"JS_RATE({refs},{content.id})",
                          lambda: JS_RATE(*values, float(content.id)), twins.ratio(content),
                          refs, values)
    if content.measure == "leakage":
        return _Arguments("JS_LEAK_RATE(in_utilities)", lambda: JS_LEAK_RATE(data.utilities),
                          twins.county_leakage(data.r_bl, data.supplies), "in_utilities",
                          [data.utilities])
    keys = list(content.input_keys)
    return _Arguments("", lambda: None, None, data.refs(keys), data.values_of(keys))


def target_text(content: Content) -> str:
    rule = content.rule
    if not rule.is_rate:
        return BLANK
    sign = "≥" if rule.higher else "≤"
    return f"{sign}{round(rule.full_at * 100, 6):g}%"


def write(book: Book, std: Standard, inputs: WorkbookInputs, county: County, params: Params,
          data: InputCells, prereqs: PrereqCells, calc: Calc, twins: Twins) -> ContentCells:
    ws, styles = book.sheets[SHEET_CONTENTS], book.styles
    heights = _title(book, ws, county)
    book.headers(ws, 2, HEADERS)
    ws.set_row(2, heights[2])
    scored = [_content_row(book, ws, content, params, data, (inputs.evidence.get(content.id),
                                                             inputs.documents(content.id)), calc, twins) for content in std.contents]
    last = FIRST_ROW + len(std.contents) - 1
    heights.update({FIRST_ROW + c.id - 1: _fit(book, ws, c) for c in std.contents})
    book.name("out_values", area(SHEET_CONTENTS, FIRST_ROW, Col.VALUE, last, Col.VALUE))
    book.name("out_points", area(SHEET_CONTENTS, FIRST_ROW, Col.POINTS, last, Col.POINTS))
    book.name("in_evidence", area(SHEET_CONTENTS, FIRST_ROW, Col.EVIDENCE, last, Col.EVIDENCE))
    outputs = _totals(book, ws, std, last + 1, scored, params, prereqs, calc, twins, heights)
    note = last + len(TOTALS) + 2
    _note(book, ws, note, NA_NOTE, heights)
    evidence_warning(book, ws, FIRST_ROW, last, Col.EVIDENCE, Col.LEDGER)
    ws.conditional_format(FIRST_ROW, Col.LOST, last, Col.LOST, {
        "type": "cell", "criteria": ">", "value": 0, "format": styles.lost})
    ws.conditional_format(FIRST_ROW, Col.POINTS, last, Col.POINTS, {
        "type": "text", "criteria": "begins with", "value": MISSING, "format": styles.bad})
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, Col.TITLE + 1)
    scale = pages.print_across(ws, WIDTHS, BANDS, (Col.ID, Col.TITLE), repeat=(0, 2))
    # the last two contents stay with the totals and the note
    blocks = [[r] for r in range(FIRST_ROW, last - 1)] + [list(range(last - 1, note + 1))]
    page = pages.usable_height(True, scale) - sum(heights[r] for r in range(FIRST_ROW))
    ws.set_h_pagebreaks(pages.row_breaks(heights, blocks, page))
    protect(ws)
    return ContentCells(book, last, outputs)


def _title(book: Book, ws: Any, county: County) -> dict[int, float]:
    """附件3 over the repeated key columns (so it heads every printed page), the title and the
    county over the first page's other columns (no part of them is cut off on a later page's
    key columns); the heights of the rows above the contents."""
    label = book.xl.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "valign": "vcenter"})
    title = book.xl.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "align": "center",
                                "valign": "vcenter", "text_wrap": True})
    ws.merge_range(0, Col.ID, 0, Col.TITLE, "附件3", label)
    ws.merge_range(0, Col.MAX_POINTS, 0, Col.LOST, TITLE, title)
    # a 16 pt character is 16/11 of a body one: two lines where Excel's columns are narrower
    lines = math.ceil(2 * 16 / 11 * len(TITLE) / (sum(WIDTHS[Col.MAX_POINTS:Col.LOST + 1]) - 1.5))
    heights = {0: 21.0 * lines + 4, 1: 15.0, 2: text_height(zip(HEADERS, WIDTHS), minimum=30)}
    ws.set_row(0, heights[0])
    county_line(book, ws, county, Col.LOST)
    return heights


def _note(book: Book, ws: Any, row: int, text: str, heights: dict[int, float]) -> None:
    """A note under the table, over the first page's columns right of the key columns."""
    width = sum(WIDTHS[Col.MAX_POINTS:Col.LOST + 1])
    ws.merge_range(row, Col.MAX_POINTS, row, Col.LOST, text, book.styles.note)
    heights[row] = text_height([(text, width)], minimum=LINE_PT + 4)
    ws.set_row(row, heights[row])


def _fit(book: Book, ws: Any, content: Content) -> float:
    """Size a content's row to its wrapped texts (the computed ones as cached); its height."""
    row = FIRST_ROW + content.id - 1
    texts = [(book.value_at(ws.name, row, col), WIDTHS[col]) for col in (Col.VALUE, Col.GAP)]
    texts += [(content.indicator, WIDTHS[Col.INDICATOR]), (content.title, WIDTHS[Col.TITLE]),
              (describe_rule(content.rule, na_note=False), WIDTHS[Col.RULE]),
              (content.lead, WIDTHS[Col.LEAD]), ("、".join(content.coop), WIDTHS[Col.COOP]),
              ("、".join(content.evidence), WIDTHS[Col.EVIDENCE_LIST])]
    height = text_height([(t, w) for t, w in texts if isinstance(t, str)])
    ws.set_row(row, height)
    return height


def _content_row(book: Book, ws: Any, content: Content, params: Params, data: InputCells,
                 evidence: tuple[Any, int], calc: Calc, twins: Twins) -> tuple[Any, X]:
    """Write one content's row; its points as the sheet shows them, and their twin."""
    styles, row = book.styles, FIRST_ROW + content.id - 1
    prow = params.values(content.id)
    ws.write(row, Col.ID, content.id, styles.center)
    ws.write(row, Col.INDICATOR, content.indicator, styles.text)
    ws.write(row, Col.TITLE, content.title, styles.text)
    max_points = book.formula(ws, row, Col.MAX_POINTS, params.ref(content.id, Param.MAX_POINTS),
                              lambda: prow[0][Param.MAX_POINTS], styles.points)
    ws.write(row, Col.RULE, describe_rule(content.rule, na_note=False), styles.text)
    ws.write(row, Col.TARGET, target_text(content), styles.center)
    args = _arguments(content, data, twins)
    if args.value_twin is not None:
        value_twin = calc.pair(ws, row, Col.VALUE, args.value_formula, args.value_compute,
                               args.value_twin, styles.percent)
        value, value_text = book.value_at(ws.name, row, Col.VALUE), ref(ws.name, row, Col.VALUE)
    else:
        ws.write(row, Col.VALUE, BLANK, styles.center)
        book.values[(ws.name, row, Col.VALUE)] = BLANK
        value, value_text, value_twin = None, '""', lift(BLANK)
    udf_args = f"{params.row_ref(content.id)},{value_text}" + (f",{args.inputs}" if args.inputs else "")
    point_twin = calc.pair(ws, row, Col.POINTS, f"JS_SCORE({udf_args})",
                           lambda: JS_SCORE(prow, value, *args.input_values),
                           twins.score(content, value_twin), styles.points)
    point = book.value_at(ws.name, row, Col.POINTS)
    here, top = cell(row, Col.POINTS), cell(row, Col.MAX_POINTS)
    book.formula(ws, row, Col.LOST, f'IF(ISNUMBER({here}),{top}-{here},"{BLANK}")',
                 lambda: max_points - point if isinstance(point, (int, float)) else BLANK,
                 styles.points)
    calc.pair(ws, row, Col.GAP, f"JS_GAP({udf_args})", lambda: JS_GAP(prow, value, *args.input_values),
              twins.gap(content, value_twin, point_twin, call("SUM", data.supply_column)),
              styles.text, "none")
    mark, documents = evidence  # the 已提供/未提供 mark, and the ledger's rows for this content
    responsibility(book, ws, row, Col.LEAD, content, mark)
    book.formula(ws, row, Col.LEDGER, f"COUNTIF({ledger.ids_range()},{cell(row, Col.ID)})",
                 lambda: float(documents), styles.center)
    return point, point_twin


def _totals(book: Book, ws: Any, std: Standard, top: int, scored: list[tuple[Any, X]],
            params: Params, prereqs: PrereqCells, calc: Calc, twins: Twins,
            heights: dict[int, float]) -> dict[str, Any]:
    """Base, bonus and total under the points column, then the verdict; their values by name."""
    styles = book.styles
    table = [params.rows[c.id] for c in std.contents]
    point_values = [[p] for p, _ in scored]
    bonus_rows = [params.cell(c.id, Param.RULE).eq(RULE_NAMES["bonus"]) for c in std.contents]
    base, bonus = twins.totals([t for _, t in scored], bonus_rows)
    out = area(SHEET_CONTENTS, FIRST_ROW, Col.POINTS, top - 1, Col.POINTS)
    outputs: dict[str, Any] = {}
    refs: list[X] = []
    for row, (part, name) in enumerate(TOTALS, start=top):
        ws.merge_range(row, 0, row, Col.VALUE, part, styles.bold_text)
        twin = {"out_base": base, "out_bonus": bonus}.get(name) or if_(
            call("ISNUMBER", refs[0]), refs[0] + refs[1], std.verdicts["incomplete"])
        ws.merge_range(row, Col.POINTS, row, Col.LOST, None, styles.bold_points)
        refs.append(calc.pair(ws, row, Col.POINTS, f'JS_TOTAL({out},{params.table_ref()},"{part}")',
                              lambda p=part: JS_TOTAL(point_values, table, p), twin, styles.bold_points))
        outputs[name] = book.value_at(ws.name, row, Col.POINTS)
        heights[row] = text_height([(str(outputs[name]), WIDTHS[Col.POINTS] + WIDTHS[Col.LOST])],
                                   minimum=LINE_PT + 4)
        ws.set_row(row, heights[row])
        book.name(name, ref(SHEET_CONTENTS, row, Col.POINTS))
    row = top + len(TOTALS)
    ws.merge_range(row, 0, row, Col.VALUE, "结论", styles.bold_text)
    ws.merge_range(row, Col.POINTS, row, Col.LOST, None, styles.bold_text)
    total_ref = ref(SHEET_CONTENTS, row - 1, Col.POINTS)
    met = [[v] for v in prereqs.met]
    calc.pair(ws, row, Col.POINTS, f"JS_VERDICT({total_ref},{prereqs.met_area()})",
              lambda: JS_VERDICT(outputs["out_total"], met), twins.verdict(refs[2], prereqs.twins),
              styles.bold_text, "text")
    outputs["out_verdict"] = book.value_at(ws.name, row, Col.POINTS)
    heights[row] = text_height([(outputs["out_verdict"], WIDTHS[Col.POINTS] + WIDTHS[Col.LOST])],
                               minimum=LINE_PT + 4)
    ws.set_row(row, heights[row])
    book.name("out_verdict", ref(SHEET_CONTENTS, row, Col.POINTS))
    return outputs
