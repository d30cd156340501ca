"""工作进度 judged in the workbook's own 工作年度: which months LibreOffice marks overdue, for
chosen days and years. LibreOffice headless cannot report a conditional format's result, so
each rule's own formula text (read back from the built file) goes into a cell, with TODAY()
replaced by the chosen day, and LibreOffice computes it. Expected months are worked out by hand
from the plan (stages February to August, reports due by the 25th)."""

import datetime as dt
import re

import openpyxl
import pytest

from helpers import named, recalculate
from jieshui.builder import build_workbook
from jieshui.workbook.contract import SHEET_PROGRESS
from jieshui.workbook.inputs import WorkbookInputs

pytestmark = pytest.mark.office  # LibreOffice computes every rule checked here

REPORTED = "已报"
# Per workbook: 评价年度 and 填报日期 on the cover.
WORKBOOKS = {"y2024_filed_2025": (2024, dt.date(2025, 7, 20)),  # the example's: 工作年度 2025
             "y2025_no_date": (2025, None),                      # next year's, as carry makes it: 2026
             "no_year": (None, None)}
# (workbook, today) → months overdue for a unit with no report, and for one that reported February.
EXPECTED = {
    ("y2024_filed_2025", dt.date(2025, 1, 31)): (set(), set()),  # January is outside the plan
    ("y2024_filed_2025", dt.date(2025, 2, 25)): (set(), set()),  # due by the 25th: not yet late
    ("y2024_filed_2025", dt.date(2025, 2, 26)): ({2}, set()),
    ("y2024_filed_2025", dt.date(2025, 3, 26)): ({2, 3}, {3}),
    ("y2024_filed_2025", dt.date(2026, 12, 10)): ({2, 3, 4, 5, 6, 7, 8}, {3, 4, 5, 6, 7, 8}),  # a past year
    ("y2025_no_date", dt.date(2025, 12, 31)): (set(), set()),  # its plan has not begun
    ("y2025_no_date", dt.date(2026, 6, 1)): ({2, 3, 4, 5}, {3, 4, 5}),
    ("no_year", dt.date(2026, 12, 10)): (set(), set()),  # no year on the cover, nothing judged
}


def _book(std, year, report_date):
    inputs = WorkbookInputs()
    inputs.county.update(name="测试县", year=year, report_date=report_date)
    inputs.reports[std.units[1]] = [REPORTED] + [None] * 11
    inputs.reports[std.units[1]][1] = REPORTED  # February; January too, which is never judged
    return build_workbook(std, inputs, None)


def _late_rules(ws):
    """{month column letter: (top-left cell, formula)} of the rules that mark a month late."""
    rules = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.formula and "TODAY()" in rule.formula[0]:
                first = str(cf.sqref).split()[0].split(":")[0]
                rules[re.match(r"[A-Z]+", first).group(0)] = (first, rule.formula[0])
    return rules


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory, std):
    """{(workbook, today, unit index, month): LibreOffice's value of the rule (None: no rule)}, and
    the recalculated files."""
    folder = tmp_path_factory.mktemp("progress")
    sources, cells = [], {}
    for name, (year, report_date) in WORKBOOKS.items():
        built = folder / f"{name}.xlsm"
        built.write_bytes(_book(std, year, report_date))
        book = openpyxl.load_workbook(built)
        grid = named(book, "in_reports")
        rules = _late_rules(book[SHEET_PROGRESS])
        probe = book.create_sheet("probe")
        row = 1
        for workbook, today in EXPECTED:
            if workbook != name:
                continue
            for unit in (0, 1):
                for month in range(1, 13):
                    column = openpyxl.utils.get_column_letter(grid.column + month - 1)
                    if column not in rules:
                        continue
                    first, formula = rules[column]
                    target = f"'{SHEET_PROGRESS}'!{column}{grid.row + unit}"
                    text = re.sub(rf"(?<![$A-Z]){first}(?![0-9])", target, formula)
                    text = text.replace("TODAY()", f"DATE({today.year},{today.month},{today.day})")
                    probe.cell(row, 1, "=" + text)
                    cells[(name, today, unit, month)] = row
                    row += 1
        path = folder / f"{name}_probe.xlsx"
        book.save(path)
        sources.append(path)
    results = recalculate(sources, folder / "out", batches=1)
    values = {}
    for path, result in results.items():
        name = path.stem.removesuffix("_probe")
        probe = openpyxl.load_workbook(result, data_only=True)["probe"]
        for (workbook, today, unit, month), row in cells.items():
            if workbook == name:
                values[(workbook, today, unit, month)] = probe.cell(row, 1).value
    return values, {path.stem.removesuffix("_probe"): result for path, result in results.items()}


@pytest.mark.parametrize("workbook,today", list(EXPECTED))
def test_overdue_months_are_those_of_the_plan_in_the_workbooks_year(evaluated, workbook, today):
    values, _ = evaluated
    for unit, expected in zip((0, 1), EXPECTED[(workbook, today)]):
        shown = {m for m in range(1, 13) if values.get((workbook, today, unit, m)) is True}
        assert shown == expected, (workbook, today, unit)
        assert all(values.get((workbook, today, unit, m)) in (True, False, None) for m in range(1, 13))


def test_only_the_plans_months_have_a_rule(evaluated):
    values, _ = evaluated
    judged = {m for (_, _, _, m) in values}
    assert judged == {2, 3, 4, 5, 6, 7, 8}


def test_the_stages_move_to_the_workbooks_year(evaluated, std):
    _, recalculated = evaluated
    expected = {"y2024_filed_2025": (2025, "总结梳理阶段"), "y2025_no_date": (2026, "请在“说明”页填写填报日期"),
                "no_year": ("未填年度", "请在“说明”页填写填报日期")}
    for name, (year, stage) in expected.items():
        ws = openpyxl.load_workbook(recalculated[name], data_only=True)[SHEET_PROGRESS]
        assert ws["F2"].value == year and ws["J2"].value == stage
        shown_year = 2025 if year == "未填年度" else year  # the standard's own dates until a year is given
        assert ws["C4"].value == f"{shown_year}年2月1日至2月28日"
        assert ws["C7"].value == f"{shown_year}年8月1日至8月31日"
