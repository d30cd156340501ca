"""附件2必备条件: each prerequisite, the figures it is judged on, whether it is met (a veto
when not), and who answers for it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ..engine import Standard
from ..engine.words import UNMET
from ..workbook.contract import SHEET_PREREQS, prereq_name
from ..workbook.functions import JS_PREREQ
from ..workbook.inputs import WorkbookInputs
from . import ledger
from .annex import County, county_line, evidence_warning, responsibility
from .basic_data import InputCells
from .book import Book, area, protect, ref
from .calc import Calc
from .native import X
from ..workbook.styles import print_scaled, printed_height
from .twins import Twins

FIRST_ROW = 3
WIDTHS = (5, 26, 26, 22, 14, 10, 12, 22, 9, 8)  # A4 landscape at about 68%


class Col(IntEnum):
    ID = 0
    TITLE = 1
    BASIS = 2
    INPUTS = 3
    MET = 4
    LEAD = 5
    COOP = 6
    EVIDENCE_LIST = 7
    EVIDENCE = 8
    LEDGER = 9


HEADERS = ("序号", "必备条件", "判定依据", "填报数据", "是否满足", "牵头单位", "配合单位", "应提供的佐证材料",
           "佐证材料", "台账（份）")


@dataclass(frozen=True)
class PrereqCells:
    """Whether each prerequisite is met, as the sheet shows it, and where."""

    ids: list[str]
    met: list[Any]
    twins: list[X]

    def row(self, prereq_id: str) -> int:
        return FIRST_ROW + self.ids.index(prereq_id)

    def ref(self, prereq_id: str, col: Col) -> str:
        return ref(SHEET_PREREQS, self.row(prereq_id), col)

    def met_area(self) -> str:
        return area(SHEET_PREREQS, FIRST_ROW, Col.MET, FIRST_ROW + len(self.ids) - 1, Col.MET)


def write(book: Book, std: Standard, inputs: WorkbookInputs, county: County, data: InputCells,
          calc: Calc, twins: Twins) -> PrereqCells:
    ws, styles = book.sheets[SHEET_PREREQS], book.styles
    book.title(ws, "附件2县域节水型社会达标建设评估工作必备条件指标", len(Col) - 1)
    county_line(book, ws, county, len(Col) - 1)
    book.headers(ws, 2, HEADERS)
    met, twin_refs = [], []
    for i, prereq in enumerate(std.prerequisites):
        row = FIRST_ROW + i
        ws.write(row, Col.ID, i + 1, styles.center)
        ws.write(row, Col.TITLE, prereq.title, styles.text)
        ws.write(row, Col.BASIS, "；".join(c.label for c in prereq.conditions), styles.text)
        ws.write(row, Col.INPUTS, "、".join(std.inputs[k].label for k in dict.fromkeys(prereq.input_keys)),
                 styles.text)
        twin_refs.append(calc.pair(
            ws, row, Col.MET, f'JS_PREREQ("{prereq.id}",{data.refs(prereq.input_keys)})',
            lambda p=prereq.id, v=data.values_of(prereq.input_keys): JS_PREREQ(p, *v),
            twins.prerequisite(prereq.input_keys, prereq.conditions), styles.center, "state"))
        met.append(book.value_at(SHEET_PREREQS, row, Col.MET))
        responsibility(book, ws, row, Col.LEAD, prereq, inputs.prereq_evidence.get(prereq.id))
        name = prereq_name(prereq.id)
        book.formula(ws, row, Col.LEDGER, f'COUNTIF({ledger.ids_range()},"{name}")',
                     lambda p=prereq.id: float(inputs.documents(p)), styles.center)
        texts = (prereq.title, "；".join(c.label for c in prereq.conditions),
                 "、".join(std.inputs[k].label for k in dict.fromkeys(prereq.input_keys)),
                 met[-1], prereq.lead, "、".join(prereq.coop), "、".join(prereq.evidence))
        ws.set_row(row, printed_height(list(zip(texts, WIDTHS[Col.TITLE:Col.EVIDENCE])), 48))
    cells = PrereqCells([p.id for p in std.prerequisites], met, twin_refs)
    last = FIRST_ROW + len(std.prerequisites) - 1
    book.name("in_prereq_evidence", area(SHEET_PREREQS, FIRST_ROW, Col.EVIDENCE, last, Col.EVIDENCE))
    book.name("out_prereqs", cells.met_area())
    evidence_warning(book, ws, FIRST_ROW, last, Col.EVIDENCE, Col.LEDGER)
    ws.conditional_format(FIRST_ROW, Col.MET, last, Col.MET, {
        "type": "cell", "criteria": "==", "value": f'"{UNMET}"', "format": styles.bad})
    book.widths(ws, WIDTHS)
    ws.freeze_panes(FIRST_ROW, Col.BASIS)
    print_scaled(ws, landscape=True, widths=WIDTHS, repeat=(0, 2))
    protect(ws)
    return cells
