"""The buttons' Python side. The few xlwings calls it makes are answered by a small stand-in
backed by a real workbook file; what happens behind them (reader, checks, export) is real."""

import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK as BLANK, EXAMPLE_WORKBOOK as EXAMPLE, ROOT, cell_of
from jieshui.excel import macros
from jieshui.workbook.contract import TEMPLATE_VERSION


class Cells:
    """xlwings.Range, for the members jieshui.excel.macros uses."""

    def __init__(self, sheet, address, rows):
        self.sheet, self.address, self.rows = sheet, address, rows
        self.count = sum(len(r) for r in rows)
        self.links = []

    @property
    def value(self):
        return self.rows[0][0]

    @value.setter
    def value(self, rows):
        self.sheet.written[self.address] = rows

    def options(self, ndim):
        assert ndim == 2
        return type("Rows", (), {"value": self.rows})()

    def add_hyperlink(self, address, text_to_display, screen_tip):
        self.sheet.links.append((self.address, address, text_to_display))


class Sheet:
    def __init__(self, name):
        self.name, self.written, self.links, self.active, self.cleared = name, {}, [], False, 0

    def __getitem__(self, address):
        return Cells(self, address, [[None]])

    def clear(self):
        self.cleared += 1

    def activate(self):
        self.active = True


class Sheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else list.__getitem__(self, key)

    def add(self, name, after):
        assert after is self[-1]
        self.append(Sheet(name))
        return self[-1]


class Names(dict):
    """xlwings.Names: look up by name, iterate over Name objects."""

    def __iter__(self):
        return iter(self.values())


class Book:
    """xw.Book.caller() for the calls jieshui.excel.macros makes, backed by a real file. It is its
    own app and books collection; `active` is the workbook Excel shows."""

    def __init__(self, path):
        book = openpyxl.load_workbook(path, data_only=True)
        self.fullname = str(path)
        self.sheets = Sheets(Sheet(name) for name in book.sheetnames)
        self.names = Names()
        for name, defined in book.defined_names.items():
            sheet, coord = next(iter(defined.destinations))
            cells = book[sheet][coord.replace("$", "")]
            rows = cells if isinstance(cells, tuple) else ((cells,),)
            values = [[c.value for c in r] for r in rows]
            self.names[name] = type("Name", (), {"name": name,
                                                 "refers_to_range": Cells(self.sheets[sheet], coord, values)})
        self.alerts, self.calculated, self.opened, self.saved = [], 0, [], 0
        self.picked = False  # what Excel's file picker returns (False: cancelled)
        self.app = self
        self.books = self
        self.active = self

    def save(self):
        self.saved += 1

    def alert(self, text, title=""):
        self.alerts.append((title, text))

    def calculate(self):
        self.calculated += 1

    def open(self, path):
        self.opened.append(path)
        return type("Opened", (), {"to_pdf": lambda s, p: open(p, "wb").write(b"%PDF-1.7"),
                                   "close": lambda s: None})()

    @property
    def api(self):
        picked = self.picked
        return type("Api", (), {"GetOpenFilename": lambda s, *args: picked})()


@pytest.fixture
def caller(monkeypatch, tmp_path):
    def use(source):
        path = tmp_path / source.name
        shutil.copy(source, path)
        book = Book(path)
        monkeypatch.setattr(macros.xw.Book, "caller", staticmethod(lambda: book), raising=False)
        return book
    return use


def test_check_data_on_a_clean_workbook(caller):
    book = caller(EXAMPLE)
    macros.check_data()
    assert book.alerts == [("检查数据", "数据检查通过：未发现问题。")]
    results = book.sheets["检查结果"]
    assert results.written["A1"] == [["序号", "单元格", "类别", "问题"], [1, "", "检查通过", "未发现问题"]]


def test_check_data_writes_the_problems_with_links(caller):
    book = caller(BLANK)
    macros.check_data()
    assert book.alerts[0][1].startswith("发现 65 项问题")
    results = book.sheets["检查结果"]
    rows = results.written["A1"]
    name_cell = cell_of(openpyxl.load_workbook(BLANK), "in_county_name")  # 说明!C5
    assert rows[1][1:3] == [name_cell, "数据错误"]
    sheet, ref = name_cell.split("!")
    assert ("B2", f"#'{sheet}'!{ref}", name_cell) in results.links
    assert results.active


def test_check_data_reuses_the_results_sheet(caller):
    book = caller(EXAMPLE)
    macros.check_data()
    macros.check_data()
    assert [s.name for s in book.sheets].count("检查结果") == 1
    assert book.sheets["检查结果"].cleared == 2


def test_export_writes_next_to_the_workbook_and_asks_excel_for_the_pdf(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.export_submission()
    exported = list(tmp_path.glob("示例旗_节水型社会达标建设复核自评赋分表_*.xlsx"))
    assert len(exported) == 1 and book.opened == [str(exported[0])]
    assert exported[0].with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    title, text = book.alerts[0]
    assert title == "导出报送表" and "已导出报送表" in text and "已生成 PDF" in text
    assert "数据问题" not in text and "复核提示" not in text


def test_recalculate_falls_back_to_calculate(caller):
    book = caller(EXAMPLE)
    macros.recalculate()
    assert book.calculated == 1


def test_addin_buttons_act_on_the_active_county_workbook(caller, tmp_path):
    addin = caller(BLANK)
    county = addin.active = Book(EXAMPLE)
    macros.check_data(active=True)
    assert county.alerts == [("检查数据", "数据检查通过：未发现问题。")]
    assert "检查结果" in [s.name for s in county.sheets]
    assert "检查结果" not in [s.name for s in addin.sheets]


def test_addin_buttons_refuse_another_workbook(caller):
    addin = caller(BLANK)
    addin.active = None
    macros.export_submission(active=True)
    assert "当前工作簿不是县域复核工作簿" in addin.alerts[0][1]


def test_refresh_cache_recalculates_then_saves(caller):
    book = caller(EXAMPLE)
    macros.refresh_cache(active=True)
    assert book.calculated == 1 and book.saved == 1


def test_new_workbook_and_example_open_fresh_copies(caller, monkeypatch, tmp_path):
    book = caller(EXAMPLE)
    monkeypatch.setattr(macros.Path, "home", staticmethod(lambda: tmp_path))
    macros.new_workbook()
    macros.new_workbook()
    macros.open_example()
    opened = [Path(p) for p in book.opened]
    assert [p.name for p in opened][2] == "示例旗_县域复核工作簿.xlsm"
    assert opened[0] != opened[1] and opened[1].stem.endswith("_2")
    assert opened[0].read_bytes() == BLANK.read_bytes()
    assert opened[2].read_bytes() == EXAMPLE.read_bytes()


def test_diagnosis_for_it(caller):
    book = caller(EXAMPLE)
    macros.diagnose()
    text = book.alerts[0][1]
    assert "xlwings：0.37.8" in text and "jieshui：" in text and "评价标准：2023.1-jieshui.1" in text
    assert f"当前工作簿：模板 {TEMPLATE_VERSION}，评价标准 2023.1-jieshui.1（与本机软件一致）" in text
    assert "不一致" in macros.diagnosis("2024.9", "2023.1-jieshui.1")
    assert "不是县域复核工作簿" in macros.diagnosis(None, None)


def test_guide_opens_as_a_text_file_notepad_reads(caller, monkeypatch, tmp_path):
    book = caller(EXAMPLE)
    monkeypatch.setattr(macros.tempfile, "gettempdir", lambda: str(tmp_path))
    macros.show_guide()
    path = Path(book.alerts[0][1].split("：", 1)[1])
    assert path.parent == tmp_path and path.suffix == ".txt"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: older Notepad then reads UTF-8
    assert data[3:] == (ROOT / "docs" / "windows-setup.md").read_bytes()


def test_split_button_writes_every_units_file_beside_the_workbook(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    files = sorted((tmp_path / "填报表").glob("示例旗_*_填报表_*.xlsx"))
    assert len(files) == 13
    assert book.alerts[0][0] == "分发填报表" and "13 个成员单位" in book.alerts[0][1]


def test_merge_button_writes_a_new_workbook_and_opens_it(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    book.picked = (str(next((tmp_path / "填报表").glob("*水利局*"))),)
    macros.merge_units()
    merged = tmp_path / f"{EXAMPLE.stem}_汇总.xlsm"
    assert merged.exists() and book.opened == [str(merged)] and book.saved == 1
    title, text = book.alerts[-1]
    assert title == "汇总填报表" and "已汇总 1 份填报表" in text and "尚未交回" in text
    assert (tmp_path / EXAMPLE.name).read_bytes() == EXAMPLE.read_bytes()  # the open one untouched


def test_merge_button_lists_problems_and_writes_nothing(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.split_units()
    source = next((tmp_path / "填报表").glob("*水利局*"))
    unit = openpyxl.load_workbook(source)
    form = unit["填报"]
    next(form.cell(r, 4) for r in range(3, form.max_row + 1) if form.cell(r, 7).value == "permits_total").value = "四十"
    unit.save(source)
    book.picked = (str(source),)
    macros.merge_units()
    assert "发现问题，未写入任何数据" in book.alerts[-1][1] and "应为数字" in book.alerts[-1][1]
    assert not (tmp_path / f"{EXAMPLE.stem}_汇总.xlsm").exists() and book.opened == []


def test_merge_button_cancelled_does_nothing(caller):
    book = caller(EXAMPLE)
    macros.merge_units()
    assert book.alerts == [] and book.saved == 0


def test_report_button_writes_the_draft_beside_the_workbook(caller, tmp_path):
    book = caller(EXAMPLE)
    macros.write_report()
    made = list(tmp_path.glob("示例旗_县域节水型社会达标建设复核自评报告_*.docx"))
    assert len(made) == 1
    title, text = book.alerts[-1]
    assert title == "生成自评报告" and "已生成自评报告初稿" in text


def test_evidence_button_writes_the_index_and_lists_unlisted_files(caller, tmp_path):
    book = caller(EXAMPLE)
    (tmp_path / "佐证材料").mkdir()
    (tmp_path / "佐证材料" / "会议纪要.pdf").write_bytes(b"%PDF-1.4")
    macros.index_evidence()
    assert list(tmp_path.glob("示例旗_*佐证材料目录_*.xlsx"))
    rows = book.sheets["检查结果"].written["A1"]
    assert any(r[2] == "未登记的文件" and r[3].endswith("会议纪要.pdf") for r in rows[1:])
    assert "整理佐证目录" == book.alerts[-1][0]
