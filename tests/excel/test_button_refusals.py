"""A button whose file the system refuses to write says so in an alert, in the command line's
words, instead of letting a traceback reach the official through xlwings. The refusal is made
where the operating system would make it: creating the temporary file beside the output."""

import errno
import tempfile

import pytest

from helpers import EXAMPLE_WORKBOOK as EXAMPLE
from jieshui.excel import macros

BUTTONS = {"导出报送表": macros.export_submission, "生成自评报告": macros.write_report,
           "整理佐证目录": macros.index_evidence}


@pytest.mark.parametrize("title", BUTTONS)
def test_a_refused_write_is_an_alert_not_a_traceback(caller, tmp_path, monkeypatch, title):
    book = caller(EXAMPLE)
    real = tempfile.mkstemp

    def refused(*args, dir=None, **kwargs):
        if dir is not None and str(dir).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    BUTTONS[title]()
    said, text = book.alerts[-1]
    assert said == title and text.startswith("无法读写") and "没有权限" in text, text
