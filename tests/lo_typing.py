"""Type into a county workbook in a running LibreOffice, as an official would, and report what
the sheets then show. Run by the system Python, which has LibreOffice's UNO bridge:

    /usr/bin/python3 tests/lo_typing.py WORKBOOK NAME=VALUE...

LibreOffice opens the file as saved (no recalculation on load), each NAME's cell gets VALUE,
and only what depends on them is recalculated, as after typing. Prints JSON: the out_* values,
calc_python, and every visible formula cell holding an error value.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import uno  # noqa: F401  (LibreOffice's bridge: this script needs the system Python)
from com.sun.star.beans import PropertyValue

from lo_session import connect

FORMULA_VALUE, FORMULA_ERROR = 1, 4  # com.sun.star.sheet.FormulaResult


def named_cell(doc, name):
    return doc.NamedRanges.getByName(name).getReferredCells().getCellByPosition(0, 0)


def value(cell):
    kind = cell.getType().value  # EMPTY, VALUE, TEXT or FORMULA
    if kind == "FORMULA":
        return cell.getValue() if cell.FormulaResultType2 == FORMULA_VALUE else cell.getString()
    return cell.getValue() if kind == "VALUE" else cell.getString()


def main() -> None:
    path, edits = Path(sys.argv[1]).resolve(), [a.split("=", 1) for a in sys.argv[2:]]
    with tempfile.TemporaryDirectory() as profile:
        pipe = f"jieshui{id(profile)}"
        office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}",
                                   "--headless", "--norestore", f"--accept=pipe,name={pipe};urp;"])
        try:
            context = connect(pipe)
            desktop = context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context)
            hidden = PropertyValue(Name="Hidden", Value=True)
            doc = desktop.loadComponentFromURL(path.as_uri(), "_blank", 0, (hidden,))
            for name, text in edits:
                target = named_cell(doc, name)
                try:
                    target.setValue(float(text))
                except ValueError:
                    target.setString(text)
            doc.calculate()  # what typing triggers: the cells that depend on the edits
            result = {name: value(named_cell(doc, name))
                      for name in ("out_base", "out_bonus", "out_total", "out_verdict", "calc_python")}
            errors = []
            for sheet in doc.Sheets:
                if sheet.IsVisible:
                    found = sheet.queryFormulaCells(FORMULA_ERROR)
                    errors += [f"{sheet.Name}!{a.StartColumn},{a.StartRow}"
                               for a in found.getRangeAddresses()]
            result["errors"] = errors
            doc.close(True)
            print(json.dumps(result, ensure_ascii=False))
        finally:
            office.terminate()
            office.wait(timeout=60)


if __name__ == "__main__":
    main()
