"""A table too wide for one legible A4 page prints across pages: its columns in bands, the key
columns (序号, 评价指标, 评价内容) repeated left of every band, the header rows on every page,
at one fixed scale; rows break where a page is full, never between a table's last rows and its
totals. Widths and heights are LibreOffice's printed ones (what the print check measures); Excel
and WPS print a column a little narrower, so every band fits there too."""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from ..workbook.styles import print_setup

# LibreOffice prints a column of width w as 7.04 w + 4.94 pt at 100% (measured on its PDFs).
COLUMN_PT, COLUMN_PAD_PT = 7.04, 4.94
A4_PT = (595.3, 841.9)  # short and long side
MARGINS_PT = (0.5 * 72 * 2, (0.6 + 0.7) * 72)  # print_setup's left+right and top+bottom
FOOTER_PT = 24  # the page number's line
LEAST_SCALE = 64  # 11 pt body text prints at 7 pt


def printed_width(widths: Iterable[float]) -> float:
    return sum(COLUMN_PT * w + COLUMN_PAD_PT for w in widths)


def usable_width(landscape: bool) -> float:
    return (A4_PT[1] if landscape else A4_PT[0]) - MARGINS_PT[0]


def usable_height(landscape: bool, scale: int) -> float:
    """A page's height for rows (pt at 100%), planned a little short so that no program's
    own break comes before a planned one."""
    return ((A4_PT[0] if landscape else A4_PT[1]) - MARGINS_PT[1] - FOOTER_PT) * 100 / scale * 0.95


def fitting_scale(widths: Sequence[float], bands: Sequence[tuple[int, int]], keys: tuple[int, int] | None,
                  landscape: bool) -> int:
    """The largest whole scale (%) at which every band, with the key columns before the later
    ones, fits a page's width."""
    key = list(range(keys[0], keys[1] + 1)) if keys else []
    widest = max(printed_width(widths[c] for c in ([] if i == 0 else key) + list(range(a, b + 1)))
                 for i, (a, b) in enumerate(bands))
    return min(100, math.floor(100 * usable_width(landscape) / widest) - 1)


def print_across(ws: Any, widths: Sequence[float], bands: Sequence[tuple[int, int]],
                 keys: tuple[int, int], repeat: tuple[int, int], landscape: bool = True) -> int:
    """A4, the column `bands` (first, last) each on its own pages with the `keys` columns
    repeated before it, the rows `repeat` on every page, pages numbered across, then down (a
    row's pages follow each other). Returns the scale (%)."""
    scale = fitting_scale(widths, bands, keys, landscape)
    if scale < LEAST_SCALE:
        raise ValueError(f"{ws.name}: a band needs {scale}% to fit a page; its text would print under 7 pt")
    print_setup(ws, landscape, repeat=repeat, across=keys)
    ws.set_print_scale(scale)
    ws.set_v_pagebreaks([first for first, _ in bands[1:]])
    ws.print_across()
    return scale


def row_breaks(heights: dict[int, float], blocks: Sequence[Sequence[int]], page: float) -> list[int]:
    """The rows that start a page: `blocks` of rows (in order) each kept on one page, pages of
    `page` pt filled in turn."""
    breaks, used = [], 0.0
    for block in blocks:
        tall = sum(heights[r] for r in block)
        if used > 0 and used + tall > page:
            breaks.append(block[0])
            used = 0.0
        used += tall
    return breaks
