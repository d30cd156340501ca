"""`jieshui score WORKBOOK` and `jieshui recalc`: workbooks read and refreshed without Excel."""

import io
import re
import shutil
import zipfile

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK as WORKBOOK, coordinates, named, run, set_named
from jieshui.engine import assess
from jieshui.county.recalc import recalculated
from jieshui.workbook.contract import Param
from jieshui.workbook.readers import WorkbookError, read_workbook


def entries(path):
    archive = zipfile.ZipFile(path)
    return {name: archive.read(name) for name in archive.namelist()}


def test_recalc_of_an_unchanged_workbook_changes_nothing(std):
    refreshed = recalculated(WORKBOOK, std).data
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
    (backup,) = tmp_path.glob("县_备份_*.xlsm")  # named for the minute it was kept
    assert re.fullmatch(r"县_备份_\d{8}-\d{4}\.xlsm", backup.name) and backup.read_bytes() == original


def test_recalc_refuses_a_changed_formula(tmp_path, std):
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    sheet, points = coordinates("out_points")
    book[sheet][points[0]] = "=4"
    path = tmp_path / "changed.xlsm"
    book.save(path)
    with pytest.raises(WorkbookError, match=f"{sheet}!{points[0]}的公式与评价标准.*的模板不同"):
        recalculated(path, std)


def test_every_empty_value_encoding_gets_one_value_per_cell(tmp_path):
    # What writers leave after a formula they did not compute: openpyxl <v></v>, ElementTree
    # <v />, others <v/>, and attributes in another order. Each must be replaced, never kept
    # beside the new <v> (the schema allows one).
    saved = tmp_path / "saved.xlsm"
    openpyxl.load_workbook(WORKBOOK, keep_vba=True).save(saved)
    variants = iter([b"<v />", b"<v/>", b"<v></v>"] * 10_000)
    rewritten = tmp_path / "rewritten.xlsm"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<v></v>", lambda _: next(variants), data)
                data = re.sub(rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"><f>', rb'<c s="\2" r="\1"><f>', data)
            target.writestr(info, data)
    sheets = [n for n in entries(rewritten) if n.startswith("xl/worksheets/sheet")]
    assert sum(entries(rewritten)[n].count(b"<v />") for n in sheets) > 10
    out = tmp_path / "out.xlsm"
    assert run("recalc", rewritten, "-o", out).returncode == 0
    for name in sheets:
        for cell in re.findall(rb"<c\b.*?(?:/>|</c>)", entries(out)[name], re.S):
            assert cell.count(b"<v") <= 1, cell[:200]
    assert named(openpyxl.load_workbook(out, data_only=True), "out_total").value == 96.5


def test_edited_rules_are_named_and_can_be_used(tmp_path, std, example):
    # 内容 5 (77.06 %) with its target raised to 85 % in the workbook's 评价标准: two whole 5 pp
    # steps short of it at 1 point a step, 5 - 2 = 3 points (see test_native for the UDF).
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    set_named("std_table", 0.85, 4, Param.TARGET)(book)
    edited = tmp_path / "edited.xlsm"
    book.save(edited)
    official = assess(example, std).contents[4].points
    assert official != 3.0
    plain = run("recalc", edited, "-o", tmp_path / "official.xlsm")
    assert plain.returncode == 0 and "评价标准有1处与随软件发布的评价标准不同" in plain.stderr
    assert coordinates("std_table")[0] in plain.stderr and "--use-workbook-rules" in plain.stderr
    assert read_workbook(tmp_path / "official.xlsm", std).claimed["out_points"][4] == official
    own = run("recalc", edited, "-o", tmp_path / "own.xlsm", "--use-workbook-rules")
    assert own.returncode == 0 and "按工作簿中的评价标准计算" in own.stderr
    assert read_workbook(tmp_path / "own.xlsm", std).claimed["out_points"][4] == 3.0
