"""Every page an official prints is legible (issue 25): each document the project writes,
printed by LibreOffice to PDF, measured from the PDF's text layer (tests/printed.py): no word
under 7 pt, no word over another, every cell's text printed in full, no line of a document that begins
with 、，。）, and no row lower than LibreOffice's own optimal height for its text."""

from __future__ import annotations

import pytest

import printed as measure
from printing.documents import KINDS

pytestmark = pytest.mark.office


def _name(word: measure.Word) -> str:
    return f"“{word.text}”（第{word.page}页，{word.points:.1f}磅）"


@pytest.fixture(params=list(KINDS), ids=list(KINDS.values()))
def document(request, printed):
    """Each kind of document; unit files and feedback workbooks all of them."""
    found = {name: p for name, p in printed.items() if name.rstrip("0123456789") == request.param}
    assert found, request.param
    return found


def test_no_word_is_printed_under_7_points(document):
    for name, p in document.items():
        tiny = measure.small(measure.words(p.pdf))
        assert not tiny, f"{name}: {len(tiny)} words under 7 pt, e.g. {[_name(w) for w in tiny[:5]]}"


def test_no_word_is_printed_over_another(document):
    for name, p in document.items():
        pairs = measure.overlapping(measure.words(p.pdf))
        assert not pairs, f"{name}: {len(pairs)} overlaps, e.g. {[(_name(a), _name(b)) for a, b in pairs[:4]]}"


def test_every_cell_prints_in_full(document):
    for name, p in document.items():
        lost = measure.clipped(p.texts, measure.words(p.pdf), flowing=p.source.suffix == ".docx")
        assert not lost, f"{name}: {len(lost)} texts not printed in full, e.g. {lost[:4]}"


def test_no_line_begins_with_a_closing_mark(document):
    """Documents only: LibreOffice Calc 7.4 breaks a cell's line before ，、 whatever the text
    (test_measure.py plants one), where Excel and WPS, which officials print from, apply the
    forbidden-character rule; the acceptance checklist has them look at the workbooks."""
    for name, p in document.items():
        if p.source.suffix != ".docx":
            continue
        broken = measure.badly_broken(measure.words(p.pdf))
        assert not broken, f"{name}: {len(broken)} lines begin with a closing mark, e.g. {[_name(w) for w in broken[:5]]}"


def test_every_row_is_tall_enough_for_its_text(document):
    for name, p in document.items():
        assert not p.short, f"{name}: {len(p.short)} rows lower than their text needs, e.g. {p.short[:5]}"
