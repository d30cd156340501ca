"""Imports follow the rooms (issue 23 item 5): each command imports only what it uses. In a fresh
interpreter, `jieshui --help` and `jieshui score` on a county TOML load none of the heavy
libraries (pandas, numpy, openpyxl, XlsxWriter, the readers' calamine) nor the builder, the
county's desk or the province's review. A button in Excel starts a Python process each time and
pays for every import; a Windows Python under Wine crashes on numpy."""

import json
import subprocess
import sys

import pytest

from helpers import EXAMPLE

HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter", "python_calamine", "PIL", "docx", "pypdf")
ROOMS = ("jieshui.builder", "jieshui.county", "jieshui.province", "jieshui.workbook.readers", "jieshui.workbook.check")

PROBE = """
import json, sys
args, heavy, rooms = (json.loads(a) for a in sys.argv[1:4])
sys.argv = ["jieshui", *args]
from jieshui.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(tuple(rooms)))
print("LOADED" + json.dumps({"code": code, "loaded": loaded}))
"""


def loaded_by(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY), json.dumps(ROOMS)],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    line = next(line for line in out.stdout.splitlines() if line.startswith("LOADED"))
    return json.loads(line.removeprefix("LOADED"))


@pytest.mark.parametrize("args", [("--help",), ("score", str(EXAMPLE)), ("score", str(EXAMPLE), "--json"),
                                  ("collect", "--help"), ("version",)])
def test_a_light_command_loads_no_heavy_library(args):
    found = loaded_by(*args)
    assert found["code"] in (0, None), found
    assert found["loaded"] == []


def test_the_probe_sees_a_heavy_command_load_its_libraries(tmp_path):
    # The probe itself can fail: `template` builds a workbook (the builder, XlsxWriter).
    found = loaded_by("template", "-o", str(tmp_path / "县.xlsm"))
    assert found["code"] in (0, None), found
    assert "xlsxwriter" in found["loaded"] and "jieshui.builder" in found["loaded"]
