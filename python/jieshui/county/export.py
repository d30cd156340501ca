"""导出报送表: the submission as a values-only, print-ready .xlsx (and a PDF where an office
suite can make one). Every score in it comes from the engine recomputing the inputs."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from ..workbook.styles import LINE_PT, plain_document, print_setup, text_height
from ..engine.conclusion import self_conclusion
from ..engine.words import BLANK, DATE_FORMAT, NOT_APPLICABLE, TERMS, met_word, percent
from ..files import claim, write_atomically, write_new
from ..workbook.inputs import WorkbookInputs
from ..workbook.check import CheckResult, Problem, cell_words
from .office import PDF_TIMEOUT, OfficeRun

TITLE = "县域节水型社会达标建设复核自评赋分表"  # every file the county hands in says 县域
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')
NAME_CHARS = 30  # a county name is a few characters; a longer one must not exceed the 255-byte file name
WIDTHS = (7, 16, 62, 9, 11, 12)  # 序号, 评价指标, 评价内容, 标准分, 自评得分, 完成值
DEFAULT_ROW = 15.0  # pt: a row left at its default height
# A4 landscape inside the margins print_setup sets (pt), and a column's printed width per
# character of width: LibreOffice prints columns some 1.34 times as wide as Excel's 0.75 pt a
# pixel (a wider stand-in for the default font), so the table is measured as LibreOffice prints it.
PAGE_WIDE, PAGE_TALL = 770.0, 500.0
LEAST_SCALE = 64  # %: 11 pt text prints at 7 pt and more


@dataclass
class Exported:
    xlsx: Path
    pdf: Path | None
    pdf_note: str


def file_stem(inputs: WorkbookInputs, day: dt.date) -> str:
    county = UNSAFE_NAME.sub("", str(inputs.county.get("name") or "")).lstrip("=+-@.")[:NAME_CHARS]
    county = county or "未填县名"
    return f"{county}_{TITLE}_{day:%Y%m%d}"


def text(value: Any) -> str:
    return "" if value is None else str(value)


class SubmissionWriter:
    def __init__(self, checked: CheckResult, inputs: WorkbookInputs, day: dt.date):
        self.result, self.problems = checked.assessment, checked.problems
        self.inputs, self.day = inputs, day

    def build(self) -> bytes:
        stream = io.BytesIO()
        county = self.inputs.county
        # Every text is quoted: "=..." typed by an official stays text when a cell is edited.
        book, self.styles = plain_document(stream, {"title": f"{county.get('name') or ''}{TITLE}",
                                                    "created": dt.datetime.combine(self.day, dt.time())})
        self.own_formats(book)
        ws = book.add_worksheet("报送表")
        self.heights: dict[int, float] = {}  # rows given a height of their own
        row = self.header(ws)
        row = self.contents(ws, row)
        row = self.totals(ws, row)
        self.set_row(ws, row, 12)  # a little space before the signatures
        row = self.signatures(ws, row + 1)
        print_setup(ws, landscape=True, repeat=(self.header_row, self.header_row), one_page=not self.problems)
        if self.problems:
            # The table with its totals and signatures on the first page, the problem list from
            # the next one on, together and at the table's scale (a fit-to-page scale would make
            # Excel ignore the page break).
            ws.set_h_pagebreaks([row])
            ws.set_print_scale(self.one_page_scale(row))
            row = self.problem_list(ws, row)
        # One page when clean (it fits legibly).
        ws.print_area(0, 0, row, 5)
        for col, width in enumerate(WIDTHS):
            ws.set_column(col, col, width)
        book.close()
        return stream.getvalue()

    def set_row(self, ws: Any, row: int, height: float) -> None:
        self.heights[row] = height
        ws.set_row(row, height)

    def one_page_scale(self, rows: int) -> int:
        """The print scale (%) that puts the first `rows` rows (the table to its signatures) on
        one A4 landscape page, wide and tall; never below what keeps 11 pt text at 7 pt."""
        tall = sum(self.heights.get(r, DEFAULT_ROW) for r in range(rows))
        wide = sum(w * 7 + 5 for w in WIDTHS) * 0.75 * 1.34
        return max(LEAST_SCALE, min(100, math.floor(100 * min(PAGE_TALL / tall, PAGE_WIDE / wide))))

    def own_formats(self, book: Any) -> None:
        """Points as officials write them (4, 96.5: General on a value rounded to hundredths, not
        4.0) and the 填报日期 as a Chinese date (2025年7月20日) on this signed form."""
        body = {"font_name": "仿宋", "font_size": 11, "border": 1, "valign": "vcenter", "align": "center"}
        self.points = book.add_format({**body, "num_format": "General"})
        self.bold_points = book.add_format({**body, "bold": True, "num_format": "General"})
        self.report_date = book.add_format({"font_name": "宋体", "font_size": 11, "align": "left",
                                            "num_format": DATE_FORMAT})
        self.conclusion = book.add_format({**body, "bold": True, "align": "left", "text_wrap": True,
                                           "quote_prefix": True})
        # The problem list at 11 pt: it prints at the table's scale, and must stay legible there.
        note = {"font_name": "仿宋", "font_size": 11, "valign": "top", "text_wrap": True, "quote_prefix": True}
        self.data_note = book.add_format({**note, "font_color": "#C00000"})
        self.hint_note = book.add_format(note)

    def header(self, ws: Any) -> int:
        county = self.inputs.county
        name = county.get("name") or "（未填县名）"
        year = county.get("year")
        period = f"（{year:g}年度）" if isinstance(year, (int, float)) else ""
        ws.merge_range(0, 0, 0, 5, text(f"{name}{TITLE}{period}"), self.styles.title)
        self.set_row(ws, 0, 32)
        unit = "".join(str(county.get(k) or "") for k in ("province", "city", "name"))
        report_date = county.get("report_date")
        ws.write(1, 0, "填报单位：", self.styles.plain)
        ws.merge_range(1, 1, 1, 2, text(unit or BLANK), self.styles.plain)
        ws.write(1, 3, "评价年度：", self.styles.plain)
        ws.write(1, 4, text(f"{year:g}" if isinstance(year, (int, float)) else year or BLANK), self.styles.plain)
        ws.write(2, 0, "联系人：", self.styles.plain)
        contact = "，电话".join(str(county.get(k)) for k in ("contact", "phone") if county.get(k))
        ws.merge_range(2, 1, 2, 2, text(contact or BLANK), self.styles.plain)
        ws.write(2, 3, "填报日期：", self.styles.plain)
        # Two columns wide: 2025年7月20日 does not fit the 自评得分 column alone (it would print ###).
        if isinstance(report_date, dt.date):
            ws.merge_range(2, 4, 2, 5, None, self.report_date)
            ws.write_datetime(2, 4, dt.datetime.combine(report_date, dt.time()), self.report_date)
        else:
            ws.merge_range(2, 4, 2, 5, text(report_date or BLANK), self.styles.plain)
        # Which rules scored it: a province's revision has a version of its own (issue 21).
        ws.write(3, 0, "评价标准：", self.styles.plain)
        ws.merge_range(3, 1, 3, 5, text(self.result.standard.version), self.styles.plain)
        row = 4
        data = sum(1 for p in self.problems if not p.is_hint)
        if data:
            ws.merge_range(row, 0, row, 5, f"数据问题：{data}项，请改正后重新导出（见表后清单）", self.styles.warning)
            row += 1
        elif self.problems:
            ws.merge_range(row, 0, row, 5, f"复核提示：{len(self.problems)}项（见表后清单）", self.styles.hint)
            row += 1
        self.header_row = row
        ws.write_row(row, 0, ["序号", TERMS["indicator"], "评价内容", TERMS["max_points"], "自评得分", TERMS["value"]], self.styles.header)
        return row + 1

    def contents(self, ws: Any, row: int) -> int:
        for c in self.result.contents:
            ws.write(row, 0, c.id, self.styles.center)
            ws.write(row, 1, text(c.indicator), self.styles.text)
            ws.write(row, 2, text(c.title), self.styles.text)
            ws.write_number(row, 3, round(c.max_points, 2), self.points)
            if c.points is None:  # 缺数据 or 错误, as the workbook's 得分 cell says
                ws.write(row, 4, c.state or BLANK, self.styles.center)
            else:
                ws.write_number(row, 4, round(c.points, 2), self.points)
            # The 完成值 as prose writes a rate (82.2%, 100%): one decimal, none when whole.
            shown_value = NOT_APPLICABLE if c.not_applicable else BLANK if c.value is None else percent(c.value)
            ws.write(row, 5, shown_value, self.styles.center)
            row += 1
        for n, p in enumerate(self.result.prerequisites, start=1):
            # 必备条件1…4, as the standard numbers them (the code's key is not a word).
            ws.merge_range(row, 0, row, 1, f"必备条件{n}", self.styles.center)
            ws.write(row, 2, text(p.title), self.styles.text)
            ws.write(row, 3, BLANK, self.styles.center)
            ws.write(row, 4, met_word(p.met, p.invalid), self.styles.center)
            ws.write(row, 5, "", self.styles.center)
            self.set_row(ws, row, max(30, text_height([(text(p.title), WIDTHS[2])])))
            row += 1
        return row

    def totals(self, ws: Any, row: int) -> int:
        r = self.result
        for label, value in (("基本分", r.base), ("加分", r.bonus), ("自评总分", r.total)):
            ws.merge_range(row, 0, row, 3, label, self.styles.bold_text)
            if value is None:
                ws.merge_range(row, 4, row, 5, BLANK, self.bold_points)
            else:
                ws.merge_range(row, 4, row, 5, None, self.bold_points)
                ws.write_number(row, 4, round(value, 2), self.bold_points)
            row += 1
        # The county's own conclusion; 资料复核 and 现场复核 are the province's decisions.
        ws.merge_range(row, 0, row, 1, "自评结论", self.styles.bold_text)
        ws.merge_range(row, 2, row, 5, self_conclusion(r), self.conclusion)
        self.set_row(ws, row, max(32, text_height([(self_conclusion(r), sum(WIDTHS[2:]))])))
        return row + 1

    def signatures(self, ws: Any, row: int) -> int:
        for col, label in ((0, "填报人："), (2, "审核人："), (3, "单位（盖章）："), (5, "日期：")):
            ws.write(row, col, label, self.styles.signature)
        self.set_row(ws, row, 36)
        return row + 1

    def problem_list(self, ws: Any, row: int) -> int:
        """数据问题 (to correct before submitting) apart from 复核提示 (what the reviewer will see)."""
        data = [p for p in self.problems if not p.is_hint]
        hints = [p for p in self.problems if p.is_hint]
        for problems, title, style, text_style in (
                (data, f"数据问题：{len(data)}项（请改正后重新导出）", self.styles.warning, self.data_note),
                (hints, f"复核提示：{len(hints)}项", self.styles.hint, self.hint_note)):
            if not problems:
                continue
            ws.merge_range(row, 0, row, 5, title, style)
            self.set_row(ws, row, 20)
            row += 1
            for n, problem in enumerate(problems, start=1):
                where = f"（{cell_words(problem.cell)}）" if problem.cell else ""
                line = f"{n}.【{problem.kind}】{problem.message}{where}"
                ws.merge_range(row, 0, row, 5, line, text_style)
                # Merged cells do not grow by themselves: as tall as the wrapped line.
                self.set_row(ws, row, text_height([(line, sum(WIDTHS))], minimum=LINE_PT + 4))
                row += 1
        return row


def problem_notes(problems: list[Problem]) -> list[tuple[str, bool]]:
    """What to tell the official after an export: (text, is a data problem)."""
    data = sum(1 for p in problems if not p.is_hint)
    notes = []
    if data:
        notes.append((f"数据问题{data}项：请改正后重新导出（已列在报送表末尾，可用“检查数据”查看）", True))
    if len(problems) > data:
        notes.append((f"复核提示{len(problems) - data}项（必备条件、佐证材料），已列在报送表末尾", False))
    return notes


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_with_libreoffice(source: Path) -> tuple[Path | None, str]:
    """Convert a written .xlsx or .docx with LibreOffice headless when it is installed; say
    plainly when it is not."""
    office = libreoffice()
    if office is None:
        return None, "未生成 PDF：本机没有 LibreOffice（Windows 上请用 Office 或 WPS 打开后另存为 PDF）"
    target = claim(source.with_suffix(".pdf"))
    try:
        with OfficeRun() as run:
            write_atomically(target, run.convert(office, source, "pdf").read_bytes())
        return target, f"已生成 PDF：{target}"
    except subprocess.TimeoutExpired:
        failure = f"LibreOffice 超过{PDF_TIMEOUT}秒未完成，已停止"
    except (subprocess.SubprocessError, OSError):
        failure = "LibreOffice 转换失败"
    finally:
        if not target.stat().st_size:  # stopped or failed: give the claimed name back
            target.unlink(missing_ok=True)
    return None, f"未生成 PDF：{failure}（可在 Office 或 WPS 中打开{source.suffix}文件后另存为 PDF）"


def export(checked: CheckResult, inputs: WorkbookInputs, out_dir: Path, day: dt.date,
           make_pdf: bool = True) -> Exported:
    """Write the submission .xlsx (never over an existing file) and, if possible, its PDF."""
    data = SubmissionWriter(checked, inputs, day).build()
    xlsx = write_new(out_dir / f"{file_stem(inputs, day)}.xlsx", data)
    if not make_pdf:
        return Exported(xlsx, None, "")
    pdf, note = pdf_with_libreoffice(xlsx)
    return Exported(xlsx, pdf, note)
