"""What real Excel would meet and Linux can still see: every built package against the Open XML
schemas (openxml-audit, strict), and every VBA module of ours parsed by a real VBA grammar
(antlr4-vba, after vba-precompiler resolves #If for 64-bit and 32-bit Windows and the Mac).

xlwings' own modules (xlwings, Dictionary) are not parsed here: they are the pinned package's
text, byte for byte (test_vba_project, test_addin), and parsing them takes minutes."""

import datetime as dt
import json
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import pytest
from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from antlr4_vba.vbaLexer import vbaLexer
from antlr4_vba.vbaParser import vbaParser
from vba_precompiler.compiler import Compiler

from helpers import ADDIN, EXAMPLE_WORKBOOK, ROOT, TEMPLATES, WORKBOOKS
from jieshui.workbook.check import check
from jieshui.province.collect import score_files
from jieshui.province.feedback import FeedbackWriter
from jieshui.county.evidence import check_evidence, index_workbook
from jieshui.county.export import SubmissionWriter
from jieshui.county.unit_files import unit_file
from jieshui.province.summary import SummaryWriter
from jieshui.standard.book import export_standard
from jieshui.workbook.readers import read_workbook

_SCRIPT = Path(sysconfig.get_path("scripts")) / "openxml-audit"
AUDIT = str(_SCRIPT) if _SCRIPT.exists() else shutil.which("openxml-audit")
OURS = [TEMPLATES / "vba" / name for name in ("jieshui_macros.bas", "jieshui_help.bas",
                                                 "xlwings_udfs.bas", "ThisWorkbook.cls")]
OURS.append(ROOT / "xlwings_addin" / "JieshuiRibbon.bas")
SYSTEMS = {"Win64": {"WIN32": True, "WIN64": True, "MAC": False},
           "Win32": {"WIN32": True, "WIN64": False, "MAC": False},
           "Mac": {"WIN32": False, "WIN64": False, "MAC": True}}


def audit(paths):
    """{file name: openxml-audit's JSON result} in strict mode, one file a call."""
    assert AUDIT, "openxml-audit is part of the test extra: pip install -e '.[test]'"
    results = {}
    for path in paths:
        out = subprocess.run([AUDIT, "--policy", "strict", "-o", "json", "-m", "20", str(path)],
                             capture_output=True, text=True, timeout=900)
        results.update({Path(r["file"]).name: r for r in json.loads(out.stdout)})
    return results


def test_built_workbooks_and_addin_are_valid_open_xml():
    results = audit([*WORKBOOKS, ADDIN])
    assert set(results) == {path.name for path in (*WORKBOOKS, ADDIN)}
    for name, result in results.items():
        assert result["valid"] and result["error_count"] == 0, (name, result["errors"][:5])


# One of each plain .xlsx document a county or the province gets from us: export's 报送表,
# collect's summary and per-county feedback, standard export, split's unit file, evidence's index.
DOCUMENTS = {"报送表.xlsx", "汇总.xlsx", "复核意见.xlsx", "评价标准.xlsx", "填报表.xlsx", "佐证目录.xlsx"}


def test_exported_and_summary_files_are_valid_open_xml(tmp_path, std):
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    checked = check(data, std)
    inputs = read_workbook(EXAMPLE_WORKBOOK, std).inputs
    day = dt.date(2025, 7, 20)
    scored = score_files([EXAMPLE_WORKBOOK])
    text = (ROOT / "python" / "jieshui" / "data" / "standard-2023.toml").read_text(encoding="utf-8")
    written = {"报送表.xlsx": SubmissionWriter(checked, inputs, day).build(),
               "汇总.xlsx": SummaryWriter(scored, std).build(),
               "复核意见.xlsx": FeedbackWriter(scored[0], std, day).build(),
               "评价标准.xlsx": export_standard(std, text),
               "填报表.xlsx": unit_file(std, inputs, "水利局", day),  # the unit that also has the utilities
               "佐证目录.xlsx": index_workbook(data, check_evidence(data, checked, std, tmp_path), day)}
    for name, content in written.items():
        (tmp_path / name).write_bytes(content)
    files = sorted(tmp_path.glob("*.xlsx"))
    assert {path.name for path in files} == DOCUMENTS
    results = audit(files)
    assert set(results) == DOCUMENTS  # a verdict for every file: none skipped, none unread
    for name in sorted(DOCUMENTS):
        assert results[name]["valid"] and results[name]["error_count"] == 0, (name, results[name]["errors"][:5])


def test_the_audit_finds_a_schema_violation(tmp_path):
    # The check can fail: an element the schema does not allow in workbook.xml.
    broken = tmp_path / "broken.xlsm"
    with zipfile.ZipFile(WORKBOOKS[0]) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"<calcPr", b"<bogus/><calcPr")
            target.writestr(info, data)
    assert audit([broken])["broken.xlsm"]["error_count"] >= 1


class _Errors(ErrorListener):
    def __init__(self):
        self.found = []

    def syntaxError(self, recognizer, offending, line, column, message, error):
        self.found.append(f"{line}:{column} {message}")


def syntax_errors(source: Path, system: str):
    environment = {"WIN16": False, "VBA6": False, "VBA7": True, "MAC_OFFICE_VERSION": 0,
                   **SYSTEMS[system]}
    code = Compiler(environment).compile(str(source))  # lines outside the #If branch commented
    parser = vbaParser(CommonTokenStream(vbaLexer(InputStream(code))))
    parser.removeErrorListeners()
    errors = _Errors()
    parser.addErrorListener(errors)
    parser.startRule()
    return errors.found


@pytest.mark.parametrize("system", SYSTEMS)
def test_our_vba_parses_with_the_vba_grammar(system):
    found = {path.name: errors for path in OURS if (errors := syntax_errors(path, system))}
    assert not found


def test_the_grammar_finds_a_syntax_error(tmp_path):
    broken = tmp_path / "broken.bas"
    broken.write_text('Attribute VB_Name = "broken"\nSub Broken(\n    x = = 1\nEnd Sub\n')
    assert syntax_errors(broken, "Win64")
