"""生成自评报告: the document read back with python-docx is the report a county writes (its
sections, its 公文 type and page read from the XML, its wording and figures, worked out here by
hand from the example's data file); LibreOffice prints it."""

import datetime as dt
import io
import re
import subprocess
import zipfile
from hashlib import sha256

import docx
import openpyxl
import pytest
from docx.shared import Mm, Pt

from glossary import docx_texts, report
from helpers import run_dated, EXAMPLE, EXAMPLE_WORKBOOK, example_raw, named, run
from jieshui.buildtime.samples import edge_counties
from jieshui.engine import assess
from jieshui.workbook.check import check
from jieshui.county.report import report_document
from jieshui.workbook.inputs import example_extras, from_county_raw
from jieshui.workbook.readers import read_workbook

FILED = "20250720"  # the example workbook's 填报日期, which dates its report
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADINGS = ["一、基本情况", "二、组织实施", "三、主要做法和成效", "四、评价指标自评情况",
            "五、存在问题及下一步工作打算", "六、自评结论"]


def text_of(document):
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(paragraphs + cells)


def body(document):
    """The non-empty paragraphs outside tables, in order."""
    return [p.text for p in document.paragraphs if p.text.strip()]


def contents_table(document):
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def after(document, heading):
    """The paragraphs under a heading, up to the next heading (一级 or 二级)."""
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    start = [p.text for p in paragraphs].index(heading) + 1
    ends = [n for n, p in enumerate(paragraphs) if n >= start and p.style.name in ("一级标题", "二级标题")]
    return [p.text for p in paragraphs[start:ends[0] if ends else len(paragraphs)]]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    out = run("report", EXAMPLE_WORKBOOK, "-o", folder)
    assert out.returncode == 0, out.stderr
    assert "落款日期：2025年7月20日（按工作簿的填报日期）" in out.stdout
    return folder / f"示例旗_县域节水型社会达标建设复核自评报告_{FILED}.docx"


def test_the_sections_are_the_reports_in_order(example_report):
    document = docx.Document(example_report)
    firsts = [p.text for p in document.paragraphs if p.style.name == "一级标题"]
    assert firsts == HEADINGS
    assert document.paragraphs[0].text == "示例旗县域节水型社会达标建设\n复核自评报告"
    seconds = [p.text for p in document.paragraphs if p.style.name == "二级标题"]
    for heading in ("（一）县情概况", "（二）用水情况", "（一）必备条件", "（二）评价内容",
                    "（一）存在问题", "（二）下一步工作打算"):
        assert heading in seconds
    sectors = [s for s in seconds if s.startswith("（") and ("节水" in s or "非常规" in s or "用水管理" in s)]
    assert any("农业" in s for s in sectors) and any("工业" in s for s in sectors)
    assert any("城镇" in s for s in sectors) and any("非常规" in s for s in sectors)
    assert any("宣传" in s for s in sectors)
    assert "初稿" in document.paragraphs[1].text and "jieshui" not in text_of(document)
    props = document.core_properties  # what Word's 文件 → 信息 shows
    assert (props.title, props.author) == ("示例旗县域节水型社会达标建设复核自评报告",
                                           "示例旗节水型社会达标建设复核工作领导小组办公室")
    assert "docx" not in props.comments + props.author and props.created.date() == dt.date(2025, 7, 20)


def style_xml(document, name):
    return document.styles[name].element


def rpr_of(element):
    return element.find(f"{W}rPr")


def test_type_and_page_are_gb_t_9704(example_report):
    document = docx.Document(example_report)
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(x.mm) for x in sizes] == [210, 297, 37, 35, 28, 26]  # stored in twips
    # (style, East Asian font, size in half-points) as the XML says them
    for name, font, half_points in (("公文标题", "方正小标宋简体", 44), ("一级标题", "黑体", 32),
                                    ("二级标题", "楷体_GB2312", 32), ("Normal", "仿宋_GB2312", 32)):
        rpr = rpr_of(style_xml(document, name))
        assert rpr.find(f"{W}rFonts").get(f"{W}eastAsia") == font, name
        assert rpr.find(f"{W}sz").get(f"{W}val") == str(half_points), name
    ppr = style_xml(document, "Normal").find(f"{W}pPr")
    spacing, indent = ppr.find(f"{W}spacing"), ppr.find(f"{W}ind")
    assert spacing.get(f"{W}lineRule") == "exact" and 28 * 20 <= int(spacing.get(f"{W}line")) <= 29 * 20
    assert indent.get(f"{W}firstLine") == str(32 * 20)  # two characters of 16 pt, in twips
    title = document.paragraphs[0]
    assert title.style.name == "公文标题" and title.style.paragraph_format.alignment == 1  # centred
    assert "Title" not in {p.style.name for p in document.paragraphs}
    # Body paragraphs take their type from the style: no run overrides its font or size.
    for p in document.paragraphs:
        if p.style.name == "Normal":
            for r in p.runs:
                assert r.font.size is None and r.font.name is None, p.text
    assert document.styles["Normal"].font.size == Pt(16)


def test_the_footer_numbers_pages_with_a_page_field(example_report):
    footer = docx.Document(example_report).sections[0].footer
    xml = footer._element.xml
    assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and 'w:fldCharType="end"' in xml
    paragraph = footer.paragraphs[0]
    assert paragraph.text == "— 1 —" and paragraph.alignment == 1
    fonts = paragraph.runs[0]._r.rPr.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "宋体" and paragraph.runs[0].font.size == Pt(14)


def test_no_colour_no_rule_and_no_styles_with_effects(example_report):
    with zipfile.ZipFile(example_report) as z:
        names = z.namelist()
        parts = {n: z.read(n).decode() for n in names if n.startswith("word/") and n.endswith(".xml")}
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n]
    assert "stylesWithEffects" not in "".join(parts.values())
    for name in ("word/document.xml", "word/footer1.xml"):
        xml = parts[name]
        assert "w:color" not in xml.replace('w:color="000000"', ""), name
        assert "<w:pBdr" not in xml and "<w:shd" not in xml, name
    document = docx.Document(example_report)
    used = {p.style.name for p in document.paragraphs} | {
        p.style.name for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs}
    for name in used:  # nor do the styles the document uses
        assert rpr_of(style_xml(document, name)) is None or \
            rpr_of(style_xml(document, name)).find(f"{W}color") is None, name


def test_figures_from_the_example_worked_by_hand(example_report):
    raw = example_raw()["inputs"]
    document = docx.Document(example_report)
    paragraphs = body(document)
    text = "\n".join(paragraphs)
    # 一、基本情况: 38650万m³ is 3.87亿立方米 in prose, 2480 stays in 万立方米.
    assert "全旗用水总量3.87亿立方米，用水总量控制指标4.02亿立方米" in text
    assert f"工业用水总量{raw['industry_volume']:g}万立方米" in text
    assert "2020年被水利部公布" in text and "县情概述】" in text
    # 完成值 with numerator and denominator: 25120 / 32600 = 77.06%.
    rate = raw["agri_metered_volume"] / raw["agri_irrigation_volume"]
    assert round(rate * 100, 1) == 77.1
    assert "农业灌溉用水计量率为77.1%（农业灌溉计量水量2.51亿立方米，农业灌溉用水总量3.26亿立方米）" in text
    assert f"高耗水行业节水型企业建成率为{4 / 7:.1%}（" in text  # 4 of 7 enterprises: 57.1%
    assert "标准分5分，自评得分4分" in text  # content 5: 77.1% is one 5-point step below 80%
    # 用水计量: contents 5, 6, 7 of 5 + 4 + 3 points; 77.1% and 99.1% lose one point each.
    assert "3.用水计量。标准分12分，自评得分10分。" in paragraphs
    # 三 gives the rate; the figures behind it are said once, in 四.
    assert after(document, "（二）推进农业节水增效")[1].startswith("2024年，农业灌溉用水计量率为77.1%；")
    # The member units in one sentence; the plan's 文号 a placeholder; past tense.
    organisation = after(document, "二、组织实施")
    assert any("宣传部、融媒体中心、政府办" in p and "共13个" in p for p in organisation)
    assert any("印发了" in p and "【〔2025〕×号】" in p for p in organisation)
    assert any("2月至6月累计报送65次" in p for p in organisation)  # 13 units × 5 months
    assert not [p for p in paragraphs if p.startswith("、")]
    # 六、自评结论: the county's own words, never the reviewer's.
    conclusion = after(document, "六、自评结论")[0]
    assert "自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足" in conclusion
    assert "资料复核" not in text and "现场复核" not in text


def test_problems_are_sentences_by_indicator_without_the_bonus(example_report):
    document = docx.Document(example_report)
    found = after(document, "（一）存在问题")
    # The example loses points on contents 2, 5, 7, 9, 16, 17 and 21 (and on the bonus, which is
    # no problem): in that order, each a sentence with its subject and the points it lost.
    subjects = ["计划用水下达、节水载体认定中严格执行用水定额的比例为98.3%", "农业灌溉用水计量率为77.1%",
                "生活和服务业取用水计量率为99.1%", "非居民用水超定额超计划累进加价制度",
                "节水型居民小区建成率为18.8%", "城镇公共供水管网漏损率（CJJ 92-2016修正后）为9.2%",
                "市政污水再生水利用率为18.5%"]
    assert len(found) == len(subjects)
    for n, (sentence, subject) in enumerate(zip(found, subjects), 1):
        assert sentence.startswith(f"{n}.{subject}") and "失" in sentence and sentence.endswith("分。")
    assert "合同节水" not in "".join(found) and "加分" not in "".join(found)
    measures = after(document, "（二）下一步工作打算")[1:]
    assert len(measures) == len(subjects)
    assert measures[1].startswith("2.提高农业灌溉用水计量率。由水利局牵头，农牧局配合，")
    assert all("【具体措施】" in m and "【完成时限】" in m for m in measures)
    text = text_of(docx.Document(example_report))
    assert "整改措施" not in text and "差距与措施" not in text


def test_the_table_has_24_rows_and_narrow_number_columns(example_report, std, example):
    document = docx.Document(example_report)
    result = assess(example, std)
    rows = contents_table(document)
    assert [r[0] for r in rows[:-1]] == [str(c.id) for c in std.contents]
    assert rows[-1][0] == "合计" and rows[-1][-1] == "96.5" and rows[-1][3] == "110"
    assert [r[5] for r in rows[:-1]] == [f"{c.points:g}" for c in result.contents]
    assert rows[4][4] == "77.1%"  # content 5's 完成值
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    widths = [int(g.get(f"{W}w")) for g in table._tbl.tblGrid.findall(f"{W}gridCol")]
    content, numbers = widths[2], [widths[0], widths[3], widths[4], widths[5]]
    assert content >= 2 * max(numbers) and sum(widths) <= Mm(156).twips + 5


def test_the_table_prints_alike_in_word_wps_and_libreoffice(example_report):
    """Fixed layout, each cell's width the grid's, the 黑体 小四 header row repeated on every
    page (序号, 标准分, 完成值 on one line, 自评得分 on two), no row split across pages."""
    document = docx.Document(example_report)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    tbl = table._tbl
    assert tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    grid = [int(g.get(f"{W}w")) for g in tbl.tblGrid.findall(f"{W}gridCol")]
    header = table.rows[0]
    assert [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in header._tr.findall(f"{W}tc")] == grid
    assert header._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for r in table.rows)
    assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])
    style = header.cells[0].paragraphs[0].style
    assert style.name == "表头" and style.font.size == Pt(12)
    assert rpr_of(style.element).find(f"{W}rFonts").get(f"{W}eastAsia") == "黑体"
    margins = 2 * 57  # twips, the cell's left and right margins
    for text, width in zip([c.text for c in header.cells], grid):
        lines = {"评价内容": len(text), "自评得分": 2}.get(text, 1)
        assert len(text) / lines * Pt(12).twips + margins <= width, text


def test_chinese_is_the_east_asian_language_and_line_breaking_is_on(example_report):
    """Word and WPS keep 、，。）；： from starting a line in text whose East Asian language is
    Chinese (python-docx's template says en-US)."""
    document = docx.Document(example_report)
    styles = document.styles.element
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    normal = rpr_of(document.styles["Normal"].element).find(f"{W}lang")
    for lang in (default, normal):
        assert lang.get(f"{W}eastAsia") == "zh-CN"
    ppr = document.styles["Normal"].element.find(f"{W}pPr")
    for switch in ("kinsoku", "overflowPunct", "autoSpaceDE", "autoSpaceDN"):
        assert ppr.find(f"{W}{switch}").get(f"{W}val") == "1"
    theme = document.settings.element.find(f"{W}themeFontLang")
    assert theme is None or theme.get(f"{W}eastAsia") == "zh-CN"
    with zipfile.ZipFile(example_report) as z:
        xml = z.read("word/document.xml").decode() + z.read("word/styles.xml").decode()
    assert 'w:eastAsia="en-US"' not in xml and "ja-JP" not in xml
    assert not re.search(r'<w:(kinsoku|overflowPunct|autoSpaceDE|autoSpaceDN) w:val="(0|false)"', xml)


def test_the_chart_and_its_caption_come_after_the_indicators_and_before_the_table(example_report):
    from PIL import Image

    document = docx.Document(example_report)
    blocks = list(document.element.body.iterchildren())
    texts = ["".join(t.text or "" for t in b.iter(f"{W}t")) for b in blocks]
    pictures = [n for n, b in enumerate(blocks) if b.findall(f".//{W}drawing")]
    assert len(pictures) == 1
    picture = pictures[0]
    last_indicator = max(n for n, t in enumerate(texts) if t.startswith("12.加分项。"))
    table = next(n for n, b in enumerate(blocks) if b.tag == f"{W}tbl" and texts[n].startswith("序号"))
    caption = texts.index("图1\u3000各评价指标标准分与自评得分")
    assert last_indicator < picture < caption < table and caption == picture + 1
    assert texts[picture - 1] == "各评价指标标准分与自评得分见图1。"
    paragraphs = {p._p: p for p in document.paragraphs}
    caption_style = paragraphs[blocks[caption]].style
    assert caption_style.name == "表格文字" and paragraphs[blocks[caption]].alignment is None
    assert rpr_of(caption_style.element).find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    # An exact 28 pt line would show a strip of the picture: its line is Word's single.
    spacing = blocks[picture].find(f"{W}pPr/{W}spacing")
    assert spacing is None or spacing.get(f"{W}lineRule") in (None, "auto")
    shape = document.inline_shapes[0]
    assert Mm(150) <= shape.width <= Mm(156)  # the 版心's width
    blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = Image.open(io.BytesIO(document.part.related_parts[blob].blob)).convert("RGB")
    data = image.tobytes()
    assert not [p for p in zip(data[0::3], data[1::3], data[2::3]) if max(p) - min(p) > 2]


def test_libreoffice_prints_the_chart_with_its_caption(example_report):
    pdf = example_report.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s", "", text)
    assert "图1各评价指标标准分与自评得分" in flat
    assert flat.index("图1各评价指标") < flat.index("评价内容自评得分表")
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(listed) == 1 and listed[0].split()[3] == "1842"  # the 300 dpi picture, whole
    assert listed[0].split()[5] in ("gray", "rgb")


def test_the_report_passes_the_glossary_and_keeps_m3_to_table_headers(example_report):
    assert report(docx_texts(example_report)) == []
    assert not [p for p in body(docx.Document(example_report)) if "m³" in p]


def test_the_ledgers_documents_are_cited_by_name_and_number(std):
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    data.inputs.ledger = [[5, "关于加强农业灌溉用水计量管理的通知", "示水发〔2024〕12号", dt.date(2024, 3, 1), 4, ""],
                          [23, "2024年“中国水周”宣传活动总结", None, None, 6, ""]]
    document = docx.Document(io.BytesIO(report_document(check(data, std), data.inputs, std, dt.date(2025, 7, 20))))
    paragraphs = body(document)
    farming = after(document, "（二）推进农业节水增效")
    assert "相关文件有《关于加强农业灌溉用水计量管理的通知》（示水发〔2024〕12号）。" in farming
    metering = next(p for p in paragraphs if p.startswith("（1）农业灌溉用水计量率为77.1%"))
    assert "佐证材料为《关于加强农业灌溉用水计量管理的通知》（示水发〔2024〕12号）" in metering
    assert "相关文件有《2024年“中国水周”宣传活动总结》。" in after(document, "（六）加强节水宣传教育")


def test_generated_counties_report_each_unmet_prerequisite_and_lost_points(std):
    seen_unmet = 0
    for raw in list(edge_counties(12, 5, std))[:12]:
        result = assess(raw, std)
        if result.errors:
            continue
        inputs = example_extras(from_county_raw(raw, std), std)
        checked = type("Checked", (), {"assessment": result, "problems": []})()
        document = docx.Document(io.BytesIO(report_document(checked, inputs, std, dt.date(2025, 7, 20))))
        text = text_of(document)
        for p, spec in zip(result.prerequisites, std.prerequisites):
            if p.met is False:
                seen_unmet += 1
                assert f"必备条件“{spec.title.split('：')[0]}”不满足" in text
        lost = [c for c in result.contents if c.lost and not std.content(c.id).is_bonus]
        found = after(document, "（一）存在问题")
        unmet = sum(1 for p in result.prerequisites if p.met is False)
        assert len(found) == (unmet + len(lost) or 1)
        assert [r[5] for r in contents_table(document)[:-1]] == [f"{c.points:g}" for c in result.contents]
        assert report(docx_texts_of(document)) == []
    assert seen_unmet  # the sample does include unmet prerequisites


def docx_texts_of(document):
    return [("", p.text) for p in document.paragraphs if p.text.strip()]


def test_libreoffice_prints_the_report_with_its_total(example_report):
    pdf = example_report.with_suffix(".pdf")
    assert pdf.exists()
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert "自评总分96.5分" in "".join(pages).replace("\n", "").replace(" ", "")
    assert "—1—" in pages[0].replace(" ", "") and "—2—" in pages[1].replace(" ", "")
    # The 24 rows take one or two lines each, three with the header repeated on each page and a
    # figure centred between two lines of text (five to nine with Word's default columns).
    text = "\f".join(pages)
    table = text[text.index("评价内容自评得分表"):text.index("合计")]
    lines = [line for line in table.splitlines() if line.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", line)]
    assert len(lines) <= 3 * 24, len(lines)


def snapshot(folder):
    """{file name: (SHA-256 of its bytes, modification time in ns)} of every file in `folder`."""
    return {p.name: (sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_second_report_gets_a_new_name(example_report):
    folder = example_report.parent
    before = snapshot(folder)
    assert example_report.name in before
    out = run("report", EXAMPLE_WORKBOOK, "-o", folder)
    assert out.returncode == 0, out.stderr
    second = example_report.with_name(example_report.stem + "_2.docx")
    # The first run's files (the report and its PDF) are still there, not a byte or a
    # modification time changed; the second run added only its own _2 files.
    after_ = snapshot(folder)
    assert {name: after_.get(name) for name in before} == before
    expected_new = {second.name} | ({second.with_suffix(".pdf").name}
                                    if example_report.with_suffix(".pdf").name in before else set())
    assert set(after_) - set(before) == expected_new
    assert docx.Document(second).paragraphs[0].text.startswith("示例旗县域节水型社会达标建设")


def test_a_report_of_a_workbook_with_problems_still_says_what_it_can(std):
    data = read_workbook(EXAMPLE_WORKBOOK, std)
    data.inputs.inputs["permits_total"] = "四十"
    checked = check(data, std)
    document = docx.Document(io.BytesIO(report_document(checked, data.inputs, std, dt.date(2025, 7, 20))))
    text = text_of(document)
    assert "数据尚不完整" in text and "暂不能得出自评结论" in text
    assert report(docx_texts_of(document)) == []


def test_the_report_is_signed_by_the_office_on_the_workbooks_report_date(example_report):
    paragraphs = body(docx.Document(example_report))
    assert paragraphs[-2:] == ["示例旗节水型社会达标建设复核工作领导小组办公室", "2025年7月20日"]
    assert "盖章" not in "".join(paragraphs)


def test_a_date_given_dates_the_report_and_a_wrong_one_is_refused(tmp_path):
    out = run("report", EXAMPLE_WORKBOOK, "-o", tmp_path, "--date", "2025-08-02")
    assert out.returncode == 0, out.stderr
    document = tmp_path / "示例旗_县域节水型社会达标建设复核自评报告_20250802.docx"
    assert body(docx.Document(document))[-1] == "2025年8月2日"
    out = run("report", EXAMPLE_WORKBOOK, "-o", tmp_path / "bad", "--date", "8月2日")
    assert out.returncode == 2 and "--date 应为日期，如2025-07-20" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "bad").exists()


def test_a_report_date_that_is_not_a_date_is_named_and_today_used(tmp_path):
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK, keep_vba=True)
    named(book, "in_report_date").value = "7月20日"
    book.save(tmp_path / "typed.xlsm")
    out, days = run_dated("report", tmp_path / "typed.xlsm", "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "填报日期“7月20日”不是日期，按今天" in out.stdout
    assert [p for day in days for p in tmp_path.glob(f"*自评报告_{day}.docx")]


def test_a_workbook_without_a_report_date_is_dated_today(tmp_path):
    county = tmp_path / "county.xlsm"
    assert run("template", "--county", EXAMPLE, "-o", county).returncode == 0
    out, days = run_dated("report", county, "-o", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "工作簿未填填报日期，按今天" in out.stdout
    assert [p for day in days for p in tmp_path.glob(f"*自评报告_{day}.docx")]
