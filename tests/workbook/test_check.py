"""检查数据 / `jieshui check`: each planted problem is found, at the right cell."""

import json

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK as EXAMPLE, cell_of, coordinates, planted, run, set_named
from jieshui.workbook.check import UNRECORDED, Problem, check, link_target
from jieshui.workbook.cached_values import patch_workbook
from jieshui.workbook.readers import read_workbook


def problems(path, std):
    return check(read_workbook(path, std), std).problems


def ledger(*firsts):
    """佐证台账 rows as the readers give them: a content's id (int) or a prerequisite's key."""
    return [[first, f"材料{n}", f"示府发〔2024〕{n}号", None, 3, f"{n}.pdf"] for n, first in enumerate(firsts, 1)]


def test_the_example_is_clean(std):
    assert problems(EXAMPLE, std) == []
    out = run("check", EXAMPLE)
    assert out.returncode == 0 and "数据检查通过" in out.stdout


def test_evidence_marked_given_but_not_in_the_ledger_is_a_reminder_per_content(std):
    # Every content's 佐证材料 marked 已提供 and nothing in the 佐证台账 (台账（份）0 on 附件3):
    # check must not pass it silently.
    data = read_workbook(EXAMPLE, std)
    data.inputs.ledger = []
    data.inputs.evidence = {n: "已提供" for n in range(1, 25)}
    data.inputs.prereq_evidence = {key: "已提供" for key in ("P1", "P2", "P3", "P4")}
    found = check(data, std).problems
    assert found and {p.kind for p in found} == {UNRECORDED} and all(p.is_hint for p in found)
    book = openpyxl.load_workbook(EXAMPLE)
    assert [p.cell for p in found] == [cell_of(book, "in_evidence", i) for i in range(24)]
    assert found[4].message.startswith("第5项评价内容“农业灌溉用水计量率”佐证材料标注为“已提供”")
    assert "“佐证台账”中没有该内容的材料" in found[4].message


def test_points_without_evidence_at_the_contents_cell(std):
    data = read_workbook(EXAMPLE, std)
    data.inputs.ledger = ledger(*[n for n in range(1, 25) if n != 5], "P1", "P2", "P3", "P4")
    data.inputs.evidence[5] = "未提供"
    found = check(data, std).problems
    cell = cell_of(openpyxl.load_workbook(EXAMPLE), "in_evidence", 4)
    assert [(p.cell, p.kind) for p in found] == [(cell, "赋分无佐证")]
    assert found[0].message.startswith("第5项评价内容“农业灌溉用水计量率”自评得分4分")  # 5 scores 4


def test_ledger_rows_back_the_evidence_in_either_shape(std):
    data = read_workbook(EXAMPLE, std)
    # Every content listed but 7, and 必备条件1 listed (its own mark cleared): only content 7
    # is told, and 必备条件1 has evidence through its ledger row.
    data.inputs.ledger = ledger(*[n for n in range(1, 25) if n != 7], "P1")
    data.inputs.prereq_evidence["P1"] = None
    found = check(data, std).problems
    assert [(p.kind, p.message[:7]) for p in found] == [(UNRECORDED, "第7项评价内容")]
    data.inputs.ledger = ledger(*range(1, 25))  # 必备条件1 unmarked and unlisted now
    found = check(data, std).problems
    assert [p.kind for p in found] == ["赋分无佐证"] and found[0].message.startswith("必备条件1判定为满足")


@pytest.mark.parametrize("name, row, col, value, kind, fragment", [
    ("in_permits_total", 0, 0, None, "数据错误", "缺少“水资源论证、取水许可审批总数”"),
    ("in_permits_total", 0, 0, "四十", "数据错误", "应为数字"),
    ("in_communities_certified", 0, 0, 90, "数据错误", "大于“居民小区总数”"),
    ("in_utilities", 0, 2, 1200, "数据错误", "注册用户用水量1200万立方米，大于供水总量1000万立方米"),
    ("tpl_version", 0, 0, "2024.9", "版本不符", "工作簿模板版本为2024.9"),
    ("std_version", 0, 0, "2019", "版本不符", "评价标准版本为2019"),
    ("std_table", 4, 5, 0.7, "评价标准被修改", "评价标准第5项“目标值”为70%，标准原值为80%"),  # as shown
])
def test_each_planted_problem_is_found_at_its_cell(tmp_path, std, name, row, col, value, kind, fragment):
    path = planted(tmp_path, set_named(name, value, row, col))
    cell = cell_of(openpyxl.load_workbook(path), name, row, col)
    matching = [p for p in problems(path, std) if p.cell == cell and p.kind == kind]
    assert matching and fragment in matching[0].message, problems(path, std)


def test_an_unmet_prerequisite_points_at_its_verdict_cell(tmp_path, std):
    path = planted(tmp_path, set_named("in_no_major_violation", "否"))
    cell = cell_of(openpyxl.load_workbook(path), "out_prereqs", 3)
    matching = [p for p in problems(path, std) if p.kind == "必备条件不满足"]
    assert [p.cell for p in matching] == [cell] and "必备条件4不满足" in matching[0].message


def test_a_workbook_without_saved_results_is_one_problem(tmp_path, std):
    path = planted(tmp_path, lambda book: None)  # openpyxl drops every cached value
    found = [p for p in problems(path, std) if not p.is_hint]
    assert [p.kind for p in found] == ["赋分与数据不符"] and "没有保存计算结果" in found[0].message


def test_scores_shown_that_do_not_follow_from_the_figures(tmp_path, std):
    # openpyxl drops cached values; put a stale claim back the way a hand-edited file would.
    sheet, points = coordinates("out_points")
    _, (total,) = coordinates("out_total")
    path = tmp_path / "stale.xlsm"
    path.write_bytes(patch_workbook(EXAMPLE.read_bytes(), {sheet: {points[4]: 5.0, total: 97.5}}))
    found = [p for p in problems(path, std) if p.kind == "赋分与数据不符"]
    assert [p.cell for p in found] == [f"{sheet}!{points[4]}", f"{sheet}!{total}"]
    assert "显示得分5，按填报数据应为4" in found[0].message  # both as the sheet shows them


def test_check_command_exit_codes_and_json(tmp_path):
    path = planted(tmp_path, set_named("in_no_major_violation", "否"))
    out = run("check", path, "--json")
    assert out.returncode == 1
    found = json.loads(out.stdout)
    verdict = cell_of(openpyxl.load_workbook(path), "out_prereqs", 3)
    assert found[0]["kind"] == "必备条件不满足" and found[0]["cell"] == verdict
    foreign = tmp_path / "notes.xlsm"
    foreign.write_text("会议纪要", encoding="utf-8")
    out = run("check", foreign)
    assert out.returncode == 2 and "不是 Excel 工作簿" in out.stderr


def test_links_jump_to_the_cell():
    assert link_target(Problem("附件3技术评估指标!N8", "赋分无佐证", "")) == "#'附件3技术评估指标'!N8"
    assert link_target(Problem("", "版本不符", "")) == ""
