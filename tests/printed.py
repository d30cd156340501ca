"""What a printed page shows, measured from its PDF's text layer (poppler's `pdftotext -bbox`):
the printed size of every word, words printed over words, a cell's text that did not reach the
page (LibreOffice leaves out the lines a cell clips), and lines that begin with 、，。）.

A word's box is as tall as its font's ascent plus descent: for the fonts LibreOffice embeds
here that is 1.30 times the font size, for CJK and Latin alike (tests/printing/test_measure.py
prints known sizes and checks this), so a box's height divided by 1.30 is the printed size."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

BOX_PER_POINT = 1.30
LEAST_POINTS = 7.0
# Two boxes overlap when they share more than a sliver: a wrapped line's box may graze the next
# line's by a point (boxes include the descent), text printed over text shares far more.
OVERLAP_X, OVERLAP_Y = 1.0, 0.30
LINE_START = "、，。）；：！？》」"

_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Word:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def points(self) -> float:
        return (self.y1 - self.y0) / BOX_PER_POINT

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its page (1-based) and box, in poppler's reading order."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    found, page = [], 0
    for part in re.split(r"(<page width)", xml):
        if part == "<page width":
            page += 1
            continue
        for box in _WORD.finditer(part):
            x0, y0, x1, y1 = map(float, box.groups()[:4])
            found.append(Word(html.unescape(box.group(5)), page, x0, y0, x1, y1))
    return found


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def small(found: list[Word], least: float = LEAST_POINTS) -> list[Word]:
    return [w for w in found if w.points < least - 0.05]


def overlapping(found: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words printed over each other, page by page (a sweep down each page)."""
    pairs = []
    ordered = sorted(found, key=lambda w: (w.page, w.y0))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.page != a.page or b.y0 >= a.y1:
                break
            shared_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            shared_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            if shared_x > OVERLAP_X and shared_y > OVERLAP_Y * min(a.height, b.height):
                pairs.append((a, b))
    return pairs


def badly_broken(found: list[Word]) -> list[Word]:
    """Words that begin a line with a mark Chinese typesetting never puts first (、，。）…). A
    justified line of a document is spaced out between its characters, so poppler gives each
    character as a word: a mark is at a line's start only when the word before it is not on
    its line."""
    return [word for before, word in zip([None, *found], found)
            if word.text[:1] in LINE_START and not (before is not None and _same_line(before, word))]


def _same_line(last: Word, word: Word) -> bool:
    h = max(last.height, 1.0)
    return word.page == last.page and abs(word.y0 - last.y0) < 0.5 * h and -1 <= word.x0 - last.x1 < 4 * h


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Page:
    """One document's words, indexed for finding a cell's text, line by line, on the page."""

    def __init__(self, found: list[Word], flowing: bool = False):
        self.flowing = flowing  # a document's paragraph may run on over a page break
        self.found = [w for w in found if _plain(w.text)]
        self.plain = [_plain(w.text) for w in self.found]

    def shows(self, text: str) -> bool:
        """Whether the whole of `text` is printed: in one word, or as a chain of words each
        following the last on its line or on one of the next lines of the same page."""
        want = _plain(text)
        if not want:
            return True
        for i, have in enumerate(self.plain):
            if want in have:
                return True
            start = self._start(have, want)
            if start and self._rest(i, want[start:], 0):
                return True
        return False

    @staticmethod
    def _start(have: str, want: str) -> int:
        """How much of `want` a word begins: all of the word, or the word's end when a
        neighbouring cell's text ran into it on the same line (at least 2 characters)."""
        if want.startswith(have):
            return len(have)
        for k in range(min(len(have), len(want)) - 1, 1, -1):
            if have.endswith(want[:k]):
                return k
        return 0

    def _rest(self, i: int, want: str, depth: int) -> bool:
        if not want:
            return True
        if depth > 400:  # a justified paragraph: a word a character
            return False
        last = self.found[i]
        for j, word in enumerate(self.found):
            have = self.plain[j]
            if j == i or not self._follows(last, word):
                continue
            if have.startswith(want):
                return True
            if want.startswith(have) and self._rest(j, want[len(have):], depth + 1):
                return True
        return False

    def _follows(self, last: Word, word: Word) -> bool:
        """`word` goes on from `last`: on its line, on one of the next lines, or (a document's
        paragraph over a page break) higher up the next page."""
        if self.flowing and word.page == last.page + 1:
            return word.y0 < last.y0
        next_line = 0.4 * max(last.height, 1.0) < word.y0 - last.y0 < 2.6 * max(last.height, 1.0)
        return word.page == last.page and (_same_line(last, word) or next_line)


def clipped(texts: list[list[str]], found: list[Word], flowing: bool = False) -> list[list[str]]:
    """The cells ([sheet, cell, text]) whose text the PDF does not show in full; `flowing` for a
    document, whose paragraphs run on over page breaks (a workbook's rows never do)."""
    page = Page(found, flowing)
    return [entry for entry in texts if not page.shows(entry[2])]


@dataclass
class Measured:
    """One printed document's figures, as the closing note's table gives them."""
    pages: int
    least: float
    under: int
    overlaps: int
    clipped: int
    broken: int

    @classmethod
    def of(cls, pdf: Path, texts: list[list[str]], flowing: bool = False) -> Measured:
        found = words(pdf)
        return cls(pages(pdf), round(min((w.points for w in found), default=0.0), 1), len(small(found)),
                   len(overlapping(found)), len(clipped(texts, found, flowing)), len(badly_broken(found)))
