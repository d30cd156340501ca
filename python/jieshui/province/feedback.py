"""复核意见反馈 (collect --feedback DIR): one workbook per county, ready to send back for the
深化提高 stage, most severe first: each claimed score that does not follow from the figures
(claimed, recomputed, why), what to correct (each problem with its cell), unmet prerequisites,
what the county should verify (复核提示), missing evidence (one line), and where points can
still be gained, most points first. One sheet on A4 portrait pages, each section's heading kept
with its first rows; values only (XlsxWriter)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Callable


from ..workbook.styles import plain_document, print_setup, text_height
from ..engine import Standard
from ..engine.words import BLANK, date, shown
from ..files import write_new
from ..workbook.check import SEVERITY
from .collect import CountyResult
from .tables import MISMATCH, evidence_summary

PREREQUISITE, EDITED_RULE = "必备条件不满足", "评价标准被修改"
# 序号, 内容 or 单元格, two numbers, 说明: A4 portrait one page wide at SCALE % (11 pt text at
# 7.9 pt) wherever it is printed (so wide, some 700 pt, where LibreOffice lacks Calibri); a fixed
# scale, so that the page breaks fall where they are set.
WIDTHS = (6, 20, 12, 12, 44)
SCALE = 72
# What one portrait page holds at SCALE (748 pt between the margins, less a good deal of slack): a
# section's heading is kept with its column headings and first row.
PAGE_PT = 960
BLANK_ROW_PT = 15
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def feedback_name(r: CountyResult, day: dt.date) -> str:
    """<县名>_复核意见_<YYYYMMDD>.xlsx; characters no file system takes become _."""
    return UNSAFE_NAME.sub("_", f"{r.name.strip()}_复核意见_{day:%Y%m%d}.xlsx")


class FeedbackWriter:
    def __init__(self, r: CountyResult, std: Standard, day: dt.date):
        self.r, self.std, self.day = r, std, day
        self.titles = {c.id: c.title for c in std.contents}

    def build(self) -> bytes:
        stream = io.BytesIO()
        book, self.styles = plain_document(stream, {"title": f"{self.r.name}节水型社会达标建设复核意见"})
        ws = book.add_worksheet("复核意见")
        for col, width in enumerate(WIDTHS):
            ws.set_column(col, col, width)
        print_setup(ws, landscape=False)
        ws.set_print_scale(SCALE)
        self.used, self.breaks = 0.0, []
        row = self.heading(ws)
        for title, headers, rows in self.sections():
            row = self.section(ws, row, title, headers, rows)
        if self.breaks:
            ws.set_h_pagebreaks(self.breaks)
        book.close()
        return stream.getvalue()

    def heading(self, ws: Any) -> int:
        r, s = self.r, self.styles
        ws.merge_range(0, 0, 0, 4, f"{r.name}节水型社会达标建设复核意见", s.title)
        ws.set_row(0, 30)
        self.used = 30
        facts = [("评价年度", shown(r.year)), ("复核日期", date(self.day)),
                 ("复算总分", shown(r.total) if r.total is not None else "无法计算（数据不完整，见下表）"),
                 ("工作簿显示总分", BLANK if r.claimed_total in (None, "") else shown(r.claimed_total)),
                 ("复核结论", r.verdict), ("所属", f"{r.province}{r.city}"),
                 ("评价标准版本", r.standard_version or BLANK), ("填报日期", r.report_date or BLANK),
                 ("复核文件", Path(r.file).name + (f"（{r.note}）" if r.note else ""))]
        for i, (label, value) in enumerate(facts):
            ws.write_string(1 + i, 0, "", s.group)
            ws.write_string(1 + i, 1, label, s.group)
            ws.merge_range(1 + i, 2, 1 + i, 4, value, s.text)
            height = text_height([(label, WIDTHS[1]), (value, sum(WIDTHS[2:]))], 18)
            ws.set_row(1 + i, height)
            self.used += height
        return 2 + len(facts)

    def place(self, height: float) -> None:
        """A row of `height` goes on the page; the page's next one starts when it is full."""
        self.used = height if self.used + height > PAGE_PT else self.used + height

    def sections(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        """Most severe first (workbook.check.SEVERITY), the county's flags already in that order."""
        flags = self.r.flags
        evidence = evidence_summary(flags)
        return [
            ("一、自评赋分与填报数据不符（请核对数据或更正赋分）", ["序号", "评价内容", "工作簿显示", "按数据应为", "原因"],
             self.mismatches()),
            ("二、需要修改的问题（按单元格逐项修改）", ["序号", "单元格", "类别", "", "问题"],
             [[f["cell"] or BLANK, f["kind"], "", f["message"]] for f in flags
              if f["kind"] != MISMATCH and _severity(f) == 1]),
            ("三、必备条件不满足（一票否决，须优先整改）", ["序号", "单元格", "", "", "情况"],
             [[f["cell"] or BLANK, "", "", f["message"]] for f in flags if f["kind"] == PREREQUISITE]),
            ("四、请核实的情况（复核提示）", ["序号", "单元格", "", "", "情况"],
             [[f["cell"] or BLANK, "", "", f["message"]] for f in flags
              if f["kind"] != PREREQUISITE and _severity(f) in (2, 3)]),
            ("五、缺少佐证材料（请在“佐证材料”列标注或在“佐证台账”登记）", ["序号", "", "", "", "情况"],
             [["", "", "", evidence]] if evidence else []),
            ("六、失分情况（按失分多少排序，供深化提高阶段参考）", ["序号", "评价内容", "失分", "", "差距分析"],
             [[f"{g['title']}（第{g['id']}项）", g["lost"], "", g["gap"] or BLANK] for g in self.r.gaps]),
        ]

    def mismatches(self) -> list[list[Any]]:
        """Each content whose claimed points differ from the recomputed ones (with its cell and
        why the figures give what they give), then the total."""
        cells = {f["item"]: f["cell"] for f in self.r.flags if f["kind"] == MISMATCH and f.get("item")}
        gaps = {g["id"]: g["gap"] for g in self.r.gaps}
        rows: list[list[Any]] = []
        for c, claimed, points in zip(self.std.contents, self.r.claimed_points, self.r.points):
            if str(c.id) in cells:
                rows.append([f"第{c.id}项{c.title}（{cells[str(c.id)]}）", BLANK if claimed is None else claimed,
                             BLANK if points is None else points, self.reason(str(c.id), gaps.get(c.id))])
        rows += [[f"总分（{f['cell'] or BLANK}）", _total(self.r.claimed_total), _total(self.r.total), f["message"]]
                 for f in self.r.flags if f["kind"] == MISMATCH and not f.get("item")]
        return rows

    def reason(self, content: str, gap: str | None) -> str:
        """Why a content's claimed points differ: its 评价标准 row was edited in the workbook (the
        workbook scored it by the edited rule), or else what its figures lack."""
        edited = [f["message"] for f in self.r.flags if f["kind"] == EDITED_RULE and f.get("item") == content]
        if edited:
            return ("工作簿中本项评价标准被修改（" + "；".join(edited) + "），自评按修改后的规则计分；"
                    "复算按本次复核采用的评价标准，请恢复原评价标准后重新计算")
        return gap or "按填报数据复算的得分与自评不同，请核对数据或更正赋分"

    def section(self, ws: Any, row: int, title: str, headers: list[str], rows: list[list[Any]]) -> int:
        s = self.styles
        header = text_height([(h, w) for h, w in zip(headers, WIDTHS)], 18)
        heights = [text_height([(v, WIDTHS[c + 1]) for c, v in enumerate(values)], 18) for values in rows] or [18]
        # The heading, its column headings and its first row on one page: a break above the
        # heading when they would not fit under what the page already holds.
        heading = text_height([(title, sum(WIDTHS))], 18)
        if self.used + BLANK_ROW_PT + heading + header + heights[0] > PAGE_PT:
            self.breaks.append(row + 1)
            self.used = 0
        else:
            self.place(BLANK_ROW_PT)
        ws.set_row(row, BLANK_ROW_PT)
        ws.merge_range(row + 1, 0, row + 1, 4, title, s.bold_text)
        ws.set_row(row + 1, heading)
        ws.write_row(row + 2, 0, headers, s.header)
        ws.set_row(row + 2, header)
        self.place(heading + header)
        if not rows:
            ws.merge_range(row + 3, 0, row + 3, 4, "无", s.text)
            ws.set_row(row + 3, 18)
            self.place(18)
            return row + 4
        for i, (values, height) in enumerate(zip(rows, heights)):
            line = row + 3 + i
            ws.write_number(line, 0, i + 1, s.center)
            for col, value in enumerate(values, start=1):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(line, col, value, s.points)
                else:
                    ws.write_string(line, col, str(value), s.text)
            ws.set_row(line, height)
            self.place(height)
        return row + 3 + len(rows)


def _severity(flag: dict[str, Any]) -> int:
    return flag.get("severity") or SEVERITY.get(flag["kind"], 1)


def _total(value: Any) -> str:
    return BLANK if value in (None, "") else shown(value)


def write_feedback(results: list[CountyResult], std: Standard, folder: Path, day: dt.date,
                   on_done: Callable[[], None] | None = None) -> list[Path]:
    """One feedback workbook per scored county (never over an existing file); their paths."""
    written = []
    for r in results:
        if r.error or not r.name.strip():
            continue
        written.append(write_new(folder / feedback_name(r, day), FeedbackWriter(r, std, day).build()))
        if on_done:
            on_done()
    return written
