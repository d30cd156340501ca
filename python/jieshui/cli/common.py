"""What every command shares: exit codes, the --standard option, the console, failing in words."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console

from ..engine import Standard
from ..errors import UserError
from ..files import claim_exact
from ..locks import HeldLock, workbook_lock
from ..standard.read import load_any_standard

EXIT_SCORED, EXIT_DATA_ERRORS, EXIT_UNREADABLE, EXIT_INTERRUPTED = 0, 1, 2, 130

StandardOption = Annotated[
    Optional[Path],
    typer.Option("--standard", help="评价标准文件（.toml，或用 jieshui standard export 导出、修改后的 .xlsx）；"
                                    "默认使用随软件发布的评价标准", metavar="文件", readable=False),
]
JSON_HELP = "改为输出供其他程序读取的结构化数据（格式见命令参考的“信息中心参考”）"


def make_console() -> Console:
    return Console(width=160 if not sys.stdout.isatty() else None, highlight=False)


def say(line: str, style: str | None = None) -> None:
    """A line for the person at the keyboard on stderr (a note, a warning, progress), as typed:
    no markup, no highlighting, never cut at the terminal's width."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(line, style=style, markup=False)


def fail(message: str) -> UserError:
    """The error to raise for a wrong option or input; cli.app.main says it and exits 2."""
    return UserError(message)


def read_standard(path: Path | None) -> Standard:
    return load_any_standard(path)


def new_output(path: Path, suffix: str | None = None) -> Path:
    """The output file the user named, claimed for this run: never over an existing file."""
    if suffix is not None and path.suffix.lower() != suffix:
        raise fail(f"输出文件应以{suffix}结尾")
    try:
        return claim_exact(path)
    except FileExistsError:
        raise fail(f"输出文件{path}已存在，为避免覆盖，请换一个文件名") from None


def output_folder(folder: Path | None, default: Path) -> Path:
    """The -o folder (or the default): refused when it names a file."""
    if folder is not None and folder.exists() and not folder.is_dir():
        raise fail(f"{folder}是一个文件：-o 请给出输出文件夹")
    return folder or default


@contextmanager
def locked(workbook: Path, office_marks: bool = True) -> Iterator[HeldLock]:
    """The workbook's lock for a command (locks.workbook_lock): waiting is said on stderr every
    few seconds; a refusal (LockError) is exit 2 in words."""
    with workbook_lock(workbook, office_marks=office_marks, progress=say) as lock:
        yield lock
