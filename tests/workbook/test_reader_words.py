"""The readers' words (issue 22 item 6): one sentence per failure, whichever command reads the
file (score, merge's unit files, standard import); a defined name that Excel left pointing at
deleted cells (#REF!) is named as the broken name, not as a missing sheet "#REF"."""

import re

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK, run
from jieshui.workbook.readers import WorkbookError, read_workbook
from jieshui.workbook.readers.file_reader import read_file

NOT_A_WORKBOOK = [(b"just some text\n", "文本或其他类型的文件"),
                  (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文件"),
                  (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel（.xls）文件或加密的工作簿")]


def one_sentence(text):
    """The command's message: one line after 错误：, with no full stop inside it and no clause
    that says twice what the file is not."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    body = lines[0].removeprefix("错误：")
    assert "。" not in body.rstrip("。") and len(re.findall("不是 Excel 工作簿", body)) <= 1, body
    return body


@pytest.mark.parametrize("content, what", NOT_A_WORKBOOK, ids=["text", "pdf", "xls"])
def test_a_file_that_is_not_a_workbook_is_said_once(tmp_path, content, what):
    path = tmp_path / "县.xlsm"
    path.write_bytes(content)
    unit = tmp_path / "住建局.xlsx"
    unit.write_bytes(content)
    for args in (("score", path), ("check", path), ("merge", EXAMPLE_WORKBOOK, unit, "-o", tmp_path / "m.xlsm"),
                 ("standard", "import", unit, "-o", tmp_path / "s.toml")):
        out = run(*args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        body = one_sentence(out.stderr)
        assert "不是 Excel 工作簿（.xlsm/.xlsx）" in body and body.endswith(f"它是{what}"), body
        assert "它是不是" not in body


# How Excel writes a name whose cells are gone: a deleted row or column keeps the sheet, a
# deleted sheet keeps the cell, and a name can be left with nothing but the error.
BROKEN = ["基础数据!#REF!", "#REF!$D$12", "#REF!"]


@pytest.mark.parametrize("text", BROKEN)
def test_a_name_pointing_at_deleted_cells_is_named(tmp_path, std, text):
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    book.defined_names["in_permits_total"].attr_text = text
    path = tmp_path / "县.xlsm"
    book.save(path)
    label = std.inputs["permits_total"].label
    for read in (read_workbook, read_file):
        with pytest.raises(WorkbookError) as info:
            read(path, std)
        message = str(info.value)
        assert f"定义名称in_permits_total（{label}）指向已删除的单元格（#REF!）" in message
        assert "缺少工作表" not in message and "“#REF" not in message
    out = run("check", path)
    assert out.returncode == 2
    assert "in_permits_total" in one_sentence(out.stderr)


def test_a_broken_name_the_readers_do_not_use_is_no_matter(tmp_path, std):
    """A name outside the readers' contract (one a user added) may be broken: the workbook reads."""
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    book.defined_names["我的备注"] = openpyxl.workbook.defined_name.DefinedName("我的备注", attr_text="#REF!$A$1")
    path = tmp_path / "县.xlsm"
    book.save(path)
    for read in (read_workbook, read_file):
        assert read(path, std).inputs == read_workbook(EXAMPLE_WORKBOOK, std).inputs
