"""Writing files without ever losing one: names claimed atomically, atomic replacement, and the
permissions a colleague on a shared folder expects."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import time
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
    """A copy of `path` as name_备份_<date-time> (then _2, ... within one minute) with its mode,
    before it is replaced: an office merging all year finds the copy from before a given day."""
    stamp = time.strftime("%Y%m%d-%H%M")
    backup = claim(path.with_name(f"{path.stem}_备份_{stamp}{path.suffix}"))
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


def hide(path: Path) -> None:
    """The hidden attribute on Windows, as Office's own marks have, so that Explorer does not show
    a lock or staging file (a leading dot hides it elsewhere)."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x2)  # FILE_ATTRIBUTE_HIDDEN


def staging_path(workbook: Path) -> Path:
    """The one staging copy a merge writes beside the workbook; one name, taken under the
    workbook's lock (locks.workbook_lock), so a killed run's copy is the next run's to remove."""
    return workbook.with_name(f".{workbook.stem}.merging{workbook.suffix}")


def debris(workbook: Path) -> list[tuple[Path, str]]:
    """What runs on `workbook` killed mid-write leave beside it, each with the name it was for:
    the staging copy (numbered ones too, as versions before one fixed name made them), a
    backup or merged copy claimed but never written (empty), and write_atomically's temporary
    files (`.<name>.<8 of mkstemp's characters>.tmp`) of the workbook, its staging copy, its
    backups and merged copies. Exact patterns: nothing else is ever matched."""
    stem, suffix = re.escape(workbook.stem), re.escape(workbook.suffix)
    staging = re.compile(rf"\.{stem}\.merging(?:_\d+)?{suffix}")
    copies = re.compile(rf"{stem}_(?:备份|汇总)(?:_\d{{8}}-\d{{4}})?(?:_\d+)?{suffix}")  # keep_backup's, merge's
    temporary = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
    found = []
    for path in workbook.parent.iterdir():
        name = path.name
        if path.is_symlink() or not path.is_file():
            continue
        temp = temporary.fullmatch(name)
        if temp and (temp[1] == workbook.name or staging.fullmatch(temp[1]) or copies.fullmatch(temp[1])):
            found.append((path, temp[1]))
        elif staging.fullmatch(name) or (copies.fullmatch(name) and path.stat().st_size == 0):
            found.append((path, name))
    return found


def crash_log(text: str) -> Path:
    """Keep an unexpected failure's details in a file for support; the user sees its path."""
    return write_new(Path(tempfile.gettempdir()) / f"jieshui-错误-{os.getpid()}.log", text.encode("utf-8"))
