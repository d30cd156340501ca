"""Build every generated artefact from the standard file and the package.

- docs/standard.md: the standard as a Markdown reference;
- docs/commands.md: every command's --help (the command reference);
- docs/user-guide.txt: the user guide as plain text, which the 使用说明 button opens;
- workbook_templates/vba/xlwings_udfs.bas: the UDF wrapper module, from xlwings' own generator;
- workbook_templates/vba/jieshui_help.bas: the function-wizard help registration;
- workbook_templates/jieshui_template.xlsm: the blank county workbook;
- workbook_templates/jieshui_example_shiliqi.xlsm: the example county's filled workbook;
- workbook_templates/vba/jieshui_macros.bas, xlwings_addin/JieshuiRibbon.bas and
  xlwings_addin/customUI.xml: the buttons' VBA and the ribbon, from the table of buttons
  (jieshui.workbook.buttons);
- xlwings_addin/jieshui.xlam: the 节水复核 ribbon add-in, from xlwings' add-in template, the
  ribbon module and customUI.xml.

The workbooks' one hand-written VBA file is workbook_templates/vba/ThisWorkbook.cls. Each file
is committed once; an installed wheel carries the ones the package hands out (see
jieshui.workbook.assets). Output is deterministic (byte-identical on every run); the tests fail
when a committed artefact is stale.

    python build.py        (needs the `build` extra: pip install -e '.[build]')
    python build.py --wheelhouse DIR
                           also writes DIR/jieshui-offline-<version>-win64.zip, the installer
                           for PCs without internet (downloads Windows wheels from PyPI)
    python build.py --pictures
                           only the pictures of the printed documents: docs/pictures/*.png and
                           sources.json (needs LibreOffice and pdftoppm; see
                           jieshui.buildtime.pictures); run it after the other artefacts are built
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "python"))

from jieshui.buildtime.addin import build_addin  # noqa: E402
from jieshui.buildtime.buttons import (MACROS_MODULE_NAME, RIBBON_MODULE_NAME, custom_ui, macros_module,  # noqa: E402
                                       ribbon_module)
from jieshui import __version__  # noqa: E402
from jieshui.buildtime.commands_doc import render_commands  # noqa: E402
from jieshui.buildtime.docs import render_markdown  # noqa: E402
from jieshui.buildtime.guide import render_text  # noqa: E402
from jieshui.buildtime.offline import build_offline  # noqa: E402
from jieshui.buildtime.pictures import build_pictures  # noqa: E402
from jieshui.buildtime.vba_project import HELP_MODULE, UDF_MODULE, build_vba_project, help_module  # noqa: E402
from jieshui.buildtime.xlwings_shim import generate_udf_module  # noqa: E402
from jieshui.builder import build_workbook  # noqa: E402
from jieshui.cli.app import app as cli_app  # noqa: E402
from jieshui.engine import load_standard, read_county_file  # noqa: E402
from jieshui.files import write_atomically  # noqa: E402
from jieshui.workbook.contract import CODE_NAMES, SHEETS  # noqa: E402
from jieshui.workbook.inputs import WorkbookInputs, example_extras, from_county_raw  # noqa: E402

TEMPLATES = ROOT / "workbook_templates"
VBA = TEMPLATES / "vba"
STANDARD_DOC = ROOT / "docs" / "standard.md"
COMMANDS_DOC = ROOT / "docs" / "commands.md"
USER_GUIDE = ROOT / "docs" / "user-guide.md"
TEXT_GUIDE = ROOT / "docs" / "user-guide.txt"
UDF_GOLDEN = VBA / f"{UDF_MODULE}.bas"
HELP_GOLDEN = VBA / f"{HELP_MODULE}.bas"
MACROS = VBA / f"{MACROS_MODULE_NAME}.bas"
THIS_WORKBOOK = VBA / "ThisWorkbook.cls"
BLANK = TEMPLATES / "jieshui_template.xlsm"
EXAMPLE = TEMPLATES / "jieshui_example_shiliqi.xlsm"
EXAMPLE_DATA = ROOT / "examples" / "shiliqi.toml"
ADDIN_SOURCES = ROOT / "xlwings_addin"
ADDIN = ADDIN_SOURCES / "jieshui.xlam"
RIBBON_MODULE = ADDIN_SOURCES / f"{RIBBON_MODULE_NAME}.bas"
CUSTOM_UI = ADDIN_SOURCES / "customUI.xml"


def vba_project() -> tuple[bytes, str, str]:
    """The workbooks' vbaProject.bin, and the two generated modules in it."""
    udfs, helps = generate_udf_module()
    help_code = help_module(helps)
    modules = {UDF_MODULE: udfs, HELP_MODULE: help_code, MACROS_MODULE_NAME: macros_module()}
    project = build_vba_project([(name, CODE_NAMES[name]) for name in SHEETS],
                                THIS_WORKBOOK.read_text(encoding="ascii"), modules)
    return project, udfs, help_code


def artefacts() -> dict[Path, bytes]:
    """Every generated file and its content."""
    std = load_standard()
    vba, udfs, help_code = vba_project()
    example = example_extras(from_county_raw(read_county_file(EXAMPLE_DATA), std), std)
    ribbon, ribbon_xml = ribbon_module(), custom_ui()
    return {
        STANDARD_DOC: render_markdown(std).encode("utf-8"),
        COMMANDS_DOC: render_commands(cli_app).encode("utf-8"),
        TEXT_GUIDE: render_text(USER_GUIDE.read_text(encoding="utf-8")).encode("utf-8"),
        UDF_GOLDEN: udfs.encode("utf-8"),
        HELP_GOLDEN: help_code.encode("utf-8"),
        MACROS: macros_module().encode("ascii"),
        RIBBON_MODULE: ribbon.encode("ascii"),
        CUSTOM_UI: ribbon_xml.encode("utf-8"),
        BLANK: build_workbook(std, WorkbookInputs(), vba),
        EXAMPLE: build_workbook(std, example, vba),
        ADDIN: build_addin({RIBBON_MODULE_NAME: ribbon}, ribbon_xml),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the generated artefacts.")
    parser.add_argument("--wheelhouse", type=Path, help="also write the offline installer zip here")
    parser.add_argument("--pictures", action="store_true",
                        help="only render page 1 of each printed document into docs/pictures (LibreOffice)")
    args = parser.parse_args()
    if args.pictures:
        build_pictures(ROOT / "docs", EXAMPLE)
        return
    for path, data in artefacts().items():
        write_atomically(path, data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if args.wheelhouse:
        target = build_offline(ROOT, args.wheelhouse, __version__)
        print(f"wrote {target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
