"""The glossary check: every text a user sees is held to data/words.toml. `problems(text)` lists
what is wrong in one cell, line or paragraph; the readers below take the texts out of the files
users see (workbooks: cells, comments, validation prompts and the strings inside formulas;
Word documents; Markdown guides; Python sources' user strings; CLI help).

Run it on files while fixing them:  python3 tests/glossary.py FILE...
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from jieshui.engine.words import glossary

CJK = "\u3400-\u9fff"
_G = glossary()
SYNONYMS = [(re.compile(pattern), entry["word"]) for entry in _G["terms"].values()
            for pattern in entry["avoid"]]
FORBIDDEN = [re.compile(p) for p in _G["forbidden"]["avoid"]]
REVIEW_ONLY = [re.compile(p) for p in _G["review_only"]["avoid"]]
LATIN_OK = set(_G["latin"]["allow"])

# P1–P4 (the prerequisites' keys), "内容 23", snake_case, R_WL: keys of the code, not words.
KEYS = re.compile(r"(?<![A-Za-z0-9])P[1-9](?![0-9A-Za-z])|内容 ?\d|[A-Za-z0-9]+_[A-Za-z0-9_]+")
LATIN = re.compile(r"(?<![A-Za-z0-9_.\\/-])[A-Za-z][A-Za-z0-9³]*")
ASCII_QUOTED = re.compile(rf"\"[^\"\n]*[{CJK}][^\"\n]*\"|'[^'\n]*[{CJK}][^'\n]*'")
SPACED_DIGIT = re.compile(rf"[{CJK}] +[0-9{{]|[0-9%}}] +[{CJK}]")
PADDED_DATE = re.compile(r"\d{4}年0\d月|月0\d日")
# A file name, a path, an address, a dotted version or an option is not a word to read.
_NOT_WORDS = re.compile(r"[\w.-]+\.(?:xlsx|xlsm|xlam|docx|pdf|zip|toml|bat|exe|conf|csv|txt|bas|db|py)\b"
                        r"|(?:[A-Za-z]:)?[\\/][^\s，。；：、）]*|https?://\S+|--?[a-z][\w-]*|\d+(?:\.\d+)+\S*"
                        r"|jieshui(?: [a-z][a-z-]*){0,2}")


def problems(text: str, county: bool = True, latin_ok: Iterable[str] = ()) -> list[str]:
    """What `text` does against the glossary; `county`: a county's surface, where the review's
    verdict words must not appear."""
    found: list[str] = []
    for pattern, word in SYNONYMS:
        found += [f"“{m.group()}”应为“{word}”" for m in pattern.finditer(text)]
    for pattern in FORBIDDEN + (REVIEW_ONLY if county else []):
        found += [f"不应出现“{m.group()}”" for m in pattern.finditer(text)]
    bare = _NOT_WORDS.sub(" ", text)
    found += [f"内部键“{m.group()}”" for m in KEYS.finditer(bare)]
    allowed = LATIN_OK | set(latin_ok)
    found += [f"英文“{m.group()}”" for m in LATIN.finditer(KEYS.sub(" ", bare)) if m.group() not in allowed]
    found += [f"半角引号{m.group()}" for m in ASCII_QUOTED.finditer(text)]
    found += [f"汉字与数字间有空格“{m.group()}”" for m in SPACED_DIGIT.finditer(text)]
    found += [f"日期补零“{m.group()}”" for m in PADDED_DATE.finditer(text)]
    return found


# --- readers: (where, text) pairs ---------------------------------------------------------

_FORMULA_STRING = re.compile(r'"((?:[^"]|"")*)"')


def workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Every string a user can see in a workbook: cell values (and the strings inside formulas,
    which become values), comments, validation titles, prompts and errors, sheet names."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        yield f"{path.name}!{ws.title}", ws.title
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name}!{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    if cell.value.startswith("="):
                        for m in _FORMULA_STRING.finditer(cell.value):
                            if re.search(f"[{CJK}]", m.group(1)):
                                yield where, m.group(1).replace('""', '"')
                    else:
                        yield where, cell.value
                if cell.comment is not None:
                    yield where + "（批注）", cell.comment.text
        for dv in ws.data_validations.dataValidation:
            where = f"{path.name}!{ws.title}!{dv.sqref}（数据验证）"
            for text in (dv.promptTitle, dv.prompt, dv.errorTitle, dv.error):
                if text:
                    yield where, text
            if dv.type == "list" and dv.formula1 and dv.formula1.startswith('"'):
                yield where, dv.formula1.strip('"')


def docx_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Paragraphs, table cells, headers and footers of a Word document."""
    import docx

    doc = docx.Document(str(path))
    for i, p in enumerate(doc.paragraphs, 1):
        if p.text.strip():
            yield f"{path.name} 第{i}段", p.text
    for t, table in enumerate(doc.tables, 1):
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row.cells, 1):
                if cell.text.strip():
                    yield f"{path.name} 表{t}第{r}行第{c}列", cell.text
    for section in doc.sections:
        for part in (section.header, section.footer):
            for p in part.paragraphs:
                if p.text.strip():
                    yield f"{path.name} 页眉页脚", p.text


_CODE_BLOCK = re.compile(r"^```.*?^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_LINK_TARGET = re.compile(r"\]\([^)\s]+\)")  # [text](target): the reader sees the text only


def markdown_texts(path: Path, text: str | None = None) -> Iterator[tuple[str, str]]:
    """A guide's lines as a reader sees them: code (commands, file contents) set apart is not
    prose; everything else is."""
    text = path.read_text("utf-8") if text is None else text
    prose = _CODE_BLOCK.sub(lambda m: "\n" * m.group().count("\n"), text)
    for number, line in enumerate(prose.splitlines(), 1):
        line = _LINK_TARGET.sub("]", _CODE_SPAN.sub(" ", line))
        if line.strip():
            yield f"{path.name}:{number}", line


def source_texts(path: Path) -> Iterator[tuple[str, str]]:
    """The user strings of a Python module: every string literal with Chinese in it, f-strings
    with each replacement field shown as {} (docstrings are for developers and skipped)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    specs = {id(node.format_spec) for node in ast.walk(tree)
             if isinstance(node, ast.FormattedValue) and node.format_spec is not None}
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inner:
            continue
        if id(node) in specs:  # a date's strftime format: what it writes, as a sample
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            text = text.replace("%Y", "2025").replace("%m", "07").replace("%d", "05")
            if re.search(f"[{CJK}]", text):
                yield f"{path}:{node.lineno}", text
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        else:
            continue
        if not re.search(f"[{CJK}]", text) or text.lstrip().startswith(("<!--", "'", "#")):
            continue  # no words, or a comment in a generated file (for developers)
        text = _FIELD.sub("{}", text)
        outside = _FORMULA_STRING.sub("", text)
        if '"' in text and not re.search(f"[{CJK}]", outside):
            # A formula or a number format built in Python: its quoted strings are what a
            # user sees, the rest (IF, &, in_county_name, yyyy) is the spreadsheet's code.
            for m in _FORMULA_STRING.finditer(text):
                yield f"{path}:{node.lineno}", m.group(1).replace('""', '"')
        else:
            yield f"{path}:{node.lineno}", text


_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|&[CLRPN](?=\W|[\u3400-\u9fff])")


def report(pairs: Iterable[tuple[str, str]], county: bool = True,
           latin_ok: Iterable[str] = ()) -> list[str]:
    """"where: problem" for every problem in `pairs`."""
    return [f"{where}：{p}" for where, text in pairs for p in problems(text, county, latin_ok)]


def file_texts(path: Path) -> Iterator[tuple[str, str]]:
    readers = {".xlsx": workbook_texts, ".xlsm": workbook_texts, ".docx": docx_texts,
               ".md": markdown_texts, ".py": source_texts}
    yield from readers[path.suffix.lower()](path)


if __name__ == "__main__":
    lines = [line for name in sys.argv[1:] for line in report(file_texts(Path(name)))]
    print("\n".join(lines) or "没有问题")
    sys.exit(1 if lines else 0)
