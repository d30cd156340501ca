"""The buttons' tests share the stand-in Excel (tests/xlwings_standin.py) and `caller`, the workbook a button
is pressed in."""

import shutil

import pytest

from jieshui.excel import macros
from xlwings_standin import Book


@pytest.fixture
def caller(monkeypatch, tmp_path):
    def use(source):
        path = tmp_path / source.name
        shutil.copy(source, path)
        book = Book(path)
        monkeypatch.setattr(macros.xw.Book, "caller", staticmethod(lambda: book), raising=False)
        return book
    return use
