"""附件1责任分工（按单位）: for each member unit, the prerequisites and contents it leads or
supports, their points and evidence status (read from 附件2/附件3), its subtotal and its
monthly reports."""

from __future__ import annotations

from typing import Any

from ..engine import Prerequisite, Standard
from ..engine.words import BLANK
from ..workbook.contract import EVIDENCE_CHOICES, SHEET_UNITS, prereq_name
from ..workbook.inputs import WorkbookInputs
from .annex import County, county_line
from .book import Book, cell, numeral, protect
from .contents import Col as ContentCol, ContentCells
from .prereqs import Col as PrereqCol, PrereqCells
from .progress import ReportCounts
from ..workbook.styles import page_breaks, print_scaled, printed_height

FIRST_ROW = 3
WIDTHS = (6, 10, 46, 7, 8, 8, 36, 10)  # A4 landscape at about 80%
# This sheet's columns: 序号, 类别, 评价内容/必备条件, 职责, 标准分, 得分, 应提供的佐证材料, 佐证材料.
ROLE, MAX_POINTS, POINTS, EVIDENCE_LIST, EVIDENCE = 3, 4, 5, 6, 7
LEAD, COOP = "牵头", "配合"
UNMARKED = "未标注"


def unit_items(std: Standard, unit: str) -> list[tuple[Any, str]]:
    """(prerequisite or content, 牵头/配合) for every item the unit answers for."""
    items: list[tuple[Any, str]] = []
    for item in (*std.prerequisites, *std.contents):
        if unit in (item.lead, *item.coop):
            items.append((item, LEAD if item.lead == unit else COOP))
    return items


def write(book: Book, std: Standard, inputs: WorkbookInputs, county: County,
          contents: ContentCells, prereqs: PrereqCells, reports: ReportCounts) -> None:
    ws, styles = book.sheets[SHEET_UNITS], book.styles
    book.title(ws, "附件1县域节水型社会达标建设评估各单位责任分工表（按单位）", EVIDENCE)
    county_line(book, ws, county, EVIDENCE)
    book.headers(ws, 2, ["序号", "类别", "评价内容／必备条件", "职责", "标准分", "得分",
                         "应提供的佐证材料", "佐证材料"])
    row = FIRST_ROW
    sources = _Sources(inputs, contents, prereqs)
    heights: dict[int, float] = {0: 32.0, 1: 15.0, 2: 30.0}
    starts = []
    for u, unit in enumerate(std.units, start=1):
        items = unit_items(std, unit)
        leads = sum(1 for _, role in items if role == LEAD)
        ws.merge_range(row, 0, row, EVIDENCE, f"{numeral(u)}、{unit}（牵头{leads}项，配合"
                                              f"{len(items) - leads}项）", styles.group)
        starts.append(row)
        heights[row] = 20.0
        ws.set_row(row, heights[row])
        first, lead_rows = row + 1, []
        for n, (item, role) in enumerate(items, start=1):
            row += 1
            heights[row] = sources.write_row(book, ws, row, n, item, role)
            if role == LEAD and not isinstance(item, Prerequisite):
                lead_rows.append(row)
        _subtotal(book, ws, std, row + 1, first, row, lead_rows, reports.cells[unit])
        _returned(book, ws, row + 1, reports.returns[unit])
        heights[row + 1] = _fit_row(book, ws, row + 1, {})
        row += 3
    book.widths(ws, WIDTHS)
    ws.freeze_panes(3, 0)
    scale = print_scaled(ws, landscape=True, widths=WIDTHS, repeat=(0, 2))
    ws.set_h_pagebreaks(page_breaks(heights, FIRST_ROW, row - 2, starts, True, scale,
                                    repeated=heights[0] + heights[1] + heights[2], whole=True))
    protect(ws)


class _Sources:
    """Where a unit row reads its points and evidence status: 附件2 for a prerequisite,
    附件3 for a content."""

    def __init__(self, inputs: WorkbookInputs, contents: ContentCells, prereqs: PrereqCells):
        self.inputs, self.contents, self.prereqs = inputs, contents, prereqs

    def write_row(self, book: Book, ws: Any, row: int, n: int, item: Any, role: str) -> float:
        """One item's row; returns its height."""
        styles = book.styles
        ws.write(row, 0, n, styles.center)
        ws.write(row, ROLE, role, styles.center)
        ws.write(row, EVIDENCE_LIST, "、".join(item.evidence), styles.text)
        if isinstance(item, Prerequisite):
            ws.write(row, 1, "必备条件", styles.center)
            ws.write(row, 2, f"{prereq_name(item.id)}：{item.title}", styles.text)
            ws.write(row, MAX_POINTS, BLANK, styles.center)
            # 满足/不满足, or 缺数据 without the list of missing figures 附件2 shows in full
            met = self.prereqs.ref(item.id, PrereqCol.MET)
            self._copy(book, ws, row, POINTS, f'IF(LEFT({met},3)="{MISSING}","{MISSING}",{met})',
                       lambda i=item: _short(self.prereqs.met[self.prereqs.ids.index(i.id)]))
            evidence = (self.prereqs.ref(item.id, PrereqCol.EVIDENCE),
                        self.inputs.prereq_evidence.get(item.id))
        else:
            ws.write(row, 1, f"第{item.id}项", styles.center)
            ws.write(row, 2, f"{item.indicator}：{item.title}", styles.text)
            for col, source in ((MAX_POINTS, ContentCol.MAX_POINTS), (POINTS, ContentCol.POINTS)):
                self._copy(book, ws, row, col, self.contents.ref(item.id, source),
                           lambda i=item, s=source: self.contents.value(i.id, s))
            evidence = (self.contents.ref(item.id, ContentCol.EVIDENCE),
                        self.inputs.evidence.get(item.id))
        source, value = evidence
        book.formula(ws, row, EVIDENCE, f'IF({source}="","{UNMARKED}",{source})',
                     lambda: UNMARKED if value is None else value, styles.center)
        title = f"{prereq_name(item.id)}：{item.title}" if isinstance(item, Prerequisite) else f"{item.indicator}：{item.title}"
        return _fit_row(book, ws, row, {2: title, EVIDENCE_LIST: "、".join(item.evidence)})

    @staticmethod
    def _copy(book: Book, ws: Any, row: int, col: int, source: str, value: Any) -> None:
        book.formula(ws, row, col, source, value, book.styles.points)


MISSING = "缺数据"


def _short(met: Any) -> Any:
    return MISSING if isinstance(met, str) and met.startswith(MISSING) else met


def _fit_row(book: Book, ws: Any, row: int, texts: dict[int, Any]) -> float:
    """Set a row's height to show its texts ({column: text}; a computed cell's cached value
    read from the book) in full in print; a text under column B spans B:D."""
    cells = [(text, sum(WIDTHS[1:4]) if col == 1 else WIDTHS[col]) for col, text in texts.items()]
    cells += [(book.value_at(ws.name, row, col), sum(WIDTHS[1:4]) if col == 1 else WIDTHS[col])
              for col in range(len(WIDTHS))
              if col not in texts and book.value_at(ws.name, row, col) is not None]
    height = printed_height(cells)
    ws.set_row(row, height)
    return height


def _returned(book: Book, ws: Any, row: int, returned: tuple[str, Any]) -> None:
    """The subtotal row's label says whether the unit's 填报表 came back, and when."""
    source, value = returned
    text = f"已交回{value}" if value not in (None, "") else "未交回"
    book.formula(ws, row, 1, f'"牵头内容小计（填报表"&IF({source}="","未交回","已交回"&{source})&"）"',
                 lambda: f"牵头内容小计（填报表{text}）", book.styles.bold_text)


def _subtotal(book: Book, ws: Any, std: Standard, row: int, first: int, last: int,
              lead_rows: list[int], report: tuple[str, float]) -> None:
    styles = book.styles
    ws.write(row, 0, "", styles.text)
    ws.merge_range(row, 1, row, ROLE, "牵头内容小计", styles.bold_text)
    if lead_rows:
        maxima = ",".join(cell(r, MAX_POINTS) for r in lead_rows)
        points = ",".join(cell(r, POINTS) for r in lead_rows)
        max_values = [book.value_at(ws.name, r, MAX_POINTS) for r in lead_rows]
        got = [book.value_at(ws.name, r, POINTS) for r in lead_rows]
        complete = all(isinstance(v, (int, float)) for v in got)
        incomplete = std.verdicts["incomplete"]
        book.formula(ws, row, MAX_POINTS, f"SUM({maxima})", lambda: float(sum(max_values)),
                     styles.bold_points)
        book.formula(ws, row, POINTS,
                     f'IF(COUNT({points})={len(lead_rows)},SUM({points}),"{incomplete}")',
                     lambda: float(sum(got)) if complete else incomplete, styles.bold_points)
    else:
        ws.write(row, MAX_POINTS, BLANK, styles.center)
        ws.write(row, POINTS, BLANK, styles.center)
    span = f"{cell(first, EVIDENCE)}:{cell(last, EVIDENCE)}"
    provided = [book.value_at(ws.name, r, EVIDENCE) for r in range(first, last + 1)]
    count = last - first + 1
    book.formula(ws, row, EVIDENCE_LIST,
                 f'"佐证材料已提供"&COUNTIF({span},"{EVIDENCE_CHOICES[0]}")&"项（共{count}项）"',
                 lambda: f"佐证材料已提供{sum(v == EVIDENCE_CHOICES[0] for v in provided)}项（共{count}项）",
                 styles.text)
    count_ref, reports = report
    book.formula(ws, row, EVIDENCE, f'"月报"&{count_ref}&"次"', lambda: f"月报{reports:g}次",
                 styles.center)
