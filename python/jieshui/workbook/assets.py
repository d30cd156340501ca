"""The built files the package hands out at run time (the blank and example workbooks, the
add-in, the example county, the user guide as text), each committed once, where the project keeps
it. A wheel carries them under jieshui/_assets/ at the same relative paths (pyproject.toml maps
those folders into the package); a source checkout (pip install -e) reads them in place."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

TEMPLATE = "workbook_templates/jieshui_template.xlsm"
EXAMPLE_WORKBOOK = "workbook_templates/jieshui_example_shiliqi.xlsm"
ADDIN = "xlwings_addin/jieshui.xlam"
EXAMPLE_COUNTY = "examples/shiliqi.toml"
GUIDE = "docs/user-guide.txt"  # the 使用说明 button's: plain text (CRLF) any Notepad reads

_CHECKOUT = Path(__file__).resolve().parents[3]  # python/jieshui/workbook/assets.py


def asset(relative: str) -> Traversable:
    """One of the files above, from the installed package or else from the source checkout."""
    packaged = resources.files("jieshui").joinpath("_assets", *relative.split("/"))
    return packaged if packaged.is_file() else _CHECKOUT.joinpath(relative)
