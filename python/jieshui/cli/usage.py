"""A mistake in the command line said in Chinese: click's usage errors are English sentences,
and an official reading "No such option" learns nothing. The exception's class and fields (the
same in click and in typer's vendored copy) say what went wrong; the words are ours."""

from __future__ import annotations

import re
from typing import Any


def _param_name(param: Any) -> str:
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    return "/".join(opts) if opts else (getattr(param, "metavar", None) or param.name or "")


def _help(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    return f"可运行{ctx.command_path} --help 查看用法" if ctx is not None else "可运行 jieshui --help 查看用法"


def _commands(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    commands = getattr(getattr(ctx, "command", None), "commands", None) or {}
    return f"，可用的命令有{'、'.join(commands)}" if commands else ""


def usage_words(exc: Any) -> str:
    """One sentence: what is wrong with the command line and where to read how it goes."""
    kind, message = type(exc).__name__, str(getattr(exc, "message", "") or exc)
    name = _param_name(getattr(exc, "param", None))
    if kind == "MissingParameter":
        said = f"缺少{'选项 ' + name if name.startswith('-') else '参数“' + name + '”'}"
    elif kind == "NoSuchOption":
        near = sorted(getattr(exc, "possibilities", None) or [])
        said = f"没有选项{exc.option_name}" + (f"（是否要用{'、'.join(near)}？）" if near else "")
    elif kind == "BadOptionUsage":
        said = f"选项{exc.option_name} " + ("后面需要给出取值" if "requires" in message else "不需要取值")
    elif kind == "BadParameter":
        said = f"{'选项 ' + name + ' ' if name.startswith('-') else '参数“' + name + '”'}的取值无效"
    elif found := re.match(r"No such command '(.+)'", message):
        said = f"没有命令“{found[1]}”{_commands(exc)}"
    elif found := re.match(r"Got unexpected extra argument\(?s?\)? \((.+)\)", message):
        said = f"多给了参数：{found[1]}"
    else:
        said = "命令的写法有误"
    return f"{said}。{_help(exc)}"
