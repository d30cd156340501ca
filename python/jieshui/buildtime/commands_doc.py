"""Render every command's --help as a Markdown reference (docs/commands.md), so it never drifts.

The command tree is walked through the command objects' own API (click's, or typer's vendored
copy of it: make a context, get_help, list_commands, get_command), so a command added to the CLI
appears here without anyone listing it. The CLI is passed in, not imported: build-time code sits
below the command line in the layers (build.py hands over `jieshui.cli.app`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

# The help is wrapped at a fixed width, never the terminal's, so the file is the same on every
# machine. 78 is what click itself uses in any terminal of 80 columns or more (its 80-column
# cap less 2), so `jieshui ... --help` in such a terminal prints exactly what is written here.
WIDTH = 78
PROGRAM = "jieshui"


def _contexts(command: Any, name: str, parent: Any = None) -> Iterator[Any]:
    """The context of `command` and of every visible sub-command below it, depth first."""
    ctx = command.context_class(command, info_name=name, parent=parent,
                                terminal_width=WIDTH, max_content_width=WIDTH)
    yield ctx
    if hasattr(command, "list_commands"):  # a group
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from _contexts(sub, sub_name, ctx)


def command_helps(app: Any) -> dict[str, str]:
    """{"jieshui score": its --help text, ...} for the typer app and every command under it."""
    import typer.main

    root = typer.main.get_command(app)
    return {ctx.command_path: ctx.command.get_help(ctx).rstrip() + "\n" for ctx in _contexts(root, PROGRAM)}


def _anchor(path: str) -> str:
    return path.replace(" ", "-")


GUIDE = "user-guide.md"  # the link's target: a file name, not words to read

# The section for the county's or the province's IT staff (信息中心), not for the officials who
# fill in the workbook: exit codes and file formats. It is Markdown beside this module, so the
# format names can stand in code spans (names to look up, not words of the page).
IT_SECTION = Path(__file__).with_name("commands_it.md")


def render_commands(app: Any) -> str:
    """docs/commands.md: a list of the commands, then each command's --help as it prints, then
    the section for IT staff (exit codes, file formats)."""
    helps = command_helps(app)
    lines = ["# 命令参考（由各命令的 --help 生成，请勿手工修改）", "",
             f"以下是每个命令加 `--help` 运行时显示的说明（每行不超过{WIDTH}列）。各命令的用途和工作流程见"
             f"[使用说明]({GUIDE})，返回值和文件格式见[信息中心参考](#信息中心参考)。", ""]
    for path in helps:
        indent = "  " * (path.count(" ") - 1) if " " in path else ""
        lines.append(f"{indent}- [`{path}`](#{_anchor(path)})")
    for path, text in helps.items():
        lines += ["", f"## {path}", "", "```text", f"$ {path} --help", text.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n\n" + IT_SECTION.read_text(encoding="utf-8")
