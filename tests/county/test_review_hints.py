"""Issue 21, items 3 and 8 through the real commands on real workbook files: contents scored by
their 0/0 rule and contradicting figures are 复核提示 in `check`, `score` and `export`; messages
about a workbook speak the workbook's terms; one word per state in the workbook and the export."""

import json
import os
import re

import openpyxl
import pytest

from helpers import EXAMPLE, EXAMPLE_WORKBOOK, cell_of, named_cells, planted, recalculate, run, set_named
from jieshui.engine import load_standard, words

WIDE = {**os.environ, "COLUMNS": "400"}  # rich folds long messages at the terminal's width
ZEROS = {"in_communities_total": 0, "in_communities_certified": 0, "in_enterprises_high_use_total": 0,
         "in_enterprises_certified": 0, "in_sewage_treated": 0, "in_reclaimed_water_used": 0}


def plant(tmp_path, values, name="planted.xlsm"):
    """The example workbook with `values` typed into the cells of these names."""
    return planted(tmp_path, lambda book: [set_named(n, v)(book) for n, v in values.items()], name)


def checked(path):
    out = run("check", path, "--json")
    assert out.returncode == 1, out.stderr
    return json.loads(out.stdout)


def hints(found):
    return [p for p in found if p["kind"] == "复核提示"]


def test_zero_denominators_are_told_by_check_and_score(tmp_path):
    path = plant(tmp_path, ZEROS)
    book = openpyxl.load_workbook(path)
    told = {p["cell"]: p["message"] for p in hints(checked(path)) if "分母为0" in p["message"]}
    expected = {cell_of(book, "in_enterprises_high_use_total"): "第14项评价内容",
                cell_of(book, "in_communities_total"): "第16项评价内容",
                cell_of(book, "in_sewage_treated"): "第21项评价内容"}
    assert set(told) == set(expected)
    for cell, content in expected.items():
        assert told[cell].startswith(content) and "按不适用规则得满分" in told[cell]
    assert "居民小区总数为0" in told[cell_of(book, "in_communities_total")]
    # The score they give: the 96.5 → 98.5 (contents 16 and 21 each regain one point).
    scored = json.loads(run("score", path, "--json").stdout)
    assert scored["total"] == 98.5
    assert sorted(h["content"] for h in scored["hints"] if h["content"]) == [14, 16, 21]
    terminal = run("check", path, env=WIDE).stdout
    assert "复核提示" in terminal and "第16项评价内容“节水型居民小区建成率”分母为0" in terminal
    assert f"{cell_of(book, 'in_communities_total')}：第16项评价内容" in run("score", path, env=WIDE).stdout


def test_export_lists_the_hints(tmp_path):
    path = plant(tmp_path, ZEROS)
    out = run("export", path, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(next((tmp_path / "out").glob("*.xlsx"))).active
    texts = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any("第16项评价内容“节水型居民小区建成率”分母为0" in t for t in texts)
    assert any("数据相互矛盾" in t and "居民小区总数0" in t for t in texts)


# A contradiction planted for each rule of the standard, and the name of the cell it points at.
CONTRADICTIONS = {
    "H1": ({"in_communities_total": 0, "in_communities_certified": 0}, "in_communities_total"),
    "H2": ({"in_sewage_treated": 0, "in_reclaimed_water_used": 0}, "in_sewage_treated"),
    "H3": ({"in_plans_total": 0, "in_plans_quota_based": 0}, "in_plans_total"),
    "H4": ({"in_industry_volume": 0, "in_industry_metered_volume": 0}, "in_industry_volume"),
    "H5": ({"in_reclaimed_water_used": 1200}, "in_reclaimed_water_used"),
    "H6": ({"in_total_water_use": 1400}, "in_total_water_use"),
    "H7": ({"in_agri_irrigation_volume": 36000}, "in_total_water_use"),
}


def test_every_plausibility_rule_has_a_planted_contradiction():
    assert sorted(CONTRADICTIONS) == sorted(p.id for p in load_standard().plausibility)


@pytest.mark.parametrize("rule", sorted(CONTRADICTIONS))
def test_each_plausibility_rule_fires_on_its_contradiction(tmp_path, rule):
    values, target = CONTRADICTIONS[rule]
    text = next(p.text for p in load_standard().plausibility if p.id == rule)
    path = plant(tmp_path, values)
    found = checked(path)
    fired = [p for p in hints(found) if text in p["message"]]
    assert len(fired) == 1, found
    book = openpyxl.load_workbook(path)
    assert fired[0]["cell"] == cell_of(book, target)
    if rule in ("H1", "H2", "H6"):  # the public supply: the 供水单位 table's 供水总量 column
        sheet, ref = cell_of(book, "in_utilities", 0, 1).split("!")
        first = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        assert f"（“{sheet}”第{first}–{first + 9}行）" in fired[0]["message"]  # its ten rows, in words


def test_no_hint_on_the_example():
    out = run("check", EXAMPLE_WORKBOOK, "--json")
    assert out.returncode == 0 and json.loads(out.stdout) == []
    assert json.loads(run("score", EXAMPLE, "--json").stdout)["hints"] == []


# Wrong values an official may type, and what the advice must say in the workbook's terms.
TYPED = [
    ("in_gdp_intensity_decline", 5.2, "为520%", "5.2%"),      # 5.2 typed where 5.2% was meant
    ("in_gdp_intensity_decline", None, "缺少", "按百分数填写"),
    ("in_permits_total", " 40", "“ 40”", "空格"),
    ("in_permits_total", "40%", "“40%”", "百分号"),
    ("in_irrigation_efficiency", 58.3, "58.3", "0～1"),
    ("in_no_major_violation", "对", "“对”", "下拉列表"),
]
TOML_TERMS = re.compile(r"\[\[|\[inputs\]|\[county\]|inputs\.|utilities\[|引号|应填0\.\d|填0\.\d")


def messages(path, found):
    """Every message `check` (`found`) and `score` give about the workbook."""
    scored = json.loads(run("score", path, "--json").stdout)
    given = [p["message"] for p in found] + [e["message"] for e in scored["errors"]]
    return given + [h["message"] for h in scored["hints"]] + [c["gap"] for c in scored["contents"]]


@pytest.mark.parametrize("name, value, quoted, advice", TYPED)
def test_advice_about_a_workbook_uses_the_sheets_terms(tmp_path, name, value, quoted, advice):
    path = planted(tmp_path, set_named(name, value))
    cell = cell_of(openpyxl.load_workbook(path), name)
    found = checked(path)
    at_cell = [p["message"] for p in found if p["cell"] == cell and p["kind"] == "数据错误"]
    assert len(at_cell) == 1 and quoted in at_cell[0] and advice in at_cell[0], at_cell
    assert not [m for m in messages(path, found) if TOML_TERMS.search(m)]


def test_the_utility_table_is_named_as_the_workbook_shows_it(tmp_path):
    def clear(book):
        for cell in named_cells(book, "in_utilities")[:1]:
            sheet = cell.parent
            for row in sheet.iter_rows(min_row=cell.row, max_row=cell.row + 9,
                                       min_col=cell.column, max_col=cell.column + 6):
                for c in row:
                    c.value = None
    path = planted(tmp_path, clear)
    found = checked(path)
    assert any("供水单位表" in p["message"] for p in found if p["kind"] == "数据错误")
    assert not [m for m in messages(path, found) if TOML_TERMS.search(m)]


def test_a_data_file_keeps_its_own_conventions(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    edited = text.replace("gdp_intensity_decline = 0.052 ", "gdp_intensity_decline = 5.2 ")
    assert edited != text
    path = tmp_path / "county.toml"
    path.write_text(edited, encoding="utf-8")
    scored = json.loads(run("score", path, "--json").stdout)
    assert any("5.2%应填0.052" in e["message"] for e in scored["errors"])


def test_an_invalid_rate_has_one_word_in_the_workbook_score_and_export(tmp_path):
    path = plant(tmp_path, {"in_gdp_intensity_decline": "五点二", "in_plans_total": None})
    # The workbook as LibreOffice computes it (its native formulas; no Python there).
    computed = recalculate([path], tmp_path / "lo", batches=1)[path]
    book = openpyxl.load_workbook(computed, data_only=True)
    shown = named_cells(book, "out_prereqs")[1].value  # P2 reads the decline rates
    word = shown.split("：")[0]
    assert word == words.INVALID
    scored = json.loads(run("score", path, "--json").stdout)
    assert scored["prerequisites"][1]["state"] == word
    # Content 2 lacks its denominator: its 得分 cell and the engine say the same word.
    assert named_cells(book, "out_points")[1].value == words.MISSING
    assert scored["contents"][1]["gap"].startswith(words.MISSING + "：")
    run("export", path, "-o", tmp_path / "out")
    sheet = openpyxl.load_workbook(next((tmp_path / "out").glob("*.xlsx"))).active
    p2 = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "必备条件2")
    assert p2[4] == word
