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
CHART_COLUMN = 7  # 统计's charts start in H, right of its tables (A:F) and a narrow gap
TITLE_PT = 26  # a 16 pt title's row
# The widest table printed one A4 landscape page wide, in column-width units (each column takes
# 0.71 more): some 110 units fill the page at full size where LibreOffice lacks Calibri (about
# 146 with it); at 165 the 11 pt text still prints at 7.3 pt.
FIT_WIDTH = 165
# 汇总's columns from their contents: numbers narrow (their headings wrap), names and the verdict
# wide enough for one line (a version as "2023.1-jieshui.1" too), the file's path narrow and wrapped.
OVERVIEW_WIDTHS = {"序号": 5, "县（旗、区）": 12, "省": 12, "市（盟、州）": 10, "评价年度": 7, "总分（复算）": 8,
                   "基本分": 7, "加分": 6, "结论": 17, "工作簿显示总分": 8, "问题数": 6, "赋分不符项数": 7,
                   "评价标准版本": 14, "填报日期": 11, "文件": 20, "上年总分": 7, "较上年变化": 7}
PROBLEM_WIDTHS = [5, 13, 14, 7, 16, 50, 24]  # 序号, 县, 类别, 处理, 单元格, 问题, 文件


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

    def table(self, sheet: str, frame: pd.DataFrame, top: int, widths: list[float] | None = None,
              keys: tuple[int, int] | None = None) -> Any:
        """A table whose header row is `top`: the frame's values from pandas, the headers, column
        widths (narrow characters; a Chinese one takes two) and print setup here. The header row
        repeats on every page; a table narrow enough prints one page wide with its text at 7 pt or
        more, a wider one across pages at full size with its `keys` columns repeated."""
        frame.to_excel(self.writer, sheet_name=sheet, startrow=top + 1, header=False, index=False, na_rep=BLANK)
        ws = self.writer.sheets[sheet]
        ws.write_row(top, 0, list(frame.columns), self.styles.header)
        fits = widths is None or sum(w + 0.71 for w in widths) <= FIT_WIDTH
        print_setup(ws, landscape=True, repeat=(top, top), across=None if fits else (keys or (0, 0)))
        if fits and keys is not None:
            ws.repeat_columns(*keys)
        if widths is not None:
            ws.set_row(top, text_height(zip(frame.columns, widths), LINE_PT + 4))
        return ws

    def title(self, ws: Any, last: int, text: str) -> None:
        """The sheet's title in its own row, merged across the table and tall enough for 16 pt."""
        ws.merge_range(0, 0, 0, last, text, self.styles.title)
        ws.set_row(0, TITLE_PT)

    def rows(self, ws: Any, frame: pd.DataFrame, first: int, widths: list[float],
             narrower: dict[int, float] | None = None) -> None:
        """Each row as tall as its tallest wrapped cell: a row does not grow by itself in a file
        never opened, and the wrapped words would print over the next. `narrower` counts some
        columns narrower than they are (lists of numbers wrap early at their punctuation)."""
        narrower = narrower or {}
        for n, row in enumerate(frame.itertuples(index=False)):
            cells = [(BLANK if v is None or (isinstance(v, float) and v != v) else v, widths[c] - narrower.get(c, 0))
                     for c, v in enumerate(row)]
            ws.set_row(first + n, text_height(cells, LINE_PT + 4))

    def overview(self) -> None:
        summary = tables.RunSummary.of(self.results).lines(self.std)
        frame = self.counties
        top = 3 + len(summary)
        widths = [OVERVIEW_WIDTHS.get(name, 10) for name in frame.columns]
        # 序号 and the county's name on every page, should the table ever print across pages.
        ws = self.table("汇总", frame, top, widths, keys=(0, 1))
        last = len(frame.columns) - 1
        self.title(ws, last, f"县域节水型社会达标建设复核汇总（{len(frame)}个县）")
        # Headings across the table, in rows of their own (in the narrow 序号 column the wrapped
        # words ran over the next row).
        ws.merge_range(1, 0, 1, last, "本次复核概况", self.styles.bold_text)
        ws.set_row(1, LINE_PT + 4)
        label_width, text_width = sum(widths[:3]), sum(widths[3:])
        for i, (label, text) in enumerate(summary):
            ws.merge_range(2 + i, 0, 2 + i, 2, label, self.styles.group)
            ws.merge_range(2 + i, 3, 2 + i, last, text, self.styles.text)
            ws.set_row(2 + i, text_height([(label, label_width), (text, text_width)], LINE_PT + 4))
        ws.merge_range(top - 1, 0, top - 1, last, "各县得分（按复算总分排序）", self.styles.bold_text)
        ws.set_row(top - 1, LINE_PT + 4)
        ws.freeze_panes(top + 1, 0)
        self.overview_formats(ws, frame, top, widths)

    def overview_formats(self, ws: Any, frame: pd.DataFrame, top: int, widths: list[float]) -> None:
        first, last = top + 1, top + max(len(frame), 1)
        col = {name: i for i, name in enumerate(frame.columns)}
        numbers = ("总分（复算）", "基本分", "加分", "工作簿显示总分", "上年总分", "较上年变化", "问题数", "赋分不符项数",
                   "评价年度")
        for name in frame.columns:
            fmt = self.styles.points if name in numbers else self.styles.text if name == "文件" else self.styles.center
            ws.set_column(col[name], col[name], widths[col[name]], fmt)
        # A long path wraps (at its "/" and between Chinese characters) rather than widening the
        # table and shrinking every page's text.
        self.rows(ws, frame, first, widths, {col["文件"]: 2})
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
        widths = [14, 14] + [7] * (len(frame.columns) - 2)
        ws = self.table("明细", frame, 1, widths, keys=(0, 1))
        # The title right of the repeated name columns (in them it printed again on every page),
        # across columns that print on the first page.
        ws.merge_range(0, 2, 0, 10, "各县24项评价内容得分：自评（工作簿显示）与复算", self.styles.title)
        ws.set_row(0, TITLE_PT)
        last = 1 + max(len(frame), 1)
        for k in range(len(self.std.contents)):
            claimed, recomputed = xl_col_to_name(2 + 2 * k), xl_col_to_name(3 + 2 * k)
            ws.conditional_format(2, 2 + 2 * k, last, 2 + 2 * k, {
                "type": "formula", "format": self.styles.bad,
                "criteria": f"=AND(ISNUMBER({claimed}3),ISNUMBER({recomputed}3),"
                            f"ABS({claimed}3-{recomputed}3)>{self.threshold})"})
        ws.set_column(0, 1, 14, self.styles.text)
        ws.set_column(2, 1 + 2 * len(self.std.contents), 7, self.styles.points)
        self.rows(ws, frame, 2, widths)
        ws.freeze_panes(2, 2)

    def problems(self) -> None:
        """Most severe first; what must be corrected (须更正) is marked as a failed verdict is."""
        frame = tables.problem_table(self.results)
        widths = PROBLEM_WIDTHS
        ws = self.table("问题清单", frame, 1, widths, keys=(0, 1))
        self.title(ws, len(frame.columns) - 1, f"问题清单（{len(frame)}项）")
        ws.freeze_panes(2, 0)
        columns = list(frame.columns)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width, self.styles.center if columns[col] in ("序号", "处理") else self.styles.text)
        # Lists of numbers ("1、2、3…") wrap early at their punctuation, paths at their "/".
        self.rows(ws, frame, 2, widths, {columns.index("问题"): 6, columns.index("文件"): 4})
        action = columns.index("处理")
        for words, fmt in ((tables.SEVERITY_WORDS[1], self.styles.bad), (tables.SEVERITY_WORDS[2], self.styles.bad),
                           (tables.SEVERITY_WORDS[3], self.styles.neutral)):
            ws.conditional_format(2, action, 1 + max(len(frame), 1), action, {
                "type": "cell", "criteria": "==", "value": f'"{words}"', "format": fmt})

    def statistics(self) -> None:
        """Three tables on the left, their charts right of them. Printed at full size (the charts'
        9 pt words shrank below 7 pt on a page one wide): the tables on one page, the charts on
        the next (a column break before them), the points lost with its chart on a page of its own."""
        totals = [t for t in self.counties["总分（复算）"] if isinstance(t, (int, float)) and t == t]
        bins = pd.DataFrame({"总分区间": [label for _, _, label in BINS],
                             "县数": [sum(low <= t < high for t in totals) for low, high, _ in BINS]})
        cities = tables.city_table(self.results, self.std)
        loss = tables.indicator_loss(self.results, self.std)
        city_top = 4 + len(BINS)
        loss_top = city_top + len(cities) + 3
        ws = self.writer.book.add_worksheet("统计")
        self.writer.sheets["统计"] = ws
        widths = [20] + [10] * 5
        ws.set_column(0, 0, widths[0])
        ws.set_column(1, 5, widths[1])
        ws.set_column(6, 6, 2)
        self.title(ws, 5, "复核统计")
        ws.write_row(1, 0, list(bins.columns), self.styles.header)
        self.cells(ws, bins, 2)
        self.block(cities, city_top, "各市结论", widths)
        self.block(loss, loss_top, "各评价指标失分比例（全省）", widths)
        ws.set_paper(9)
        ws.set_landscape()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.set_footer("&C第&P页，共&N页")
        ws.print_across()
        ws.set_v_pagebreaks([CHART_COLUMN])
        ws.set_h_pagebreaks([loss_top - 1])
        self.charts(ws, len(BINS), (city_top, len(cities)), (loss_top, len(loss)))

    def cells(self, ws: Any, frame: pd.DataFrame, first: int) -> None:
        """A small table's values, each cell formatted (no column formats: they would print an
        empty grid down to the charts' last row). Shares as percentages."""
        for n, row in enumerate(frame.itertuples(index=False)):
            for c, (name, value) in enumerate(zip(frame.columns, row)):
                if isinstance(value, str):
                    ws.write_string(first + n, c, value, self.styles.text)
                elif name.endswith("比例"):
                    ws.write_number(first + n, c, value, self.styles.percent)
                else:
                    ws.write_number(first + n, c, value, self.styles.points)

    def block(self, frame: pd.DataFrame, top: int, title: str, widths: list[float]) -> None:
        ws = self.writer.sheets["统计"]
        self.cells(ws, frame, top + 1)
        ws.merge_range(top - 1, 0, top - 1, len(frame.columns) - 1, title, self.styles.bold_text)
        ws.write_row(top, 0, list(frame.columns), self.styles.header)
        ws.set_row(top, text_height(zip(frame.columns, widths), LINE_PT + 4))

    def charts(self, ws: Any, bins: int, cities: tuple[int, int], loss: tuple[int, int]) -> None:
        """Right of the tables, clear of them: totals and verdicts by city one under the other,
        points lost beside its table."""
        book = self.writer.book
        chart = book.add_chart({"type": "column"})
        chart.add_series({"name": "县数", "categories": ["统计", 2, 0, 1 + bins, 0],
                          "values": ["统计", 2, 1, 1 + bins, 1], "fill": {"color": "#2F75B5"}})
        self.finish(chart, "总分分布", legend=False)
        size = {"x_scale": 1.2, "y_scale": 0.9}
        ws.insert_chart(1, CHART_COLUMN, chart, size)
        top, count = cities
        stacked = book.add_chart({"type": "column", "subtype": "stacked"})
        for k, color in enumerate(("#70AD47", "#C00000", "#7F6000", "#A5A5A5")):
            stacked.add_series({"name": ["统计", top, 2 + k], "categories": ["统计", top + 1, 0, top + max(count, 1), 0],
                                "values": ["统计", top + 1, 2 + k, top + max(count, 1), 2 + k],
                                "fill": {"color": color}})
        self.finish(stacked, "各市复核结论", legend=True)
        ws.insert_chart(1, CHART_COLUMN, stacked, {**size, "y_offset": round(288 * 0.9) + 16})
        top, count = loss
        bars = book.add_chart({"type": "bar"})
        bars.add_series({"name": "失分比例", "categories": ["统计", top + 1, 0, top + max(count, 1), 0],
                         "values": ["统计", top + 1, 3, top + max(count, 1), 3], "fill": {"color": "#C55A11"},
                         "data_labels": {"value": True, "num_format": "0%", "font": CHART_FONT}})
        self.finish(bars, "各评价指标失分比例（越长越需全省推动）", legend=False)
        bars.set_x_axis({"num_format": "0%", "num_font": CHART_FONT})
        bars.set_y_axis({"reverse": True, "num_font": CHART_FONT})
        ws.insert_chart(top - 1, CHART_COLUMN, bars, {"x_scale": 1.2, "y_scale": 1.3})

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
        widths = [14, 40, 10, 10, 10]
        ws = self.table("年度对比", frame, 1, widths, keys=(0, 0))
        self.title(ws, 4, f"较上年得分变化3分及以上的评价内容（{len(frame)}项）")
        ws.set_column(0, 0, widths[0], self.styles.text)
        ws.set_column(1, 1, widths[1], self.styles.text)
        ws.set_column(2, 4, widths[2], self.styles.points)
        self.rows(ws, frame, 2, widths)
        ws.conditional_format(2, 4, 1 + max(len(frame), 1), 4, {"type": "cell", "criteria": "<", "value": 0,
                                                               "format": self.styles.bad})
