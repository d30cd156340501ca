"""生成自评报告: the county's 自评报告 as its office writes one, in GB/T 9704 format
(report_layout): 一、基本情况 (县情 and water use from the workbook, the naming under review),
二、组织实施, 三、主要做法和成效 (report_practice), 四、评价指标自评情况 and 五、存在问题及下一步工作打算
(report_scores), 六、自评结论, signed by the leading group's office on the 填报日期. Every figure
comes from the engine recomputing the workbook's inputs; what only the county can write is a 【】
placeholder, and the draft says so at the top."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..builder.progress import stages_in
from ..engine import Standard
from ..engine.conclusion import self_conclusion
from ..engine.words import date, shown
from ..files import write_new
from ..workbook.check import CheckResult
from ..workbook.inputs import WorkbookInputs
from .export import TITLE as EXPORT_TITLE, file_stem, pdf_with_libreoffice
from .report_facts import Facts
from .report_layout import Layout
from .report_practice import practice
from .report_scores import problems, scores

TITLE = "县域节水型社会达标建设复核自评报告"
DRAFT = ("（初稿说明：各项数字按县域复核工作簿的填报数据计算；【】内为需由本县填写的内容，"
         "请领导小组办公室核对、补充后使用，定稿前删除本段。）")
STANDARD = "水利部《节水型社会评价标准》（2023年修订）"
NOTICE = "【省级水行政主管部门复核工作通知名称及文号】"
# A named county is reviewed five years on: the 2025 review is of the 2020 naming.
REVIEW_CYCLE = 5
# The water use of 一、基本情况, clause by clause, each (words before a figure, the figure's
# input) in turn: a clause whose figures the workbook lacks (or the standard does not have) is
# left out.
WATER_USE = (
    (("用水总量", "total_water_use"), ("用水总量控制指标", "total_water_use_cap")),
    (("农业灌溉用水总量", "agri_irrigation_volume"),),
    (("工业用水总量", "industry_volume"),),
    (("生活和服务业取用水总量", "service_volume"),),
    (("地下水开采量", "groundwater_use"), ("控制指标", "groundwater_cap")),
    (("万元GDP用水量下降率", "gdp_intensity_decline"), ("年度目标", "gdp_intensity_decline_target")),
    (("万元工业增加值用水量下降率", "industry_intensity_decline"), ("年度目标", "industry_intensity_decline_target")),
    (("农田灌溉水有效利用系数", "irrigation_efficiency"), ("目标", "irrigation_efficiency_target")),
    (("非常规水源利用量", "nonconventional_use"),),
    (("再生水利用量", "reclaimed_water_used"),),
)


class ReportWriter:
    """One report; `build()` sets the order of the chapters."""

    def __init__(self, checked: CheckResult, inputs: WorkbookInputs, std: Standard, day: dt.date):
        self.facts = Facts(checked.assessment, inputs, std, day)

    def build(self) -> bytes:
        self.doc = doc = Layout()
        facts = self.facts
        doc.title(f"{facts.name}县域节水型社会达标建设", "复核自评报告")
        doc.body(DRAFT)
        doc.body(f"按照{NOTICE}要求，{facts.name}对照{STANDARD}，对{facts.year}度节水型社会建设情况"
                 "开展了自评。现将自评情况报告如下。")
        self.basics()
        self.organisation()
        practice(doc, facts)
        scores(doc, facts)
        problems(doc, facts)
        doc.heading("六、自评结论")
        doc.body(f"经对照评价标准逐项自评，{facts.name}{self_conclusion(facts.assessment)}。")
        doc.signature(f"{facts.group}办公室", date(facts.day))
        doc.describe(f"{facts.name}{TITLE}", f"{facts.group}办公室", facts.day)
        return doc.save()

    def basics(self) -> None:
        doc, facts = self.doc, self.facts
        county = facts.inputs.county
        doc.heading("一、基本情况")
        doc.heading("（一）县情概况", 2)
        where = "".join(str(county.get(k) or "").strip() for k in ("province", "city"))
        doc.body(f"{facts.name}" + (f"隶属{where}，" if where else "") +
                 "【地理位置、行政区划、总面积、常住人口、地区生产总值、产业结构和水资源条件等县情概述】。")
        doc.heading("（二）用水情况", 2)
        clauses = []
        for clause in WATER_USE:
            given = [(words, facts.figure(key) if key in facts.std.inputs else None) for words, key in clause]
            if all(figure for _, figure in given):
                clauses.append("，".join(f"{words}{figure}" for words, figure in given))
        doc.body(f"{facts.year}，{facts.whole}{'；'.join(clauses)}。【水资源条件和用水结构特点】。" if clauses
                 else "【评价年度用水总量、用水结构和用水效率情况】。")
        doc.heading("（三）达标建设情况", 2)
        doc.body(f"{facts.name}于{facts.work_year - REVIEW_CYCLE}年被水利部公布为第【×】批节水型社会建设"
                 f"达标县（区）（【公告名称及文号】）。达标以来，{facts.name}【巩固提升达标建设成果的总体情况】。")

    def organisation(self) -> None:
        doc, facts, std = self.doc, self.facts, self.facts.std
        doc.heading("二、组织实施")
        office = "水利局" if "水利局" in std.units else "【牵头部门】"
        doc.body(f"{facts.name}人民政府成立了{facts.group}，由【组长、副组长姓名及职务】任组长、副组长，"
                 f"成员单位包括{'、'.join(std.units)}，共{len(std.units)}个。领导小组下设办公室，"
                 f"设在{office}，负责复核工作的日常组织协调。")
        doc.body(f"{facts.group}印发了《{facts.name}县域节水型社会达标建设复核工作实施方案》"
                 f"（【〔{facts.work_year}〕×号】），明确了目标任务、责任分工和时间安排，将"
                 f"{len(std.prerequisites)}项必备条件和{len(std.contents)}项评价内容逐项分解到牵头单位和配合单位。")
        doc.body(self.reports())
        stages = stages_in(std, facts.work_year)
        if stages:
            done = [s.name for s in stages if s.end < facts.day]
            now = [s.name for s in stages if s.start <= facts.day <= s.end]
            text = f"复核工作分{'、'.join(s.name for s in stages)}{len(stages)}个阶段推进。"
            if done or now:
                text += f"截至{date(facts.day)}，" + "，".join(
                    ([f"{'、'.join(done)}工作已完成"] if done else []) +
                    ([f"{'、'.join(now)}工作正在开展"] if now else [])) + "。"
            doc.body(text)

    def reports(self) -> str:
        """The monthly progress reports the units sent, as the 工作进度 sheet records them."""
        facts = self.facts
        sent = {unit: [m for m, v in enumerate(months, 1) if v == "已报"]
                for unit, months in facts.inputs.reports.items()}
        months = sorted({m for ms in sent.values() for m in ms})
        ask = f"各成员单位按照实施方案要求，每月{facts.std.report_day}日前向领导小组办公室报送工作进展"
        if not months:
            return f"{ask}【工作进展报送情况】。"
        total = sum(len(ms) for ms in sent.values())
        span = f"{months[0]}月至{months[-1]}月" if len(months) > 1 else f"{months[0]}月"
        return f"{ask}，{facts.work_year}年{span}累计报送{total}次。"


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
