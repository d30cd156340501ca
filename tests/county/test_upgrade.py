"""`jieshui upgrade`: a workbook of the previous template (the example as committed before
template 2025.5, tests/workbook/fixtures) rebuilt on the current template with all of its data,
the original untouched. The oracle is the reader itself on the original: everything it reads
from the 2025.4 file must read back the same from the new one, field by field."""

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers import named_cells, planted, run
from jieshui.county.merge import merged_returns
from jieshui.workbook.contract import PREVIOUS_TEMPLATE, SHEET_RECORDS, TEMPLATE_VERSION
from jieshui.workbook.inputs import WorkbookInputs
from jieshui.workbook.readers import read_workbook

PREVIOUS = Path(__file__).parents[1] / "workbook" / "fixtures" / "example_template_2025.4.xlsm"

# What a county mid-year also holds and the committed fixture does not: two ledger rows (one
# for a 必备条件), the day two units' 填报表 came back, and what merge logged.
LEDGER = [[1, "用水定额管理文件", "示旗水发〔2025〕3号", dt.datetime(2025, 3, 10), 12, "定额文件.pdf"],
          ["P2", "节水型社会建设规划", "示旗政发〔2024〕8号", dt.datetime(2024, 11, 2), 40, "规划.pdf"]]
RETURNED = {0: "2025-06-20", 4: "2025-06-23"}
LOG = [["2025-06-20 09:30", "宣传部", "工作进度!C11", "宣传部6月月报", None, "已报", "宣传部_填报表.xlsx",
        "2025-06-19 17:02"],
       ["2025-06-23 10:05", "发改委", "基础数据!C12", "地区生产总值", 120.5, 121.3, "发改委_填报表.xlsx",
        "2025-06-22 16:40"]]


def _mid_year(book):
    ledger = named_cells(book, "in_ledger")  # A4:F303, row by row
    for n, row in enumerate(LEDGER):
        for col, value in enumerate(row):
            ledger[n * 6 + col].value = value
    returns = named_cells(book, "in_returns")
    for n, day in RETURNED.items():
        returns[n].value = day
    for row in LOG:
        book[SHEET_RECORDS].append(row)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """(original, its bytes before, the upgrade's output, the new workbook) for the fixture with
    a county's mid-year data planted."""
    folder = tmp_path_factory.mktemp("upgrade")
    original = planted(folder, _mid_year, "示例旗.xlsm", source=PREVIOUS)
    before = original.read_bytes()
    out = run("upgrade", original)
    return original, before, out, folder / "示例旗_新模板.xlsm"


def test_the_new_workbook_is_beside_the_original_which_is_untouched(upgraded):
    original, before, out, new = upgraded
    assert out.returncode == 0, out.stderr
    assert new.exists() and str(new) in out.stdout and "原工作簿示例旗.xlsm未改动" in out.stdout
    assert f"{PREVIOUS_TEMPLATE} → {TEMPLATE_VERSION}" in out.stdout
    assert original.read_bytes() == before


def test_the_new_workbook_holds_everything_the_old_one_held(upgraded, std):
    original, _, _, new = upgraded
    old, current = read_workbook(original, std), read_workbook(new, std)
    assert str(old.template_version) == PREVIOUS_TEMPLATE
    assert str(current.template_version) == TEMPLATE_VERSION
    # the planted data is really there to be lost: the test can fail
    assert [row for _, row in old.inputs.ledger_rows()][1][0] == "P2"
    assert sum(v is not None for v in old.inputs.returns.values()) == len(RETURNED)
    for field in dataclasses.fields(WorkbookInputs):  # every field, so a new one is compared too
        assert getattr(current.inputs, field.name) == getattr(old.inputs, field.name), field.name
    assert current.standard_version == old.standard_version
    assert current.standard_table == old.standard_table
    assert current.outside == old.outside == []


def test_merges_log_is_carried_as_it_was(upgraded):
    original, _, out, new = upgraded

    def log(path):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in book[SHEET_RECORDS].iter_rows(min_row=2, max_col=8, values_only=True)]
        book.close()
        return rows

    assert log(new) == log(original) == LOG
    assert merged_returns(new) == merged_returns(original) != {}  # merge still refuses older returns
    assert f"“{SHEET_RECORDS}”的2行记录已原样转入" in out.stdout


def test_score_is_the_same_on_both(upgraded):
    original, _, _, new = upgraded
    old, current = (json.loads(run("score", p, "--json").stdout) for p in (original, new))
    assert old["total"] == current["total"] == 96.5  # the example's total, as the county's report says
    assert old["contents"] == current["contents"]
    assert old["prerequisites"] == current["prerequisites"]


def test_recalc_and_merge_send_the_old_workbook_to_upgrade(upgraded, tmp_path):
    original, before, _, new = upgraded
    out = run("recalc", original, "-o", tmp_path / "old.xlsm")
    assert out.returncode != 0 and not (tmp_path / "old.xlsm").exists()
    assert f"工作簿为上一版模板（{PREVIOUS_TEMPLATE}）" in out.stderr and "jieshui upgrade" in out.stderr
    assert "Traceback" not in out.stderr
    merged = run("merge", original, tmp_path / "某单位_填报表.xlsx")
    assert merged.returncode != 0 and "汇总填报表需要当前模板" in merged.stderr
    assert "jieshui upgrade" in merged.stderr
    assert original.read_bytes() == before
    done = run("recalc", new, "-o", tmp_path / "new.xlsm")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new.xlsm").exists()


def test_an_existing_output_is_refused(upgraded, tmp_path, std):
    original = upgraded[0]
    target = tmp_path / "已有.xlsm"
    target.write_bytes(b"an office's own file")
    out = run("upgrade", original, "-o", target)
    assert out.returncode != 0 and "已存在" in out.stderr
    assert target.read_bytes() == b"an office's own file"
    named = tmp_path / "新.xlsm"
    assert run("upgrade", original, "-o", named).returncode == 0
    assert str(read_workbook(named, std).template_version) == TEMPLATE_VERSION


def test_a_second_upgrade_never_overwrites_the_first(tmp_path):
    original = tmp_path / "县.xlsm"
    shutil.copy(PREVIOUS, original)
    first, second = run("upgrade", original), run("upgrade", original)
    assert first.returncode == second.returncode == 0
    assert (tmp_path / "县_新模板.xlsm").exists() and (tmp_path / "县_新模板_2.xlsm").exists()
