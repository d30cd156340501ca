"""Render every command's --help as a Markdown reference (docs/commands.md), so it never drifts.

The command tree is walked through the command objects' own API (click's, or typer's vendored
copy of it: make a context, get_help, list_commands, get_command), so a command added to the CLI
appears here without anyone listing it. The CLI is passed in, not imported: build-time code sits
below the command line in the layers (build.py hands over `jieshui.cli.app`).
"""

from __future__ import annotations

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


def render_commands(app: Any) -> str:
    """docs/commands.md: a list of the commands, then each command's --help as it prints."""
    helps = command_helps(app)
    lines = ["# 命令参考（由各命令的 --help 生成，请勿手工修改）", "",
             f"以下是每个命令运行 `… --help` 时显示的说明（按{WIDTH}列换行）。修改命令后运行 "
             "`python3 build.py` 重新生成本文件；命令的用法和工作流程见[使用说明](user-guide.md)。", ""]
    for path in helps:
        indent = "  " * (path.count(" ") - 1) if " " in path else ""
        lines.append(f"{indent}- [`{path}`](#{_anchor(path)})")
    for path, text in helps.items():
        lines += ["", f"## {path}", "", "```text", f"$ {path} --help", text.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"
