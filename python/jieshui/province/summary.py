"""The provincial summary workbook: 汇总 (the run summary above the ranked counties), 明细,
问题清单, 统计 (with its charts) and, with the history, 年度对比. The tables are pandas
DataFrames (province.tables), written by pandas' XlsxWriter engine; the layout (title, styled
headers, print setup, conditional formats, charts) by XlsxWriter on the same sheets. Values only."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from ..workbook.styles import LINE_PT, PLAIN_TEXT, Styles, print_setup, text_height
from ..engine import Standard
from ..engine.words import BLANK
from . import tables
from .collect import CountyResult
from .history import Change

BINS = ((0, 60, "60分以下"), (60, 70, "60～70"), (70, 80, "70～80"), (80, 85, "80～85"),
        (85, 90, "85～90"), (90, 95, "90～95"), (95, 100, "95～100"), (100, 110.001, "100分以上"))
CHART_FONT = {"name": "宋体", "size": 9}


@dataclass
class YearOverYear:
    """From the history: last year's total per file and the contents that moved."""
    last_totals: dict[str, float] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


class SummaryWriter:
    def __init__(self, results: list[CountyResult], std: Standard, history: YearOverYear | None = None):
        self.results, self.std, self.history = results, std, history
        self.counties = tables.county_table(results, history.last_totals if history else None)
        # A claimed score differs from the recomputed one by more than the standard's tolerance.
        self.threshold = f"{std.tolerance:.12f}"

    def build(self) -> bytes:
        stream = io.BytesIO()
        with pd.ExcelWriter(stream, engine="xlsxwriter", engine_kwargs={"options": PLAIN_TEXT}) as writer:
            book = writer.book
            book.set_properties({"title": "县域节水型社会达标建设复核汇总", "author": "jieshui"})
            self.writer, self.styles = writer, Styles(book, quote_text=True)
            self.overview()
            self.details()
            self.problems()
            self.statistics()
            if self.history is not None:
                self.year_over_year()
        return stream.getvalue()

    def table(self, sheet: str, frame: pd.DataFrame, top: int, across: tuple[int, int] | None = None) -> Any:
        """A table whose header row is `top`: the frame's values from pandas, the headers and
        the print setup here."""
        frame.to_excel(self.writer, sheet_name=sheet, startrow=top + 1, header=False, index=False, na_rep=BLANK)
        ws = self.writer.sheets[sheet]
        ws.write_row(top, 0, list(frame.columns), self.styles.header)
        print_setup(ws, landscape=True, repeat=(top, top), across=across)
        return ws

    def overview(self) -> None:
        summary = tables.RunSummary.of(self.results).lines(self.std)
        frame = self.counties
        top = 3 + len(summary)
        ws = self.table("汇总", frame, top)
        ws.merge_range(0, 0, 0, len(frame.columns) - 1,
                       f"县域节水型社会达标建设复核汇总（{len(frame)}个县）", self.styles.title)
        # Across three columns: in the narrow 序号 column the wrapped words ran over the next row.
        ws.merge_range(1, 0, 1, 2, "本次复核概况", self.styles.bold_text)
        for i, (label, text) in enumerate(summary):
            ws.merge_range(2 + i, 0, 2 + i, 2, label, self.styles.group)
            ws.merge_range(2 + i, 3, 2 + i, len(frame.columns) - 1, text, self.styles.text)
        ws.merge_range(top - 1, 0, top - 1, 2, "各县得分（按复算总分排序）", self.styles.bold_text)
        ws.freeze_panes(top + 1, 0)
        self.overview_formats(ws, frame, top)

    def overview_formats(self, ws: Any, frame: pd.DataFrame, top: int) -> None:
        first, last = top + 1, top + max(len(frame), 1)
        col = {name: i for i, name in enumerate(frame.columns)}
        # The page is printed one page wide: the columns added for issue 21 (评价标准版本, 填报日期)
        # are paid for by narrower short-number columns, so the text stays as large as before.
        widths = {"序号": 6, "评价年度": 9, "基本分": 9, "加分": 9, "问题数": 9, "结论": 26,
                  "评价标准版本": 18, "填报日期": 11, "文件": 40}
        for name in frame.columns:
            ws.set_column(col[name], col[name], widths.get(name, 12),
                          self.styles.points if name in ("总分（复算）", "基本分", "加分", "工作簿显示总分", "上年总分",
                                                         "较上年变化") else self.styles.center)
        # A long path or a province's revision wraps; the row must be as tall as that (a row does
        # not grow by itself in a file never opened, and the wrapped words would print over the next).
        wrapped = [("文件", widths["文件"] - 4), ("评价标准版本", widths["评价标准版本"])]  # paths break at "/"
        for n, row in enumerate(frame.itertuples(index=False)):
            height = text_height([(row[col[name]], width) for name, width in wrapped], 0)
            if height > LINE_PT + 4:
                ws.set_row(first + n, height)
        verdict = col["结论"]
        for text, fmt in zip((v for _, v in tables.verdict_columns(self.std)),
                             (self.styles.good, self.styles.bad, self.styles.bad, self.styles.neutral)):
            ws.conditional_format(first, verdict, last, verdict, {"type": "cell", "criteria": "==",
                                                                  "value": f'"{text}"', "format": fmt})
        for name in ("问题数", "赋分不符项数"):
            ws.conditional_format(first, col[name], last, col[name], {"type": "cell", "criteria": ">", "value": 0,
                                                                      "format": self.styles.neutral})
        claimed, total = xl_col_to_name(col["工作簿显示总分"]), xl_col_to_name(col["总分（复算）"])
        ws.conditional_format(first, col["工作簿显示总分"], last, col["工作簿显示总分"], {
            "type": "formula", "format": self.styles.bad,
            "criteria": f"=AND(ISNUMBER(${claimed}{first + 1}),ISNUMBER(${total}{first + 1}),"
                        f"ABS(${claimed}{first + 1}-${total}{first + 1})>{self.threshold})"})
        ws.autofilter(top, 0, last, len(frame.columns) - 1)

    def details(self) -> None:
        frame = tables.points_table(self.results, self.std)
        # 50 columns: across pages at full size, county and city repeated on each.
        ws = self.table("明细", frame, 1, across=(0, 1))
        ws.merge_range(0, 0, 0, 12, "各县24项评价内容得分：自评（工作簿显示）与复算", self.styles.title)
        last = 1 + max(len(frame), 1)
        for k in range(len(self.std.contents)):
            claimed, recomputed = xl_col_to_name(2 + 2 * k), xl_col_to_name(3 + 2 * k)
            ws.conditional_format(2, 2 + 2 * k, last, 2 + 2 * k, {
                "type": "formula", "format": self.styles.bad,
                "criteria": f"=AND(ISNUMBER({claimed}3),ISNUMBER({recomputed}3),"
                            f"ABS({claimed}3-{recomputed}3)>{self.threshold})"})
        ws.set_column(0, 1, 14, self.styles.line)
        ws.set_column(2, 1 + 2 * len(self.std.contents), 7, self.styles.points)
        ws.freeze_panes(2, 2)

    def problems(self) -> None:
        """Most severe first; what must be corrected (须更正) is marked as a failed verdict is."""
        frame = tables.problem_table(self.results)
        ws = self.table("问题清单", frame, 1)
        ws.merge_range(0, 0, 0, len(frame.columns) - 1, f"问题清单（{len(frame)}项）", self.styles.title)
        ws.freeze_panes(2, 0)
        columns, widths = list(frame.columns), [6, 14, 14, 8, 22, 70, 50]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width, self.styles.text if columns[col] == "问题" else self.styles.line)
        message = columns.index("问题")
        # A row does not grow by itself in a file never opened; lists of numbers ("1、2、3…") wrap
        # early at their punctuation, hence the narrower width counted.
        for n, text in enumerate(frame["问题"]):
            ws.set_row(2 + n, text_height([(text, widths[message] - 6)], LINE_PT + 4))
        action = columns.index("处理")
        for words, fmt in ((tables.SEVERITY_WORDS[1], self.styles.bad), (tables.SEVERITY_WORDS[2], self.styles.bad),
                           (tables.SEVERITY_WORDS[3], self.styles.neutral)):
            ws.conditional_format(2, action, 1 + max(len(frame), 1), action, {
                "type": "cell", "criteria": "==", "value": f'"{words}"', "format": fmt})

    def statistics(self) -> None:
        totals = [t for t in self.counties["总分（复算）"] if isinstance(t, (int, float)) and t == t]
        bins = pd.DataFrame({"总分区间": [label for _, _, label in BINS],
                             "县数": [sum(low <= t < high for t in totals) for low, high, _ in BINS]})
        ws = self.table("统计", bins, 1)
        ws.merge_range(0, 0, 0, 5, "复核统计", self.styles.title)
        cities = tables.city_table(self.results, self.std)
        city_top = 4 + len(BINS)
        self.block(cities, city_top, "各市结论")
        loss = tables.indicator_loss(self.results, self.std)
        loss_top = city_top + len(cities) + 3
        self.block(loss, loss_top, "各评价指标失分比例（全省）")
        ws.set_column(0, 0, 22, self.styles.line)
        ws.set_column(1, 5, 12, self.styles.center)
        self.charts(ws, len(BINS), (city_top, len(cities)), (loss_top, len(loss)))

    def block(self, frame: pd.DataFrame, top: int, title: str) -> None:
        frame.to_excel(self.writer, sheet_name="统计", startrow=top + 1, header=False, index=False, na_rep=BLANK)
        ws = self.writer.sheets["统计"]
        ws.write_string(top - 1, 0, title, self.styles.bold_text)
        ws.write_row(top, 0, list(frame.columns), self.styles.header)

    def charts(self, ws: Any, bins: int, cities: tuple[int, int], loss: tuple[int, int]) -> None:
        """Right of the tables, one under the other: totals, verdicts by city, points lost."""
        book = self.writer.book
        chart = book.add_chart({"type": "column"})
        chart.add_series({"name": "县数", "categories": ["统计", 2, 0, 1 + bins, 0],
                          "values": ["统计", 2, 1, 1 + bins, 1], "fill": {"color": "#2F75B5"}})
        self.finish(chart, "总分分布", legend=False)
        ws.insert_chart(1, 7, chart, {"x_scale": 1.3, "y_scale": 1.1})
        top, count = cities
        stacked = book.add_chart({"type": "column", "subtype": "stacked"})
        for k, color in enumerate(("#70AD47", "#C00000", "#7F6000", "#A5A5A5")):
            stacked.add_series({"name": ["统计", top, 2 + k], "categories": ["统计", top + 1, 0, top + max(count, 1), 0],
                                "values": ["统计", top + 1, 2 + k, top + max(count, 1), 2 + k],
                                "fill": {"color": color}})
        self.finish(stacked, "各市复核结论", legend=True)
        ws.insert_chart(18, 7, stacked, {"x_scale": 1.3, "y_scale": 1.1})
        top, count = loss
        bars = book.add_chart({"type": "bar"})
        bars.add_series({"name": "失分比例", "categories": ["统计", top + 1, 0, top + max(count, 1), 0],
                         "values": ["统计", top + 1, 3, top + max(count, 1), 3], "fill": {"color": "#C55A11"},
                         "data_labels": {"value": True, "num_format": "0%", "font": CHART_FONT}})
        self.finish(bars, "各评价指标失分比例（越长越需全省推动）", legend=False)
        bars.set_x_axis({"num_format": "0%", "num_font": CHART_FONT})
        bars.set_y_axis({"reverse": True, "num_font": CHART_FONT})
        ws.insert_chart(35, 7, bars, {"x_scale": 1.3, "y_scale": 1.6})

    @staticmethod
    def finish(chart: Any, title: str, legend: bool) -> None:
        chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"position": "bottom", "font": CHART_FONT} if legend else {"none": True})
        chart.set_x_axis({"num_font": CHART_FONT})

    def year_over_year(self) -> None:
        assert self.history is not None
        frame = pd.DataFrame([{"县（旗、区）": c.county, "评价内容": c.content, "上年得分": c.last, "本年得分": c.now,
                               "变化": round(c.now - c.last, 2)} for c in self.history.changes],
                             columns=["县（旗、区）", "评价内容", "上年得分", "本年得分", "变化"])
        ws = self.table("年度对比", frame, 1)
        ws.merge_range(0, 0, 0, 4, f"较上年得分变化3分及以上的评价内容（{len(frame)}项）", self.styles.title)
        ws.set_column(0, 0, 14, self.styles.line)
        ws.set_column(1, 1, 40, self.styles.line)
        ws.set_column(2, 4, 10, self.styles.points)
        ws.conditional_format(2, 4, 1 + max(len(frame), 1), 4, {"type": "cell", "criteria": "<", "value": 0,
                                                               "format": self.styles.bad})
