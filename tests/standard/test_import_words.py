"""`jieshui standard import` says every rule error at the cell it concerns and calls the file
what it is (issue 22 item 6): the engine's checks of the whole standard (a ladder's bands out of
order, a target above 100 %, a sum that no longer adds up...) come back as sheet!A1 of the
edited workbook, in the workbook's words (percent as typed, no TOML keys), under
“评价标准工作簿”; a .toml with the same error is a 评价标准文件."""

import re

import openpyxl
import pytest

from helpers import EXAMPLE, ROOT, run

PROBLEM_LINE = re.compile(r"^(评价内容|得分项|必备条件|总体)!([A-Z]+)(\d+)(:[A-Z]+\d+)?（")
TOML_KEYS = ("target", "step", "deduct", "cutoff", "bands", "max_points", "cap", "base_max", "bonus_cap",
             "pass_mark", "better", "units", "= ")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("standard") / "评价标准.xlsx"
    out = run("standard", "export", "-o", path)
    assert out.returncode == 0, out.stderr
    return path


def where(book, sheet, ident, header):
    """sheet!A1 of a row (by its id in column A, or its label in 总体) and column (by header),
    found in the exported workbook itself."""
    ws = book[sheet]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == ident)
    col = 2 if sheet == "总体" else next(c.column for c in ws[2] if c.value == header)
    return ws.cell(row, col)


def edit(source, target, changes):
    book = openpyxl.load_workbook(source)
    for (sheet, ident, header), value in changes.items():
        where(book, sheet, ident, header).value = value
    book.save(target)
    return target


def cell(source, sheet, ident, header):
    found = where(openpyxl.load_workbook(source), sheet, ident, header)
    return f"{sheet}!{found.coordinate}"


LADDER = {("评价内容", 21, "规则类型"): "分档得分（越高越好）", ("评价内容", 21, "目标值"): None,
          ("评价内容", 21, "步长"): None, ("评价内容", 21, "每步扣分"): None, ("评价内容", 21, "部分得分"): None}

# (what the province typed, the cell that must be named, words the message must hold)
CASES = {
    "ladder out of order": ({**LADDER, ("评价内容", 21, "第1档界限"): 0.20, ("评价内容", 21, "第1档得分"): 1.0,
                             ("评价内容", 21, "第2档界限"): 0.10, ("评价内容", 21, "第2档得分"): 5.0},
                            ("评价内容", 21, "第1档界限"), "从差到好排列"),
    "ladder above 100 %": ({**LADDER, ("评价内容", 21, "第1档界限"): 1.5, ("评价内容", 21, "第1档得分"): 5.0},
                           ("评价内容", 21, "第1档界限"), "0%与100%之间"),
    "ladder points": ({**LADDER, ("评价内容", 21, "第1档界限"): 0.1, ("评价内容", 21, "第1档得分"): 3.0},
                      ("评价内容", 21, "第1档得分"), "最高一档等于标准分"),
    "target": ({("评价内容", 5, "目标值"): 1.2}, ("评价内容", 5, "目标值"), "当前为120%"),
    "step": ({("评价内容", 5, "步长"): 0}, ("评价内容", 5, "步长"), "0%与100%之间"),
    "deduct": ({("评价内容", 5, "每步扣分"): 9}, ("评价内容", 5, "每步扣分"), "当前为9"),
    "cutoff": ({("评价内容", 5, "不得分界限"): 0.9}, ("评价内容", 5, "不得分界限"), "低于目标值80%"),
    "rule of 17": ({("评价内容", 17, "规则类型"): "越高越好"}, ("评价内容", 17, "规则类型"), "漏损率应越低越好"),
    "points": ({("评价内容", 5, "标准分"): 0}, ("评价内容", 5, "标准分"), "标准分应大于0"),
    "items": ({("得分项", 8, "标准分"): 0.5}, ("得分项", 8, "标准分"), "各项标准分之和2应等于标准分3"),
    "lead": ({("评价内容", 3, "牵头单位"): "外星局"}, ("评价内容", 3, "牵头单位"), "“外星局”不在“责任单位”表中"),
    "prerequisite": ({("必备条件", "必备条件2", "配合单位"): "外星局"}, ("必备条件", "必备条件2", "配合单位"), "“外星局”"),
    "pass mark": ({("总体", "合格分", ""): 500}, ("总体", "合格分", ""), "合格分500应在0与总分之间"),
    "bonus cap": ({("总体", "加分上限", ""): 7}, ("总体", "加分上限", ""), "应等于加分上限7"),
    "base sum": ({("评价内容", 5, "标准分"): 6.0}, ("总体", "基本分", ""), "基本分各内容标准分之和为101"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_rule_error_names_its_cell_in_the_workbooks_words(exported, tmp_path, case):
    changes, expected, words = CASES[case]
    edited = edit(exported, tmp_path / "省级细则.xlsx", changes)
    out = run("standard", "import", edited, "-o", tmp_path / "x.toml")
    assert out.returncode == 2 and not (tmp_path / "x.toml").exists(), out.stdout + out.stderr
    head, *lines = out.stderr.strip().splitlines()
    assert head.startswith("错误：评价标准工作簿省级细则.xlsx有") and "评价标准文件" not in out.stderr
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), out.stderr  # every one at a cell
    named = [line for line in lines if line.startswith(cell(exported, *expected))]
    assert named and words in named[0], out.stderr
    assert not any(key in line.split("：", 1)[1] for line in lines for key in TOML_KEYS), out.stderr
    # --standard reads it the same way
    assert run("score", EXAMPLE, "--standard", edited).stderr == out.stderr


def test_a_ladder_error_names_its_band_cells_not_its_content_number(exported, tmp_path):
    changes, _, _ = CASES["ladder out of order"]
    out = run("standard", "import", edit(exported, tmp_path / "a.xlsx", changes), "-o", tmp_path / "x.toml")
    first, second = cell(exported, "评价内容", 21, "第1档界限"), cell(exported, "评价内容", 21, "第2档界限")
    assert f"{first}:{second.split('!')[1]}（第1档界限至第2档界限）：分档界限应从差到好排列" in out.stderr, out.stderr
    assert "评价内容21：" not in out.stderr


def test_the_same_error_in_a_standard_file_is_said_of_the_file(tmp_path):
    text = (ROOT / "python" / "jieshui" / "data" / "standard-2023.toml").read_text(encoding="utf-8")
    bad = tmp_path / "省级细则.toml"
    bad.write_text(text.replace('pass_mark = 85', 'pass_mark = 500', 1), encoding="utf-8")
    assert bad.read_text(encoding="utf-8") != text
    out = run("score", EXAMPLE, "--standard", bad)
    assert out.returncode == 2 and f"评价标准文件{bad}" in out.stderr and "评价标准工作簿" not in out.stderr


def test_diff_names_verdicts_carried_data_and_fields_by_their_labels_not_keys(tmp_path):
    import tomllib

    source = ROOT / "python" / "jieshui" / "data" / "standard-2023.toml"
    text = source.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    changed = (text.replace(f'pass = "{raw["verdicts"]["pass"]}"', 'pass = "合格"', 1)
               .replace('utility_fields = ["name", "pipe_length_km", "frost_depth_m"]', 'utility_fields = ["name"]', 1)
               .replace('inputs = { nonconventional_use_last_year = "nonconventional_use" }', "inputs = {}", 1))
    assert changed.count("\n") == text.count("\n") and changed != text
    edited = tmp_path / "v.toml"
    edited.write_text(changed, encoding="utf-8")
    out = run("standard", "diff", source, edited)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()[1:]
    assert len(lines) == 3 and not any(re.search(r"[a-z_]{4,}", line) for line in lines), out.stdout
    labels = {key: raw["inputs"][key]["label"] for key in ("nonconventional_use_last_year", "nonconventional_use")}
    assert f"“{labels['nonconventional_use_last_year']}←{labels['nonconventional_use']}”改为“（无）”" in out.stdout
    assert raw["utility_fields"]["pipe_length_km"]["label"] in out.stdout and "合格分时县区的自评结论" in out.stdout
