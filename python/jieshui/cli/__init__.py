"""The command line: the typer app (app), the terminal report (report), the add-in installer.

`main` answers Ctrl+C and SIGTERM before anything heavy is imported: loading typer, rich and the
readers takes a second or two, and an interruption then must be said in words (exit 130), not
shown as Python's KeyboardInterrupt traceback."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

EXIT_INTERRUPTED = 130  # as common.EXIT_INTERRUPTED, which is not imported yet here


def _interrupted_while_loading(signum: int, frame: object) -> None:
    # Exit at once rather than raise: a handler's exception is swallowed when the signal lands in
    # a weakref callback of the import machinery ("Exception ignored in …"), and the command then
    # ran on to exit 0 (seen 2 in 90 runs). Nothing has been written yet, so nothing to clean up.
    sys.stderr.write("已中断，未生成任何文件\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    for stop in (signal.SIGINT, signal.SIGTERM):  # SIGTERM last: a test waits for it to be caught
        signal.signal(stop, _interrupted_while_loading)
    from .app import main as run  # installs the command's own handlers before it does anything

    run()


def __getattr__(name: str) -> Any:
    if name == "app":  # the typer app, loaded only when asked for
        from .app import app
        return app
    raise AttributeError(name)


__all__ = ["app", "main"]
