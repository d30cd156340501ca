"""`jieshui score WORKBOOK` and `jieshui recalc`: workbooks read and refreshed without Excel."""

import io
import json
import shutil
import zipfile

import openpyxl
import pytest

from helpers import EXAMPLE, EXAMPLE_WORKBOOK as WORKBOOK, coordinates, named, run
from jieshui.engine import assess
from jieshui.review.recalc import recalculated
from jieshui.workbook.readers import WorkbookError, read_workbook


def entries(path):
    archive = zipfile.ZipFile(path)
    return {name: archive.read(name) for name in archive.namelist()}


def test_workbook_scores_like_the_county_file():
    from_file = json.loads(run("score", EXAMPLE, "--json").stdout)
    from_book = json.loads(run("score", WORKBOOK, "--json").stdout)
    assert from_book == from_file


def test_workbook_errors_name_the_cell(tmp_path):
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    named(book, "in_permits_total").value = "四十"
    path = tmp_path / "bad.xlsm"
    book.save(path)
    out = run("score", path, "--json")
    assert out.returncode == 1
    error = json.loads(out.stdout)["errors"][0]
    assert error["field"] == "inputs.permits_total"
    assert error["cell"] == "基础数据!" + named(book, "in_permits_total").coordinate


def test_recalc_of_an_unchanged_workbook_changes_nothing(std):
    refreshed = recalculated(WORKBOOK, std)
    archive = zipfile.ZipFile(io.BytesIO(refreshed))
    assert {n: archive.read(n) for n in archive.namelist()} == entries(WORKBOOK)


def test_recalc_restores_values_after_an_openpyxl_edit(tmp_path, std, example):
    # openpyxl keeps the VBA and the buttons but drops every cached value.
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    named(book, "in_communities_certified").value = 17  # 17/85 = 20 %: content 16 now full
    edited = tmp_path / "edited.xlsm"
    book.save(edited)
    assert named(openpyxl.load_workbook(edited, data_only=True), "out_total").value is None
    out = tmp_path / "refreshed.xlsm"
    result = run("recalc", edited, "-o", out)
    assert result.returncode == 0, result.stderr
    example["inputs"]["communities_certified"] = 17
    expected = assess(example, std)
    assert expected.total == 97.5
    values = openpyxl.load_workbook(out, data_only=True)
    assert named(values, "out_total").value == 97.5
    assert named(values, "out_verdict").value == expected.verdict
    before, after = entries(edited), entries(out)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    changed = {n for n in before if before[n] != after[n]}
    assert changed and all(n.startswith("xl/worksheets/sheet") for n in changed)
    assert any(n.endswith(".vml") for n in after)


def test_recalc_never_overwrites(tmp_path):
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"someone's file")
    result = run("recalc", WORKBOOK, "-o", target)
    assert result.returncode == 2 and "已存在" in result.stderr
    assert target.read_bytes() == b"someone's file"
    assert run("recalc", WORKBOOK).returncode == 2


def test_recalc_in_place_keeps_a_backup(tmp_path):
    path = tmp_path / "县.xlsm"
    shutil.copy(WORKBOOK, path)
    original = path.read_bytes()
    result = run("recalc", path, "--in-place")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "县_备份.xlsm").read_bytes() == original


def test_recalc_refuses_a_changed_formula(tmp_path, std):
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    sheet, points = coordinates("out_points")
    book[sheet][points[0]] = "=4"
    path = tmp_path / "changed.xlsm"
    book.save(path)
    with pytest.raises(WorkbookError, match=f"{sheet}!{points[0]} 的公式已被改动"):
        recalculated(path, std)


@pytest.mark.parametrize("content, fragment", [
    (b"just text", "不是 Excel 工作簿"),
    (b"PK\x03\x04broken zip", "不是 Excel 工作簿"),
])
def test_unreadable_workbooks(tmp_path, std, content, fragment):
    path = tmp_path / "county.xlsm"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=fragment):
        read_workbook(path, std)
    out = run("score", path)
    assert out.returncode == 2 and fragment in out.stderr and "Traceback" not in out.stderr


def test_a_foreign_workbook_is_named_as_such(tmp_path, std):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "某公司报表"
    book.save(path)
    with pytest.raises(WorkbookError, match="不是由 jieshui 模板生成的县域复核工作簿"):
        read_workbook(path, std)


def test_a_deleted_sheet_is_named(tmp_path, std):
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    del book["附件2 必备条件"]
    path = tmp_path / "deleted.xlsm"
    book.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, std)
    assert "附件2 必备条件" in str(info.value) or "定义名称" in str(info.value)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, std):
    path = tmp_path / "bomb.xlsm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * 1_000_000
            for _ in range(120):
                entry.write(chunk)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(WorkbookError, match="疑似压缩炸弹"):
        read_workbook(path, std)
