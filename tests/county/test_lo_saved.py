"""A county workbook saved by LibreOffice (the stand-in for WPS), as .xlsm and as .xlsx, goes
through every command, the monthly round included (split, a unit's file saved by LibreOffice
too, merge); a formula that really differs is still refused, in one line naming the cell.
Totals come from the engine; LibreOffice does the saving."""

import json
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK, JIESHUI, cell_of, convert, named, named_cells, run, set_named
from jieshui.engine import assess
from unit_forms import value_cell

pytestmark = pytest.mark.office  # every test starts from files LibreOffice saved

FILTERS = {"xlsm": "xlsm:Calc MS Excel 2007 VBA XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
FORMATS = list(FILTERS)
ONE_LINE = 300  # characters: a refusal names the cell and what differs, never the formula


@pytest.fixture(scope="session")
def lo_saved(tmp_path_factory):
    """The shipped example opened and saved, unedited, by LibreOffice in both formats."""
    saved = {}
    for fmt, target in FILTERS.items():
        folder = tmp_path_factory.mktemp(f"lo_{fmt}")
        convert(EXAMPLE_WORKBOOK, folder, target)
        saved[fmt] = folder / f"{EXAMPLE_WORKBOOK.stem}.{fmt}"
        assert saved[fmt].is_file()
    return saved


def _copy(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / f"{name}{source.suffix}"))


def _total(path: Path) -> float:
    out = run("score", path, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["total"]


def _cached_total(path: Path) -> float:
    return named(openpyxl.load_workbook(path, data_only=True), "out_total").value


def _values(path: Path) -> list[list]:
    book = openpyxl.load_workbook(path)
    return [[ws.title, *[c.value for row in ws.iter_rows() for c in row]] for ws in book]


def test_libreoffice_respells_the_templates_formulas(lo_saved):
    """The premise: without LibreOffice's respelling these tests would prove nothing."""
    for path in lo_saved.values():
        formula = named(openpyxl.load_workbook(path), "out_points").value
        assert "计算!" in formula and "'计算'!" not in formula, formula


@pytest.mark.parametrize("fmt", FORMATS)
def test_score_check_and_export_read_it_as_the_original(lo_saved, fmt, tmp_path, std, example):
    expected = assess(example, std)
    assert expected.total == 96.5
    saved = _copy(lo_saved[fmt], tmp_path, "示例旗")
    assert _total(saved) == expected.total
    original, resaved = run("check", EXAMPLE_WORKBOOK, "--json"), run("check", saved, "--json")
    assert resaved.returncode == original.returncode, resaved.stderr
    assert json.loads(resaved.stdout) == json.loads(original.stdout)
    # Without LibreOffice on PATH export writes the .xlsx only.
    quiet = {**os.environ, "PATH": str(Path(JIESHUI).parent)}
    for source, folder in ((EXAMPLE_WORKBOOK, tmp_path / "原件"), (saved, tmp_path / "另存")):
        folder.mkdir()
        out = run("export", source, "-o", folder, env=quiet)
        assert out.returncode == 0, out.stdout + out.stderr
    exported = [next((tmp_path / f).glob("*.xlsx")) for f in ("原件", "另存")]
    assert _values(exported[1]) == _values(exported[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_recalc_refreshes_it_after_an_edit(lo_saved, fmt, tmp_path, std, example):
    book = openpyxl.load_workbook(lo_saved[fmt], keep_vba=fmt == "xlsm")
    set_named("in_communities_certified", 17)(book)  # 17/85 = 20 %: content 16 full
    edited = tmp_path / f"edited.{fmt}"
    book.save(edited)
    out = tmp_path / f"refreshed.{fmt}"
    result = run("recalc", edited, "-o", out)
    assert result.returncode == 0, result.stderr
    example["inputs"]["communities_certified"] = 17
    assert _cached_total(out) == _total(out) == assess(example, std).total == 97.5
    unedited = run("recalc", lo_saved[fmt], "-o", tmp_path / f"as_saved.{fmt}")
    assert unedited.returncode == 0, unedited.stderr
    assert _cached_total(tmp_path / f"as_saved.{fmt}") == 96.5


def _unit_value(book, key):
    return value_cell(book, key)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_monthly_round_goes_through_libreoffice(lo_saved, fmt, tmp_path, std, example):
    master = _copy(lo_saved[fmt], tmp_path, "示例旗")
    out = run("split", master, "-o", tmp_path / "填报表")
    assert out.returncode == 0, out.stderr
    unit_file = next((tmp_path / "填报表").glob("*住建局*"))
    book = openpyxl.load_workbook(unit_file)
    _unit_value(book, "communities_certified").value = 17
    typed = tmp_path / "typed" / unit_file.name
    typed.parent.mkdir()
    book.save(typed)
    convert(typed, tmp_path / "returned", FILTERS["xlsx"])  # the unit saves it in LibreOffice
    returned = tmp_path / "returned" / unit_file.name
    merged = tmp_path / f"汇总.{fmt}"
    out = run("merge", master, returned, "-o", merged)
    assert out.returncode == 0, out.stdout + out.stderr
    example["inputs"]["communities_certified"] = 17
    assert _cached_total(merged) == _total(merged) == assess(example, std).total == 97.5
    log = [row for row in openpyxl.load_workbook(merged)["填报记录"].iter_rows(min_row=2, values_only=True)]
    where = cell_of(openpyxl.load_workbook(master), "in_communities_certified")
    assert [(row[1], row[4], row[5]) for row in log if row[2] == where] == [("住建局", 16, 17)]
    # The merged master, saved by LibreOffice once more, takes the next month's round.
    convert(merged, tmp_path / "again", FILTERS[fmt])
    again = tmp_path / "again" / merged.name
    second = run("merge", again, returned, "-o", tmp_path / f"第二次.{fmt}")
    assert second.returncode == 0, second.stdout + second.stderr
    assert _total(tmp_path / f"第二次.{fmt}") == 97.5


def test_a_unit_file_changed_outside_its_cells_is_still_caught_after_libreoffice(lo_saved, tmp_path):
    master = _copy(lo_saved["xlsm"], tmp_path, "示例旗")
    assert run("split", master, "-o", tmp_path / "填报表").returncode == 0
    unit_file = next((tmp_path / "填报表").glob("*工信局*"))
    book = openpyxl.load_workbook(unit_file)
    book["填报"]["B3"] = "随便写"  # a label, outside the yellow cells
    typed = tmp_path / "typed" / unit_file.name
    typed.parent.mkdir()
    book.save(typed)
    convert(typed, tmp_path / "returned", FILTERS["xlsx"])
    out = run("merge", master, tmp_path / "returned" / unit_file.name, "-o", tmp_path / "m.xlsm")
    assert out.returncode == 1 and "填报!B3被改动" in out.stdout, out.stdout + out.stderr
    assert not (tmp_path / "m.xlsm").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_collect_scores_it_without_findings(lo_saved, fmt, tmp_path):
    folder = tmp_path / "各县"
    _copy(lo_saved[fmt], folder, "示例旗")
    out = run("collect", folder, "--json", "-o", tmp_path / "汇总.xlsx")
    assert out.returncode in (0, 1), out.stderr
    found = json.loads(out.stdout)
    assert [c["total"] for c in found["counties"]] == [96.5] and found["problems"] == []
    assert found["counties"][0]["flags"] == []


def _planted_change(source: Path, folder: Path, cell_of_book) -> tuple[Path, str, str]:
    """The file with the last reference of one formula pointing one row down (openpyxl, as a
    tamperer would); the file, "sheet!cell" and the formula as LibreOffice saved it."""
    book = openpyxl.load_workbook(source, keep_vba=source.suffix == ".xlsm")
    cell = cell_of_book(book)
    saved = cell.value
    last = list(re.finditer(r"\$([A-Z]+)\$(\d+)", saved))[-1]
    cell.value = f"{saved[:last.start()]}${last.group(1)}${int(last.group(2)) + 1}{saved[last.end():]}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"改过.{source.suffix.lstrip('.')}"
    book.save(path)
    return path, f"{cell.parent.title}!{cell.coordinate}", saved


def _refused(out, cell: str, formula: str) -> None:
    """Exit 2 with one short line naming the cell, quoting neither the saved formula nor the
    template's (what the old message dumped)."""
    message = out.stderr.strip()
    assert out.returncode == 2 and cell in message, out.stdout + message
    sheet, ref = cell.split("!")
    template = openpyxl.load_workbook(EXAMPLE_WORKBOOK)[sheet][ref].value
    assert "\n" not in message and len(message) < ONE_LINE, message
    assert formula[1:] not in message and template[1:] not in message, message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_really_changed_formula_is_refused_in_one_line(lo_saved, fmt, tmp_path):
    # A visible score cell (附件3's second content) now shows another row of 计算.
    changed, cell, formula = _planted_change(lo_saved[fmt], tmp_path, lambda b: named_cells(b, "out_points")[1])
    _refused(run("recalc", changed, "-o", tmp_path / f"r.{fmt}"), cell, formula)
    assert not (tmp_path / f"r.{fmt}").exists()
    assert run("split", changed, "-o", tmp_path / "填报表").returncode == 0
    returned = next((tmp_path / "填报表").glob("*水利局*"))
    _refused(run("merge", changed, returned, "-o", tmp_path / f"m.{fmt}"), cell, formula)
    assert not (tmp_path / f"m.{fmt}").exists()


def test_a_change_deep_in_a_long_formula_is_told_briefly(lo_saved, tmp_path):
    def longest(book):
        return max((c for row in book["计算"].iter_rows() for c in row if isinstance(c.value, str) and "$" in c.value),
                   key=lambda c: len(c.value))
    changed, cell, formula = _planted_change(lo_saved["xlsm"], tmp_path, longest)
    assert len(formula) > 2000  # what issue 21 saw dumped
    _refused(run("recalc", changed, "-o", tmp_path / "r.xlsm"), cell, formula)
