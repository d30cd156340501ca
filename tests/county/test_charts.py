"""The report's picture, read back as pixels with Pillow: no colour, the 版心's width at 300 dpi,
and bars whose lengths, measured in the PNG, are in proportion to the 标准分 and 自评得分 worked
out by hand from examples/shiliqi.toml."""

import dataclasses
import io
from collections import Counter

import pytest
from PIL import Image, ImageFont

from jieshui.county import charts
from jieshui.engine import assess

# Each indicator's (标准分, 自评得分) for the example, by hand from the standard's 标准分 and the
# example's figures: 用水计量 is 5 + 4 + 3 = 12, and the farm metering rate 25120 / 32600 = 77.1%
# is one step under 80% (4 of 5), services' 99.1% one under 100% (2 of 3), industry 4: 10;
# 水价机制 3 × 4 = 12, the 累进加价 content 1.5 of 3 on its requirements: 10.5; 节水载体建设 5 × 3 = 15, the
# residential rate 18.8% one step short (4): 14; leakage 9.2% is 6 of 8; the bonus 5 of its cap 10.
BY_HAND = {"用水定额管理": (8, 7), "计划用水管理": (8, 8), "用水计量": (12, 10), "水价机制": (12, 10.5),
           "节水评价": (6, 6), "节水“三同时”管理": (6, 6), "节水载体建设": (15, 14),
           "供水管网漏损控制": (8, 6), "生活节水器具推广": (8, 8), "非常规水源利用": (8, 7),
           "节水宣传": (9, 9), "加分项": (10, 5)}


@pytest.fixture(scope="module")
def assessment(std):
    from helpers import example_raw

    return assess(example_raw(), std)


@pytest.fixture(scope="module")
def picture(assessment):
    return Image.open(io.BytesIO(charts.indicator_chart(assessment)))


def grey_bands(image):
    """Filled grey rectangles: (x, first row, last row, length in px). A run of mid-grey pixels at
    least 60 px long, the same on 10 rows or more (a text stroke's anti-aliased edge is a row
    or two, a bar is a rectangle)."""
    rgb = image.convert("RGB")
    pixels, (width, height) = rgb.load(), rgb.size
    runs = {}
    for y in range(height):
        x = 0
        while x < width:
            r, g, b = pixels[x, y]
            if 100 <= r <= 220 and r == g == b:
                start = x
                while x < width and pixels[x, y] == (r, g, b):
                    x += 1
                if x - start >= 60:
                    runs.setdefault((start, x - start), []).append(y)
            else:
                x += 1
    bands = []
    for (start, length), ys in runs.items():
        first = ys[0]
        for n, y in enumerate(ys):
            if n + 1 == len(ys) or ys[n + 1] != y + 1:
                if y - first + 1 >= 10:
                    bands.append((start, first, y, length))
                if n + 1 < len(ys):
                    first = ys[n + 1]
    return sorted(bands, key=lambda b: b[1])


def outline_length(image, x, middle):
    """From a bar's middle row, up through its grey and white to the outline's top rule; the
    rule's black run from the bars' zero."""
    grey = image.convert("L")
    pixels = grey.load()
    y = middle
    while pixels[x + 5, y] > 60:
        y -= 1
    end = x
    while pixels[end, y] < 128:
        end += 1
    return end - x


def test_the_picture_has_no_colour(picture):
    data = picture.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    assert [p for p in pixels if max(p) - min(p) > 2] == []
    shades = Counter(p[0] for p in pixels)
    assert shades[0] and shades[255] and [v for v in shades if 100 <= v <= 220]  # black, white, grey


def test_the_picture_fits_the_type_area_at_300_dpi(picture):
    dpi = picture.info["dpi"]
    assert round(dpi[0]) == round(dpi[1]) == 300
    width_mm = picture.width / dpi[0] * 25.4
    assert 150 <= width_mm <= 156  # the 版心 is 156 mm wide (GB/T 9704)
    assert picture.height / dpi[1] * 25.4 <= 225 - 30  # room for the caption on a page


def test_bar_lengths_are_in_proportion_to_the_points(picture):
    bands = grey_bands(picture)
    zero = Counter(b[0] for b in bands).most_common(1)[0][0]
    bars = [b for b in bands if b[0] == zero]  # the legend's swatch starts elsewhere
    assert len(bars) == len(BY_HAND)  # every indicator of the example earned points
    # Rectangles are drawn end-inclusive: a length of L px covers L - 1 px of scale.
    by_name = dict(zip(BY_HAND, bars))
    largest = by_name["节水载体建设"]
    scale = (outline_length(picture, zero, (largest[1] + largest[2]) // 2) - 1) / 15
    assert scale > 40  # a point is drawn at least 40 px (3.4 mm) long
    for name, (maximum, points) in BY_HAND.items():
        x, top, bottom, length = by_name[name]
        assert abs((length - 1) - points * scale) <= 1.5, name
        assert abs(outline_length(picture, x, (top + bottom) // 2) - 1 - maximum * scale) <= 1.5, name
    # Two bars against each other: 用水计量's 10 and 节水载体建设's 14.
    assert (by_name["用水计量"][3] - 1) / (largest[3] - 1) == pytest.approx(10 / 14, abs=0.005)


def test_an_indicator_not_yet_scored_has_no_grey_bar_and_a_dash(assessment):
    contents = [dataclasses.replace(c, points=None) if c.id == 5 else c for c in assessment.contents]
    partial = dataclasses.replace(assessment, contents=contents)
    bars = charts.bars(partial)
    assert [b.figures for b in bars if b.label == "用水计量"] == ["—/12"]
    image = Image.open(io.BytesIO(charts.indicator_chart(partial)))
    zero = Counter(b[0] for b in grey_bands(image)).most_common(1)[0][0]
    assert len([b for b in grey_bands(image) if b[0] == zero]) == len(BY_HAND) - 1


def test_a_font_without_chinese_is_refused_and_none_found_is_said_in_chinese(monkeypatch):
    latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not charts.Path(latin).exists():
        pytest.skip("DejaVu Sans is not installed")
    assert not charts.has_chinese(ImageFont.truetype(latin, 40))
    assert charts.has_chinese(charts.cjk_font(40))
    monkeypatch.setattr(charts, "font_candidates", lambda: [(latin, 0), ("/nonexistent/simfang.ttf", 0)])
    with pytest.raises(charts.FontError) as error:
        charts.cjk_font(40)
    assert "找不到中文字体" in str(error.value) and "安装" in str(error.value)
