"""`jieshui excel install / uninstall`: put the add-in where Excel loads it and point xlwings
at this Python, and take both back. Paths follow a Windows profile's environment, so a dry run
shows them on any OS."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath
from typing import Mapping

from ..errors import UserError
from ..files import write_atomically
from ..workbook import assets

ADDIN_NAME = "jieshui.xlam"
INTERPRETER_KEY = "INTERPRETER_WIN"
# What a Chinese Windows' ANSI code page is; used where the machine's own cannot be asked.
CHINESE_ANSI = "cp936"


class InstallError(UserError):
    """The plan cannot be carried out as it stands; the message (Chinese) says what to do."""


@dataclass(frozen=True)
class Action:
    kind: str            # copy_addin, set_interpreter, remove_addin, unset_interpreter
    target: PurePath
    detail: str          # the interpreter written, or the one to take back

    def describe(self) -> str:
        return {"copy_addin": f"复制加载项到{self.target}",
                "set_interpreter": f"在{self.target}中写入{INTERPRETER_KEY} = {self.detail}",
                "remove_addin": f"删除加载项{self.target}",
                "unset_interpreter": f"从{self.target}中删除{INTERPRETER_KEY}（仅当它是{self.detail}）"}[self.kind]


def profile_paths(env: Mapping[str, str]) -> tuple[PureWindowsPath, PureWindowsPath]:
    """(the add-in in the user's XLSTART folder, the xlwings user configuration file)."""
    appdata = env.get("APPDATA") or "%APPDATA%"
    profile = env.get("USERPROFILE") or "%USERPROFILE%"
    return (PureWindowsPath(appdata, "Microsoft", "Excel", "XLSTART", ADDIN_NAME),
            PureWindowsPath(profile, ".xlwings", "xlwings.conf"))


def windowless(python: str) -> str:
    """pythonw.exe beside python.exe: Excel then starts Python without a console window."""
    path = PureWindowsPath(python)
    return str(path.with_name("pythonw.exe")) if path.name.lower() == "python.exe" else python


def plan_install(env: Mapping[str, str], python: str) -> list[Action]:
    addin, config = profile_paths(env)
    return [Action("copy_addin", addin, ""), Action("set_interpreter", config, windowless(python))]


def plan_uninstall(env: Mapping[str, str], python: str) -> list[Action]:
    addin, config = profile_paths(env)
    return [Action("remove_addin", addin, ""),
            Action("unset_interpreter", config, windowless(python))]


def config_value(text: str, key: str) -> str | None:
    for line in text.splitlines():
        parts = [p.strip().strip('"') for p in line.split('","', 1)]
        if len(parts) == 2 and parts[0].upper() == key.upper():
            return parts[1]
    return None


def config_with(text: str, key: str, value: str | None) -> str:
    """xlwings.conf lines ("KEY","VALUE") with `key` set to `value`, or removed when None."""
    lines = [line for line in text.splitlines()
             if line.strip() and not line.strip().upper().startswith(f'"{key.upper()}"')]
    if value is not None:
        lines.append(f'"{key}","{value}"')
    return "\n".join(lines) + ("\n" if lines else "")


def addin_bytes() -> bytes:
    return assets.asset(assets.ADDIN).read_bytes()


def ansi_code_page() -> str:
    """The Windows ANSI code page: xlwings' VBA reads xlwings.conf with Line Input, which
    decodes the file in it (cp936 on Chinese Windows), as xlwings' own writer writes it."""
    if on_windows():
        import ctypes

        return f"cp{ctypes.windll.kernel32.GetACP()}"  # type: ignore[attr-defined]
    return CHINESE_ANSI


def read_config(path: Path, encoding: str) -> str:
    """xlwings.conf as text: UTF-8 where it is (an earlier install, Notepad's default), else
    the ANSI code page."""
    if not path.exists():
        return ""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")


def check_plan(actions: list[Action], encoding: str) -> None:
    """Refuse, before anything is written, a Python path the config's code page cannot hold."""
    for action in actions:
        if action.kind == "set_interpreter":
            try:
                action.detail.encode(encoding)
            except UnicodeEncodeError as exc:
                bad = action.detail[exc.start:exc.end]
                raise InstallError(
                    f"Python 的路径{action.detail}含有字符“{bad}”，本机 Excel 读取 xlwings 设置时使用的"
                    f"编码（{encoding}）无法表示它。请把 Python 安装到只含英文字母、数字和常用汉字的"
                    "文件夹（例如 C:\\Python312），再运行 jieshui excel install") from None


def apply(actions: list[Action], encoding: str | None = None) -> None:
    """Carry out a plan on this (Windows) machine; the config file in the ANSI code page."""
    encoding = encoding or ansi_code_page()
    check_plan(actions, encoding)
    for action in actions:
        target = Path(str(action.target))
        if action.kind == "copy_addin":
            write_atomically(target, addin_bytes())
        elif action.kind == "remove_addin":
            target.unlink(missing_ok=True)
        else:
            text = read_config(target, encoding)
            if action.kind == "unset_interpreter" and config_value(text, INTERPRETER_KEY) != action.detail:
                continue  # someone else's setting: leave it
            value = action.detail if action.kind == "set_interpreter" else None
            write_atomically(target, config_with(text, INTERPRETER_KEY, value).encode(encoding))


def on_windows() -> bool:
    return sys.platform.startswith("win")
