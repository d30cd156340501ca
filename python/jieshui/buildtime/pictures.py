"""Pictures for the docs: page 1 of each printed document as a PNG in docs/pictures/, so a user
sees what they will print.

The documents are made the way their commands make them, from the example workbook (and a few
synthetic counties for the province's summary and feedback), dated DAY. Each picture is printed
by LibreOffice headless to PDF and its first page rendered by pdftoppm, in grey, at the highest
resolution that keeps the file under MAX_BYTES.

docs/pictures/sources.json records, per picture, a fingerprint of what the picture shows (see
`fingerprint`): not the PNG's bytes (they change with every LibreOffice or poppler update), not
the source file's bytes (a workbook zip carries every sheet and its timestamps), but the printed
content of the sheet shown: its cells' values and formats, column widths, row heights, merges
and print setup, and the values of the sheets its formulas read. tests/buildtime/test_pictures.py
rebuilds the documents without LibreOffice and fails when a fingerprint moved.

    python build.py --pictures      (needs LibreOffice and poppler-utils' pdftoppm)

Unlike the rest of buildtime, this module makes the county's and the province's documents, so it
imports county, province and standard (build-time only: nothing in the package imports it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DAY = dt.date(2025, 7, 20)  # the date every document is made on: a fingerprint never moves by the day
MAX_BYTES = 150_000
RESOLUTIONS = (80, 72, 66, 60, 54, 48)  # dpi, tried in turn until the PNG is small enough
COUNTIES = 5  # synthetic counties for the summary and the feedback; the first has a data error
REVIEW_FOLDER = "2025年各县工作簿"
SOURCES = "sources.json"
COMMAND = "python3 build.py --pictures"


@dataclass(frozen=True)
class Picture:
    name: str              # the PNG's file stem in docs/pictures/
    caption: str           # the Markdown caption in the user guide
    document: str          # a key of `documents()`
    sheet: str | None = None  # the sheet shown (a workbook); None: the first sheet, or a .docx

    @property
    def file(self) -> str:
        return f"{self.name}.png"


PICTURES = (
    Picture("example-contents", "示例工作簿“附件3技术评估指标”打印第一页", "示例工作簿", "附件3技术评估指标"),
    Picture("example-submission", "示例工作簿“报送表”打印第一页", "示例工作簿", "报送表"),
    Picture("exported-submission", "导出的报送表第一页", "报送表"),
    Picture("report", "自评报告第一页", "自评报告"),
    Picture("evidence-index", "佐证材料目录第一页", "佐证材料目录"),
    Picture("unit-file", "成员单位填报表第一页", "填报表"),
    Picture("summary", "省级复核汇总第一页", "汇总"),
    Picture("feedback", "复核意见第一页", "复核意见"),
    Picture("standard", "评价标准工作簿“评价内容”表第一页", "评价标准", "评价内容"),
)


def documents(folder: Path, example: Path) -> dict[str, Path]:
    """Every document a picture shows, made into `folder` as its command makes it (no LibreOffice)."""
    from ..builder import build_workbook, shipped_vba
    from ..county.evidence import check_evidence, index_workbook
    from ..county.export import SubmissionWriter
    from ..county.report import report_document
    from ..county.unit_files import unit_file
    from ..engine import default_standard
    from ..province.collect import score_files
    from ..province.duplicates import resolve
    from ..province.feedback import FeedbackWriter
    from ..province.summary import SummaryWriter
    from ..standard.book import export_standard
    from ..workbook.check import check
    from ..workbook.inputs import example_extras, from_county_raw
    from ..workbook.readers import read_workbook
    from .samples import counties

    std = default_standard()
    folder.mkdir(parents=True, exist_ok=True)
    made = {"示例工作簿": example}
    data = read_workbook(example, std)
    checked = check(data, std)

    def put(name: str, suffix: str, content: bytes) -> None:
        made[name] = folder / f"{name}{suffix}"
        made[name].write_bytes(content)

    put("报送表", ".xlsx", SubmissionWriter(checked, data.inputs, DAY).build())
    put("自评报告", ".docx", report_document(checked, data.inputs, std, DAY))
    evidence = folder / "佐证材料"
    evidence.mkdir(exist_ok=True)
    put("佐证材料目录", ".xlsx", index_workbook(data, check_evidence(data, checked, std, evidence), DAY))
    put("填报表", ".xlsx", unit_file(std, data.inputs, std.units[0], DAY))
    put("评价标准", ".xlsx", export_standard(std, _standard_text()))

    county_folder = folder / "counties"
    county_folder.mkdir(exist_ok=True)
    vba, paths = shipped_vba(), []
    for raw in counties(COUNTIES, 21, std):
        inputs = example_extras(from_county_raw(raw, std), std)
        inputs.evidence, inputs.prereq_evidence, inputs.ledger = {}, {}, []
        path = county_folder / f"{raw['county']['name']}.xlsm"
        path.write_bytes(build_workbook(std, inputs, vba))
        paths.append(path)
    # the files as a reviewer's folder names them, not this run's temporary one
    results = [dataclasses.replace(r, file=str(Path(REVIEW_FOLDER, Path(r.file).name)))
               for r in resolve(score_files(paths, std, 1), [])]
    put("汇总", ".xlsx", SummaryWriter(results, std, None).build())
    first = next(r for r in results if not r.error and r.name.strip())
    put("复核意见", ".xlsx", FeedbackWriter(first, std, DAY).build())
    return made


def _standard_text() -> str:
    """The packaged standard's TOML, as `jieshui standard export` hands it to export_standard."""
    from importlib import resources

    from ..engine.standard import DEFAULT_STANDARD
    return (resources.files("jieshui") / "data" / DEFAULT_STANDARD).read_text(encoding="utf-8")


# --- fingerprints ---------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_\u4e00-\u9fff][\w.]*")
_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!=(),;:+\-*/&<>^\"{}]+))!")


def fingerprint(path: Path, sheet: str | None = None) -> str:
    """sha256 of what page 1 of `path` (of its `sheet`) shows when printed."""
    digest = hashlib.sha256()
    for line in (_docx_lines(path) if path.suffix == ".docx" else _sheet_lines(path, sheet)):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _docx_lines(path: Path) -> list[str]:
    """A Word document: every part but docProps (the dates and the program that wrote it)."""
    with zipfile.ZipFile(path) as z:
        return [f"{name} {hashlib.sha256(z.read(name)).hexdigest()}"
                for name in sorted(z.namelist()) if not name.startswith("docProps/")]


def _sheet_lines(path: Path, sheet: str | None) -> list[str]:
    """A sheet: each cell's value and format, the column widths and row heights, merges, the
    print setup, conditional formats and pictures; and every cell value of the sheets its
    formulas read, transitively (a formula's result is what the page shows)."""
    import openpyxl

    book = openpyxl.load_workbook(path, keep_vba=False, rich_text=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    lines = [f"sheet {ws.title}"]
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            lines.append(f"{c.coordinate} {c.value!r} {c.number_format!r} {_style(c)}")
    for key, dim in sorted(ws.column_dimensions.items()):
        lines.append(f"col {key} {dim.min} {dim.max} {dim.width} {dim.hidden} {dim.customWidth}")
    for key, dim in sorted(ws.row_dimensions.items()):
        lines.append(f"row {key} {dim.height} {dim.hidden}")
    lines.append(f"default {ws.sheet_format.defaultRowHeight} {ws.sheet_format.defaultColWidth} "
                 f"{ws.sheet_format.baseColWidth}")
    lines += [f"merged {r}" for r in sorted(map(str, ws.merged_cells.ranges))]
    for part in (ws.page_setup, ws.print_options, ws.page_margins, ws.sheet_properties.pageSetUpPr,
                 ws.HeaderFooter, ws.row_breaks, ws.col_breaks, ws.views):
        lines.append(_plain(repr(part)))
    lines.append(f"print {ws.print_title_rows} {ws.print_title_cols} {ws.print_area}")
    for rng in ws.conditional_formatting:
        lines.append(f"cf {rng.sqref} " + " ".join(_plain(repr(rule)) for rule in rng.rules))
    lines += [f"image {getattr(i.anchor, '_from', None) and repr(i.anchor._from)}" for i in ws._images]
    lines += [f"chart {_plain(repr(ch.anchor))}" for ch in ws._charts]
    for name in _read_sheets(book, ws):
        lines.append(f"values of {name}")
        for row in book[name].iter_rows():
            lines += [f"{c.coordinate} {c.value!r}" for c in row if c.value is not None]
    return lines


def _style(c: Any) -> str:
    return _plain(" ".join(repr(p) for p in (c.font, c.alignment, c.border, c.fill)))


def _plain(text: str) -> str:
    """An openpyxl object's repr without the object ids it may carry."""
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def _read_sheets(book: Any, ws: Any) -> list[str]:
    """The other sheets `ws`'s formulas read, directly or through a defined name, and those
    their formulas read in turn."""
    names = set(book.sheetnames)
    defined = {name.upper(): str(d.value) for name, d in book.defined_names.items()}
    seen: set[str] = set()
    todo = [ws.title]
    while todo:
        formulas = " ".join(str(c.value) for row in book[todo.pop()].iter_rows() for c in row
                            if isinstance(c.value, str) and c.value.startswith("="))
        used = {t.upper() for t in _NAME.findall(formulas)} & defined.keys()
        text = " ".join([formulas, *(defined[u] for u in sorted(used))])
        for quoted, bare in _SHEET_REF.findall(text):
            ref = quoted.replace("''", "'") if quoted else bare
            if ref in names and ref != ws.title and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return sorted(seen)


def fingerprints(made: dict[str, Path]) -> dict[str, str]:
    """Picture file → fingerprint of its document."""
    return {p.file: fingerprint(made[p.document], p.sheet) for p in PICTURES}


# --- rendering ------------------------------------------------------------------------------

def only_sheet(path: Path, sheet: str | None, target: Path) -> Path:
    """A copy of the workbook `path` in which only `sheet` is visible and none selected
    (LibreOffice prints a hidden sheet that is selected or has a print area): workbook.xml's
    sheet states, active tab and the other sheets' print areas, and the sheets' tabSelected
    marks, changed; nothing else rewritten."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
        infos = z.infolist()
    xml = parts["xl/workbook.xml"].decode("utf-8")
    tags = re.findall(r"<sheet [^>]*/>", xml)
    titles = [_unescape(re.search(r'name="([^"]*)"', t).group(1)) for t in tags]
    shown = titles.index(sheet) if sheet else 0
    for n, tag in enumerate(tags):
        bare = re.sub(r' state="[^"]*"', "", tag)
        new = bare if n == shown else bare.replace("<sheet ", '<sheet state="hidden" ', 1)
        xml = xml.replace(tag, new, 1)
    xml = re.sub(r'activeTab="\d+"', f'activeTab="{shown}"', xml)
    xml = re.sub(r'firstSheet="\d+"', f'firstSheet="{shown}"', xml)
    if "activeTab=" not in xml:
        xml = xml.replace("<workbookView ", f'<workbookView activeTab="{shown}" ', 1)
    # LibreOffice prints a hidden sheet that has a print area: only the shown sheet keeps its own
    xml = re.sub(r'<definedName name="_xlnm\.Print_Area" localSheetId="(\d+)"[^>]*>[^<]*</definedName>',
                 lambda m: m.group(0) if int(m.group(1)) == shown else "", xml)
    parts["xl/workbook.xml"] = xml.encode("utf-8")
    for name, data in parts.items():  # a hidden sheet still selected (tabSelected) is printed too
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = data.replace(b' tabSelected="1"', b"")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            out.writestr(info, parts[info.filename])
    return target


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def first_page_png(pdf: Path, target: Path) -> int:
    """Page 1 of `pdf` in grey at the highest resolution under MAX_BYTES; the dpi used."""
    for dpi in RESOLUTIONS:
        stem = target.with_suffix("")
        subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-png", "-singlefile",
                        str(pdf), str(stem)], check=True, capture_output=True, timeout=120)
        if target.stat().st_size <= MAX_BYTES:
            return dpi
    return dpi


def render(made: dict[str, Path], out: Path, say: Callable[[str], None] = print) -> dict[str, str]:
    """Every picture into `out` and sources.json beside them; picture → fingerprint."""
    from ..county.export import libreoffice
    from ..county.office import OfficeRun

    office = libreoffice()
    if office is None or shutil.which("pdftoppm") is None:
        raise SystemExit("--pictures needs LibreOffice (soffice) and pdftoppm (poppler-utils)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jieshui-pictures-") as work:
        for n, p in enumerate(PICTURES):
            source = made[p.document]
            if source.suffix != ".docx":
                source = only_sheet(source, p.sheet, Path(work) / f"{n:02d}{source.suffix}")
            with OfficeRun() as run:
                pdf = run.convert(office, source, "pdf")
                dpi = first_page_png(pdf, out / p.file)
            say(f"wrote {out.name}/{p.file} ({(out / p.file).stat().st_size:,} bytes, {dpi} dpi)")
    sums = fingerprints(made)
    for stale in sorted({f.name for f in out.glob("*.png")} - set(sums)):
        (out / stale).unlink()
        say(f"removed {out.name}/{stale}")
    (out / SOURCES).write_text(json.dumps(sums, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {out.name}/{SOURCES}")
    return sums


def build_pictures(docs: Path, example: Path, say: Callable[[str], None] = print) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="jieshui-documents-") as folder:
        return render(documents(Path(folder), example), docs / "pictures", say)


def read_sources(docs: Path) -> dict[str, str]:
    return json.loads((docs / "pictures" / SOURCES).read_text(encoding="utf-8"))


__all__ = ["COMMAND", "DAY", "PICTURES", "Picture", "build_pictures", "documents", "fingerprint",
           "fingerprints", "only_sheet", "read_sources", "render"]
