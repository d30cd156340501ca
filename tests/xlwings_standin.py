"""A small stand-in for the few xlwings calls the buttons make (jieshui.excel.macros and the
xlwings reader), backed by a real workbook file, following xlwings' own API (0.37.8,
xlwings/main.py): what happens behind the calls (reader, checks, export) is real."""


import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries


class Cells:
    """xlwings.Range, for the members jieshui.excel.macros and the xlwings reader use. As in
    xlwings (main.py): `row`/`column` are the first cell's, 1-based; `shape` is (rows, columns);
    `last_cell` is the bottom-right cell as a Range; `address` is absolute ("$A$4:$F$303");
    `value` is a scalar for one cell, a flat list for one row or column, else a list of rows;
    `options(ndim=2).value` is always a list of rows."""

    def __init__(self, sheet, address):
        self.sheet = sheet
        first_col, first_row, last_col, last_row = range_boundaries(address.replace("$", ""))
        self.row, self.column = first_row, first_col
        self.shape = (last_row - first_row + 1, last_col - first_col + 1)
        self.address = absolute(first_row, first_col) + (
            f":{absolute(last_row, last_col)}" if self.shape != (1, 1) else "")

    @property
    def count(self):
        return self.shape[0] * self.shape[1]

    @property
    def last_cell(self):
        return Cells(self.sheet, absolute(self.row + self.shape[0] - 1, self.column + self.shape[1] - 1))

    def _rows(self):
        return [[self.sheet.cells.get((r, c)) for c in range(self.column, self.column + self.shape[1])]
                for r in range(self.row, self.row + self.shape[0])]

    @property
    def value(self):
        rows = self._rows()
        if self.count == 1:
            return rows[0][0]
        if 1 in self.shape:
            return [v for row in rows for v in row]
        return rows

    @value.setter
    def value(self, rows):
        self.sheet.written[self.address.replace("$", "")] = rows

    def options(self, ndim):
        assert ndim == 2
        return type("Rows", (), {"value": self._rows()})()

    def add_hyperlink(self, address, text_to_display, screen_tip):
        self.sheet.links.append((self.address.replace("$", ""), address, text_to_display))


def absolute(row, column):
    return f"${get_column_letter(column)}${row}"


class Sheet:
    """xlwings.Sheet over one worksheet's values (as Excel shows them: openpyxl's cached values).
    Its used range spans every cell the file holds, styled blanks included, as Excel's UsedRange
    does (openpyxl's dimensions; "A1" for an empty sheet, as in Excel)."""

    def __init__(self, name, worksheet=None):
        self.name, self.written, self.links, self.active, self.cleared = name, {}, [], False, 0
        self.cells = {} if worksheet is None else {
            (c.row, c.column): c.value for row in worksheet.iter_rows() for c in row if c.value is not None}
        self.dimensions = "A1" if worksheet is None else worksheet.dimensions

    def __getitem__(self, address):
        return Cells(self, address)

    def range(self, cell1, cell2=None):
        """xlwings.Sheet.range: an address, or (row, column) tuples for the corners (1-based)."""
        first, last = (f"{get_column_letter(c[1])}{c[0]}" if isinstance(c, tuple) else c for c in (cell1, cell2 or cell1))
        return Cells(self, f"{first.split(':')[0]}:{last.split(':')[-1]}")

    @property
    def used_range(self):
        return Cells(self, self.dimensions)

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
        self.sheets = Sheets(Sheet(name, book[name]) for name in book.sheetnames)
        self.names = Names()
        for name, defined in book.defined_names.items():
            sheet, coord = next(iter(defined.destinations))
            self.names[name] = type("Name", (), {"name": name, "refers_to_range": Cells(self.sheets[sheet], coord)})
        self.alerts, self.calculated, self.opened, self.saved = [], 0, [], 0
        self.picked = False  # what Excel's file picker returns (False: cancelled)
        self.status = []  # what was set as the status bar, in order (False: Excel's own again)
        self.app = self
        self.books = self
        self.active = self

    def save(self):
        self.saved += 1

    @property
    def status_bar(self):
        """xlwings.App.status_bar: the text shown, or False while Excel has control of it."""
        return self.status[-1] if self.status else False

    @status_bar.setter
    def status_bar(self, value):
        self.status.append(value)

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
