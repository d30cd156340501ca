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
    ws = book["填报"]
    return next(ws.cell(r, 4) for r in range(3, ws.max_row + 1) if ws.cell(r, 7).value == key)


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


@pytest.mark.parametrize("fmt", FORMATS)
def test_collect_scores_it_without_findings(lo_saved, fmt, tmp_path):
    folder = tmp_path / "各县"
    _copy(lo_saved[fmt], folder, "示例旗")
    out = run("collect", folder, "--json", "-o", tmp_path / "汇总.xlsx")
    assert out.returncode in (0, 1), out.stderr
    found = json.loads(out.stdout)
    assert [c["total"] for c in found["counties"]] == [96.5] and found["problems"] == []
    assert found["counties"][0]["flags"] == []


def _planted_change(source: Path, folder: Path) -> tuple[Path, str]:
    """A visible score cell's formula pointing at another row of 计算 (openpyxl, as a tamperer
    would); the file and "sheet!cell"."""
    book = openpyxl.load_workbook(source, keep_vba=source.suffix == ".xlsm")
    cell = named_cells(book, "out_points")[1]
    changed = re.sub(r"!\$B\$(\d+)", lambda m: f"!$B${int(m.group(1)) + 1}", cell.value, count=1)
    assert changed != cell.value
    cell.value = changed
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"改过.{source.suffix.lstrip('.')}"
    book.save(path)
    return path, f"{cell.parent.title}!{cell.coordinate}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_really_changed_formula_is_refused_in_one_line(lo_saved, fmt, tmp_path):
    changed, cell = _planted_change(lo_saved[fmt], tmp_path)
    out = run("recalc", changed, "-o", tmp_path / f"r.{fmt}")
    message = out.stderr.strip()
    assert out.returncode == 2 and cell in message, message
    assert "\n" not in message and len(message) < ONE_LINE, message
    assert not (tmp_path / f"r.{fmt}").exists()
    assert run("split", changed, "-o", tmp_path / "填报表").returncode == 0
    returned = next((tmp_path / "填报表").glob("*水利局*"))
    merge = run("merge", changed, returned, "-o", tmp_path / f"m.{fmt}")
    message = (merge.stdout + merge.stderr).strip()
    assert merge.returncode == 2 and cell in message and len(message) < ONE_LINE, message
    assert not (tmp_path / f"m.{fmt}").exists()
