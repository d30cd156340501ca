"""The member units' forms as the tests use them: the example county split by the real `jieshui
split`, a unit's form found by its name, and the cell of a figure in a form's 填报 sheet."""

import shutil
from pathlib import Path

from helpers import EXAMPLE_WORKBOOK, run


def split_example(folder: Path) -> tuple[Path, Path]:
    """The example county copied into `folder` and split into its default 填报表 folder:
    (the workbook, the folder of forms)."""
    county = folder / "示例旗.xlsm"
    shutil.copy(EXAMPLE_WORKBOOK, county)
    out = run("split", county)
    assert out.returncode == 0, out.stderr
    return county, folder / "填报表"


def unit_form(forms: Path, unit: str) -> Path:
    """The unit's form split made (dated the day it ran: a run may cross midnight)."""
    (path,) = forms.glob(f"*_{unit}_填报表_*.xlsx")
    return path


def value_cell(book, key: str):
    """The 填报 sheet's value cell of input `key`: the row whose 数据项 (column B) is its label."""
    from jieshui.engine import default_standard

    ws, label = book["填报"], default_standard().inputs[key].label
    return next(ws.cell(r, 4) for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value == label)
