"""Every workbook we write says in its cached values that the built-in formulas computed it,
never Python: WPS, LibreOffice and previewers show the cached values until the first edit, and
there no Python runs. Checked on the files themselves (openpyxl reads the cache) for each way a
workbook is written, and on what LibreOffice shows when it opens one without recalculating."""

import subprocess

import openpyxl
import pytest

from helpers import BLANK_WORKBOOK, EXAMPLE, EXAMPLE_WORKBOOK, named, recalc_on_load, run, soffice
from jieshui.workbook.contract import SHEET_COVER

BUILT_IN = "由内置公式计算（未连接 Python）"

# LibreOffice shows an OOXML file's cached values and recalculates nothing on load.
RECALC_NEVER = recalc_on_load(1)


def _ok(out):
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """{how: path} for every way jieshui writes a county workbook, plus the two shipped ones."""
    folder = tmp_path_factory.mktemp("written")
    files = {"template": BLANK_WORKBOOK, "example": EXAMPLE_WORKBOOK}
    _ok(run("template", "-o", folder / "blank.xlsm"))
    _ok(run("template", "--county", EXAMPLE, "-o", folder / "county.xlsm"))
    _ok(run("recalc", EXAMPLE_WORKBOOK, "-o", folder / "recalc.xlsm"))
    _ok(run("carry", EXAMPLE_WORKBOOK, "-o", folder / "carry.xlsm"))
    _ok(run("split", EXAMPLE_WORKBOOK, "-o", folder / "units"))
    _ok(run("merge", EXAMPLE_WORKBOOK, *sorted((folder / "units").iterdir()), "-o", folder / "merge.xlsm"))
    for how in ("blank", "county", "recalc", "carry", "merge"):
        files[f"written: {how}"] = folder / f"{how}.xlsm"
    return files


def cover_texts(path):
    book = openpyxl.load_workbook(path, data_only=True)
    return book, [c.value for row in book[SHEET_COVER].iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("how", ["template", "example", "written: blank", "written: county",
                                 "written: recalc", "written: carry", "written: merge"])
def test_the_cached_state_says_the_built_in_formulas_computed_it(written, how):
    book, texts = cover_texts(written[how])
    assert named(book, "calc_python").value is False
    assert BUILT_IN in texts
    claims = [t for t in texts if t.startswith(("Python（", "Python 与内置公式"))]
    assert claims == []
    # The results shown are the native twins' (the hidden 计算 sheet's column C), every one.
    for name in ("out_base", "out_bonus", "out_total", "out_verdict"):
        formula = named(openpyxl.load_workbook(written[how]), name).value
        twin = formula.split(",")[-1].rstrip(")")  # =IF(calc_python,'计算'!$B$n,'计算'!$C$n)
        sheet, cell = twin.split("!")
        assert named(book, name).value == book[sheet.strip("'")][cell.replace("$", "")].value


def test_libreoffice_opening_a_written_workbook_shows_the_built_in_formulas(written, tmp_path):
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_NEVER, encoding="utf-8")
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(written["written: merge"])],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "merge.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    line = next(line for line in text.splitlines() if "计算方式" in line)
    assert BUILT_IN in line and "jieshui" not in line
    assert "Python 与内置公式结果一致" not in text
