"""Writing files without ever losing one: names claimed atomically, atomic replacement, and the
permissions a colleague on a shared folder expects."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _new_file_mode() -> int:
    """What the umask gives a new file (0644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def mode_of(path: Path) -> int:
    """An existing file keeps its mode; a new one gets the umask's."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return _new_file_mode()


def claim(path: Path) -> Path:
    """`path`, or the first of name_2, name_3, ... that did not exist, created empty for this
    caller alone (O_EXCL): runs writing into one folder at the same moment never pick the same
    name. Write into the claimed file with write_atomically; unlink it if nothing comes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate, n = path, 1
    while True:
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _new_file_mode()))
            return candidate
        except FileExistsError:
            n += 1
            candidate = path.with_name(f"{path.stem}_{n}{path.suffix}")


def claim_exact(path: Path) -> Path:
    """`path` itself, created empty for this caller alone; FileExistsError when it exists (a
    name the user gave: never another one, never over a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _new_file_mode()))
    return path


def write_new(path: Path, data: bytes) -> Path:
    """`data` under `path` or the first free name_2, ... (claim); nothing left if writing fails."""
    target = claim(path)
    try:
        write_atomically(target, data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def keep_backup(path: Path) -> Path:
    """A copy of `path` as name_备份 (or _备份_2, ...) with its mode, before it is replaced."""
    backup = claim(path.with_name(f"{path.stem}_备份{path.suffix}"))
    write_atomically(backup, path.read_bytes(), mode=mode_of(path))
    return backup


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file.
    The file keeps its own mode (or gets `mode`, or the umask's when new), not mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = mode_of(path) if mode is None else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def crash_log(text: str) -> Path:
    """Keep an unexpected failure's details in a file for support; the user sees its path."""
    return write_new(Path(tempfile.gettempdir()) / f"jieshui-错误-{os.getpid()}.log", text.encode("utf-8"))
