"""检查数据: every problem a reviewer would find in a county workbook, each with its cell."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..engine import UTILITY_FIELDS, WORKBOOK, Assessment, Content, Standard, assess
from ..engine.plausibility import UTILITY_SUM
from ..engine.words import number, shown
from openpyxl.utils.cell import range_boundaries

from .contract import (BAND_COLUMNS, EVIDENCE_CHOICES, LEDGER_ROWS, PARAM_HEADERS, UTILITY_ROWS,
                       Param, param_row)
from .readers import WorkbookData, field_cells
from .readers.base import TABLES, OutsideCells
from .versions import version_mismatches


# Each kind of problem, most severe first (issue 21): what is wrong with the figures or the
# claims (tampering included), then an unmet prerequisite, then what a reviewer should verify
# (a content scored by its 0/0 rule, figures that contradict each other), then evidence reminders.
OUTSIDE = "表格外的数据"  # typed below an input table: not read (issue 22)
# 佐证材料 marked 已提供 while the 佐证台账 lists nothing for it (台账（份）0): a reminder for the
# county, not an error (issue 24).
UNRECORDED = "佐证未登记"
SEVERITY = {"数据错误": 1, OUTSIDE: 1, "赋分与数据不符": 1, "公式被修改": 1, "评价标准被修改": 1, "版本不符": 1,
            "必备条件不满足": 2, "复核提示": 3, "赋分无佐证": 4, UNRECORDED: 4}
# The kinds that are a county's status for the reviewer (复核提示), not a 数据问题 to correct.
REVIEW_HINTS = tuple(kind for kind, rank in SEVERITY.items() if rank >= 2)
# The kinds a summary counts as findings (问题数): severity 1 and 2.
FINDINGS = tuple(kind for kind, rank in SEVERITY.items() if rank <= 2)


@dataclass(frozen=True)
class Problem:
    cell: str       # "sheet!A1", or "" when the problem has no single cell
    kind: str       # one of SEVERITY's kinds
    message: str

    @property
    def is_hint(self) -> bool:
        """A 复核提示 (the county's status, for the reviewer), not a 数据问题 to correct."""
        return self.kind in REVIEW_HINTS

    @property
    def severity(self) -> int:
        """1 (data errors, mismatches) to 4 (evidence reminders): problems are listed in this order."""
        return SEVERITY.get(self.kind, 1)

    @property
    def sheet(self) -> str:
        return self.cell.split("!")[0] if "!" in self.cell else ""

    @property
    def ref(self) -> str:
        return self.cell.split("!")[1] if "!" in self.cell else ""


@dataclass
class CheckResult:
    assessment: Assessment
    problems: list[Problem]


def check(data: WorkbookData, std: Standard) -> CheckResult:
    """Recompute the workbook's inputs with the engine and list every problem."""
    result = assess(data.inputs.to_county_raw(), std, WORKBOOK)
    problems = _versions(data, std) + _data_errors(data, std, result) + _outside(data)
    problems += _prerequisites(data, std, result) + _hints(data, result)
    problems += _evidence(data, std, result)
    problems += standard_table_changes(data, std) + _claims(data, std, result)
    return CheckResult(result, problems)


def _versions(data: WorkbookData, std: Standard) -> list[Problem]:
    return [Problem(cell, "版本不符", message) for cell, message in version_mismatches(data, std)]


def _data_errors(data: WorkbookData, std: Standard, result: Assessment) -> list[Problem]:
    if not result.errors:
        return []
    cells = field_cells(data, std)
    return [Problem(cells.get(e.field, ""), "数据错误", e.message) for e in result.errors]


def _outside(data: WorkbookData) -> list[Problem]:
    return [Problem(f"{found.sheet}!{found.cells[0][0]}", OUTSIDE, outside_message(data, found))
            for found in data.outside]


# What to do with what lies below a table: the ledger and the utilities have room for more rows
# up to a limit; the other tables have one row per content, unit or prerequisite.
_ADVICE = {"in_ledger": f"请移到表格内的空行（最多{LEDGER_ROWS}份材料）",
           "in_utilities": f"请移到表格内的空行（最多{UTILITY_ROWS}个供水单位）"}


def outside_message(data: WorkbookData, found: OutsideCells, effect: str = "未读取") -> str:
    """“佐证台账”第304–305行（A304:F305）填在台账表格（第4–303行）之外，未读取：请移到…"""
    _, first, _, last = range_boundaries(data.addresses[found.name][1])
    advice = _ADVICE.get(found.name, "表格每行对应一项，请填在对应的行内")
    return (f"“{found.sheet}”第{_row_list(found.rows)}行（{found.span}）填在{TABLES[found.name]}"
            f"（第{first}–{last}行）之外，{effect}：{advice}")


def _row_list(rows: list[int]) -> str:
    """304–305 for a run of rows, else 304、310、400 (and how many in all past four)."""
    if rows[-1] - rows[0] == len(rows) - 1:
        return f"{rows[0]}–{rows[-1]}" if len(rows) > 1 else str(rows[0])
    shown_rows = "、".join(map(str, rows[:4]))
    return f"{shown_rows}等共{len(rows)}" if len(rows) > 4 else shown_rows


def _prerequisites(data: WorkbookData, std: Standard, result: Assessment) -> list[Problem]:
    return [Problem(data.cell("out_prereqs", i), "必备条件不满足",
                    f"{prerequisite_name(i)}不满足：{'；'.join(p.unmet)}（一票否决）")
            for i, p in enumerate(result.prerequisites) if p.met is False]


def prerequisite_name(index: int) -> str:
    """必备条件1…4 as the standard numbers them (0-based `index`): P1 is the code's key."""
    return f"必备条件{index + 1}"


def content_name(content: Content) -> str:
    """第5项评价内容“农业灌溉用水计量率”: "内容5" reads as a key, not a word."""
    return f"第{content.id}项评价内容“{content.title}”"


def _hints(data: WorkbookData, result: Assessment) -> list[Problem]:
    """复核提示: contents scored by their not-applicable rule, figures that contradict each
    other; at the cell of the figure to look at first, naming the other figures' cells."""
    problems = []
    for hint in result.hints:
        first = hint.figures[0]
        message = hint.located(lambda f, first=first: "" if f == first else
                               cell_words(_figure_cell(data, f, whole=True)))
        problems.append(Problem(_figure_cell(data, first), "复核提示", message))
    return problems


def cell_words(cell: str) -> str:
    """Where a cell is, as a sentence says it: “基础数据”第40行 for 基础数据!C40, “供水单位”第5–14行
    for a column's range (the figure's name is beside it; C40 is no word)."""
    if "!" not in cell:
        return cell
    sheet, ref = cell.split("!", 1)
    rows = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in ref.replace("$", "").split(":")]
    span = f"{rows[0]}–{rows[-1]}" if rows[-1] != rows[0] else str(rows[0])
    return f"“{sheet}”第{span}行"


def _figure_cell(data: WorkbookData, figure: str, whole: bool = False) -> str:
    """An input's cell; for a utility field's sum, that column of the 供水单位 table (its first
    cell, or the `whole` column as a range)."""
    if not figure.startswith(UTILITY_SUM):
        return data.cell(f"in_{figure}")
    column = UTILITY_FIELDS.index(figure.removeprefix(UTILITY_SUM))
    first = data.cell("in_utilities", 0, column)
    return f"{first}:{data.cell('in_utilities', UTILITY_ROWS - 1, column).split('!')[1]}" if whole else first


def _evidence(data: WorkbookData, std: Standard, result: Assessment) -> list[Problem]:
    """Points without evidence, and evidence marked 已提供 that the 佐证台账 does not list (the
    reviewer counts the ledger's documents, 附件3's 台账（份））."""
    provided = EVIDENCE_CHOICES[0]
    problems = []
    for i, content in enumerate(result.contents):
        marked, listed = data.inputs.evidence.get(content.id) == provided, data.inputs.documents(content.id)
        if content.points and not marked and not listed:  # a 佐证台账 row counts as evidence
            problems.append(Problem(data.cell("in_evidence", i), "赋分无佐证",
                                    f"{content_name(content)}自评得分{number(content.points)}分，"
                                    f"佐证材料未标注“{provided}”，“佐证台账”中也没有该内容的材料"))
        elif marked and not listed:
            problems.append(Problem(data.cell("in_evidence", i), UNRECORDED,
                                    f"{content_name(content)}佐证材料标注为“{provided}”，但“佐证台账”中"
                                    "没有该内容的材料（台账0份）：请在“佐证台账”中逐份登记材料名称、文号和文件"))
    for i, prereq in enumerate(result.prerequisites):
        if prereq.met and data.inputs.prereq_evidence.get(prereq.id) != provided \
                and not data.inputs.documents(prereq.id):
            problems.append(Problem(data.cell("in_prereq_evidence", i), "赋分无佐证",
                                    f"{prerequisite_name(i)}判定为满足，佐证材料未标注“{provided}”"))
    return problems


def _same(a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= tol * max(1.0, abs(b))
    return (a in (None, "") and b in (None, "")) or a == b


@functools.lru_cache(maxsize=256)
def _official_row(content: Content) -> list[Any]:
    """param_row, once per content: a province's batch compares thousands of tables with it."""
    return param_row(content)


def standard_table_changes(data: WorkbookData, std: Standard) -> list[Problem]:
    """Every 评价标准 cell that differs from the official standard."""
    problems = []
    for i, content in enumerate(std.contents):
        row = data.standard_table[i] if i < len(data.standard_table) else []
        official = _official_row(content)
        if row == official:  # the usual case, decided without comparing cell by cell
            continue
        for col, expected in enumerate(official):
            found = row[col] if col < len(row) else None
            if not _same(found, expected, std.tolerance):
                problems.append(Problem(
                    data.cell("std_table", i, col), "评价标准被修改",
                    f"评价标准第{content.id}项“{PARAM_HEADERS[col]}”为{_as_shown(found, col)}，"
                    f"标准原值为{_as_shown(expected, col)}"))
    return problems


# The 评价标准 sheet's rate columns are percent-formatted (builder.params): quote them as shown.
_PERCENT_COLUMNS = frozenset((Param.TARGET, Param.STEP, Param.CUTOFF, *BAND_COLUMNS))


def _as_shown(value: Any, col: int) -> str:
    if col in _PERCENT_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:g}%"
    return shown(value)


def _claims(data: WorkbookData, std: Standard, result: Assessment) -> list[Problem]:
    """What the workbook shows must follow from its figures (指标赋分合理性)."""
    if all(v in (None, "") for v in data.claimed["out_points"]):
        return [Problem(data.cell("out_total"), "赋分与数据不符",
                        "工作簿中没有保存计算结果（可能被其他软件另存过）：请在 Excel 或 WPS 中按 Ctrl+Alt+F9"
                        "全部重算后保存，再重新检查")]
    problems = []
    for i, content in enumerate(result.contents):
        claimed = data.claimed["out_points"][i] if i < len(data.claimed["out_points"]) else None
        if content.points is not None and not _same(claimed, content.points, std.tolerance):
            problems.append(Problem(data.cell("out_points", i), "赋分与数据不符",
                                    f"第{content.id}项评价内容显示得分{shown(claimed)}，按填报数据应为"
                                    f"{number(content.points)}（请全部重算后保存）"))
    if result.total is not None and not _same(data.claimed["out_total"], result.total, std.tolerance):
        problems.append(Problem(data.cell("out_total"), "赋分与数据不符",
                                f"显示总分{shown(data.claimed['out_total'])}，按填报数据应为{number(result.total)}"))
    return problems


RESULT_HEADERS = ("序号", "单元格", "类别", "问题")


def result_rows(problems: list[Problem]) -> list[list[Any]]:
    """The 检查结果 sheet's rows (after its header)."""
    if not problems:
        return [[1, "", "检查通过", "未发现问题"]]
    return [[n, p.cell, p.kind, p.message] for n, p in enumerate(problems, start=1)]


def link_target(problem: Problem) -> str:
    """An in-workbook hyperlink address for the problem's cell ("" when it has none)."""
    if not problem.cell:
        return ""
    return f"#'{problem.sheet}'!{problem.ref}"
