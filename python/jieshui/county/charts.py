"""The report's picture, drawn with Pillow in 公文 style: black, white and greys only (a 公文 is
printed and copied in black), sized to the 版心's width at 300 dpi. One horizontal bar per
评价指标: its 标准分 an outline, its 自评得分 a grey bar inside it, the figures at the bar's end.
Chinese labels need a CJK font; `cjk_font` finds one that Windows or Linux ships (仿宋 or 宋体
first, to match the report's type) and refuses a font without Chinese glyphs."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import Assessment
from ..engine.words import BLANK, number
from ..errors import UserError
from .report_layout import Layout

# (font file, face index) where Windows and the Linux distributions keep a font with Chinese
# glyphs, serif faces first; a Noto CJK collection's face 2 is its simplified Chinese one.
WINDOWS_FONTS = (("simfang.ttf", 0), ("simsun.ttc", 0), ("simhei.ttf", 0), ("msyh.ttc", 0))
LINUX_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
)
DPI = 300
WIDTH_MM = 156  # the 版心's width (GB/T 9704 5.2.1)
LABEL_PT = 10.5  # 五号
PITCH_MM, BAR_MM, INSET_MM, GAP_MM = 8, 5, 1.2, 2  # row pitch, outline height, fill inset, gaps
LINE = 3  # px: a 0.25 mm rule
WHITE, INK, FILL = (255, 255, 255), (0, 0, 0), (160, 160, 160)
CAPTION = "图1\u3000各评价指标标准分与自评得分"  # an ideographic space after the figure's number
LEAD = "各评价指标标准分与自评得分见图1。"


class FontError(UserError):
    """No font with Chinese glyphs was found; the message says what to install."""


@dataclass
class Bar:
    label: str
    maximum: float
    points: float | None  # None: a content of the indicator cannot be scored yet

    @property
    def figures(self) -> str:
        return f"{BLANK if self.points is None else number(self.points)}/{number(self.maximum)}"


def px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def has_chinese(font: Any) -> bool:
    """A font whose 节 differs from its missing-glyph box (the one every font draws for U+E000)."""
    from PIL import Image, ImageDraw

    def drawn(text: str) -> bytes:
        image = Image.new("L", (64, 64))
        ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
        return image.tobytes()
    return drawn("节") != drawn("\ue000")


def font_candidates() -> list[tuple[str, int]]:
    windows = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
    return [(str(windows / name), index) for name, index in WINDOWS_FONTS] + list(LINUX_FONTS)


def cjk_font(size: int) -> Any:
    from PIL import ImageFont

    for path, index in font_candidates():
        if Path(path).is_file():
            font = ImageFont.truetype(path, size, index=index)
            if has_chinese(font):
                return font
    raise FontError("找不到中文字体，无法绘制自评报告的图。请安装仿宋、宋体或黑体等中文字体后重新生成。")


def bars(a: Assessment) -> list[Bar]:
    """Each indicator's 标准分 (the bonus: its cap) and 自评得分, in the standard's order."""
    found = []
    for indicator in dict.fromkeys(c.indicator for c in a.contents):
        items = [c for c in a.contents if c.indicator == indicator]
        got = None if any(c.points is None for c in items) else sum(c.points or 0.0 for c in items)
        found.append(Bar(indicator, sum(c.max_points for c in items), got))
    return found


def indicator_chart(a: Assessment) -> bytes:
    """The PNG: a legend row, then a row per indicator, its name right-aligned before the bars."""
    from PIL import Image, ImageDraw

    rows = bars(a)
    font = cjk_font(round(LABEL_PT / 72 * DPI))
    width, pitch, gap = px(WIDTH_MM) - 1, px(PITCH_MM), px(GAP_MM)  # 1842 px: 155.96 mm
    image = Image.new("RGB", (width, pitch * (len(rows) + 1) + gap), WHITE)
    draw = ImageDraw.Draw(image)
    origin = round(gap + max(draw.textlength(r.label, font=font) for r in rows) + gap)
    figures = max(draw.textlength(r.figures, font=font) for r in rows)
    scale = (width - origin - gap - figures - gap) / max(r.maximum for r in rows)
    _legend(draw, font, origin, pitch // 2)
    # The zero line first: the bars drawn over it start on it, not a rule's width after it.
    draw.line((origin - 1, pitch, origin - 1, image.height - gap), fill=INK, width=LINE)
    for n, row in enumerate(rows, 1):
        middle = n * pitch + pitch // 2
        filled = None if row.points is None else row.points * scale
        end = _bar(draw, origin, middle, row.maximum * scale, filled)
        draw.text((origin - gap, middle), row.label, font=font, fill=INK, anchor="rm")
        draw.text((end + gap, middle), row.figures, font=font, fill=INK, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def _bar(draw: Any, x: int, middle: int, outline: float, filled: float | None) -> int:
    """The 标准分's outline and, inside it, the 自评得分's grey bar from the same zero; returns
    where the outline ends."""
    half, inset = px(BAR_MM) // 2, px(INSET_MM)
    end = x + round(outline)
    draw.rectangle((x, middle - half, end, middle + half), outline=INK, fill=WHITE, width=LINE)
    if filled:
        draw.rectangle((x, middle - half + inset, x + round(filled), middle + half - inset), fill=FILL)
    return end


def _legend(draw: Any, font: Any, x: int, middle: int) -> None:
    """□ 标准分  ■ 自评得分, and how to read the figures."""
    swatch, gap, half = px(8), px(GAP_MM), px(BAR_MM) // 2 - px(INSET_MM)
    for what, filled in (("标准分", False), ("自评得分", True)):
        end = x + swatch
        if filled:
            draw.rectangle((x, middle - half, end, middle + half), fill=FILL)
        else:
            _bar(draw, x, middle, swatch, None)
        draw.text((end + gap // 2, middle), what, font=font, fill=INK, anchor="lm")
        x = round(end + gap // 2 + draw.textlength(what, font=font) + 2 * gap)
    draw.text((x, middle), "（柱端数字为自评得分/标准分）", font=font, fill=INK, anchor="lm")


def indicator_figure(doc: Layout, a: Assessment) -> None:
    """The picture in the report: a sentence pointing to it, the picture centred on its own
    line, the caption under it in 仿宋."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING

    doc.body(LEAD)
    picture = doc.paragraph("")
    fmt = picture.paragraph_format
    # The body's exact 28 pt line would clip the picture to one line's height.
    fmt.line_spacing_rule, fmt.first_line_indent = WD_LINE_SPACING.SINGLE, doc.docx.shared.Pt(0)
    fmt.alignment, fmt.keep_with_next = WD_ALIGN_PARAGRAPH.CENTER, True
    fmt.space_before = doc.docx.shared.Pt(6)
    picture.add_run().add_picture(io.BytesIO(indicator_chart(a)))
    doc.paragraph(CAPTION, "表格文字").paragraph_format.space_after = doc.docx.shared.Pt(6)
