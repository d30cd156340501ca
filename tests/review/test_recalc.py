"""`jieshui score WORKBOOK` and `jieshui recalc`: workbooks read and refreshed without Excel."""

import io
import shutil
import zipfile

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK as WORKBOOK, coordinates, named, run
from jieshui.engine import assess
from jieshui.review.recalc import recalculated
from jieshui.workbook.readers import WorkbookError


def entries(path):
    archive = zipfile.ZipFile(path)
    return {name: archive.read(name) for name in archive.namelist()}


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
