"""One writer at a time per county workbook, the way Office marks an open file.

Our lock file sits beside the workbook as `.~jieshui.<workbook's file name>.lock` (hidden: a
leading dot, and the hidden attribute on Windows). It is created with O_CREAT|O_EXCL, so of two
runs only one gets it, and holds one JSON object in UTF-8:

    {"program": "jieshui", "user": "张三", "host": "PC-01", "pid": 123,
     "start": "1045429", "since": "2026-11-30T22:31:05+08:00"}

`start` tells the process apart from a later one given the same pid (Linux: the start time in
/proc/<pid>/stat; Windows: the creation time; null where neither is known). The name derives
from the file name alone, so colleagues reaching one shared folder by different paths or drive
letters meet at the same lock.

A lock whose process is gone on this computer is taken over; a lock from another computer never
is (this one cannot see that computer's processes): it is waited for, then reported with its
owner and age. Taking over goes through a guard file `<lock>.takeover` (O_EXCL) under which the
lock is read again, so two runs finding one stale lock never both take it. A guard, or a lock
that cannot be read, older than STALE_SECONDS was left by a run killed in that instant.

The office suites' own marks are honoured too: Excel's and WPS's owner file `~$<name>` (and the
shortened name Word's rule gives a long one) and LibreOffice's `.~lock.<name>#`. Under one of those the
workbook is open on someone's desk and is never written; a button run from inside Excel passes
office_marks=False, since that Excel holds the workbook and its own `~$` file is expected.

Under the lock no other writer of the workbook is alive, so the staging and temporary files a
killed run left beside it (files.debris) are swept there.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import UserError
from .files import debris, hide

WAIT_VARIABLE = "JIESHUI_LOCK_WAIT"
DEFAULT_WAIT = 60.0       # seconds a second writer waits: a merge takes a few
POLL_SECONDS = 0.25
PROGRESS_SECONDS = 5.0
STALE_SECONDS = 10.0      # a takeover guard or an unreadable lock this old belongs to no live run
OFFICE = "Excel或WPS"  # both write `~$` owner files (公文 set no space around a Latin name)
HIDDEN = "（隐藏文件：在文件夹窗口的“查看”中勾选“隐藏的项目”即可看到）"  # ours, Office's and LibreOffice's


class LockError(UserError):
    """The workbook cannot be written now; the message says why and what to do, in Chinese."""


def lock_path(workbook: Path) -> Path:
    return workbook.with_name(f".~jieshui.{workbook.name}.lock")


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its file says; raw is the file's bytes (compared before removal)."""
    raw: bytes
    user: str | None = None
    host: str | None = None
    pid: int | None = None
    start: str | None = None
    since: dt.datetime | None = None

    def describe(self) -> str:
        if self.pid is None:
            return "另一程序（锁文件内容无法识别）"
        when = f"，自{_clock(self.since)}起" if self.since else ""
        return f"{self.user or '未知用户'}（电脑“{self.host or '未知'}”，进程号{self.pid}{when}）"


def _clock(moment: dt.datetime) -> str:
    local = moment.astimezone()
    today = dt.datetime.now().astimezone().date()
    return f"{local:%H:%M}" if local.date() == today else f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def _duration(seconds: float) -> str:
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return f"{int(max(seconds, 0))}秒"
    if minutes < 60:
        return f"{minutes}分钟"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}小时{minutes}分钟" if hours < 48 else f"{hours // 24}天"


def _parse(raw: bytes) -> Holder:
    """A lock file's holder; without a readable pid it is unreadable (pid None)."""
    try:
        record = json.loads(raw.decode("utf-8"))
        pid = record["pid"]
    except (ValueError, KeyError, TypeError):
        return Holder(raw)
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid < 2 ** 31:
        return Holder(raw)
    try:
        since = dt.datetime.fromisoformat(record.get("since"))
    except (TypeError, ValueError):
        since = None
    start = record.get("start")
    return Holder(raw, str(record.get("user") or ""), str(record.get("host") or ""), pid,
                  None if start is None else str(start), since)


def _read(path: Path) -> tuple[Holder, float] | None:
    """The holder and the file's age in seconds; None when there is no lock."""
    try:
        raw, modified = path.read_bytes(), path.stat().st_mtime
    except FileNotFoundError:
        return None
    except PermissionError:  # being removed (Windows) or not ours to read: held, by whom unknown
        return Holder(b""), 0.0
    return _parse(raw), time.time() - modified


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account): say so, never fail
        return "未知用户"


def _host() -> str:
    return socket.gethostname() or "未知"


def _same_host(host: str | None) -> bool:
    return bool(host) and host.casefold() == _host().casefold()


# -- is a process alive? --------------------------------------------------------------------------

def _linux_start(pid: int) -> tuple[str, str] | None:
    """(state, start time) from /proc/<pid>/stat; None where there is no /proc entry."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def _windows_process(pid: int) -> tuple[bool, str | None]:
    """(alive, creation time) through OpenProcess: on Windows os.kill(pid, 0) would send
    CTRL_C_EVENT, not probe."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE,) + (ctypes.POINTER(wintypes.FILETIME),) * 4
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:  # another user's process exists but may not be opened; otherwise it is gone
        return ctypes.get_last_error() == access_denied, None
    try:
        code = wintypes.DWORD()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != still_active:
            return False, None
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *map(ctypes.byref, times)):
            return True, None
        return True, str((times[0].dwHighDateTime << 32) | times[0].dwLowDateTime)
    finally:
        kernel32.CloseHandle(handle)


def _process(pid: int) -> tuple[bool, str | None]:
    """(alive, start token) of a process of this computer."""
    if sys.platform == "win32":
        return _windows_process(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False, None
    except PermissionError:  # another user's process: alive
        pass
    linux = _linux_start(pid)
    if linux and linux[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return False, None
    return True, linux[1] if linux else None


def _own_start() -> str | None:
    return _process(os.getpid())[1]


def _stale(holder: Holder, age: float) -> bool:
    """A lock no live run holds: its process gone from this computer, or unreadable and old."""
    if holder.pid is None:
        return age > STALE_SECONDS
    if not _same_host(holder.host) or holder.pid == os.getpid():
        return False
    alive, start = _process(holder.pid)
    return not alive or (None not in (start, holder.start) and start != holder.start)


# -- taking, waiting, taking over -----------------------------------------------------------------

def _record() -> bytes:
    return json.dumps({"program": "jieshui", "user": _user(), "host": _host(), "pid": os.getpid(),
                       "start": _own_start(), "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")},
                      ensure_ascii=False).encode("utf-8")


_WINDOWS_RETRIES = 40  # × 50 ms: Windows refuses to remove a file another process is reading,
                       # and to create one under the name of a file being removed


def _create(path: Path, content: bytes) -> bool:
    """Create `path` holding `content`, for this run alone; False when it exists."""
    for attempt in range(_WINDOWS_RETRIES):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
            break
        except FileExistsError:
            return False
        except PermissionError:
            if sys.platform != "win32" or attempt == _WINDOWS_RETRIES - 1:
                raise
            time.sleep(0.05)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
    except BaseException:
        _remove(path)
        raise
    hide(path)
    return True


def _remove(path: Path) -> None:
    for attempt in range(_WINDOWS_RETRIES):
        try:
            path.unlink(missing_ok=True)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == _WINDOWS_RETRIES - 1:
                raise
            time.sleep(0.05)


def _take_over(path: Path, stale: Holder) -> None:
    """Remove a stale lock, unless someone else is at it or it changed meanwhile."""
    guard = path.with_name(path.name + ".takeover")
    if not _create(guard, str(os.getpid()).encode("ascii")):
        try:
            if time.time() - guard.stat().st_mtime > STALE_SECONDS:
                _remove(guard)
        except FileNotFoundError:
            pass
        time.sleep(0.05)
        return
    try:
        try:
            if path.read_bytes() == stale.raw:  # read again under the guard: still that stale lock
                _remove(path)
        except FileNotFoundError:
            pass
    finally:
        _remove(guard)


def lock_wait() -> float:
    """Seconds a second writer waits: JIESHUI_LOCK_WAIT, or DEFAULT_WAIT."""
    text = os.environ.get(WAIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_WAIT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise LockError(f"环境变量{WAIT_VARIABLE}应为等待的秒数（0到86400，如60），当前为“{text}”")
    return seconds


def _busy(workbook: Path, holder: Holder, age: float, waited: float) -> str:
    lock = f"{lock_path(workbook).name}{HIDDEN}"
    after = f"等待{_duration(waited)}后仍未结束" if waited >= 1 else "尚未结束"
    if holder.pid is not None and not _same_host(holder.host):
        since = f"自{_clock(holder.since)}起，" if holder.since else ""
        return (f"工作簿{workbook.name}正由{holder.user or '未知用户'}（电脑“{holder.host}”，进程号{holder.pid}）写入，"
                f"{since}已持续{_duration(age)}，{after}。本机无法查看该电脑上的程序，"
                f"不会自行解除。请与对方确认其已完成；如该电脑上的程序已中断，可删除锁文件{lock}后重试")
    return (f"工作簿{workbook.name}正由{holder.describe()}写入，{after}。"
            f"请待其完成后再运行（等待时间可用环境变量{WAIT_VARIABLE}设定，单位为秒）；"
            f"如确认该程序已不在运行，可删除锁文件{lock}后重试")


def _acquire(workbook: Path, wait: float, progress: Callable[[str], None] | None) -> bytes:
    path, own = lock_path(workbook), _record()
    began = time.monotonic()
    next_note = began + PROGRESS_SECONDS
    while not _create(path, own):
        found = _read(path)
        if found is None:  # released meanwhile
            continue
        holder, age = found
        if _stale(holder, age):
            _take_over(path, holder)
            continue
        now = time.monotonic()
        if progress is not None and now >= next_note:
            progress(f"工作簿正由{holder.describe()}写入，已等待{int(now - began)}秒…")
            next_note += PROGRESS_SECONDS
        if now - began >= wait:
            raise LockError(_busy(workbook, holder, age, now - began))
        time.sleep(POLL_SECONDS)
    return own


def _release(workbook: Path, own: bytes) -> None:
    path = lock_path(workbook)
    try:
        if path.read_bytes() == own:  # never another run's lock
            _remove(path)
    except FileNotFoundError:
        pass
    except PermissionError:  # still held open by a reader: left, it is stale once we exit
        pass


# -- the office suites' marks ---------------------------------------------------------------------

def _owner_file_user(data: bytes) -> str | None:
    """The user an Office/WPS owner file names: a length byte and the name in the ANSI code page,
    then a 2-byte length and a UTF-16LE copy at offset 54 (Word) or 55 (Excel)."""
    length = data[0] if data else 0
    if not 0 < length <= 52:
        return None
    for offset in (55, 54):
        count = int.from_bytes(data[offset:offset + 2], "little") if len(data) > offset + 2 else 0
        if 0 < count <= 52 and len(data) >= offset + 2 + 2 * count:
            name = data[offset + 2:offset + 2 + 2 * count].decode("utf-16-le", errors="replace")
            if name.isprintable() and "\ufffd" not in name:
                return name.strip() or None
    name = data[1:1 + length].decode("gbk", errors="replace")
    return name.strip() if name.isprintable() and "\ufffd" not in name and name.strip() else None


def _libreoffice_fields(text: str) -> list[str]:
    """LibreOffice's lock file: comma-separated fields, backslash escapes, ending with ';'."""
    fields, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append("".join(current).strip())
            current = []
            if char == ";":
                return fields
        else:
            current.append(char)
    return fields + ["".join(current).strip()]


def _libreoffice_owner(data: bytes) -> str:
    """Who, on which computer, since when: LibreOffice's fields are the user's formatted name,
    the system user, the host, the date, the profile's URL."""
    fields = _libreoffice_fields(data.decode("utf-8", errors="replace")) + [""] * 4
    user, when = fields[0] or fields[1], fields[3]
    try:  # LibreOffice writes the date as 30.11.2026 23:10
        when = _clock(dt.datetime.strptime(when, "%d.%m.%Y %H:%M"))
    except ValueError:
        pass
    return "，".join(p for p in (user, f"电脑“{fields[2]}”" if fields[2] else "", f"自{when}起" if when else "") if p)


def office_mark(workbook: Path) -> str | None:
    """Why the workbook must not be written because an office suite has it open; None if none."""
    if (found := office_holder(workbook)) is None:
        return None
    suite, by, mark = found
    return (f"工作簿{workbook.name}正在{suite}中打开{by}，为免覆盖对方的修改，本次未写入。请先在{suite}中保存并关闭它，"
            f"再运行本命令；如确认没有人打开它，可删除标记文件{mark.name}{HIDDEN}后重试")


def office_holder(workbook: Path) -> tuple[str, str, Path] | None:
    """The office suite that has the workbook open, who ("（张三，电脑 PC-01）" or ""), and its
    mark file; None when no mark lies beside it."""
    name = workbook.name
    # Word's rule for a long name (LibreOffice follows it too): a stem of 8 or more loses its
    # first two characters, of 7 its first; Excel keeps the whole name. Both are looked for.
    short = name[2:] if len(workbook.stem) >= 8 else name[1:] if len(workbook.stem) == 7 else name
    marks = [(workbook.with_name(f"~${n}"), OFFICE) for n in dict.fromkeys((name, short))]
    marks.append((workbook.with_name(f".~lock.{name}#"), "LibreOffice"))
    for mark, suite in marks:
        try:
            data = mark.read_bytes()[:4096]
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            continue
        except OSError:  # present but unreadable: it is still a mark
            data = b""
        who = _libreoffice_owner(data) if suite == "LibreOffice" else _owner_file_user(data)
        return suite, f"（{who}）" if who else "", mark
    return None


# -- the lock ---------------------------------------------------------------------------------------

@dataclass
class HeldLock:
    workbook: Path
    office_marks: bool

    def check_office_marks(self) -> None:
        """Raise LockError if an office suite opened the workbook meanwhile (call just before
        writing it)."""
        if self.office_marks and (reason := office_mark(self.workbook)):
            raise LockError(reason)


def sweep(workbook: Path) -> None:
    """Remove what killed runs left beside the workbook (only under its lock). A temporary file
    for another workbook (a backup merged in place, say) whose own lock is present belongs to a
    live run on that one: kept."""
    for path, target in debris(workbook):
        if target != workbook.name and lock_path(workbook.with_name(target)).exists():
            continue
        try:
            path.unlink(missing_ok=True)
        except PermissionError:  # another account's file in a shared folder: harmless, left
            pass


@contextmanager
def workbook_lock(workbook: Path, *, wait: float | None = None, office_marks: bool = True,
                  progress: Callable[[str], None] | None = None) -> Iterator[HeldLock]:
    """Hold the workbook's lock for the block: wait up to `wait` seconds (default lock_wait())
    while another live run holds it, reporting to `progress` every few seconds; refuse
    (LockError) when it stays held or when an office suite has the workbook open
    (office_marks); sweep a killed run's debris once held."""
    workbook = Path(os.path.abspath(workbook))
    if not workbook.is_file():  # nothing to protect: the caller's reader says what is missing
        yield HeldLock(workbook, False)
        return
    held = HeldLock(workbook, office_marks)
    held.check_office_marks()  # refused at once: waiting would not close it
    if office_marks and os.access(workbook, os.R_OK) and not os.access(workbook, os.W_OK):  # marked read-only
        # (one that cannot even be read is the reader's to name)
        raise LockError(f"工作簿{workbook.name}已设为只读，本次未写入：如需更新，请先取消它的只读属性"
                        "（右键→属性），或改用 -o 另存为新文件")
    try:
        own = _acquire(workbook, lock_wait() if wait is None else wait, progress)
    except PermissionError:  # the folder refuses new files: say the folder, not our lock file
        raise LockError(f"工作簿{workbook.name}所在的文件夹{workbook.parent}只读或没有写入权限，jieshui 无法在其中"
                        "写入；请联系管理员开放写入权限，或把工作簿复制到有写入权限的文件夹后再运行") from None
    try:
        held.check_office_marks()
        sweep(workbook)
        yield held
    finally:
        _release(workbook, own)
