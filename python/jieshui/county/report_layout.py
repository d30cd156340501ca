"""The 自评报告's page and type as GB/T 9704 sets a 公文: A4 with the 版心 of 156 × 225 mm,
the title in 小标宋 二号, 一级标题 黑体 三号, 二级标题 楷体 三号, body 仿宋 三号 on a fixed 28 pt
line with a two-character first-line indent, "— 1 —" page numbers in 宋体 四号, tables in 仿宋
小四 under 黑体 小四 headings; black only. Paragraph styles carry the type (an office that edits
the draft keeps it by picking the style), East Asian fonts named in w:rFonts w:eastAsia (Word
takes Chinese text's font from there, not from w:ascii), Chinese the East Asian language."""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence

# Font names as Word and WPS on a Chinese Windows install them; LibreOffice substitutes its own.
TITLE_FONT, HEI, KAI, FANG, SONG = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体"
LATIN_FONT = "Times New Roman"  # figures and Latin letters in 公文 body text
BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 12, 14  # 三号, 二号, 小四, 四号
LINE_PT, TITLE_LINE_PT, TABLE_LINE_PT = 28, 36, 18
INDENT_PT = 2 * BODY_PT  # two characters
# (style name, font, size, bold, outline level or None, first-line indent, alignment)
STYLES = (("公文标题", TITLE_FONT, TITLE_PT, False, None, 0, "center"),
          ("一级标题", HEI, BODY_PT, False, 0, INDENT_PT, "justify"),
          ("二级标题", KAI, BODY_PT, False, 1, INDENT_PT, "justify"),
          ("表格文字", FANG, TABLE_PT, False, None, 0, "center"),
          ("表格标题", HEI, BODY_PT - 2, False, None, 0, "center"),
          ("表头", HEI, TABLE_PT, False, None, 0, "center"))
# Chinese line breaking (GB/T 15834 禁则: no line begins with 、，。）；： nor ends with （《):
# Word and WPS apply it to text whose East Asian language is Chinese, so every run defaults
# to zh-CN for its East Asian script; the paragraph switches that govern it are set on, not
# left to an application's default.
LANGUAGE = {"w:val": "en-US", "w:eastAsia": "zh-CN", "w:bidi": "ar-SA"}
LINE_BREAKING = ("w:kinsoku", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN")
# What follows each element we add to w:pPr and w:rPr, in the schema's order.
PPR_AFTER = {"w:kinsoku": ("w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                           "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                           "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                           "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                           "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                           "w:rPr", "w:sectPr", "w:pPrChange")}
PPR_AFTER["w:overflowPunct"] = PPR_AFTER["w:kinsoku"][2:]
PPR_AFTER["w:autoSpaceDE"] = PPR_AFTER["w:kinsoku"][4:]
PPR_AFTER["w:autoSpaceDN"] = PPR_AFTER["w:kinsoku"][5:]
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
# What follows each element we add to w:tblPr, in the schema's order.
TBL_PR_AFTER = {"tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"),
                "tblCellMar": ("w:tblLook",)}
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
STYLES_WITH_EFFECTS = ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")


class Layout:
    """A new document in 公文 format and the kinds of paragraph a report is written with."""

    def __init__(self) -> None:
        import docx

        self.docx = docx
        self.doc = doc = docx.Document()
        _drop_template_parts(doc)
        _page(doc, docx.shared.Mm)
        self._styles()
        self._footer()

    # -- set-up ---------------------------------------------------------------------------

    def _styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.enum.style import WD_STYLE_TYPE

        Pt, styles = self.docx.shared.Pt, self.doc.styles
        normal = styles["Normal"]
        _type(normal, FANG, BODY_PT, Pt)
        _chinese(styles.element, normal.element)
        theme_lang = self.doc.settings.element.find(_qn("w:themeFontLang"))
        if theme_lang is not None:  # the template's says ja-JP
            theme_lang.set(_qn("w:eastAsia"), LANGUAGE["w:eastAsia"])
        fmt = normal.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
        fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(INDENT_PT), Pt(0), Pt(0)
        fmt.alignment = _align("justify")
        for name, font, size, bold, level, indent, align in STYLES:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style, style.quick_style = normal, True
            _type(style, font, size, Pt, bold)
            fmt = style.paragraph_format
            fmt.first_line_indent, fmt.alignment = Pt(indent), _align(align)
            if name == "公文标题":
                fmt.line_spacing, fmt.space_after = Pt(TITLE_LINE_PT), Pt(LINE_PT)
            elif name.startswith("表格"):
                fmt.line_spacing = Pt(TABLE_LINE_PT)
            if level is not None:  # Word's navigation pane and table of contents see headings
                ppr = style.element.get_or_add_pPr()
                ppr.append(_element("w:outlineLvl", val=str(level)))
                fmt.keep_with_next = True

    def _footer(self) -> None:
        """"— 1 —" centred in the footer: a PAGE field between two 一字线, 宋体 四号; the footer
        sits 7 mm under the 版心 (GB/T 9704 7.5)."""
        section = self.doc.sections[0]
        section.footer_distance = self.docx.shared.Mm(35 - 7 - 6)
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.doc.styles["Normal"]
        fmt = paragraph.paragraph_format
        fmt.alignment, fmt.first_line_indent = _align("center"), self.docx.shared.Pt(0)
        runs = [paragraph.add_run("— ")]
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"),
                           ("end", None)):
            run = paragraph.add_run(text if kind == "text" else None)
            if kind == "instr":
                instr = _element("w:instrText", **{"xml:space": "preserve"})
                instr.text = text
                run._r.append(instr)
            elif kind != "text":
                run._r.append(_element("w:fldChar", fldCharType=kind))
            runs.append(run)
        runs.append(paragraph.add_run(" —"))
        for run in runs:
            _run_type(run, SONG, PAGE_NUMBER_PT, self.docx.shared.Pt)

    # -- paragraphs -----------------------------------------------------------------------

    def paragraph(self, text: str, style: str = "Normal") -> Any:
        return self.doc.add_paragraph(text, style=self.doc.styles[style])

    def title(self, *lines: str) -> None:
        """The title, on one or more lines of one paragraph (GB/T 9704 7.3.1: 梯形或菱形)."""
        paragraph = self.paragraph("", "公文标题")
        for n, line in enumerate(lines):
            run = paragraph.add_run(line)
            if n < len(lines) - 1:
                run.add_break()

    def heading(self, text: str, level: int = 1) -> None:
        self.paragraph(text, ("一级标题", "二级标题")[level - 1])

    def body(self, text: str) -> None:
        self.paragraph(text)

    def blank(self) -> None:
        self.paragraph("")

    def signature(self, issuer: str, day: str) -> None:
        """落款 with no seal line: two blank lines, the issuing body, the date four characters
        from the right margin, the body centred over it as far as its length allows."""
        Pt = self.docx.shared.Pt
        self.blank()
        self.blank()
        centred = 4 + (width_in_characters(day) - width_in_characters(issuer)) / 2
        for text, chars in ((issuer, max(0.0, centred)), (day, 4)):
            fmt = self.paragraph(text).paragraph_format
            fmt.alignment, fmt.first_line_indent = _align("right"), Pt(0)
            fmt.right_indent = Pt(chars * BODY_PT)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float],
              left: Sequence[int] = (), merge: int | None = None) -> Any:
        """A black-ruled table of fixed column widths (mm), 仿宋 小四; `left`: columns whose
        text reads left-aligned (the long ones); `merge`: a column whose runs of equal text
        become one cell (the indicator each content belongs to)."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        margins = _element("w:tblCellMar")  # 1 mm each side (Word's 1.9 mm wraps 标准分 in 15 mm)
        for side in ("left", "right"):
            margins.append(_element(f"w:{side}", w="57", type="dxa"))
        for element in (_borders(), margins):  # autofit False has set tblLayout fixed
            tbl_pr.insert_element_before(element, *TBL_PR_AFTER[element.tag.split("}")[1]])
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        width = tbl_pr.find(_qn("w:tblW"))
        width.set(_qn("w:type"), "dxa")
        width.set(_qn("w:w"), str(sum(self.docx.shared.Mm(w).twips for w in widths_mm)))
        for values, style in [(headers, "表头"), *((r, "表格文字") for r in rows)]:
            row = table.rows[0] if style == "表头" else table.add_row()
            # A row stays on one page; the header row repeats on each page the table runs onto.
            row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
            if style == "表头":
                row._tr.get_or_add_trPr().append(_element("w:tblHeader"))
            cells = row.cells
            for n, (cell, text) in enumerate(zip(cells, values)):
                cell.width = self.docx.shared.Mm(widths_mm[n])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.style = self.doc.styles[style]
                paragraph.text = text
                if n in left and style == "表格文字":
                    paragraph.paragraph_format.alignment = _align("justify")
        for n, width in enumerate(widths_mm):
            table.columns[n].width = self.docx.shared.Mm(width)
        if merge is not None:
            _merge_runs(table, merge)
        return table

    def describe(self, title: str, author: str, day: Any) -> None:
        """The file's properties (Word's 文件 → 信息): the report's title and issuing body, dated
        the report's day, instead of the template's "python-docx" of 2013."""
        import datetime as dt

        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by, props.comments = title, author, author, ""
        props.created = props.modified = dt.datetime.combine(day, dt.time())

    def save(self) -> bytes:
        import io

        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _page(doc: Any, Mm: Any) -> None:
    """A4, 版心 156 × 225 mm: 天头 37 mm, 订口 28 mm (GB/T 9704 5.2.1)."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _drop_template_parts(doc: Any) -> None:
    """python-docx's template carries Word 2010's stylesWithEffects part, which the Open XML
    schema does not know (validators reject the file), and the thumbnail of the template's own
    page (what a file browser would show for the report); nothing refers to either but its
    relation."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)
    for rid, rel in list(doc.part.package.rels.items()):
        if rel.reltype == THUMBNAIL:
            doc.part.package.rels.pop(rid)


def _chinese(styles: Any, normal: Any) -> None:
    """Chinese as the East Asian language of the defaults and of 正文 (python-docx's template
    says en-US), and the line-breaking switches on in 正文, which every style is based on."""
    defaults = styles.find(_qn("w:docDefaults"))
    rprs = [normal.get_or_add_rPr()]
    if defaults is not None:
        rpr_default = defaults.find(_qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(_qn("w:rPr")) is not None:
            rprs.append(rpr_default.find(_qn("w:rPr")))
    for rpr in rprs:
        for old in rpr.findall(_qn("w:lang")):
            rpr.remove(old)
        lang = _element("w:lang")
        for key, value in LANGUAGE.items():
            lang.set(_qn(key), value)
        rpr.insert_element_before(lang, *RPR_AFTER_LANG)
    ppr = normal.get_or_add_pPr()
    for tag in LINE_BREAKING:
        for old in ppr.findall(_qn(tag)):
            ppr.remove(old)
        ppr.insert_element_before(_element(tag, val="1"), *PPR_AFTER[tag])


def _type(style: Any, font: str, size: float, Pt: Any, bold: bool = False) -> None:
    style.font.size, style.font.bold = Pt(size), bold
    _fonts(style.element.get_or_add_rPr(), font)


def _run_type(run: Any, font: str, size: float, Pt: Any) -> None:
    run.font.size = Pt(size)
    _fonts(run._r.get_or_add_rPr(), font)


def _fonts(rpr: Any, east_asian: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    latin = SONG if east_asian == SONG else LATIN_FONT
    for attribute, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian),
                            ("w:cs", latin)):
        fonts.set(_qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(theme), None)  # a theme font would win over the names above


def _align(name: str) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[name]


def width_in_characters(text: str) -> float:
    """A line's width in characters of its font's size: figures and Latin are half a character;
    Chinese, and the marks a Chinese font draws full width (“”, —), a whole one."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def _qn(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(name)


def _element(tag: str, **attributes: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(_qn(key if ":" in key else f"w:{key}"), value)
    return element


def _borders() -> Any:
    """Single black rules round and inside the table (no table style, whose theme may colour)."""
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    return borders


def _merge_runs(table: Any, column: int) -> None:
    """Cells of `column` with the same text as the cell above become one cell."""
    rows = table.rows[1:]
    start = 0
    for n in range(1, len(rows) + 1):
        if n == len(rows) or rows[n].cells[column].text != rows[start].cells[column].text:
            if n - start > 1:
                text = rows[start].cells[column].text
                merged = rows[start].cells[column].merge(rows[n - 1].cells[column])
                merged.paragraphs[0].text = text
                for extra in merged.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
            start = n
