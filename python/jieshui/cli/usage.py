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


def _named(name: str) -> str:
    return f"选项“{name}”" if name.startswith("-") else f"参数“{name}”"


def _help(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    return f"可运行“{ctx.command_path if ctx is not None else 'jieshui'} --help”查看用法"


def _commands(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    commands = getattr(getattr(ctx, "command", None), "commands", None) or {}
    return f"，可用的命令有：{'、'.join(commands)}" if commands else ""


def _near(names: Any) -> str:
    return f"（是否要用“{'”或“'.join(names)}”？）" if names else ""


def _said(exc: Any) -> str:
    kind, message = type(exc).__name__, str(getattr(exc, "message", "") or exc)
    name = _param_name(getattr(exc, "param", None))
    if kind == "MissingParameter":
        return f"缺少{_named(name)}"
    if kind == "NoSuchOption":
        return f"没有选项“{exc.option_name}”" + _near(sorted(getattr(exc, "possibilities", None) or []))
    if kind == "BadOptionUsage":
        return f"选项“{exc.option_name}”" + ("后面需要给出取值" if "requires" in message else "不需要取值")
    if kind == "BadParameter":
        return f"{_named(name)}的取值无效" + ("，应为整数" if "integer" in message else
                                            "，应为数字" if "number" in message else "")
    if found := re.match(r"No such command '(.+?)'\.(?: Did you mean (.+)\?)?", message):
        near = re.findall(r"'([^']+)'", found[2] or "")  # typer's "Did you mean": else the whole list
        return f"没有命令“{found[1]}”" + (_near(near) if near else _commands(exc))
    if message.startswith("Missing command"):
        return f"缺少命令{_commands(exc)}"
    if found := re.match(r"Got unexpected extra argument\(?s?\)? \((.+)\)", message):
        return f"多给了参数：{found[1]}"
    return "命令的写法有误"


def usage_words(exc: Any) -> str:
    """One sentence: what is wrong with the command line and where to read how it goes."""
    return f"{_said(exc)}。{_help(exc)}"
