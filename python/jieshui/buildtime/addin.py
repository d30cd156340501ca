"""Build the 节水复核 add-in (jieshui.xlam) from xlwings' own add-in template, our VBA modules
and the ribbon XML (both generated from the table of buttons: buildtime/buttons.py)."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from typing import Mapping

from pyopenvba import ExcelFile

TEMPLATE = "quickstart_addin.xlam"
CUSTOM_UI = "customUI/customUI.xml"
# customUI.xml is in the Office 2007 namespace (2006/01/customui), which Office finds through
# the 2006 relationship type; the 2007 type belongs to the 2009/07 (Office 2010) namespace.
CUSTOM_UI_REL = ('<Relationship Id="rIdJieshuiUI" '
                 'Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" '
                 f'Target="{CUSTOM_UI}" />')
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# xlwings' add-in module reads its settings from the sheet PROJECT_NAME.conf and the file
# %USERPROFILE%\.PROJECT_NAME\PROJECT_NAME.conf. "xlwings" makes the add-in share the one user
# configuration that `jieshui excel install` writes and the county workbooks read.
PROJECT_NAME = 'PROJECT_NAME As String = "xlwings"'


def _template_modules(path: Path, modules: Mapping[str, str]) -> None:
    with ExcelFile(path) as book:
        project = book.vba_project()
        project.delete_module("Module1")
        xlwings_module = re.sub(r'PROJECT_NAME As String = "\w+"', PROJECT_NAME,
                                book.get_module("xlwings"), count=1)
        book.set_module("xlwings", xlwings_module)
        for name, source in modules.items():
            project.add_module(name, source)
        book.save()


def _with_ribbon(data: bytes, custom_ui: bytes) -> bytes:
    """Add the ribbon part, reference it from the package relationships, and rename the
    template's (inactive) config sheet; every entry gets a fixed timestamp."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info)
            if info.filename == "_rels/.rels":
                content = content.replace(b"</Relationships>", CUSTOM_UI_REL.encode() + b"</Relationships>")
            if info.filename == "xl/workbook.xml":
                content = content.replace(b'name="_myaddin.conf"', b'name="_xlwings.conf"')
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
        target.writestr(zipfile.ZipInfo(CUSTOM_UI, ZIP_TIME), custom_ui, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_addin(modules: Mapping[str, str], custom_ui: str) -> bytes:
    """jieshui.xlam from the pinned xlwings' add-in template, the standard modules ({name:
    source}) and the ribbon XML."""
    template = resources.files("xlwings") / TEMPLATE
    with tempfile.TemporaryDirectory() as tmp, resources.as_file(template) as original:
        path = Path(tmp) / "jieshui.xlam"
        shutil.copyfile(original, path)
        _template_modules(path, modules)
        return _with_ribbon(path.read_bytes(), custom_ui.encode("utf-8"))
