"""基础数据: every figure an official types, grouped as officials fill them (prerequisites,
then indicator by indicator), each with its definition and unit where they type; and the
utilities table with each utility's CJJ 92-2016 leakage components."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import UTILITY_FIELDS, Standard
from ..engine.words import NO, YES
from ..workbook.contract import LEAK_PARTS, SHEET_INPUTS, UTILITY_ROWS, prereq_name
from ..workbook.functions import JS_LEAK_PART
from ..workbook.inputs import WorkbookInputs
from .book import Book, area, as_number, numeral, protect, ref
from .calc import Calc
from .native import X, Range, block, cell
from ..workbook.styles import Styles, page_breaks, print_scaled, printed_height
from .twins import Twins

FIRST_ROW = 3
VALUE_COL = 3
FIRST_LEAK_COL = 1 + len(UTILITY_FIELDS)  # after 序号 and the utility's fields
# Fourteen columns (the utilities table is that wide) printed one A4 landscape page wide at a
# legible scale: the input table's columns hold its texts, the leakage parts fit "12.3%".
WIDTHS = (5, 13, 28, 12, 8, 12, 22, 10, 7, 7, 7, 7, 7, 7)
NOTE = "黄色单元格为填报项，选中时显示定义和单位；比率按百分数填写（如5.2%），是/否从下拉列表选择；水量单位万m³，面积万亩，金额万元。"


SUPPLY_COL = 1 + UTILITY_FIELDS.index("supply_total")


@dataclass(frozen=True)
class InputCells:
    """What later sheets refer to: each input's defined name and value, the utilities' values,
    and for the native twins each utility's R_BL twin and the supply column."""

    names: dict[str, str]
    values: dict[str, Any]
    utilities: list[list[Any]]
    r_bl: list[X]
    supplies: list[X]
    supply_column: Range

    def refs(self, keys: Any) -> str:
        return ",".join(self.names[k] for k in keys)

    def values_of(self, keys: Any) -> list[Any]:
        return [self.values[k] for k in keys]


def input_groups(std: Standard) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(input key, where it is used)]) in the order officials fill them; each
    input appears once, in the first group that uses it."""
    groups: list[tuple[str, list[tuple[str, str]]]] = [("必备条件", [])]
    for prereq in std.prerequisites:
        groups[0][1].extend((k, prereq_name(prereq.id)) for k in prereq.input_keys)
    by_indicator: dict[str, list[tuple[str, str]]] = {}
    for content in std.contents:
        keys = by_indicator.setdefault(content.indicator, [])
        keys.extend((k, f"第{content.id}项") for k in content.input_keys if k)
    groups += [(name, keys) for name, keys in by_indicator.items() if keys]
    seen: set[str] = set()
    return [(title, [(k, use) for k, use in keys if not (k in seen or seen.add(k))])
            for title, keys in groups]


def value_column(std: Standard) -> str:
    """The column of input values (group rows between them hold no formula), as a range."""
    count = sum(1 + len(keys) for _, keys in input_groups(std))
    return area(SHEET_INPUTS, FIRST_ROW, VALUE_COL, FIRST_ROW + count - 1, VALUE_COL)


def validation_for(std: Standard, key: str, styles: Styles) -> tuple[Any, dict[str, Any]]:
    """The format of an input's cell and its data validation, with the help shown on select."""
    spec = std.inputs[key]
    unit = f"（单位：{spec.unit}）" if spec.unit and spec.kind != "bool" else ""
    message = {"input_title": spec.label[:32], "input_message": f"{spec.definition}{unit}"[:255],
               "error_title": "填报有误"}
    if spec.kind == "bool":
        return styles.input_center, {**message, "validate": "list", "source": [YES, NO],
                                     "error_message": "请从下拉列表选择“是”或“否”。"}
    if spec.kind in ("fraction", "coefficient"):
        fraction = spec.kind == "fraction"
        hint = "请按百分数填写，如5.2%。" if fraction else "请填写0～1之间的小数（如0.583），系数不是百分数。"
        return (styles.input_percent if fraction else styles.input_coefficient,
                {**message, "validate": "decimal", "criteria": "between",
                 "minimum": -1 if spec.allow_negative else 0, "maximum": 1, "error_message": hint})
    if spec.kind == "count":
        return styles.input_count, {**message, "validate": "integer", "criteria": ">=", "value": 0,
                                    "error_message": f"请填写不小于0的整数（单位：{spec.unit}）。"}
    return styles.input_number, {**message, "validate": "decimal", "criteria": ">=", "value": 0,
                                 "error_message": f"请填写不小于0的数字（单位：{spec.unit}）。"}


def write(book: Book, std: Standard, inputs: WorkbookInputs, calc: Calc, twins: Twins) -> InputCells:
    ws, styles = book.sheets[SHEET_INPUTS], book.styles
    book.title(ws, "基础数据填报表", 7)
    note = book.xl.add_format({"font_name": "宋体", "font_size": 11, "font_color": "#595959",
                               "text_wrap": True, "valign": "top"})
    ws.merge_range(1, 0, 1, 7, NOTE, note)
    heights = {0: 32.0, 1: printed_height([(NOTE, sum(WIDTHS[:8]))])}
    ws.set_row(1, heights[1])
    book.headers(ws, 2, ["序号", "类别", "填报项目", "填报值", "单位", "填报说明", "", "用于"])
    ws.merge_range(2, 5, 2, 6, "填报说明", styles.header)
    heights[2] = 30.0
    names: dict[str, str] = {}
    row, number, starts = FIRST_ROW, 0, []
    for g, (group, keys) in enumerate(input_groups(std), start=1):
        ws.merge_range(row, 0, row, 7, f"{numeral(g)}、{group}", styles.group)
        starts.append(row)
        heights[row] = 20.0
        ws.set_row(row, heights[row])
        row += 1
        for key, use in keys:
            number += 1
            heights[row] = _input_row(book, ws, std, row, number, group, key, use, inputs.inputs.get(key))
            names[key] = f"in_{key}"
            row += 1
    values = {key: as_number(inputs.inputs.get(key)) for key in names}
    utilities = _utilities_table(book, ws, std, inputs, row + 1, calc, twins, heights)
    starts.append(row + 1)
    book.widths(ws, WIDTHS)
    ws.freeze_panes(3, 0)
    scale = print_scaled(ws, landscape=True, widths=WIDTHS, repeat=(0, 2))
    last = row + 2 + UTILITY_ROWS
    ws.set_h_pagebreaks(page_breaks(heights, FIRST_ROW, last, starts, True, scale,
                                    repeated=heights[0] + heights[1] + heights[2], whole=True))
    protect(ws)
    return InputCells(names, values, *utilities)


def _input_row(book: Book, ws: Any, std: Standard, row: int, number: int, group: str, key: str,
               use: str, value: Any) -> float:
    """One input's row; returns its height."""
    styles, spec = book.styles, std.inputs[key]
    fmt, validation = validation_for(std, key, styles)
    ws.write(row, 0, number, styles.center)
    ws.write(row, 1, group, styles.text)
    ws.write(row, 2, spec.label, styles.text)
    book.input_cell(ws, row, VALUE_COL, value, fmt, validation)
    ws.write(row, 4, spec.unit if spec.kind != "fraction" else "%", styles.center)
    ws.merge_range(row, 5, row, 6, spec.definition, styles.text)
    ws.write(row, 7, use, styles.center)
    book.name(f"in_{key}", ref(SHEET_INPUTS, row, VALUE_COL), at=(SHEET_INPUTS, row, VALUE_COL))
    height = printed_height([(group, WIDTHS[1]), (spec.label, WIDTHS[2]),
                             (spec.definition, WIDTHS[5] + WIDTHS[6]), (use, WIDTHS[7])])
    ws.set_row(row, height)
    return height


def _utilities_table(book: Book, ws: Any, std: Standard, inputs: WorkbookInputs, top: int,
                     calc: Calc, twins: Twins,
                     heights: dict[int, float]) -> tuple[list[list[Any]], list[X], list[X], Range]:
    styles = book.styles
    last_col = FIRST_LEAK_COL + len(LEAK_PARTS) - 1
    leakage = next(c.id for c in std.contents if c.measure == "leakage")
    caption = f"供水单位漏损数据（第{leakage}项评价内容，按 CJJ 92-2016计算；每个城镇公共供水单位填一行）"
    ws.merge_range(top, 0, top, last_col, caption, styles.group)
    heights[top] = printed_height([(caption, sum(WIDTHS))], 20.0)
    ws.set_row(top, heights[top])
    fields = [std.utility_fields[k] for k in UTILITY_FIELDS]
    heads = ["序号"] + [s.label + (f"（{s.unit}）" if s.unit else "") for s in fields]
    heads += ["综合漏损率 RWL", "修正值 R1", "修正值 R2", "修正值 R3", "修正值 R4", "漏损率 RBL"]
    book.headers(ws, top + 1, heads)
    heights[top + 1] = printed_height(list(zip(heads, WIDTHS)), 30.0)
    ws.set_row(top + 1, heights[top + 1])
    first = top + 2
    values = [[as_number(v) for v in row] for row in inputs.utilities]
    r_bl, supplies = [], []
    for n in range(UTILITY_ROWS):
        row = first + n
        ws.write(row, 0, n + 1, styles.center)
        for c, spec in enumerate(fields):
            book.input_cell(ws, row, 1 + c, inputs.utilities[n][c],
                            styles.input_text if spec.kind == "text" else styles.input_number,
                            _utility_validation(spec))
        row_ref = area(SHEET_INPUTS, row, 1, row, len(fields))
        cells = [cell(SHEET_INPUTS, row, 1 + c, book.value_at) for c in range(len(fields))]
        status = calc.twin(f"供水单位{n + 1}的数据检查", twins.utility_status(n + 1, cells))
        for k, part in enumerate(LEAK_PARTS):
            twin = calc.pair(ws, row, FIRST_LEAK_COL + k, f'JS_LEAK_PART({row_ref},"{part}")',
                             lambda v=[values[n]], p=part: JS_LEAK_PART(v, p),
                             twins.leakage_part(part, status, cells), styles.percent)
        r_bl.append(twin)  # the last part is R_BL
        supplies.append(cells[SUPPLY_COL - 1])
    last = first + UTILITY_ROWS - 1
    book.name("in_utilities", area(SHEET_INPUTS, first, 1, last, len(fields)))
    return values, r_bl, supplies, block(SHEET_INPUTS, first, SUPPLY_COL, last, SUPPLY_COL, book.value_at)


def _utility_validation(spec: Any) -> dict[str, Any]:
    validation = {"validate": "any", "input_title": spec.label[:32],
                  "input_message": spec.definition[:255]}
    if spec.kind != "text":
        validation.update(validate="decimal", criteria="between", minimum=0,
                          maximum=spec.max or 1e12, error_title="填报有误",
                          error_message=f"请填写不小于0的数字（单位：{spec.unit}）。")
    return validation
