"""The user guides as a county office opens them: docs/*.md rendered to a Word document (for the
offline zip) or to plain text (for the 使用说明 button, which opens Notepad), never as raw
Markdown with #, **, backticks and table pipes.

Only the Markdown the guides use is understood: headings, paragraphs, bullet and numbered lists
(with indented continuation lines and fenced code inside them), pipe tables, fenced code, a
picture on its own line, and inline **bold**, `code` and [links](target).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

WIDTH = 78  # plain text: display columns (a Chinese character takes two), as Notepad shows them

_FENCE = re.compile(r"^(\s*)```")
_HEADING = re.compile(r"^(#{1,6}) +(.+?)\s*$")
_BULLET = re.compile(r"^(\s*)[-*] +(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d+[a-z]?\.) +(.*)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]+\)")
_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")
_CLOSING = r"[，。；：、）”’》】！？]"
_CJK = "\u2e80-\u9fff\uff00-\uffef\u3000-\u303f\u2000-\u206f"  # with “”…—


@dataclass
class Block:
    kind: str  # heading, para, bullet, numbered, table, code, image
    text: str = ""
    level: int = 0  # heading level; list depth
    label: str = ""  # a numbered item's number ("14a."); an image's file
    rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _join(left: str, right: str) -> str:
    """Two source lines of one paragraph: Chinese runs on without a space, as Markdown renders."""
    if not left:
        return right
    if re.match(f"[{_CJK}]", left[-1]) or re.match(f"[{_CJK}]", right[:1]):
        return left + right
    return left + " " + right


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def parse(markdown: str) -> list[Block]:
    """The blocks of a guide, in order."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            indent, body = len(fence.group(1)), []
            i += 1
            while i < len(lines) and not _FENCE.match(lines[i]):
                body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i].lstrip())
                i += 1
            blocks.append(Block("code", lines=body))
        elif (m := _HEADING.match(line)):
            blocks.append(Block("heading", m.group(2), level=len(m.group(1))))
        elif line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not re.fullmatch(r"[\s|:-]+", lines[i]):  # the |---| rule under the header
                    rows.append(_cells(lines[i]))
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        elif (m := _IMAGE.match(line.strip())):
            blocks.append(Block("image", m.group(1), label=m.group(2)))
        elif (m := _BULLET.match(line)) or (m := _NUMBERED.match(line)):
            numbered = m.re is _NUMBERED
            blocks.append(Block("numbered" if numbered else "bullet", m.groups()[-1],
                                level=len(m.group(1)) // 2, label=m.group(2) if numbered else ""))
        elif line.strip():
            if blocks and blocks[-1].kind in ("para", "bullet", "numbered") and i and lines[i - 1].strip():
                blocks[-1].text = _join(blocks[-1].text, line.strip())
            else:
                blocks.append(Block("para", line.strip()))
        i += 1
    return blocks


def runs(text: str) -> list[tuple[str, str]]:
    """(text, style) pieces of a line: style "" plain, "b" bold, "c" code, "bc" both; links keep
    their text."""
    text = _LINK.sub(lambda m: m.group(1), text).replace("\\|", "|").replace("<br>", "\n")
    return _runs(text, "")


def _runs(text: str, outer: str) -> list[tuple[str, str]]:
    pieces, at = [], 0
    for m in _INLINE.finditer(text):
        pieces.append((text[at:m.start()], outer))
        if m.group(1) is not None:  # bold, which may hold a code span: "bc"
            pieces += _runs(m.group(1), outer + "b")
        else:
            pieces.append((m.group(2), outer + "c"))
        at = m.end()
    pieces.append((text[at:], outer))
    return [(t, s) for t, s in pieces if t]


def plain(text: str) -> str:
    return "".join(t for t, _ in runs(text))


# --- plain text ---------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, first: str, rest: str) -> list[str]:
    """`text` broken to WIDTH columns: between Chinese characters or at spaces, never before a
    closing mark (，。）” …: the character before it moves down with it), with `first` before the
    first line and `rest` before the others."""
    tokens = re.findall(r"[“‘（《【]*(?:[A-Za-z0-9_./\\%:+=~<>@#\[\]-]+|\s+|.)", text)
    lines, line = [], [first]
    for token in tokens:
        if _width("".join(line) + token) > WIDTH and len(line) > 1:
            carry = []
            while re.match(_CLOSING, token if not carry else carry[0]) and len(line) > 2:
                carry.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = [rest, *carry]
            if token.isspace() and not carry:
                continue
        line.append(token)
    lines.append("".join(line).rstrip())
    return lines


def _text_table(rows: list[list[str]]) -> list[str]:
    header, out = [plain(c) for c in rows[0]], []
    for row in rows[1:]:
        cells = [f"{h}：{plain(c)}" for h, c in zip(header, row) if plain(c)]
        out += wrap("；".join(cells), "  · ", "    ")
    return out


def render_text(markdown: str) -> str:
    """The guide as plain text (CRLF line ends, for Notepad on any Windows)."""
    out: list[str] = []
    previous = ""
    for block in parse(markdown):
        if previous in ("bullet", "numbered") and block.kind not in ("bullet", "numbered", "code"):
            out.append("")  # a blank line after a list, as after a paragraph
        previous = block.kind
        if block.kind == "heading":
            title = plain(block.text)
            rule = {1: "═", 2: "─"}.get(block.level)
            out += ["", title] + ([rule * (_width(title) // _width(rule) + 1)] if rule else []) + [""]
        elif block.kind == "para":
            out += wrap(plain(block.text), "", "") + [""]
        elif block.kind in ("bullet", "numbered"):
            lead = "  " * (block.level + 1) + (block.label or "·") + " "
            out += wrap(plain(block.text), lead, " " * _width(lead))
        elif block.kind == "table":
            out += _text_table(block.rows) + [""]
        elif block.kind == "code":
            out += ["    " + line for line in block.lines] + [""]
        elif block.kind == "image":
            out += [f"（图：{block.text}）", ""]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip("\n") + "\n")
    return text.replace("\n", "\r\n")


# --- Word ---------------------------------------------------------------------------------

BODY_FONT, HEADING_FONT, CODE_FONT = "宋体", "黑体", "Consolas"


def _font(style_or_run, name: str, east_asia: str) -> None:
    from docx.oxml.ns import qn

    style_or_run.font.name = name
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _styles(doc) -> None:
    from docx.shared import Pt, RGBColor

    _font(doc.styles["Normal"], BODY_FONT, BODY_FONT)
    doc.styles["Normal"].font.size = Pt(12)
    for level, size in ((1, 18), (2, 15), (3, 13), (4, 12)):
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, HEADING_FONT)
        style.font.size, style.font.color.rgb, style.font.bold = Pt(size), RGBColor(0, 0, 0), False


def _add_runs(paragraph, text: str) -> None:
    from docx.shared import Pt

    for piece, style in runs(text):
        run = paragraph.add_run(piece)
        run.bold = "b" in style or None
        if "c" in style:
            _font(run, CODE_FONT, BODY_FONT)
            run.font.size = Pt(10.5)


def _docx_table(doc, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c).paragraphs[0]
            _add_runs(cell, f"**{text}**" if r == 0 and text else text)


def _docx_code(doc, lines: list[str]) -> None:
    from docx.shared import Cm, Pt

    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(0.75)
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, CODE_FONT, BODY_FONT)
        run.font.size = Pt(10)
        if n < len(lines) - 1:
            run.add_break()


def render_docx(markdown: str, target: Path, pictures: Path) -> Path:
    """The guide as a Word document at `target`; pictures are looked up under `pictures`."""
    import docx
    from docx.shared import Cm

    doc = docx.Document()
    _styles(doc)
    for block in parse(markdown):
        if block.kind == "heading":
            doc.add_heading(plain(block.text), level=min(block.level, 4))
        elif block.kind == "para":
            _add_runs(doc.add_paragraph(), block.text)
        elif block.kind in ("bullet", "numbered"):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.75 * (block.level + 1))
            paragraph.paragraph_format.first_line_indent = Cm(-0.5)
            _add_runs(paragraph, f"{block.label or '·'} {block.text}")
        elif block.kind == "table":
            _docx_table(doc, block.rows)
            doc.add_paragraph()  # Word runs the next paragraph into the table's last row otherwise
        elif block.kind == "code":
            _docx_code(doc, block.lines)
        elif block.kind == "image" and (pictures / block.label).is_file():
            doc.add_picture(str(pictures / block.label), width=Cm(14))
    doc.core_properties.title = plain(next((b.text for b in parse(markdown) if b.kind == "heading"), ""))
    doc.save(str(target))
    return target
