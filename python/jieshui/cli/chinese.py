"""`--help` in Chinese. click writes its help pages in English ("Usage:", "Options:", "[required]",
"Show this message and exit.", `<path>`), and neither click's vendored copy in typer nor typer's
plain formatter passes those words through a message catalogue. So every command and group of
`jieshui` is built with the classes below: their context hands click a formatter that writes the
headings, the usage line and the notes in Chinese. It is the plain formatter (rich_markup_mode
None), so the page is the same with or without rich, in a terminal or a pipe.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from typing import Any

import typer
import typer.core
from typer.core import TyperCommand, TyperGroup

# click as typer uses it: its own copy (typer 0.2x), or click itself (earlier typer, which the
# pyproject allows), never a second copy beside the one that parses the command line.
_click = getattr(typer.core, "_click", None) or typer.core.click
Context, HelpFormatter = _click.core.Context, _click.formatting.HelpFormatter

HEADINGS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
HELP_OPTION = "显示本帮助并退出。"
OPTIONS_METAVAR = "［选项］"
SUBCOMMAND_METAVAR = "命令 ［参数］…"
# A value's kind, where a parameter names no metavar of its own (each of ours does).
TYPE_WORDS = {"path": "文件", "int": "数字", "float": "数字", "str": "文字", "datetime": "日期"}
SHORT_HELP = 92  # columns of a command's description in its group's list (two lines)

_TYPE = re.compile(r" ?<[^<>]+>")
_NOTE = re.compile(r"\[(required|default: [^\]]*|env var: [^\]]*)\]")
_CLOSING = "，。、；：？！）》”’…"  # never at the start of a line
_LINE_BREAK = re.compile(r"\s*\n\s*")


def width(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def joined(text: str) -> str:
    """A docstring's lines as one paragraph: no space where a line break fell between Chinese."""
    def join(m: re.Match[str]) -> str:
        around = text[m.start() - 1:m.start()] + text[m.end():m.end() + 1]
        return " " if around.isascii() else ""
    return _LINE_BREAK.sub(join, text.strip())


def wrapped(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` (a Latin word or a file name is not cut, a closing
    mark never starts a line)."""
    lines, line = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s+|.", text):
        if token.isspace():
            token = " "
        if line and width(line + token.rstrip()) > columns and token[0] not in _CLOSING:
            lines.append(line.rstrip())
            line = "" if token == " " else token
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _term(term: str) -> str:
    """"文件 <path>" → "文件" (the metavar says it), "--workers <int>" → "--workers 数字"."""
    def kind(m: re.Match[str]) -> str:
        name = m.group().strip(" <>")
        return f" {TYPE_WORDS.get(name, '值')}"
    head = _TYPE.split(term)[0]
    return (head if not head.isascii() else _TYPE.sub(kind, term)).replace("...", "…")


def _note(m: re.Match[str]) -> str:
    text = m.group(1)
    if text == "required":
        return "［必填］"
    if text.startswith("default: "):
        return f"［默认：{text.removeprefix('default: ')}］"
    return f"［环境变量：{text.removeprefix('env var: ')}］"


def _usage_args(args: str) -> str:
    """"［选项］ {文件}" → "［选项］ 文件"; an optional "[县名]" → "［县名］"."""
    args = re.sub(r"\{([^{}]+)\}", r"\1", args)
    args = re.sub(r"\[([^\[\]]+)\]", r"［\1］", args)
    return args.replace("...", "…")


class ChineseFormatter(HelpFormatter):
    """click's plain help formatter with Chinese headings, usage line and notes, laid out by the
    columns a Chinese character takes (two), not by the number of characters."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{'':>{self.current_indent}}{'用法：' if prefix is None else prefix}{prog} "
        lines = wrapped(_usage_args(args), max(self.width - width(head), 20))
        self.write(head + f"\n{' ' * width(head)}".join(lines) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for paragraph in text.split("\n\n"):
            lines = wrapped(joined(paragraph), self.width - self.current_indent)
            self.write("".join(f"{indent}{line}\n" for line in lines) + "\n")
        self.buffer[-1] = self.buffer[-1][:-1]  # no blank line after the last paragraph

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(_term(term), _NOTE.sub(_note, joined(text))) for term, text in rows]
        first = min(max(width(term) for term, _ in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            lines = wrapped(text, max(self.width - self.current_indent - first, 20)) or [""]
            if width(term) > first - col_spacing:  # a long term on a line of its own
                self.write(f"{indent}{term}\n")
                term = ""
            self.write(f"{indent}{term}{' ' * (first - width(term))}{lines[0]}".rstrip() + "\n")
            self.write("".join(f"{indent}{' ' * first}{line}\n" for line in lines[1:]))


class ChineseContext(Context):
    formatter_class = ChineseFormatter


def _short_help(command: Any) -> str:
    """The first paragraph; a longer one cut at the last pause (，、；：（) within SHORT_HELP
    columns, with "……"."""
    if command.short_help:
        return command.short_help
    text = joined(inspect.cleandoc(command.help or "").split("\n\n")[0])
    if width(text) <= SHORT_HELP:
        return text
    head = wrapped(text, SHORT_HELP)[0]
    cut = max(head.rfind(mark) for mark in "，、；：（")
    return (head[:cut] if cut > len(head) // 2 else head) + "……"


class _Chinese:
    """What a command and a group share: the Chinese context, the help option's words and the
    short description in the group's list."""

    context_class = ChineseContext
    short_help: str | None
    help: str | None

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """click's parser raises some mistakes ("-o" without its value) without the command's
        context; given it, the message can point at this command's --help."""
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except _click.exceptions.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class ChineseCommand(_Chinese, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["options_metavar"] = OPTIONS_METAVAR
        super().__init__(*args, **kwargs)


class ChineseGroup(_Chinese, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["options_metavar"] = OPTIONS_METAVAR
        kwargs["subcommand_metavar"] = SUBCOMMAND_METAVAR
        super().__init__(*args, **kwargs)


class ChineseTyper(typer.Typer):
    """A typer app whose groups and commands write their help in Chinese, with the plain
    formatter (the same with or without rich, in a terminal or not)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=ChineseGroup, rich_markup_mode=None, **kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Any:
        return super().command(name, cls=ChineseCommand, **kwargs)
