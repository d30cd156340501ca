"""生成自评报告: the self-assessment report as a Word document (python-docx), structured as such
reports are: 基本情况, 组织实施, 评价指标完成情况, 必备条件, 存在问题及整改措施, 自评结论. Every
number comes from the engine recomputing the workbook's inputs; the wording is a draft the
office edits, and the document says so at the top."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..builder.progress import stages_in, work_year
from ..engine import Standard
from ..engine.words import NOT_APPLICABLE, met_word, shown
from ..workbook.inputs import WorkbookInputs
from .charts import indicator_chart, leakage_chart
from ..files import write_new
from ..workbook.check import CheckResult
from .export import TITLE as EXPORT_TITLE, file_stem, pdf_with_libreoffice

TITLE = "县域节水型社会达标建设复核自评报告"
DRAFT = ("（初稿：本报告由 jieshui 根据县域复核工作簿自动生成，各项数字为按填报数据计算的结果；"
         "文字请县节水办核对、补充后使用，定稿前删除本段。）")
FONT, HEADING_FONT = "仿宋", "黑体"


def _percent(value: float | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value * 100:.2f}%"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


class ReportWriter:
    """One report; `build()` sets the order of the chapters."""

    def __init__(self, checked: CheckResult, inputs: WorkbookInputs, std: Standard, day: dt.date):
        self.result, self.inputs, self.std, self.day = checked.assessment, inputs, std, day
        county = inputs.county
        self.name = str(county.get("name") or "（未填县名）")

    def build(self) -> bytes:
        import docx
        from docx.oxml.ns import qn

        self.doc = doc = docx.Document()
        style = doc.styles["Normal"]
        style.font.name, style.font.size = FONT, docx.shared.Pt(12)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Chinese text in 仿宋, not Calibri
        for name in ("Title", "Heading 1"):  # headings in 黑体, black, as official documents are
            heading = doc.styles[name]
            heading.font.name, heading.font.color.rgb = HEADING_FONT, docx.shared.RGBColor(0, 0, 0)
            heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
        for section in doc.sections:  # A4
            section.page_width, section.page_height = docx.shared.Mm(210), docx.shared.Mm(297)
        self.docx = docx
        doc.add_heading(f"{self.name}{TITLE}", level=0)
        doc.add_paragraph(DRAFT)
        for chapter in (self.basics, self.organisation, self.indicators, self.prerequisites,
                        self.problems, self.conclusion):
            chapter()
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    def _table(self, headers: list[str], rows: list[list[Any]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers):
            cell.text = text
        for values in rows:
            for cell, value in zip(table.add_row().cells, values):
                cell.text = str(value)

    def basics(self) -> None:
        county, std = self.inputs.county, self.std
        self.doc.add_heading("一、基本情况", level=1)
        year = county.get("year")
        where = "".join(str(county.get(k) or "") for k in ("province", "city")) + self.name
        self.doc.add_paragraph(f"{where}按照《节水型社会评价标准》和县域节水型社会达标建设复核工作要求，"
                               f"对{year if year is not None else '评价'}年度节水型社会建设情况开展自评。"
                               "必备条件所依据的主要数据如下：")
        keys = list(dict.fromkeys(k for p in std.prerequisites for k in p.input_keys))
        rows = [[std.inputs[k].label, self._value(k), std.inputs[k].unit] for k in keys]
        self._table(["数据项", "数值", "单位"], rows)

    def _value(self, key: str) -> str:
        value = self.inputs.inputs.get(key)
        spec = self.std.inputs[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _percent(value) if spec.kind == "fraction" else f"{value:g}"
        return "未填写" if value in (None, "") else str(value)

    def organisation(self) -> None:
        std = self.std
        self.doc.add_heading("二、组织实施", level=1)
        self.doc.add_paragraph(f"成立县域节水型社会达标建设复核工作领导小组，成员单位{len(std.units)}个："
                               f"{'、'.join(std.units)}。各单位按责任分工（附件1）牵头或配合完成评价内容，"
                               f"每月{std.report_day}日前向领导小组办公室报送工作进展。")
        rows = []
        for unit in std.units:
            led = [str(c.id) for c in std.contents if c.lead == unit]
            reported = sum(1 for v in self.inputs.reports.get(unit, []) if v == "已报")
            rows.append([unit, "、".join(led) or "—", f"{reported}次"])
        self._table(["成员单位", "牵头的评价内容", "已报月报"], rows)
        if std.stages:
            self.doc.add_paragraph("工作按以下阶段推进：")
            county = self.inputs.county
            stages = stages_in(std, work_year(county.get("year"), county.get("report_date")))
            self._table(["阶段", "时间", "主要任务"],
                        [[s.name, f"{s.start:%Y年%m月%d日}至{s.end:%m月%d日}", s.tasks] for s in stages])

    def indicators(self) -> None:
        a = self.result
        self.doc.add_heading("三、评价指标完成情况", level=1)
        for indicator in dict.fromkeys(c.indicator for c in a.contents):
            items = [c for c in a.contents if c.indicator == indicator]
            got = sum(c.points or 0.0 for c in items)
            parts = "；".join(f"{c.title}{'为 ' + _percent(c.value) if c.value is not None else ''}，"
                             f"得{_points(c.points)}分（标准分{c.max_points:g}分）" for c in items)
            self.doc.add_paragraph(f"{indicator}：{parts}。该指标共得{got:g}分。")
        self._table(["序号", "评价指标", "评价内容", "标准分", "计算值", "自评得分"],
                    [[c.id, c.indicator, c.title, f"{c.max_points:g}",
                      _percent(c.value) if c.value is not None else "—", _points(c.points)] for c in a.contents])
        self.doc.add_paragraph("各项指标得分情况见下图。")
        self.doc.add_picture(io.BytesIO(indicator_chart(a)), width=self.docx.shared.Mm(160))
        leakage = leakage_chart(a)
        if leakage is not None:
            self.doc.add_paragraph("城镇公共供水管网漏损率按 CJJ 92-2016修正，各供水单位构成见下图。")
            self.doc.add_picture(io.BytesIO(leakage), width=self.docx.shared.Mm(160))

    def prerequisites(self) -> None:
        self.doc.add_heading("四、必备条件", level=1)
        for p in self.result.prerequisites:
            detail = f"（未满足：{'；'.join(p.unmet)}）" if p.met is False and p.unmet else ""
            self.doc.add_paragraph(f"{p.id} {p.title}：{met_word(p.met, p.invalid)}{detail}。")

    def problems(self) -> None:
        a, std = self.result, self.std
        self.doc.add_heading("五、存在问题及整改措施", level=1)
        gaps = a.ranked_gaps
        if not gaps:
            self.doc.add_paragraph("各项评价内容均已得满分。")
            return
        self.doc.add_paragraph("按可挽回分值从高到低，需整改的评价内容如下：")
        self._table(["评价内容", "可挽回分", "整改措施", "牵头单位"],
                    [[f"{c.id} {c.title}", f"{c.lost:g}", c.gap or "—", std.content(c.id).lead] for c in gaps])

    def conclusion(self) -> None:
        a, std = self.result, self.std
        self.doc.add_heading("六、自评结论", level=1)
        if a.total is None:
            self.doc.add_paragraph(f"数据尚不完整（{len(a.errors)}项问题），暂不能得出结论：{a.verdict}。")
            return
        self.doc.add_paragraph(f"经自评，基本分{a.base:g}分，加分{a.bonus:g}分，总分{a.total:g}分"
                               f"（满分{std.base_max + std.bonus_cap:g}分，{std.pass_mark:g}分合格）。"
                               f"自评结论：{a.verdict}。")
        self.doc.add_paragraph(f"{self.name}（盖章）        {self.day:%Y年%m月%d日}")


def dated(inputs: WorkbookInputs, given: dt.date | None, today: dt.date) -> tuple[dt.date, str]:
    """The report's date and where it comes from: --date, else the workbook's 填报日期, else
    today (a draft of a workbook with no 填报日期 yet)."""
    if given is not None:
        return given, "按 --date 指定"
    report_date = inputs.county.get("report_date")
    if isinstance(report_date, dt.datetime):
        report_date = report_date.date()
    if isinstance(report_date, dt.date):
        return report_date, "按工作簿的填报日期"
    if report_date not in (None, ""):
        return today, f"工作簿的填报日期{shown(report_date)}不是日期，按今天"
    return today, "工作簿未填填报日期，按今天"


def report_document(checked: CheckResult, inputs: WorkbookInputs, std: Standard, day: dt.date) -> bytes:
    return ReportWriter(checked, inputs, std, day).build()


@dataclass
class Written:
    docx: Path
    pdf_note: str


def write_report(checked: CheckResult, inputs: WorkbookInputs, std: Standard, out_dir: Path,
                 day: dt.date, make_pdf: bool = True) -> Written:
    """`<县名>_县域节水型社会达标建设复核自评报告_<YYYYMMDD>.docx` (never over a file) and its PDF."""
    stem = file_stem(inputs, day).replace(EXPORT_TITLE, TITLE)
    target = write_new(out_dir / f"{stem}.docx", report_document(checked, inputs, std, day))
    return Written(target, pdf_with_libreoffice(target)[1] if make_pdf else "")
