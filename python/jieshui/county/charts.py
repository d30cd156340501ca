"""The report's pictures, drawn with Pillow: points against the maximum per indicator, and each
utility's leakage breakdown (CJJ 92-2016). Chinese text needs a CJK font; `cjk_font` finds one
that Windows or Linux ships and refuses a font without Chinese glyphs."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..errors import UserError
from ..engine import Assessment

# Where Windows and the Linux distributions keep a font with Chinese glyphs, best first.
FONT_CANDIDATES = (
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)
WIDTH, BAR, GAP, MARGIN = 1400, 34, 16, 40
BLUE, GREY, RED, INK = (47, 117, 181), (217, 217, 217), (192, 0, 0), (38, 38, 38)


class FontError(UserError):
    """No font with Chinese glyphs was found; the message says what to install."""


def has_chinese(font: ImageFont.FreeTypeFont) -> bool:
    """A font whose 节 differs from its missing-glyph box (the one every font draws for U+E000)."""
    def drawn(text: str) -> bytes:
        image = Image.new("L", (64, 64))
        ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
        return image.tobytes()
    return drawn("节") != drawn("\ue000")


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    windows = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
    for candidate in (*FONT_CANDIDATES, *(str(windows / n) for n in ("msyh.ttc", "simhei.ttf"))):
        if Path(candidate).is_file():
            font = ImageFont.truetype(candidate, size)
            if has_chinese(font):
                return font
    raise FontError("找不到中文字体：Windows 自带微软雅黑或黑体；Linux 请安装 fonts-noto-cjk")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def indicator_chart(a: Assessment) -> bytes:
    """Horizontal bars: each indicator's points (blue) on its maximum (grey)."""
    indicators = list(dict.fromkeys(c.indicator for c in a.contents))
    points = {i: sum(c.points or 0.0 for c in a.contents if c.indicator == i) for i in indicators}
    maxima = {i: sum(c.max_points for c in a.contents if c.indicator == i) for i in indicators}
    font, title = cjk_font(26), cjk_font(32)
    label_width, top = 330, 90
    height = top + len(indicators) * (BAR + GAP) + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 24), "各项指标得分（蓝）与标准分（灰）", font=title, fill=INK)
    scale = (WIDTH - label_width - 2 * MARGIN - 120) / max(maxima.values())
    for n, indicator in enumerate(indicators):
        y = top + n * (BAR + GAP)
        draw.text((MARGIN, y + 2), indicator, font=font, fill=INK)
        x = label_width
        draw.rectangle((x, y, x + maxima[indicator] * scale, y + BAR), fill=GREY)
        draw.rectangle((x, y, x + points[indicator] * scale, y + BAR), fill=BLUE)
        draw.text((x + maxima[indicator] * scale + 12, y + 2),
                  f"{points[indicator]:g} / {maxima[indicator]:g}", font=font, fill=INK)
    return _png(image)


def leakage_chart(a: Assessment) -> bytes | None:
    """Per utility: 综合漏损率 R_WL, the corrections R1–R4 and the 漏损率 R_BL, in per cent."""
    if not a.leakage:
        return None
    font, title = cjk_font(24), cjk_font(30)
    parts = ("综合漏损率 R_WL", "居民抄表修正 R1", "管长修正 R2", "压力修正 R3", "冻土修正 R4", "漏损率 R_BL")
    rows = [(name, (lk.r_wl, lk.r1, lk.r2, lk.r3, lk.r4, lk.r_bl)) for name, lk in a.leakage]
    top, row_height = 90, len(parts) * 30 + 40
    image = Image.new("RGB", (WIDTH, top + len(rows) * row_height + MARGIN), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 24), "供水管网漏损率构成（CJJ 92-2016，%）", font=title, fill=INK)
    largest = max(abs(v) for _, values in rows for v in values) or 1.0
    scale, zero = (WIDTH - 820) / (2 * largest), 560 + (WIDTH - 820) / 2
    for n, (name, values) in enumerate(rows):
        y = top + n * row_height
        draw.text((MARGIN, y), name, font=font, fill=INK)
        for k, (part, value) in enumerate(zip(parts, values)):
            bar_y = y + 36 + k * 30
            draw.text((100, bar_y), part, font=font, fill=INK)
            end = zero + value * scale
            draw.rectangle((min(zero, end), bar_y + 4, max(zero, end), bar_y + 24),
                           fill=RED if part.endswith("R_BL") else BLUE)
            draw.text((WIDTH - 200, bar_y), f"{value * 100:.2f}%", font=font, fill=INK)
        draw.line((zero, y + 32, zero, y + row_height - 4), fill=INK, width=2)
    return _png(image)
