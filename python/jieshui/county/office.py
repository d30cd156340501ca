"""Run LibreOffice headless so that nothing outlives the run: a private profile folder, soffice
in its own process group with a time limit, and both removed on every exit path.

A run killed outright (SIGKILL, a power cut) cannot clean up after itself, so every run first
sweeps what dead runs left: each run's folder records the pid of the run that made it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

PDF_TIMEOUT = 180  # seconds; a one-page submission converts in about 3
PREFIX = "jieshui-office-"
OWNER = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to sweep
        return True
    return True


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return None


def _processes_using(folder: Path) -> list[int]:
    """Pids whose command line names `folder` (soffice's profile argument does); Linux /proc.
    A stale process group id may belong to someone else by now: the command line may not."""
    mark = str(folder).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if mark in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def sweep(root: Path | None = None) -> None:
    """Remove the folders, and kill the soffice processes, of runs whose process is gone."""
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owner = _read_pid(folder / OWNER)
        if owner is None or _alive(owner) or not folder.is_dir() or folder.is_symlink():
            continue
        for pid in _processes_using(folder):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(folder, ignore_errors=True)


class OfficeRun:
    """`with OfficeRun() as run: run.convert(...)`: one private LibreOffice, gone afterwards."""

    def __enter__(self) -> OfficeRun:
        sweep()
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.folder / OWNER).write_text(str(os.getpid()))
        self.group: int | None = None
        return self

    def convert(self, office: str, source: Path, target: str) -> Path:
        """Convert `source` (e.g. to "pdf") into this run's folder; the converted file's path."""
        out = self.folder / "out"
        process = subprocess.Popen(
            [office, f"-env:UserInstallation={(self.folder / 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(out), str(source)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.group = process.pid
        if process.wait(timeout=PDF_TIMEOUT) != 0:
            raise subprocess.CalledProcessError(process.returncode, office)
        made = out / f"{source.stem}.{target.split(':')[0]}"
        if not made.is_file():
            raise subprocess.SubprocessError("LibreOffice wrote no file")
        return made

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.group is not None:  # soffice.bin is a grandchild: only the group reaches it
            _kill_group(self.group)
        shutil.rmtree(self.folder, ignore_errors=True)
