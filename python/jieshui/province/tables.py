"""The provincial review's tables as pandas DataFrames, with Chinese column names: what the
summary workbook shows and what --csv writes. Built from the batch's results only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..engine import Standard
from ..engine.words import BLANK
from ..workbook.check import FINDINGS, SEVERITY
from .collect import DUPLICATE, RESUBMITTED, SKIPPED, UNREADABLE, CountyResult

MISMATCH = "赋分与数据不符"
EVIDENCE = "赋分无佐证"
NO_CITY = "（未填）"
# What each severity asks of the county or the reviewer, as the 问题清单 shows it.
SEVERITY_WORDS = {1: "须更正", 2: "须整改", 3: "请核实", 4: "提醒"}


def ranked(results: list[CountyResult]) -> list[CountyResult]:
    """Scored counties, highest total first (counties without a total last, by name)."""
    scored = [r for r in results if not r.error]
    return sorted(scored, key=lambda r: (r.total is None, -(r.total or 0.0), r.city, r.name))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def findings(r: CountyResult) -> int:
    """问题数: data errors, mismatches (tampering included) and unmet prerequisites only."""
    return sum(f["kind"] in FINDINGS for f in r.flags)


def county_table(results: list[CountyResult], last_totals: dict[str, float] | None = None) -> pd.DataFrame:
    """One row a scored county, ranked; with last year's totals (by file), the change."""
    rows = []
    for rank, r in enumerate(ranked(results), start=1):
        row = {"序号": rank, "县（旗、区）": r.name, "省": r.province, "市（盟、州）": r.city,
               "评价年度": r.year, "总分（复算）": r.total, "基本分": r.base, "加分": r.bonus,
               "结论": r.verdict, "工作簿显示总分": _number(r.claimed_total), "问题数": findings(r),
               "赋分不符项数": sum(f["kind"] == MISMATCH for f in r.flags),
               "评价标准版本": r.standard_version or BLANK, "填报日期": r.report_date or BLANK, "文件": r.file}
        if last_totals is not None:
            last = last_totals.get(r.file)
            row["上年总分"] = last
            row["较上年变化"] = None if last is None or r.total is None else round(r.total - last, 2)
        rows.append(row)
    return pd.DataFrame(rows, columns=_county_columns(last_totals is not None))


def _county_columns(with_history: bool) -> list[str]:
    columns = ["序号", "县（旗、区）", "省", "市（盟、州）", "评价年度", "总分（复算）", "基本分", "加分", "结论",
               "工作簿显示总分", "问题数", "赋分不符项数", "评价标准版本", "填报日期", "文件"]
    return columns[:9] + ["上年总分", "较上年变化"] + columns[9:] if with_history else columns


def _points_column(content_id: int, kind: str) -> str:
    return f"第{content_id}项{kind}"


def points_table(results: list[CountyResult], std: Standard) -> pd.DataFrame:
    """The claimed-versus-recomputed matrix: per county, each content's two numbers."""
    rows = []
    for r in ranked(results):
        row: dict[str, Any] = {"县（旗、区）": r.name, "市（盟、州）": r.city}
        for k, c in enumerate(std.contents):
            row[_points_column(c.id, "自评")] = _number(r.claimed_points[k]) if k < len(r.claimed_points) else None
            row[_points_column(c.id, "复算")] = r.points[k] if k < len(r.points) else None
        rows.append(row)
    columns = ["县（旗、区）", "市（盟、州）"] + [_points_column(c.id, kind) for c in std.contents for kind in ("自评", "复算")]
    return pd.DataFrame(rows, columns=columns)


PROBLEM_COLUMNS = ["县（旗、区）", "类别", "处理", "单元格", "问题", "文件"]


def evidence_summary(flags: list[dict[str, Any]]) -> str:
    """A county's evidence reminders in one sentence: the contents, then the prerequisites."""
    reminders = [f for f in flags if f["kind"] == EVIDENCE]
    contents = [f["item"] for f in reminders if f.get("item", "").isdigit()]
    prereqs = [f["item"] or f["cell"] for f in reminders if not f.get("item", "").isdigit()]
    parts = [f"{len(contents)}项得分内容未标注佐证：{'、'.join(contents)}"] if contents else []
    parts += [f"{len(prereqs)}项满足的必备条件未标注佐证：{'、'.join(prereqs)}"] if prereqs else []
    return "；".join(parts)


def county_problems(r: CountyResult) -> list[dict[str, Any]]:
    """A scored county's 问题清单 rows, most severe first; its evidence reminders in one row."""
    rows = [{"severity": f.get("severity", SEVERITY.get(f["kind"], 1)), "县（旗、区）": r.name, "类别": f["kind"],
             "单元格": f["cell"], "问题": f["message"], "文件": r.file} for f in r.flags if f["kind"] != EVIDENCE]
    if any(f["kind"] == EVIDENCE for f in r.flags):
        rows.append({"severity": SEVERITY[EVIDENCE], "县（旗、区）": r.name, "类别": EVIDENCE, "单元格": "",
                     "问题": evidence_summary(r.flags), "文件": r.file})
    return rows


def problem_table(results: list[CountyResult]) -> pd.DataFrame:
    """Every problem of the batch, most severe first (then in file order): what must be corrected
    before what must be verified before what is a reminder."""
    rows = []
    for r in results:
        if r.error:
            rows.append({"severity": r.severity, "县（旗、区）": r.name, "类别": r.error_kind, "单元格": "",
                         "问题": r.error, "文件": r.file})
        rows += county_problems(r)
    rows.sort(key=lambda row: row["severity"])  # stable: file order within a severity
    for row in rows:
        row["处理"] = SEVERITY_WORDS.get(row.pop("severity"), SEVERITY_WORDS[1])
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame.insert(0, "序号", range(1, len(frame) + 1))
    return frame


def verdict_columns(std: Standard) -> list[tuple[str, str]]:
    """(column heading, verdict) in the review's words: 合格 and 不合格 stand for the long pass
    and fail texts."""
    v = std.review_verdicts
    return [("合格", v["pass"]), ("不合格", v["fail"]), (v["veto"], v["veto"]), (v["incomplete"], v["incomplete"])]


def city_table(results: list[CountyResult], std: Standard) -> pd.DataFrame:
    """Counties by city and verdict (a crosstab), cities in order."""
    frame = pd.DataFrame({"市（盟、州）": [r.city or NO_CITY for r in ranked(results)],
                          "结论": [r.verdict for r in ranked(results)]})
    columns = verdict_columns(std)
    counts = pd.crosstab(frame["市（盟、州）"], frame["结论"]) if len(frame) else pd.DataFrame()
    table = pd.DataFrame({heading: counts[verdict] if verdict in counts else 0
                          for heading, verdict in columns}, index=counts.index).fillna(0).astype(int)
    table.insert(0, "县数", table.sum(axis=1))
    return table.rename_axis("市（盟、州）").reset_index()


def indicator_loss(results: list[CountyResult], std: Standard) -> pd.DataFrame:
    """Per indicator, the share of its points the province's counties lost: what to push."""
    rows = []
    for k, c in enumerate(std.contents):
        for r in ranked(results):
            points = r.points[k] if k < len(r.points) else None
            if points is not None and not c.is_bonus:
                rows.append({"评价指标": c.indicator, "标准分": c.max_points, "失分": c.max_points - points})
    frame = pd.DataFrame(rows, columns=["评价指标", "标准分", "失分"])
    order = list(dict.fromkeys(c.indicator for c in std.contents if not c.is_bonus))
    table = frame.groupby("评价指标", sort=False)[["标准分", "失分"]].sum().reindex(order).fillna(0)
    table["失分比例"] = (table["失分"] / table["标准分"].where(table["标准分"] > 0)).fillna(0).round(4)
    return table.rename_axis("评价指标").reset_index()


@dataclass
class RunSummary:
    """What a reviewer acts on first: counties by verdict, the ones whose claimed scores do not
    follow from their figures, and the files that were not scored."""
    counties: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    mismatched: list[str] = field(default_factory=list)
    not_scored: Counter[str] = field(default_factory=Counter)
    # "县名（N 项）" of the counties with findings (问题数 > 0), most findings first.
    with_findings: list[str] = field(default_factory=list)
    hinted: list[str] = field(default_factory=list)  # the counties with a 复核提示

    @classmethod
    def of(cls, results: list[CountyResult]) -> RunSummary:
        scored = ranked(results)
        worst = sorted((r for r in scored if findings(r)),  # data errors and mismatches before prerequisites
                       key=lambda r: (min(f["severity"] for f in r.flags), -findings(r)))
        return cls(len(scored), Counter(r.verdict for r in scored),
                   [r.name for r in scored if any(f["kind"] == MISMATCH for f in r.flags)],
                   Counter(r.error_kind for r in results if r.error),
                   [f"{r.name}（{findings(r)}项）" for r in worst],
                   [r.name for r in scored if any(f.get("severity") == SEVERITY["复核提示"] for f in r.flags)])

    def lines(self, std: Standard) -> list[tuple[str, str]]:
        """(label, text) rows, in the order the terminal and 汇总 show them: the counties with
        findings first, then verdicts, then what the reviewer should verify."""
        lines = [("已复核县数", f"{self.counties}个"),
                 ("有须更正或整改问题的县", _names(self.with_findings)
                  + ("（列在“问题清单”最前）" if self.with_findings else ""))]
        lines += [(f"结论：{heading}", f"{self.verdicts[verdict]}个") for heading, verdict in verdict_columns(std)]
        lines.append(("自评赋分与数据不符", _names(self.mismatched)))
        lines.append(("有复核提示（请核实）的县", _names(self.hinted)))
        lines += [(f"{kind}的文件", f"{self.not_scored[kind]}个（见“问题清单”）")
                  for kind in (UNREADABLE, RESUBMITTED, DUPLICATE, SKIPPED)]
        return lines


def _names(names: list[str], most: int = 20) -> str:
    """"N 个县：A、B…" (at most `most` names)."""
    listed = "、".join(names[:most]) + ("等" if len(names) > most else "")
    return f"{len(names)}个县" + (f"：{listed}" if listed else "")
