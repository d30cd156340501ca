"""The standard as a workbook a province official edits (`jieshui standard export`): what a
赋分细则 sets (points, rule types and numbers, ladder bands, cut-offs, item points, prerequisites,
verdict texts, units, evidence, lead units, sources) in yellow cells with validation and notes;
the structure the formulas rely on (which inputs each content reads) locked. The exported
standard file itself rides along in a very hidden sheet, so that an import overlays the
edits on exactly what was exported. Reading it back: read.py."""

from __future__ import annotations

import io
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from ..workbook.styles import LINE_PT, _display_width, plain_document, print_setup, text_height
from ..engine import Content, Standard, describe_rule
from ..engine.standard import MAX_BANDS
from ..workbook.contract import NA_NAMES, NA_NOTE, PARTIAL_NAMES, RULE_NAMES, prereq_name, rule_key
from .layout import (BASE_SHEET, CHUNK, CONTENT_COLUMNS, GENERAL, LIST_SEPARATOR, PERCENT_HEADERS,
                     RATE_RULE_NAMES, SHEET_CONTENTS, SHEET_GENERAL, SHEET_GUIDE, SHEET_ITEMS,
                     SHEET_PREREQS, SHEET_UNITS, YELLOW)

# 评价内容 prints on A4 landscape pages at 90% (11 pt text prints 9.9 pt), 序号 to 评价内容
# repeated on each, the other columns in four groups of some 60 characters, a page wide each
# (page breaks before the columns in CONTENT_BREAKS): the rule and its parameters; the cut-off and
# the ladder; the bonus cap, units and evidence; the gap wording and the generated 评分方法.
# Widths in characters (a Chinese one takes two).
CONTENT_KEY_COLUMNS = 3
CONTENT_WIDTHS = (5, 12, 30,
                  6, 12, 9, 8, 7, 10, 8,
                  8, *([8] * MAX_BANDS), *([6] * MAX_BANDS),
                  7, 10, 16, 26,
                  16, 50)
CONTENT_BREAKS = (10, 11 + 2 * MAX_BANDS, 15 + 2 * MAX_BANDS)
CONTENT_SCALE = 90
BODY_MINIMUM = LINE_PT + 4  # one line of 11 pt text
TITLE_HEIGHT = 30  # one line of the 16 pt title


def content_values(c: Content) -> list[Any]:
    """A content's 评价内容 row, in CONTENT_COLUMNS order (None where a column does not apply)."""
    rule = c.rule
    step_rule = rule.type in ("higher_better", "lower_better")
    limits = [b[0] for b in rule.bands] + [None] * (MAX_BANDS - len(rule.bands))
    points = [b[1] for b in rule.bands] + [None] * (MAX_BANDS - len(rule.bands))
    return [c.id, c.indicator, c.title, c.max_points, RULE_NAMES[rule_key(rule)],
            rule.target if rule.type in ("higher_better", "lower_better", "threshold") else None,
            rule.step if step_rule else None, rule.deduct if step_rule else None,
            PARTIAL_NAMES[rule.partial] if step_rule else None,
            NA_NAMES[rule.not_applicable] if rule.is_rate else None,
            rule.cutoff if step_rule else None, *limits, *points,
            rule.cap if c.is_bonus else None, c.lead, LIST_SEPARATOR.join(c.coop),
            LIST_SEPARATOR.join(c.evidence), c.gap_action, describe_rule(rule, na_note=False)]


def _columns() -> dict[str, str]:
    return {header: xl_col_to_name(col) for col, (header, _) in enumerate(CONTENT_COLUMNS)}


def rule_text_formula(content: Content, row: int, item_row: int) -> str:
    """describe_rule as a formula of the row (0-based `row`; its items from 0-based `item_row`
    of 得分项), so that the text follows every edit in Excel, WPS and LibreOffice alike."""
    col, r = _columns(), row + 1

    def at(header: str) -> str:
        return f"{col[header]}{r}"

    def pp(header: str) -> str:  # a fraction as percentage points, as _pp writes it
        return f'ROUND({at(header)}*100,6)&""'

    if not content.rule.is_rate:
        items = [f"'{SHEET_ITEMS}'!D{item_row + 1 + k}&\"（\"&'{SHEET_ITEMS}'!E{item_row + 1 + k}&\"分）\""
                 for k in range(len(content.rule.items))]
        text = '&"；"&'.join(items) or '""'
        if content.is_bonus:
            text += f'&"；累计不超过"&{at("加分上限")}&"分"'
        return f'=IFERROR({text},"（本行参数有误）")'
    rule = at("规则类型")
    higher = f'ISNUMBER(SEARCH("越高",{rule}))'
    relation, worse = f'IF({higher},"≥","≤")', f'IF({higher},"低","高")'
    reach = f'IF({higher},"达到","不超过")'
    step = pp("步长")
    steps = (f'{relation}&{pp("目标值")}&"%得满分；每"&{worse}&{step}&"个百分点扣"&{at("每步扣分")}&"分"'
             f'&IF({at("部分得分")}="{PARTIAL_NAMES["linear"]}","（按比例扣分）",'
             f'"（不足"&{step}&"个百分点按"&{step}&"个百分点计）")&"，扣完为止"'
             f'&IF({at("不得分界限")}="","","；"&{worse}&"于"&{pp("不得分界限")}&"%不得分")')
    threshold = f'{relation}&{pp("目标值")}&"%得满分，否则不得分"'
    bands = "&".join(f'IF({at(f"第{k}档界限")}="","","{"；" if k > 1 else ""}"&{reach}&{pp(f"第{k}档界限")}'
                     f'&"%得"&{at(f"第{k}档得分")}&"分")' for k in range(1, MAX_BANDS + 1))
    text = f'IF(LEFT({rule},2)="达标",{threshold},IF(LEFT({rule},2)="分档",{bands}&"；其余不得分",{steps}))'
    return f'=IFERROR({text},"（本行参数有误）")'


class StandardBookWriter:
    """Writes the workbook; `build()` sets the order of the sheets. Every sheet prints legibly
    on A4 (11 pt text at 9.9 pt or more): rows as tall as their wrapped text (text_height), the
    title in its own row, the headers on every page."""

    def __init__(self, std: Standard, base_text: str):
        self.std, self.base_text = std, base_text
        self.widths: list[float] = []
        self.shown: dict[int, list[tuple[str, float]]] = {}  # row → (text, column width)

    def build(self) -> bytes:
        stream = io.BytesIO()
        book, self.styles = plain_document(stream, {"title": f"评价标准{self.std.version}"})
        self.edit = book.add_format({"font_name": "仿宋", "font_size": 11, "border": 1, "valign": "vcenter",
                                     "text_wrap": True, "locked": False, "bg_color": YELLOW})
        self.edit_percent = book.add_format({"font_name": "仿宋", "font_size": 11, "border": 1, "locked": False,
                                             "bg_color": YELLOW, "num_format": "0.00%", "align": "center",
                                             "valign": "vcenter"})
        self.title = book.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "align": "center",
                                      "valign": "vcenter", "text_wrap": True, "quote_prefix": True})
        self.line = book.add_format({"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True,
                                     "quote_prefix": True})
        self.guide(book.add_worksheet(SHEET_GUIDE))
        self.general(book.add_worksheet(SHEET_GENERAL))
        self.contents(book.add_worksheet(SHEET_CONTENTS))
        self.items(book.add_worksheet(SHEET_ITEMS))
        self.prerequisites(book.add_worksheet(SHEET_PREREQS))
        self.units(book.add_worksheet(SHEET_UNITS))
        self.base(book.add_worksheet(BASE_SHEET))
        book.close()
        return stream.getvalue()

    def guide(self, ws: Any) -> None:
        lines = ["1. 只需修改黄色单元格；其余内容（各项读取哪些数据）由软件确定，已锁定。",
                 "2. “评价内容”表每行一项：规则类型决定填写哪些参数，鼠标停在列标题上可看说明。",
                 "3. 百分比直接按百分数填写（如80%），分档从最差一档填起，不用的档留空。",
                 "4. “得分项”表为逐项得分和加分项的各项标准分，“必备条件”表为附件2的文字和责任单位。",
                 f"5. {NA_NOTE}",
                 "6. 改完保存后运行：jieshui standard import 本文件.xlsx -o 省级细则.toml",
                 "   也可直接使用：jieshui score 县.xlsm --standard 本文件.xlsx",
                 "7. 核对改动：jieshui standard diff 默认 本文件.xlsx",
                 "8. 版本：修改了标准分或评分方法而未改“总体”表中的版本的，导入时自动记为“省级修订（本文件保存时间）”。"
                 "请导入一次，县区模板和省级复核共用导入得到的 .toml 文件",
                 self.std.source]
        width, title = 84, f"评价标准{self.std.version}：省级赋分细则编辑表"
        ws.set_column(0, 0, width)
        ws.write_string(0, 0, title, self.title)
        ws.set_row(0, _title_height(title, width))
        for row, text in enumerate(lines, start=2):
            ws.write_string(row, 0, text, self.line)
            ws.set_row(row, text_height([(text, width)], minimum=BODY_MINIMUM))
        print_setup(ws, landscape=False)
        ws.protect("")

    def general(self, ws: Any) -> None:
        self._header(ws, "总体设置", ["项目", "值", "说明"], (20, 40, 38))
        values = {"version": self.std.version, "source": self.std.source, "base_max": self.std.base_max,
                  "bonus_cap": self.std.bonus_cap, "pass_mark": self.std.pass_mark,
                  **{f"verdicts.{k}": v for k, v in self.std.verdicts.items()}}
        for row, (key, label, note) in enumerate(GENERAL, start=2):
            self._cell(ws, row, 0, label, "", False)
            value = values[key]
            if isinstance(value, float):
                self._cell(ws, row, 1, value, "", True)
                ws.data_validation(row, 1, row, 1, {"validate": "decimal", "criteria": "between",
                                                    "minimum": 0, "maximum": 1000,
                                                    "error_message": "请填写不小于0的分数"})
            else:
                self._cell(ws, row, 1, str(value), "", True)
                self._text_check(ws, (row, row), 1, 500)
            self._cell(ws, row, 2, note, "", False)
        self._finish(ws)

    def contents(self, ws: Any) -> None:
        headers = [h for h, _ in CONTENT_COLUMNS]
        self._header(ws, "评价内容（附件3）：标准分与评分方法", headers, CONTENT_WIDTHS, title_columns=CONTENT_KEY_COLUMNS)
        locked = {0, 1, len(headers) - 1}
        item_row = 2  # where the content's items start in 得分项
        for row, content in enumerate(self.std.contents, start=2):
            values = content_values(content)
            for col, value in enumerate(values[:-1]):
                editable = col not in locked and not (headers[col] == "规则类型" and not content.rule.is_rate)
                self._cell(ws, row, col, value, headers[col], editable)
            ws.write_formula(row, len(headers) - 1, rule_text_formula(content, row, item_row),
                             self.styles.text, values[-1])
            self._shown(row, len(headers) - 1, values[-1])
            item_row += len(content.rule.items)
        last = 1 + len(self.std.contents)
        for col, (header, note) in enumerate(CONTENT_COLUMNS):
            ws.write_comment(1, col, note, {"x_scale": 2, "y_scale": 1.2})
            if col not in locked:  # every editable cell: a check, and its help where one types
                rule = self._validation(header)
                ws.data_validation(2, col, last, col, {**rule, "input_title": header[:32],
                                                       "input_message": note[:255]})
        ws.freeze_panes(2, 3)
        ws.set_v_pagebreaks(list(CONTENT_BREAKS))
        self._finish(ws, across=(0, CONTENT_KEY_COLUMNS - 1))
        ws.set_print_scale(CONTENT_SCALE)

    def _validation(self, header: str) -> dict[str, Any]:
        """The check of a 评价内容 column (one per column: Excel allows one per cell)."""
        lists = {"规则类型": RATE_RULE_NAMES,
                 "部分得分": tuple(PARTIAL_NAMES.values()), "分母为0时": tuple(NA_NAMES.values()),
                 "牵头单位": tuple(self.std.units)}
        if header in lists:
            return {"validate": "list", "source": list(lists[header]), "error_message": "请从下拉列表中选择"}
        if header in PERCENT_HEADERS:
            return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                    "ignore_blank": True, "error_message": "请填0%～100%之间的百分比"}
        if header in ("标准分", "每步扣分", "加分上限") or header.endswith("档得分"):
            return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 110,
                    "ignore_blank": True, "error_message": "请填0～110之间的分数"}
        return {"validate": "length", "criteria": "<=", "value": 500, "error_message": "文字不超过500字"}

    def items(self, ws: Any) -> None:
        self._header(ws, "逐项得分与加分项的各项标准分", ["序号", "评价内容", "第几项", "得分项", "标准分"], (6, 30, 7, 48, 7))
        row = 2
        for content in self.std.contents:
            for n, item in enumerate(content.rule.items, start=1):
                for col, value in enumerate((content.id, content.title, n)):
                    self._cell(ws, row, col, value, "", False)
                self._cell(ws, row, 3, item.label, "", True)
                self._cell(ws, row, 4, item.points, "", True)
                row += 1
        ws.data_validation(2, 4, max(row - 1, 2), 4, {"validate": "decimal", "criteria": ">", "value": 0,
                                                      "error_message": "每项标准分应大于0"})
        self._text_check(ws, (2, max(row - 1, 2)), 3, 200)
        self._finish(ws)

    def prerequisites(self, ws: Any) -> None:
        headers = ["序号", "必备条件", "牵头单位", "配合单位", "佐证材料"]
        self._header(ws, "必备条件（附件2，一票否决）", headers, (10, 40, 10, 14, 24))
        for row, p in enumerate(self.std.prerequisites, start=2):
            values = (prereq_name(p.id), p.title, p.lead, LIST_SEPARATOR.join(p.coop), LIST_SEPARATOR.join(p.evidence))
            for col, value in enumerate(values):
                self._cell(ws, row, col, value, "", col > 0)
        last = 1 + len(self.std.prerequisites)
        self._choices(ws, (2, last), 2, tuple(self.std.units))
        for col in (1, 3, 4):
            self._text_check(ws, (2, last), col, 500)
        self._finish(ws)

    def units(self, ws: Any) -> None:
        self._header(ws, "领导小组成员单位（附件1的顺序）", ["序号", "单位名称"], (8, 40))
        for row, unit in enumerate(self.std.units, start=2):
            self._cell(ws, row, 0, row - 1, "", False)
            self._cell(ws, row, 1, unit, "", True)
        self._text_check(ws, (2, 1 + len(self.std.units)), 1, 30)
        self._finish(ws, landscape=False)

    def base(self, ws: Any) -> None:
        for row, start in enumerate(range(0, len(self.base_text), CHUNK)):
            ws.write_string(row, 0, self.base_text[start:start + CHUNK])
        ws.very_hidden()
        ws.protect("")

    # -- helpers ---------------------------------------------------------------------------

    def _header(self, ws: Any, title: str, headers: list[str], widths: Any, title_columns: int = 0) -> None:
        """Row 1 the title, merged across the table (across its repeated key columns when the
        table prints on several pages), row 2 the headers; the reader expects both there."""
        self.widths, self.shown = list(widths), {}
        across = title_columns or len(headers)
        ws.merge_range(0, 0, 0, across - 1, title, self.title)
        ws.set_row(0, _title_height(title, sum(self.widths[:across])))
        ws.write_row(1, 0, headers, self.styles.header)
        for col, header in enumerate(headers):
            self._shown(1, col, header)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    def _shown(self, row: int, col: int, text: str) -> None:
        self.shown.setdefault(row, []).append((text, self.widths[col]))

    def _cell(self, ws: Any, row: int, col: int, value: Any, header: str, editable: bool) -> None:
        percent = header in PERCENT_HEADERS
        fmt = (self.edit_percent if percent else self.edit) if editable else \
            (self.styles.percent if percent else self.styles.text)
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(row, col, value, fmt)
            self._shown(row, col, f"{value * 100:.2f}%" if percent else f"{value:g}")
        else:
            ws.write_string(row, col, str(value), fmt)
            self._shown(row, col, str(value))

    @staticmethod
    def _text_check(ws: Any, rows: tuple[int, int], col: int, limit: int) -> None:
        ws.data_validation(rows[0], col, rows[1], col, {"validate": "length", "criteria": "<=", "value": limit,
                                                        "error_message": f"文字不超过{limit}字"})

    @staticmethod
    def _choices(ws: Any, rows: tuple[int, int], col: int, values: tuple[str, ...]) -> None:
        ws.data_validation(rows[0], col, rows[1], col, {"validate": "list", "source": list(values),
                                                        "error_message": "请从下拉列表中选择"})

    def _finish(self, ws: Any, landscape: bool = True, across: tuple[int, int] | None = None) -> None:
        """Rows as tall as their wrapped text, the headers on every page (and the key columns
        of a table too wide for one page), protected."""
        for row, cells in self.shown.items():
            ws.set_row(row, text_height(cells, minimum=BODY_MINIMUM))
        print_setup(ws, landscape=landscape, repeat=(1, 1), across=across)
        ws.protect("", {"format_columns": True, "format_rows": True})


def _title_height(title: str, width: float) -> float:
    """The height of a 16 pt title row `width` characters wide: one line, or two when it wraps."""
    return TITLE_HEIGHT if _display_width(title) * 16 / 11 <= width - 2 else 2 * TITLE_HEIGHT - 8


def export_standard(std: Standard, base_text: str) -> bytes:
    """The standard as an editable, protected workbook; `base_text` is its standard file."""
    return StandardBookWriter(std, base_text).build()
