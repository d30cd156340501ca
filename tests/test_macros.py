"""The buttons' Python side: wiring checked with a stand-in for the few xlwings calls it makes;
the reading and checking behind it are the real reader and engine."""

import openpyxl
import pytest

from conftest import ROOT
from jieshui import macros

WORKBOOK = ROOT / "workbook_templates" / "jieshui_example_shiliqi.xlsm"


class Range:
    def __init__(self, cells):
        self.cells = cells
        self.count = sum(len(r) for r in cells)

    @property
    def value(self):
        return self.cells[0][0]

    def options(self, ndim):
        assert ndim == 2
        return type("Rows", (), {"value": self.cells})()

    @property
    def api(self):
        raise AttributeError


class Book:
    """What xw.Book.caller() returns, for the calls jieshui.macros makes, backed by a real file."""

    def __init__(self, path):
        book = openpyxl.load_workbook(path, data_only=True)
        self.names = {}
        for name, defined in book.defined_names.items():
            sheet, coord = next(iter(defined.destinations))
            cells = book[sheet][coord.replace("$", "")]
            rows = cells if isinstance(cells, tuple) else ((cells,),)
            self.names[name] = type("Name", (), {"refers_to_range": Range([[c.value for c in r] for r in rows])})
        self.alerts = []
        self.calculated = 0
        self.app = self

    def alert(self, text, title=""):
        self.alerts.append((title, text))

    def calculate(self):
        self.calculated += 1

    @property
    def api(self):
        return type("Api", (), {})()


@pytest.fixture
def caller(monkeypatch):
    def use(path):
        book = Book(path)
        monkeypatch.setattr(macros.xw.Book, "caller", staticmethod(lambda: book), raising=False)
        return book
    return use


def test_check_data_on_a_clean_workbook(caller):
    book = caller(WORKBOOK)
    macros.check_data()
    assert book.alerts == [("检查数据", "数据检查通过：全部输入项已填写，未发现问题。")]


def test_check_data_lists_the_problems(caller):
    book = caller(ROOT / "workbook_templates" / "jieshui_template.xlsm")
    macros.check_data()
    title, text = book.alerts[0]
    assert text.startswith("发现 65 项问题：")
    assert "缺少“评价年用水总量”（total_water_use）" in text
    assert "另有 50 项" in text


def test_export_says_plainly_it_is_not_there_yet(caller):
    book = caller(WORKBOOK)
    macros.export_submission()
    assert "下一版本" in book.alerts[0][1]


def test_recalculate_falls_back_to_calculate(caller):
    book = caller(WORKBOOK)
    macros.recalculate()
    assert book.calculated == 1
