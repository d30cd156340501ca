"""The provincial summary workbook: 汇总, 明细, 问题清单, 统计 (values only, XlsxWriter)."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..builder.styles import Styles, print_setup
from ..engine import Standard
from ..engine.words import BLANK
from .collect import CountyResult

CHART_COLUMN = 7
BINS = ((0, 60, "60 分以下"), (60, 70, "60～70"), (70, 80, "70～80"), (80, 85, "80～85"),
        (85, 90, "85～90"), (90, 95, "90～95"), (95, 100, "95～100"), (100, 110.001, "100 分以上"))


def ranked(results: list[CountyResult]) -> list[CountyResult]:
    """Scored counties, highest total first (counties without a total last, by name)."""
    scored = [r for r in results if not r.error]
    return sorted(scored, key=lambda r: (r.total is None, -(r.total or 0.0), r.city, r.name))


class SummaryWriter:
    def __init__(self, results: list[CountyResult], std: Standard):
        self.results, self.std = results, std
        self.counties = ranked(results)
        # A claimed score differs from the recomputed one by more than the standard's tolerance.
        self.threshold = f"{std.tolerance:.12f}"

    def build(self) -> bytes:
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
        book.set_properties({"title": "县域节水型社会达标建设复核汇总", "author": "jieshui"})
        self.styles = Styles(book, quote_text=True)
        self.overview(book.add_worksheet("汇总"))
        self.details(book.add_worksheet("明细"))
        self.problems(book.add_worksheet("问题清单"))
        self.statistics(book, book.add_worksheet("统计"))
        book.close()
        return stream.getvalue()

    def sheet_start(self, ws: Any, title: str, headers: list[str],
                    across: tuple[int, int] | None = None) -> None:
        ws.merge_range(0, 0, 0, max(len(headers) - 1, 1), title, self.styles.title)
        ws.write_row(1, 0, headers, self.styles.header)
        ws.freeze_panes(2, 0)
        print_setup(ws, landscape=True, repeat=(1, 1), across=across)

    def value(self, ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, BLANK if value is None or value == "" else str(value), self.styles.center)

    def overview(self, ws: Any) -> None:
        headers = ["序号", "县（旗、区）", "省", "市（盟、州）", "评价年度", "总分（复算）", "基本分", "加分",
                   "结论", "工作簿显示总分", "问题数", "文件"]
        self.sheet_start(ws, f"县域节水型社会达标建设复核汇总（{len(self.counties)} 个县）", headers)
        for i, r in enumerate(self.counties):
            row = 2 + i
            ws.write_number(row, 0, i + 1, self.styles.center)
            for col, text in ((1, r.name), (2, r.province), (3, r.city)):
                ws.write_string(row, col, text, self.styles.line)
            self.value(ws, row, 4, r.year, self.styles.center)
            for col, number in ((5, r.total), (6, r.base), (7, r.bonus), (9, r.claimed_total)):
                self.value(ws, row, col, number, self.styles.points)
            ws.write_string(row, 8, r.verdict, self.styles.line)
            ws.write_number(row, 10, len(r.flags), self.styles.center)
            ws.write_string(row, 11, r.file, self.styles.line)
        last = 1 + max(len(self.counties), 1)
        verdicts = self.std.verdicts
        for text, fmt in ((verdicts["pass"], self.styles.good), (verdicts["fail"], self.styles.bad),
                          (verdicts["veto"], self.styles.bad), (verdicts["incomplete"], self.styles.neutral)):
            ws.conditional_format(2, 8, last, 8, {"type": "cell", "criteria": "==",
                                                   "value": f'"{text}"', "format": fmt})
        ws.conditional_format(2, 10, last, 10, {"type": "cell", "criteria": ">", "value": 0,
                                                 "format": self.styles.neutral})
        ws.conditional_format(2, 9, last, 9, {"type": "formula", "criteria": f"=AND(ISNUMBER($J3),ISNUMBER($F3),ABS($J3-$F3)>{self.threshold})",
                                               "format": self.styles.bad})
        ws.autofilter(1, 0, last, len(headers) - 1)
        for col, width in enumerate([6, 14, 14, 12, 9, 10, 8, 8, 26, 12, 8, 50]):
            ws.set_column(col, col, width)

    def details(self, ws: Any) -> None:
        headers = ["县（旗、区）", "市（盟、州）"]
        for c in self.std.contents:
            headers += [f"{c.id} 自评", f"{c.id} 复算"]
        # 50 columns: across pages at full size, county and city repeated on each.
        self.sheet_start(ws, "各县 24 项评价内容得分：自评（工作簿显示）与复算", headers, across=(0, 1))
        for i, r in enumerate(self.counties):
            row = 2 + i
            ws.write_string(row, 0, r.name, self.styles.line)
            ws.write_string(row, 1, r.city, self.styles.line)
            for k in range(len(self.std.contents)):
                claimed = r.claimed_points[k] if k < len(r.claimed_points) else None
                points = r.points[k] if k < len(r.points) else None
                self.value(ws, row, 2 + 2 * k, claimed, self.styles.points)
                self.value(ws, row, 3 + 2 * k, points, self.styles.points)
        last = 1 + max(len(self.counties), 1)
        for k in range(len(self.std.contents)):
            claimed, recomputed = xl_col_to_name(2 + 2 * k), xl_col_to_name(3 + 2 * k)
            ws.conditional_format(2, 2 + 2 * k, last, 2 + 2 * k, {
                "type": "formula", "format": self.styles.bad,
                "criteria": f"=AND(ISNUMBER({claimed}3),ISNUMBER({recomputed}3),"
                            f"ABS({claimed}3-{recomputed}3)>{self.threshold})"})
        ws.set_column(0, 1, 14)
        ws.set_column(2, 1 + 2 * len(self.std.contents), 7)
        ws.freeze_panes(2, 2)

    def problems(self, ws: Any) -> None:
        headers = ["序号", "县（旗、区）", "类别", "单元格", "问题", "文件"]
        rows: list[list[str]] = []
        for r in self.results:
            if r.error:
                rows.append([r.name, r.error_kind, "", r.error, r.file])
            rows += [[r.name, f["kind"], f["cell"], f["message"], r.file] for f in r.flags]
        self.sheet_start(ws, f"问题清单（{len(rows)} 项）", headers)
        for i, values in enumerate(rows):
            ws.write_number(2 + i, 0, i + 1, self.styles.center)
            for col, text in enumerate(values, start=1):
                ws.write_string(2 + i, col, text, self.styles.text if col == 4 else self.styles.line)
        for col, width in enumerate([6, 14, 14, 22, 70, 50]):
            ws.set_column(col, col, width)

    def statistics(self, book: xlsxwriter.Workbook, ws: Any) -> None:
        totals = [r.total for r in self.counties if r.total is not None]
        self.sheet_start(ws, "复核统计", ["总分区间", "县数"])
        for i, (low, high, label) in enumerate(BINS):
            ws.write_string(2 + i, 0, label, self.styles.line)
            ws.write_number(2 + i, 1, sum(low <= t < high for t in totals), self.styles.center)
        chart = book.add_chart({"type": "column"})
        chart.add_series({"name": "县数", "categories": ["统计", 2, 0, 1 + len(BINS), 0],
                          "values": ["统计", 2, 1, 1 + len(BINS), 1], "fill": {"color": "#2F75B5"}})
        chart.set_title({"name": "总分分布", "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"name": "宋体", "size": 9}})
        # Right of both tables (the city table has 2 + 4 columns), so it covers none of them.
        ws.insert_chart(1, CHART_COLUMN, chart, {"x_scale": 1.3, "y_scale": 1.1})
        self.city_table(ws, 4 + len(BINS))
        ws.set_column(0, 0, 16)
        ws.set_column(1, 6, 12)

    def city_table(self, ws: Any, top: int) -> None:
        v = self.std.verdicts
        # 合格 and 不合格 stand for the long pass and fail texts; the others are short already.
        columns = [("合格", v["pass"]), ("不合格", v["fail"]), (v["veto"], v["veto"]),
                   (v["incomplete"], v["incomplete"])]
        ws.write_row(top, 0, ["市（盟、州）", "县数"] + [name for name, _ in columns], self.styles.header)
        by_city: dict[str, Counter[str]] = defaultdict(Counter)
        for r in self.counties:
            by_city[r.city or "（未填）"][r.verdict] += 1
        for i, city in enumerate(sorted(by_city)):
            counts = by_city[city]
            ws.write_string(top + 1 + i, 0, city, self.styles.line)
            ws.write_number(top + 1 + i, 1, sum(counts.values()), self.styles.center)
            for k, (_, verdict) in enumerate(columns):
                ws.write_number(top + 1 + i, 2 + k, counts[verdict], self.styles.center)
