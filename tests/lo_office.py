"""The client side of tests/lo_session.py: one LibreOffice, driven over JSON lines by the system
Python (the only one with UNO), always ended with its whole process group, soffice included.
`started(folder)` gives a running one; the scenario and the print check each start one."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, soffice

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-uno: LibreOffice's Python bridge
DRIVER = ROOT / "tests" / "lo_session.py"
ANSWER_SECONDS = 120


class Office:
    """The running LibreOffice, as an official at a desk uses it: open, type, read, save, close."""

    def __init__(self, profile: Path, log: Path):
        self.log = log
        with log.open("wb") as errors:
            self.process = subprocess.Popen([SYSTEM_PYTHON, str(DRIVER), str(profile)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=errors, text=True,
                                            encoding="utf-8", start_new_session=True)
        self._answer("start LibreOffice")

    def _answer(self, what: str) -> dict[str, Any]:
        with selectors.DefaultSelector() as waiting:
            waiting.register(self.process.stdout, selectors.EVENT_READ)
            if not waiting.select(ANSWER_SECONDS):
                raise AssertionError(f"LibreOffice did not answer within {ANSWER_SECONDS} s: {what}")
        line = self.process.stdout.readline()
        if not line:
            said = self.log.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise AssertionError(f"LibreOffice's session ended: {what}\n{said}")
        answer = json.loads(line)
        if not answer.pop("ok"):
            raise AssertionError(f"LibreOffice could not {what}: {answer['error']}")
        return answer

    def call(self, op: str, **request: Any) -> dict[str, Any]:
        self.process.stdin.write(json.dumps({"op": op, **request}, ensure_ascii=False, default=str) + "\n")
        self.process.stdin.flush()
        return self._answer(f"{op} {Path(str(request.get('path', ''))).name}")

    def open(self, path: Path) -> list[str]:
        return self.call("open", path=str(path))["sheets"]

    def set(self, path: Path, cells: list[dict[str, Any]]) -> None:
        self.call("set", path=str(path), cells=cells)

    def get(self, path: Path, cells: list[dict[str, Any]]) -> list[Any]:
        return self.call("get", path=str(path), cells=cells)["values"]

    def grid(self, path: Path, sheet: str) -> list[list[Any]]:
        return self.call("grid", path=str(path), sheet=sheet)["rows"]

    def save(self, path: Path, to: Path | None = None) -> None:
        self.call("save", path=str(path), **({"to": str(to)} if to else {}))

    def close(self, path: Path) -> None:
        self.call("close", path=str(path))

    def end(self) -> None:
        try:
            if self.process.poll() is None:
                self.call("quit")
                self.process.wait(timeout=30)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            try:  # soffice runs in the driver's session: end the whole group, whatever happened
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)

    def texts(self, path: Path) -> list[list[str]]:
        return self.call("texts", path=str(path))["texts"]

    def short(self, path: Path) -> list[list[Any]]:
        return self.call("short", path=str(path))["rows"]

    def pdf(self, path: Path, to: Path) -> None:
        self.call("pdf", path=str(path), to=str(to))


def started(folder: Path) -> Office:
    """A LibreOffice with its profile in `folder`; a clear failure when it cannot run here."""
    soffice()  # a clear message when LibreOffice is missing
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run([SYSTEM_PYTHON, "-c", "import uno"]).returncode:
        pytest.fail("the system Python needs LibreOffice's UNO bridge: apt-get install python3-uno")
    return Office(folder / "profile", folder / "driver.log")
