"""Every document the project writes, made the way its command makes it, into one folder: the
print check (test_pages.py) prints them all through one LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers import BLANK_WORKBOOK, EXAMPLE_WORKBOOK, run
from jieshui.buildtime.samples import counties
from jieshui.builder import build_workbook, shipped_vba
from jieshui.county.evidence import check_evidence, index_workbook
from jieshui.county.export import export
from jieshui.county.report import report_document
from jieshui.county.unit_files import write_unit_files
from jieshui.engine import default_standard
from jieshui.workbook.check import check
from jieshui.workbook.inputs import example_extras, from_county_raw
from jieshui.workbook.readers import read_workbook

DAY = dt.date(2025, 7, 20)
COUNTIES = 15
# The kinds the print check covers; a unit file and a feedback workbook print one per unit or
# county, named 填报表01… and 复核意见01….
KINDS = {"模板": "template", "示例": "example", "评价标准": "standard", "报送表": "submission",
         "报送表（有问题）": "submission-with-problems", "汇总": "summary", "复核意见": "feedback",
         "填报表": "unit-files", "佐证材料目录": "evidence-index", "自评报告": "report"}


def _counties(folder: Path, std) -> list[Path]:
    """15 generated counties; the first carries the generator's planted data error, and none
    marks its evidence (each has some 20 reminders): a summary and feedback full of problems."""
    folder.mkdir()
    vba, paths = shipped_vba(), []
    for raw in counties(COUNTIES, 21, std):
        inputs = example_extras(from_county_raw(raw, std), std)
        inputs.evidence, inputs.prereq_evidence, inputs.ledger = {}, {}, []
        path = folder / f"{raw['county']['name']}.xlsm"
        path.write_bytes(build_workbook(std, inputs, vba))
        paths.append(path)
    return paths


def documents(root: Path) -> dict[str, Path]:
    """Name → file, for every kind of document; unit files and feedback one per unit/county."""
    std = default_standard()
    made = {"模板": root / "模板.xlsm", "示例": root / "示例.xlsm"}
    shutil.copyfile(BLANK_WORKBOOK, made["模板"])
    shutil.copyfile(EXAMPLE_WORKBOOK, made["示例"])
    made["评价标准"] = root / "评价标准.xlsx"
    assert run("standard", "export", "-o", made["评价标准"]).returncode == 0

    data = read_workbook(EXAMPLE_WORKBOOK, std)
    checked = check(data, std)
    made["报送表"] = _moved(export(checked, data.inputs, root / "export", DAY, make_pdf=False).xlsx,
                         root / "报送表.xlsx")
    made["自评报告"] = root / "自评报告.docx"
    made["自评报告"].write_bytes(report_document(checked, data.inputs, std, DAY))
    evidence = root / "佐证材料"
    evidence.mkdir()
    made["佐证材料目录"] = root / "佐证材料目录.xlsx"
    made["佐证材料目录"].write_bytes(index_workbook(data, check_evidence(data, checked, std, evidence), DAY))
    for n, path in enumerate(sorted(write_unit_files(root / "units", std, data.inputs, DAY))):
        made[f"填报表{n + 1:02d}"] = path

    generated = _counties(root / "counties", std)
    flawed = read_workbook(generated[0], std)
    made["报送表（有问题）"] = _moved(export(check(flawed, std), flawed.inputs, root / "export2", DAY,
                                       make_pdf=False).xlsx, root / "报送表有问题.xlsx")
    made["汇总"] = root / "汇总.xlsx"
    out = run("collect", root / "counties", "-o", made["汇总"], "--feedback", root / "feedback")
    assert out.returncode == 0, out.stderr
    for n, path in enumerate(sorted((root / "feedback").glob("*.xlsx"))):
        made[f"复核意见{n + 1:02d}"] = path
    return made


def _moved(path: Path, to: Path) -> Path:
    path.rename(to)
    return to


@dataclass
class Printed:
    source: Path
    pdf: Path
    texts: list[list[str]]  # [sheet, cell, text] of a workbook; [part, n, text] of a document
    short: list[list]  # [sheet, row, set, needed] rows lower than LibreOffice's optimal height


def docx_texts(path: Path) -> list[list[str]]:
    import docx

    doc = docx.Document(str(path))
    found = [["正文", str(n), p.text] for n, p in enumerate(doc.paragraphs) if p.text.strip()]
    for t, table in enumerate(doc.tables):
        for r, row in enumerate(table.rows):
            found += [[f"表{t + 1}", f"{r + 1}", cell.text] for cell in row.cells if cell.text.strip()]
    return found


def print_all(office, made: dict[str, Path], out: Path) -> dict[str, Printed]:
    printed = {}
    for name, path in made.items():
        office.open(path)
        try:
            office.pdf(path, out / f"{name}.pdf")
            calc = path.suffix != ".docx"
            texts = office.texts(path) if calc else docx_texts(path)
            short = office.short(path) if calc else []  # after printing: it changes the rows
        finally:
            office.close(path)
        printed[name] = Printed(path, out / f"{name}.pdf", texts, short)
    return printed
