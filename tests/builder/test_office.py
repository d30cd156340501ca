"""A real office suite opens what we build: LibreOffice headless (installed by .ci/run)."""

import subprocess
import zipfile

import pytest

from helpers import EXAMPLE_WORKBOOK as EXAMPLE, convert, vba_modules

pytestmark = pytest.mark.office  # LibreOffice prints and saves every file here


@pytest.fixture(scope="module")
def example_pdf_text(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    convert(EXAMPLE, out, "pdf")
    pdf = out / (EXAMPLE.stem + ".pdf")
    assert pdf.exists()
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_pdf_shows_the_county_and_its_total(example_pdf_text):
    assert "示例旗县域节水型社会达标建设复核自评赋分表" in example_pdf_text
    assert "96.5" in example_pdf_text
    # The county's own conclusion (engine.conclusion's words), never the reviewer's decision.
    assert "自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足" in \
        "".join(example_pdf_text.split())  # as printed, whatever the line breaks
    assert "资料复核" not in example_pdf_text


def test_cached_values_show_without_excel(example_pdf_text):
    # LibreOffice does not run our UDFs; what it prints are the cached values.
    assert "#NAME?" not in example_pdf_text and "#VALUE!" not in example_pdf_text
    assert "节水型居民小区较目标少1个" in example_pdf_text
    assert "9.2%" in example_pdf_text and "9.22%" not in example_pdf_text  # one decimal
    assert "100%" in example_pdf_text and "100.0%" not in example_pdf_text  # 100% bare
    assert "2025年7月20日" in example_pdf_text and "2025-07-20" not in example_pdf_text


def test_libreoffice_keeps_the_vba_modules_and_buttons(tmp_path):
    convert(EXAMPLE, tmp_path, "xlsm:Calc MS Excel 2007 VBA XML")
    saved = zipfile.ZipFile(tmp_path / EXAMPLE.name)
    assert "xl/vbaProject.bin" in saved.namelist()
    names = set(vba_modules(tmp_path / EXAMPLE.name))
    assert {"xlwings", "xlwings_udfs", "jieshui_help", "jieshui_macros"} <= names
