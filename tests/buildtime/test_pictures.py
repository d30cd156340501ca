"""The pictures of printed pages in the docs (docs/pictures/*.png, made by `python3 build.py
--pictures`) belong to the current documents: each one's fingerprint in sources.json is the
printed content of the document as the builders make it today (rebuilt here without
LibreOffice). Every picture the docs name exists, every picture is named, each is small."""

import json
import re
import zipfile

import openpyxl
import pytest
from helpers import EXAMPLE_WORKBOOK, ROOT
from jieshui.buildtime.pictures import (
    COMMAND,
    MAX_BYTES,
    PICTURES,
    SOURCES,
    documents,
    fingerprint,
    fingerprints,
    only_sheet,
)

DOCS = ROOT / "docs"
FOLDER = DOCS / "pictures"
PICTURE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return documents(tmp_path_factory.mktemp("documents"), EXAMPLE_WORKBOOK)


def recorded():
    return json.loads((FOLDER / SOURCES).read_text(encoding="utf-8"))


def test_every_picture_shows_the_current_document(made):
    stale = [f"docs/pictures/{name}" for name, digest in fingerprints(made).items() if recorded().get(name) != digest]
    assert not stale, f"out of date with their documents: {', '.join(stale)}; regenerate: {COMMAND}"


def test_the_pictures_are_the_ones_listed():
    listed = {p.file for p in PICTURES}
    assert set(recorded()) == listed, f"sources.json does not list the pictures; regenerate: {COMMAND}"
    assert {p.name for p in FOLDER.glob("*.png")} == listed, f"regenerate: {COMMAND}"
    big = [f"{p.name} ({p.stat().st_size:,} bytes)" for p in FOLDER.glob("*.png") if p.stat().st_size > MAX_BYTES]
    assert not big


def test_the_docs_name_every_picture_and_only_pictures_that_exist():
    named = set()
    for doc in sorted(DOCS.glob("*.md")):
        for target in PICTURE_LINK.findall(doc.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            path = (doc.parent / target).resolve()
            assert path.is_file(), f"{doc.name} shows {target}, which does not exist"
            named.add(path)
    pictures = {p.resolve() for p in DOCS.rglob("*.png")}
    assert pictures <= named, f"pictures no doc shows: {sorted(str(p.relative_to(DOCS)) for p in pictures - named)}"


def test_the_text_guide_names_the_pictures_by_caption():
    text = (DOCS / "user-guide.txt").read_text(encoding="utf-8")
    markdown = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    for caption in re.findall(r"!\[([^\]]*)\]\(pictures/", markdown):
        assert f"（图：{caption}）" in text


def _workbook(path, width=10, other="x"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表"
    ws["A1"], ws["A2"] = "标题", "=数据!A1*2"
    ws.column_dimensions["A"].width = width
    book.create_sheet("数据")["A1"] = 3
    book.create_sheet("其他")["A1"] = other
    book.save(path)
    return path


def test_a_fingerprint_moves_with_the_page_and_not_otherwise(tmp_path):
    base = fingerprint(_workbook(tmp_path / "a.xlsx"), "表")
    assert fingerprint(_workbook(tmp_path / "b.xlsx"), "表") == base  # a new file, its new timestamps
    assert fingerprint(_workbook(tmp_path / "c.xlsx", other="y"), "表") == base  # a sheet it does not read
    assert fingerprint(_workbook(tmp_path / "d.xlsx", width=20), "表") != base  # a column's width
    book = openpyxl.load_workbook(_workbook(tmp_path / "e.xlsx"))
    book["数据"]["A1"] = 4  # a figure its formula reads
    book.save(tmp_path / "e.xlsx")
    assert fingerprint(tmp_path / "e.xlsx", "表") != base
    book["表"].page_setup.orientation = "landscape"
    book.save(tmp_path / "f.xlsx")
    assert fingerprint(tmp_path / "f.xlsx", "表") != fingerprint(tmp_path / "e.xlsx", "表")


def test_only_the_pictured_sheet_is_printed(tmp_path, made):
    for picture in PICTURES:
        source = made[picture.document]
        if source.suffix == ".docx":
            continue
        copy = only_sheet(source, picture.sheet, tmp_path / f"{picture.name}{source.suffix}")
        with zipfile.ZipFile(copy) as z, zipfile.ZipFile(source) as original:
            assert sorted(z.namelist()) == sorted(original.namelist())
            xml = z.read("xl/workbook.xml").decode()
            shown = [t for t in re.findall(r"<sheet [^>]*/>", xml) if "hidden" not in t]
            areas = re.findall(r'_xlnm\.Print_Area" localSheetId="(\d+)"', xml)
            selected = [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"tabSelected" in z.read(n)]
        assert len(set(areas)) <= 1 and not selected, picture.name  # LibreOffice would print those hidden sheets
        assert len(shown) == 1 and f'name="{picture.sheet or ""}' in shown[0], picture.name


def test_the_user_guide_shows_each_picture_under_its_caption():
    guide = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    missing = [p.file for p in PICTURES if f"![{p.caption}](pictures/{p.file})" not in guide]
    assert not missing, f"docs/user-guide.md does not show these under their captions (pictures.PICTURES): {missing}"
