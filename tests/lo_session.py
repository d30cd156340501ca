"""One LibreOffice for a whole scenario: open a workbook, type into it as an official would,
read what the sheets show, save it in its own format, close it. Run by the system Python, which
has LibreOffice's UNO bridge, as a long-lived child speaking JSON lines:

    /usr/bin/python3 tests/lo_session.py PROFILE_DIR

Each request is one line {"op": ..., ...}; each answer one line {"ok": true, ...} or
{"ok": false, "error": "..."}. Operations:

    open   {"path"}                           load (hidden, macros never executed, no recalc on load)
    set    {"path", "cells": [CELL...]}       type values; CELL is {"name", "row"?, "col"?, "value"}
                                              (a defined name and an offset into its range) or
                                              {"sheet", "cell": "B3", "value"}; "value" is a
                                              number, a string, null (clear) or {"date": "YYYY-MM-DD"}
    get    {"path", "cells": [CELL...]}       the values the cells show (numbers, strings, null)
    grid   {"path", "sheet"}                  the used area of a sheet as rows of values ("" blank)
    save   {"path", "to"?}                    store in the file's format (xlsm keeps VBA) to
                                              `path` or to a new file `to`
    texts  {"path"}                           every printed cell's text as shown: [sheet, cell, text]
                                              of visible sheets, inside their print areas, in
                                              visible rows and columns
    short  {"path"}                           rows of visible sheets lower than LibreOffice's own
                                              optimal height for their text: [sheet, row, set, needed]
                                              in points (it changes the rows: print before asking)
    pdf    {"path", "to"}                     print the document to a PDF file `to`
    close  {"path"}
    quit   {}                                 close everything and end LibreOffice

LibreOffice runs with a private profile in which macro security is "very high" and macros are
disabled outright; every document is also loaded with MacroExecutionMode NEVER_EXECUTE.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONTENT = 1 | 2 | 4 | 16   # com.sun.star.sheet.CellFlags VALUE, DATETIME, STRING, FORMULA
# A row may be this much lower than LibreOffice's optimal height: its CJK font (Noto) sets lines
# some 14% taller than 宋体 does in Excel and WPS, so a 15 pt row of 11 pt text measures short by
# that much; a line of text missing from the row is 25% and more.
SHORT = 1.25
FORMULA_VALUE = 1          # com.sun.star.sheet.FormulaResult.VALUE
NEVER_EXECUTE = 0          # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
FILTERS = {".xlsm": "Calc MS Excel 2007 VBA XML", ".xlsx": "Calc MS Excel 2007 XML"}
EPOCH = dt.date(1899, 12, 30)  # day 0 of the spreadsheet date serials
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def prop(name, value):
    return PropertyValue(Name=name, Value=value)


def connect(pipe):
    """The component context of a LibreOffice started with --accept=pipe,name=PIPE."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.25)
    raise RuntimeError("LibreOffice did not start within 60 s")


class Session:
    def __init__(self, profile: Path):
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        pipe = f"jieshui_session_{os.getpid()}"
        self.office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        context = connect(pipe)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        self.docs = {}

    def _doc(self, path):
        key = str(Path(path).resolve())
        if key not in self.docs:
            raise RuntimeError(f"{path} is not open")
        return self.docs[key]

    def open(self, path):
        target = Path(path).resolve()
        doc = self.desktop.loadComponentFromURL(
            target.as_uri(), "_blank", 0,
            (prop("Hidden", True), prop("MacroExecutionMode", NEVER_EXECUTE), prop("ReadOnly", False)))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {target.name}")
        self.docs[str(target)] = doc
        calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        return {"sheets": list(doc.Sheets.ElementNames) if calc else []}

    @staticmethod
    def _cell(doc, spec):
        if "name" in spec:
            ranges = doc.NamedRanges
            if not ranges.hasByName(spec["name"]):
                raise RuntimeError(f"no defined name {spec['name']}")
            area = ranges.getByName(spec["name"]).getReferredCells()
            return area.getCellByPosition(spec.get("col", 0), spec.get("row", 0))
        return doc.Sheets.getByName(spec["sheet"]).getCellRangeByName(spec["cell"])

    def _date_format(self, doc):
        formats, locale = doc.NumberFormats, uno.createUnoStruct("com.sun.star.lang.Locale")
        key = formats.queryKey("YYYY-MM-DD", locale, False)
        return key if key >= 0 else formats.addNew("YYYY-MM-DD", locale)

    def set(self, path, cells):
        doc = self._doc(path)
        for spec in cells:
            cell, value = self._cell(doc, spec), spec["value"]
            if value is None:
                cell.setString("")
            elif isinstance(value, dict):
                day = dt.date.fromisoformat(value["date"])
                cell.setValue((day - EPOCH).days)
                if not (doc.NumberFormats.getByKey(cell.NumberFormat).Type & 2):  # NumberFormat.DATE
                    cell.NumberFormat = self._date_format(doc)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.setValue(value)
            else:
                cell.setString(str(value))
        return {}

    def get(self, path, cells):
        doc = self._doc(path)
        return {"values": [self._value(self._cell(doc, spec)) for spec in cells]}

    @staticmethod
    def _value(cell):
        kind = cell.getType().value  # EMPTY, VALUE, TEXT or FORMULA
        if kind == "FORMULA":
            return cell.getValue() if cell.FormulaResultType2 == FORMULA_VALUE else cell.getString()
        if kind == "EMPTY":
            return None
        return cell.getValue() if kind == "VALUE" else cell.getString()

    def grid(self, path, sheet):
        target = self._doc(path).Sheets.getByName(sheet)
        cursor = target.createCursor()
        cursor.gotoEndOfUsedArea(False)
        end = cursor.RangeAddress
        area = target.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
        return {"rows": [list(row) for row in area.getDataArray()]}

    def save(self, path, to=None):
        doc, target = self._doc(path), Path(to or path).resolve()
        filters = FILTERS.get(target.suffix.lower())
        if not filters:
            raise RuntimeError(f"no filter for {target.suffix}")
        doc.storeToURL(target.as_uri(), (prop("FilterName", filters), prop("Overwrite", True)))
        return {"saved": str(target)}

    def texts(self, path):
        doc, found = self._doc(path), []
        for sheet in doc.Sheets:
            if not sheet.IsVisible:
                continue
            rows, columns = sheet.Rows, sheet.Columns
            for area in self._printed(sheet):
                block = sheet.getCellRangeByPosition(area.StartColumn, area.StartRow, area.EndColumn, area.EndRow)
                for cell in block.queryContentCells(CONTENT).Cells:
                    at = cell.CellAddress
                    text = cell.getString()
                    if text.strip() and rows.getByIndex(at.Row).IsVisible and columns.getByIndex(at.Column).IsVisible:
                        found.append([sheet.Name, cell.AbsoluteName.split(".")[-1].replace("$", ""), text])
        return {"texts": found}

    @staticmethod
    def _printed(sheet):
        """The sheet's print areas, or its used area when it sets none (as printing does)."""
        areas = sheet.getPrintAreas()
        if areas:
            return areas
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        return [sheet.getCellRangeByPosition(0, 0, cursor.RangeAddress.EndColumn, cursor.RangeAddress.EndRow).RangeAddress]

    def short(self, path):
        doc, found = self._doc(path), []
        for sheet in doc.Sheets:
            if not sheet.IsVisible:
                continue
            for area in self._printed(sheet):
                for r in range(area.StartRow, area.EndRow + 1):
                    row = sheet.Rows.getByIndex(r)
                    if not row.IsVisible:
                        continue
                    height = row.Height
                    row.OptimalHeight = True
                    if row.Height > height * SHORT + 35:  # 1/100 mm: and 1 pt
                        found.append([sheet.Name, r + 1, round(height / 35.28, 1), round(row.Height / 35.28, 1)])
        return {"rows": found}

    def pdf(self, path, to):
        doc = self._doc(path)
        calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        doc.storeToURL(Path(to).resolve().as_uri(),
                       (prop("FilterName", "calc_pdf_Export" if calc else "writer_pdf_Export"),))
        return {"pdf": str(to)}

    def close(self, path):
        doc = self.docs.pop(str(Path(path).resolve()), None)
        if doc is not None:
            doc.close(True)
        return {}

    def quit(self):
        for key in list(self.docs):
            self.close(key)
        try:
            self.desktop.terminate()
        except Exception:  # the bridge goes away as LibreOffice ends
            pass
        try:
            self.office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.office.kill()
        return {}


def main():
    session = Session(Path(sys.argv[1]).resolve())
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        op = request.pop("op")
        try:
            answer = {"ok": True, **getattr(session, op)(**request)}
        except Exception as error:  # every failure goes back to the test, in its words
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer, ensure_ascii=False), flush=True)
        if op == "quit":
            return
    session.quit()


if __name__ == "__main__":
    main()
