"""What the workbook computes where no Python runs (WPS, 信创 PCs, LibreOffice, Excel without
Python): the native twin formulas, recalculated by LibreOffice on load and compared with the
engine; and the function set every office suite shares."""

import io
import json
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from helpers import (BLANK_WORKBOOK, EXAMPLE_WORKBOOK, ROOT, WORKBOOKS, fill, named, recalculate, set_named,
                     visible_errors)
from jieshui.builder import calc
from jieshui.builder.native import FUNCTIONS as NATIVE
from jieshui.builder.workbook import build
from jieshui.buildtime.samples import edge_counties
from jieshui.engine import assess, default_standard, load_standard
from jieshui.workbook.cached_values import sheet_parts
from jieshui.workbook.contract import Param, param_row
from jieshui.workbook.functions import FUNCTIONS
from jieshui.workbook.inputs import example_extras, from_county_raw
from jieshui.workbook.readers import read_workbook

COUNTIES = 200
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-uno: LibreOffice's Python bridge


def same(shown, expected):
    """A cell against the engine: equal numbers, or no number where the engine has none."""
    if expected is None:
        return not isinstance(shown, (int, float))
    return isinstance(shown, (int, float)) and abs(shown - expected) <= 1e-9 * max(1.0, abs(expected))


def differences(path, raw, std):
    data, result = read_workbook(path, std), assess(raw, std)
    shown = data.claimed
    wrong = [(f"内容{c.id}", shown["out_points"][i], c.points)
             for i, c in enumerate(result.contents) if not same(shown["out_points"][i], c.points)]
    for name, expected in (("out_base", result.base), ("out_bonus", result.bonus),
                           ("out_total", result.total)):
        if not same(shown[name], expected):
            wrong.append((name, shown[name], expected))
    if shown["out_verdict"] != result.verdict:
        wrong.append(("out_verdict", shown["out_verdict"], result.verdict))
    return wrong


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """(county figures or None for the shipped example, LibreOffice's recalculated file)."""
    std = default_standard()
    root = tmp_path_factory.mktemp("native")
    sources, counties = [root / "example.xlsm"], {root / "example.xlsm": None}
    shutil.copy(EXAMPLE_WORKBOOK, sources[0])
    book = openpyxl.load_workbook(BLANK_WORKBOOK)
    for i, raw in enumerate(edge_counties(COUNTIES, 2025, std)):
        path = root / f"county{i:03d}.xlsx"
        fill(book, raw, std)
        book.save(path)
        sources.append(path)
        counties[path] = raw
    out = root / "out"
    return [(counties[source], result) for source, result in recalculate(sources, out).items()]


def test_the_example_recalculated_without_python_equals_the_engine(recalculated, std, example):
    raw, path = recalculated[0]
    assert raw is None
    assert differences(path, example, std) == []
    book = openpyxl.load_workbook(path, data_only=True)
    assert named(book, "out_total").value == 96.5
    assert named(book, "calc_python").value is False
    cover = [c.value for row in book["说明"].iter_rows() for c in row]
    assert "由内置公式计算（未连接 Python）" in cover


def test_generated_counties_recalculated_without_python_equal_the_engine(recalculated, std):
    wrong = {path.name: found for raw, path in recalculated[1:]
             if (found := differences(path, raw, std))}
    assert len(recalculated) == COUNTIES + 1
    assert not wrong, list(wrong.items())[:5]


def test_no_visible_cell_shows_an_error_value(recalculated):
    found = {path.name: errors for _, path in recalculated if (errors := visible_errors(path))}
    assert not found, list(found.items())[:5]


def test_an_edited_standard_row_acts_as_in_the_udf(tmp_path, std, example):
    # 内容 5 at 77.06 %: the target raised to 85 % (two 5 pp steps short), and 内容 7's part
    # step priced by proportion instead of as a whole step.
    edits = {(5, Param.TARGET): 0.85, (7, Param.PARTIAL): "按比例"}
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    for (content_id, column), value in edits.items():
        set_named("std_table", value, content_id - 1, column)(book)
    path = tmp_path / "edited.xlsm"
    book.save(path)
    result = recalculate([path], tmp_path / "out", batches=1)[path]
    shown = read_workbook(result, std).claimed["out_points"]
    values = {c.id: c.value for c in assess(example, std).contents}
    for content_id in (5, 7):
        row = [float(v) if isinstance(v, int) else v for v in param_row(std.content(content_id))]
        for (edited, column), value in edits.items():
            if edited == content_id:
                row[column] = value
        udf = FUNCTIONS["JS_SCORE"].call((tuple(row),), values[content_id])
        assert shown[content_id - 1] == pytest.approx(udf)
    assert shown[4] == 3.0  # two whole steps short of 85 %
    # 内容 7: 3 points, target 100 %, 1 point per 2 pp; by proportion a part step costs a part.
    assert shown[6] == pytest.approx(3.0 - (1.0 - values[7]) / 0.02 * 1.0)
    assert 2.0 < shown[6] < 3.0  # it was 2 (one whole step) before the edit


@pytest.mark.parametrize("standard", ["default", "province_variant"])
def test_python_and_the_native_twins_agree_on_generated_counties(standard, monkeypatch):
    # The builder caches the UDF's and the twin's result of every computed cell and the
    # 不一致 flag between them: no flag may be raised, edge cases and planted errors included;
    # also under the province variant (a threshold, a ladder, a cut-off). The files we write
    # cache JS_PYTHON as not connected, which leaves every flag 0: here it is built as where
    # Python ran (JS_PYTHON gives 1), so the flags compare both results.
    monkeypatch.setattr(calc, "NO_PYTHON", 1.0)
    std = default_standard() if standard == "default" else load_standard(ROOT / "examples" / f"{standard}.toml")
    flagged, compared = [], 0
    for raw in edge_counties(40, 7, std):
        book = build(io.BytesIO(), std, example_extras(from_county_raw(raw, std), std), None)
        assert book.values[("计算", 0, calc.TWIN)] is True  # calc_python
        flags = {(r, v) for (sheet, r, c), v in book.values.items() if sheet == "计算" and c == calc.DIFFERS}
        compared += len(flags)
        flagged += [(raw["county"]["name"], book.values[("计算", r, calc.LABEL)]) for r, v in flags if v == 1]
    assert not flagged, flagged[:10]
    assert compared > 40 * 100


def test_formulas_use_only_functions_every_office_suite_has():
    # Cell formulas, conditional formats' and data validations' formulas alike.
    allowed = set(NATIVE) | {"IF"}
    for path in WORKBOOKS:
        archive = zipfile.ZipFile(path)
        used = set()
        for part in sheet_parts(archive).values():
            xml = archive.read(part).decode("utf-8")
            formulas = re.findall(r"<(f|formula|formula1|formula2)\b[^>]*>(.*?)</\1>", xml)
            assert any(tag == "formula" and "TODAY()" in text for tag, text in formulas) or "TODAY" not in xml
            for _, formula in formulas:
                used |= set(re.findall(r"\b([A-Z][A-Z0-9.]*)\(", formula))
        native = {name for name in used if not name.startswith("JS_")}
        assert native and native <= allowed, native - allowed
        assert not native & {"LET", "LAMBDA", "XLOOKUP", "TEXTJOIN", "IFS", "FILTER", "SEQUENCE"}


def test_every_visible_result_picks_python_or_its_twin():
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    for name in ("out_base", "out_bonus", "out_total", "out_verdict"):
        assert named(book, name).value.startswith("=IF(calc_python,'计算'!$B$")


def test_the_developer_docs_list_the_function_set():
    guide = (ROOT / "docs" / "developer-guide.md").read_text(encoding="utf-8")
    listed = re.search(r"IFS\): (.*?),\s+and the operators", guide, re.S).group(1)
    assert {name.strip() for name in listed.split(",")} == set(NATIVE) | {"IF"}


def typed(path, *edits):
    """What LibreOffice shows after an official types NAME=VALUE into the file as saved."""
    assert subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0, \
        "LibreOffice's Python bridge is required: apt-get install python3-uno (see .ci/run)"
    out = subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "lo_typing.py"), str(path), *edits],
                         capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout)


def test_typing_in_libreoffice_updates_every_result_without_an_error(std, example):
    # Typing must keep every result on the built-in formulas, never the UDFs' #NAME? (the
    # typed cell recalculates JS_PYTHON, which LibreOffice cannot call).
    shown = typed(EXAMPLE_WORKBOOK, "in_communities_certified=17")
    example["inputs"]["communities_certified"] = 17
    expected = assess(example, std)
    assert (shown["out_base"], shown["out_bonus"], shown["out_total"]) == \
        pytest.approx((expected.base, expected.bonus, expected.total))
    assert expected.total == 97.5 and shown["out_verdict"] == expected.verdict
    assert shown["calc_python"] == 0 and shown["errors"] == []


def test_typing_a_wrong_figure_in_libreoffice_shows_words_not_errors(std):
    shown = typed(EXAMPLE_WORKBOOK, "in_permits_total=四十", "in_groundwater_use=99999")
    assert shown["out_total"] == shown["out_verdict"] == std.verdicts["incomplete"]
    assert shown["errors"] == []


def submission_conclusion(path):
    """The 报送表's 自评结论 as the file shows it."""
    ws = openpyxl.load_workbook(path, data_only=True)["报送表"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "自评结论")
    return ws.cell(row, 3).value


@pytest.mark.office
def test_the_conclusion_recalculated_without_python_is_the_engines_sentence(recalculated, std, example):
    # The 报送表's sentence is a native formula over the totals and 附件2; LibreOffice computes
    # it, engine.conclusion writes it: the same words, save the count of data problems that
    # only the engine knows (the workbook says 数据尚不完整 without it).
    from jieshui.builder.conclusion import INCOMPLETE
    from jieshui.engine.conclusion import self_conclusion

    wrong, kinds = [], set()
    for raw, path in recalculated:
        result = assess(example if raw is None else raw, std)
        incomplete = result.verdict == std.verdicts["incomplete"] or result.total is None
        expected = INCOMPLETE if incomplete else self_conclusion(result)
        kinds.add(result.verdict)
        if submission_conclusion(path) != expected:
            wrong.append((path.name, submission_conclusion(path), expected))
    assert not wrong, wrong[:5]
    assert set(std.verdicts.values()) <= kinds  # every kind of conclusion was compared
    assert submission_conclusion(recalculated[0][1]) == \
        "自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足"
