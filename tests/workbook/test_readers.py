"""The workbook reader: it reads what openpyxl (an independent parser, the oracle here) reads
through the defined names, on the example and on fuzzed cell encodings; it names the cell of a
data error; it refuses what is not a county workbook before unpacking it."""

import json
import zipfile

import openpyxl
import pytest

from cell_fuzz import CELL_KINDS, fuzzed_workbook, oracle_read
from helpers import EXAMPLE, EXAMPLE_WORKBOOK as WORKBOOK, named, run
from jieshui.buildtime.samples import counties, county_workbook
from jieshui.builder import shipped_vba
from jieshui.workbook.check import check
from jieshui.workbook.readers import WorkbookError, read_workbook
from jieshui.workbook.readers.file_reader import read_file

READERS = (read_workbook, read_file, oracle_read)


@pytest.mark.parametrize("read", [read_workbook, read_file], ids=["calamine", "xml"])
def test_the_reader_reads_what_openpyxl_reads(std, read):
    assert read(WORKBOOK, std) == oracle_read(WORKBOOK, std)


@pytest.mark.parametrize("seed", range(24))
def test_fuzzed_cells_read_the_same_as_openpyxl(tmp_path, std, seed):
    """Every input cell re-encoded at random (numbers in every notation, shared and inline
    strings with rich-text and phonetic runs, booleans, errors, ISO dates, empty values): same
    inputs, same problems, or both refuse."""
    path, kinds = fuzzed_workbook(tmp_path, seed)
    assert kinds >= {"number", "shared", "inline"}  # each seed covers the common encodings
    theirs = _outcome(oracle_read, path, std)
    assert _outcome(read_workbook, path, std) == theirs
    assert _outcome(read_file, path, std) == theirs


def test_the_fuzz_covers_every_cell_encoding(tmp_path):
    seen = set()
    for seed in range(24):
        seen |= fuzzed_workbook(tmp_path / str(seed), seed)[1]
    assert seen == set(CELL_KINDS)


def _outcome(read, path, std):
    try:
        data = read(path, std)
    except WorkbookError:
        return "refused"
    return data.inputs, [(p.cell, p.kind, p.message) for p in check(data, std).problems]


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


@pytest.mark.parametrize("content, fragment", [
    (b"just text", "不是 Excel 工作簿"),
    (b"PK\x03\x04broken zip", "不是 Excel 工作簿"),
])
def test_unreadable_workbooks(tmp_path, std, content, fragment):
    path = tmp_path / "county.xlsm"
    path.write_bytes(content)
    for read in READERS:
        with pytest.raises(WorkbookError, match=fragment):
            read(path, std)
    out = run("score", path)
    assert out.returncode == 2 and fragment in out.stderr and "Traceback" not in out.stderr


def test_a_foreign_workbook_is_named_as_such(tmp_path, std):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "某公司报表"
    book.save(path)
    for read in READERS:
        with pytest.raises(WorkbookError, match="不是由 jieshui 模板生成的县域复核工作簿"):
            read(path, std)


def test_a_deleted_sheet_is_named(tmp_path, std):
    book = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    del book["附件2必备条件"]
    path = tmp_path / "deleted.xlsm"
    book.save(path)
    for read in READERS:
        with pytest.raises(WorkbookError) as info:
            read(path, std)
        assert "附件2必备条件" in str(info.value) or "定义名称" in str(info.value)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, std):
    path = tmp_path / "bomb.xlsm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b"\0" * 1_000_000
            for _ in range(120):
                entry.write(chunk)
    assert path.stat().st_size < 1_000_000
    for read in READERS:
        with pytest.raises(WorkbookError, match="疑似恶意构造的文件"):
            read(path, std)


def test_an_entity_in_a_county_workbook_is_refused(tmp_path, std):
    # The example with a "billion laughs" DTD put in front of its shared strings.
    path = tmp_path / "entities.xlsm"
    with zipfile.ZipFile(WORKBOOK) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                body = data.decode("utf-8").split("?>", 1)[1]
                data = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
                        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' + body).encode()
            target.writestr(info, data)
    for read in READERS:
        with pytest.raises(WorkbookError):
            read(path, std)
    with pytest.raises(WorkbookError, match="不安全的内部内容"):
        read_workbook(path, std)


def test_generated_counties_read_the_same_as_openpyxl(tmp_path, std):
    for i, raw in enumerate(counties(3, 5, std)):
        path = tmp_path / f"county{i}.xlsm"
        path.write_bytes(county_workbook(raw, std, shipped_vba()))
        assert read_workbook(path, std) == oracle_read(path, std)
