"""What several test modules share: the project's paths, the installed `jieshui` command,
LibreOffice headless, the VBA modules of a built file, and editing a workbook through its
defined names (the template's contract) rather than literal cell addresses."""

from __future__ import annotations

import copy
import os
import sys
import zipfile
import re
import concurrent.futures as futures
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any, Callable

import openpyxl

from jieshui.engine import read_county_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shiliqi.toml"
TEMPLATES = ROOT / "workbook_templates"
EXAMPLE_WORKBOOK = TEMPLATES / "jieshui_example_shiliqi.xlsm"
BLANK_WORKBOOK = TEMPLATES / "jieshui_template.xlsm"
WORKBOOKS = (BLANK_WORKBOOK, EXAMPLE_WORKBOOK)
ADDIN = ROOT / "xlwings_addin" / "jieshui.xlam"
_EXAMPLE_RAW = read_county_file(EXAMPLE)


def example_raw() -> dict[str, Any]:
    """A fresh, mutable copy of the example county's raw figures."""
    return copy.deepcopy(_EXAMPLE_RAW)


# -- the installed command -------------------------------------------------------------------

# The console script pip installed beside this interpreter, whether or not it is on PATH.
_SCRIPT = Path(sysconfig.get_path("scripts")) / "jieshui"
JIESHUI = str(_SCRIPT) if _SCRIPT.exists() else shutil.which("jieshui")


def run(*args: Any, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `jieshui ARGS...` as an official or a script would."""
    assert JIESHUI, "the package must be installed (pip install -e .) so that `jieshui` exists"
    return subprocess.run([JIESHUI, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env=env)


def run_dated(*args: Any) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`run(ARGS...)` and the YYYYMMDD stamps a file it names by date may carry: the day it
    started and the day it ended (a run may cross midnight)."""
    import datetime as dt

    before = dt.date.today()
    out = run(*args)
    return out, {f"{day:%Y%m%d}" for day in (before, dt.date.today())}


# Root ignores file permissions; an official does not. Keep uid 0 (/root is 0700, so another
# uid could not start this Python) but drop the capabilities that override permissions.
_DROP = "dac_override,dac_read_search"
UNPRIVILEGED = (["setpriv", f"--bounding-set=-{_DROP.replace(',', ',-')}", f"--inh-caps=-{_DROP.replace(',', ',-')}",
                 "--"] if os.geteuid() == 0 else [])


def unprivileged(*args: Any) -> subprocess.CompletedProcess[str]:
    """`jieshui ARGS` as an official without the right to override file permissions."""
    return subprocess.run([*UNPRIVILEGED, JIESHUI, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def child_can(code: str) -> bool:
    """Whether a child started like `unprivileged` runs `code` without an OSError: a test checks
    that the permission it relies on really holds, so it cannot pass by accident."""
    probe = f"try:\n    {code}\nexcept OSError:\n    raise SystemExit(3)"
    return subprocess.run([*UNPRIVILEGED, sys.executable, "-c", probe], timeout=60).returncode == 0


def saved_at(path, when):
    """The file as if saved by the unit at `when` (UTC): the time its office suite writes into
    docProps/core.xml, and the file system's time too (a file never copied since)."""
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>")
                opening = text[start:text.index(">", start) + 1]
                data = (text[:start] + opening + when.strftime("%Y-%m-%dT%H:%M:%SZ") + text[end:]).encode("utf-8")
            target.writestr(info, data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


# -- LibreOffice -----------------------------------------------------------------------------

def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is required: apt-get install libreoffice-calc-nogui (see .ci/run)"
    return path


def convert(source: Path, out_dir: Path, target: str, infilter: str | None = None) -> None:
    """LibreOffice headless --convert-to; a private profile keeps runs independent, and macros
    never run in a headless conversion."""
    profile = out_dir / "profile"
    options = [f"--infilter={infilter}"] if infilter else []
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", *options,
                    "--convert-to", target, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=180)


def recalc_on_load(mode: int) -> str:
    """A LibreOffice profile setting: recalculate an OOXML file's formulas on load always (0) or
    never (1, the cached values are shown as saved)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>{mode}</value></prop></item>
</oor:items>
"""


RECALC_ALWAYS = recalc_on_load(0)
CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?\bt="e"')


def recalculate(sources, out_dir, batches=4):
    """LibreOffice headless opens each file, recalculates everything, saves it as .xlsx; a
    few batches, two soffice processes at a time (each with its own profile)."""
    def run(k, files):
        profile = out_dir.parent / f"profile{k}"
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(out_dir), *map(str, files)],
                       check=True, capture_output=True, timeout=1800)

    chunks = [sources[k::batches] for k in range(batches)]
    with futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(run, range(batches), chunks))
    return {path: out_dir / (path.stem + ".xlsx") for path in sources}


def visible_errors(path):
    """[sheet!cell] of every error value on a visible sheet."""
    from jieshui.workbook.cached_values import sheet_parts

    archive = zipfile.ZipFile(path)
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    hidden = set(re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*state="(?:hidden|veryHidden)"', workbook))
    return [f"{sheet}!{c}" for sheet, part in sheet_parts(archive).items() if sheet not in hidden
            for c in CELL.findall(archive.read(part).decode("utf-8"))]


# -- VBA ---------------------------------------------------------------------------------------

def vba_lines(code: str) -> list[str]:
    return [line.rstrip() for line in code.replace("\r\n", "\n").split("\n") if line.strip()]


def vba_modules(path: Path) -> dict[str, str]:
    """{module name: source} of a built file's VBA project, as olevba reads it."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


# -- workbooks through their defined names ---------------------------------------------------

def named(book: Any, name: str) -> Any:
    """The first cell a defined name points at, in a workbook loaded with openpyxl."""
    sheet, coord = next(iter(book.defined_names[name].destinations))
    return book[sheet][coord.replace("$", "").split(":")[0]]


def named_cells(book: Any, name: str) -> list[Any]:
    """Every cell of a one-column (or one-row) defined range, in order."""
    sheet, coord = next(iter(book.defined_names[name].destinations))
    target = book[sheet][coord.replace("$", "")]
    return [c for row in target for c in row] if isinstance(target, tuple) else [target]


def cell_of(book: Any, name: str, row: int = 0, col: int = 0) -> str:
    """"sheet!A1" of a defined name's cell, or of a cell of its range."""
    first = named(book, name)
    return f"{first.parent.title}!{first.parent.cell(first.row + row, first.column + col).coordinate}"


def set_named(name: str, value: Any, row: int = 0, col: int = 0) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        sheet, ref = cell_of(book, name, row, col).split("!")
        book[sheet][ref].value = value
    return change


def planted(tmp_path: Path, change: Callable[[Any], None], name: str = "planted.xlsm",
            source: Path = EXAMPLE_WORKBOOK) -> Path:
    """A copy of a built workbook with `change` made through openpyxl (which drops every
    cached value, as another program saving the file would)."""
    book = openpyxl.load_workbook(source, keep_vba=True)
    change(book)
    path = tmp_path / name
    book.save(path)
    return path


def coordinates(name: str, source: Path = EXAMPLE_WORKBOOK) -> tuple[str, list[str]]:
    """(sheet, [A1, ...]) of every cell of a defined name, read from a built workbook."""
    book = openpyxl.load_workbook(source)
    cells = named_cells(book, name)
    return cells[0].parent.title, [c.coordinate for c in cells]


def fill(book: Any, raw: dict[str, Any], std: Any) -> None:
    """Type a county's figures into a workbook loaded with openpyxl, through the defined names
    (blank where the county has no figure), as an official fills the template."""
    from jieshui.workbook.contract import UTILITY_ROWS
    from jieshui.workbook.inputs import from_county_raw

    inputs = from_county_raw(raw, std)
    for key in std.inputs:
        named(book, f"in_{key}").value = inputs.inputs.get(key)
    for key in ("name", "province", "city", "year"):
        named(book, f"in_county_{key}").value = raw["county"].get(key)
    sheet, span = next(iter(book.defined_names["in_utilities"].destinations))
    rows = book[sheet][span.replace("$", "")]
    for n in range(UTILITY_ROWS):
        for cell, value in zip(rows[n], inputs.utilities[n]):
            cell.value = value
