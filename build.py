"""Build every generated artefact from the standard file and the package.

- docs/standard.md: the standard as a Markdown reference;
- workbook_templates/vba/xlwings_udfs.bas: the UDF wrapper module, from xlwings' own generator
  (the golden copy the tests compare with);
- workbook_templates/jieshui_template.xlsm: the blank county workbook;
- workbook_templates/jieshui_example_shiliqi.xlsm: the example county's filled workbook;
- xlwings_addin/jieshui.xlam: the 节水复核 ribbon add-in, from xlwings' add-in template and the
  sources in xlwings_addin/;
- python/jieshui/data/templates/, data/docs/ and data/example_shiliqi.toml: copies of both
  workbooks, the add-in, the Windows guide and the example county inside the package, so the
  installed add-in, the installer and jieshui.samples can reach them.

Output is deterministic (byte-identical on every run); the tests fail when a committed artefact
is stale.

    python build.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "python"))

from jieshui.addin import build_addin  # noqa: E402
from jieshui.county import read_county_file  # noqa: E402
from jieshui.files import write_atomically  # noqa: E402
from jieshui.standard import load_standard  # noqa: E402
from jieshui.standard_doc import render_markdown  # noqa: E402
from jieshui.vba_project import build_vba_project  # noqa: E402
from jieshui.workbook_inputs import WorkbookInputs, example_extras, from_county_raw  # noqa: E402
from jieshui.workbook_writer import CODE_NAMES, SHEETS, build_workbook  # noqa: E402
from jieshui.xlwings_shim import generate_udf_module  # noqa: E402

TEMPLATES = ROOT / "workbook_templates"
STANDARD_DOC = ROOT / "docs" / "standard.md"
UDF_GOLDEN = TEMPLATES / "vba" / "xlwings_udfs.bas"
BLANK = TEMPLATES / "jieshui_template.xlsm"
EXAMPLE = TEMPLATES / "jieshui_example_shiliqi.xlsm"
EXAMPLE_DATA = ROOT / "examples" / "shiliqi.toml"
ADDIN_SOURCES = ROOT / "xlwings_addin"
ADDIN = ADDIN_SOURCES / "jieshui.xlam"
GUIDE = ROOT / "docs" / "windows-setup.md"
PACKAGE_DATA = ROOT / "python" / "jieshui" / "data"


def artefacts() -> dict[Path, bytes]:
    """Every generated file and its content."""
    std = load_standard()
    udf_module, helps = generate_udf_module()
    vba = build_vba_project([(name, CODE_NAMES[name]) for name in SHEETS], udf_module, helps)
    example = example_extras(from_county_raw(read_county_file(EXAMPLE_DATA), std), std)
    built = {
        STANDARD_DOC: render_markdown(std).encode("utf-8"),
        UDF_GOLDEN: udf_module.encode("utf-8"),
        BLANK: build_workbook(std, WorkbookInputs(), vba)[0],
        EXAMPLE: build_workbook(std, example, vba)[0],
        ADDIN: build_addin(ADDIN_SOURCES),
    }
    packaged = {PACKAGE_DATA / "templates" / path.name: built[path] for path in (BLANK, EXAMPLE, ADDIN)}
    packaged[PACKAGE_DATA / "docs" / "使用说明.txt"] = GUIDE.read_bytes()
    packaged[PACKAGE_DATA / "example_shiliqi.toml"] = EXAMPLE_DATA.read_bytes()
    return {**built, **packaged}


def main() -> None:
    for path, data in artefacts().items():
        write_atomically(path, data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
