"""jieshui.locks on a real Windows CPython (under Wine): its Windows branches, which county
offices run and Linux never takes: liveness through OpenProcess/GetExitCodeProcess, the creation
time from GetProcessTimes, the hidden attribute, and several Windows processes contending for one
workbook's lock. Each Windows script reports in a JSON file written as UTF-8, so no console code
page stands between the Chinese messages and these assertions.

The oracles are independent of locks.py: Python's own os.getpid() and subprocess in the Windows
process, the clock of this (Linux) side for creation times, the file system seen from Linux, and
the names we planted (the Wine user 张三, a host and user written by hand)."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from pathlib import Path

from wine import USER, windows_python_fixture, winpath  # noqa: F401 (the fixture windows_python)

# Shared head of every Windows script: its result file is argv[1], what it reports goes there.
HEAD = """\
import json, os, subprocess, sys, time
from pathlib import Path
from jieshui import locks
assert sys.platform == "win32"
OUT = sys.argv[1]
result = {"pid": os.getpid()}
def done():
    Path(OUT).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
"""

# 100-ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01.
EPOCH_1601 = 11644473600 * 10 ** 7


def run(windows_python, tmp_path: Path, body: str, *args: str) -> dict:
    out = tmp_path / f"result-{time.monotonic_ns()}.json"
    done = windows_python.run(HEAD + body + "\ndone()\n", winpath(out), *args)
    assert done.returncode == 0 and out.exists(), f"Windows Python failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(out.read_text(encoding="utf-8"))


def unix_time(filetime: str) -> float:
    return (int(filetime) - EPOCH_1601) / 10 ** 7


def test_liveness_and_creation_time(windows_python, tmp_path):
    """Its own pid and a sleeping child are alive with their creation times; the child once
    killed, and a process that finished, are dead."""
    before = time.time()
    got = run(windows_python, tmp_path, """
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.3)
result["own"] = locks._process(os.getpid())
result["child_pid"] = child.pid
result["child"] = locks._process(child.pid)
child.kill()
child.wait()
result["killed"] = locks._process(child.pid)
finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
result["finished_pid"] = int(finished.stdout)
result["finished"] = locks._process(result["finished_pid"])
""")
    after = time.time()
    (own_alive, own_start), (child_alive, child_start) = got["own"], got["child"]
    assert own_alive and child_alive
    # FILETIME creation times, read through GetProcessTimes, fall within this test's run.
    assert before - 2 <= unix_time(own_start) <= unix_time(child_start) <= after + 2
    assert got["killed"] == [False, None]
    assert got["finished"] == [False, None]
    assert len({got["pid"], got["child_pid"], got["finished_pid"]}) == 3


def workbook(tmp_path: Path) -> Path:
    book = tmp_path / "示例旗.xlsm"
    book.write_bytes(b"PK\x03\x04 a workbook's bytes")
    return book


def lock_file(book: Path) -> Path:
    return book.with_name(f".~jieshui.{book.name}.lock")


def test_recorded_start_differing_from_the_live_pid_is_stale(windows_python, tmp_path):
    """A lock naming a live process of this computer but another creation time was left by an
    earlier process given the same pid: taken over at once. With the true creation time the
    same lock is live and refused."""
    book = workbook(tmp_path)
    got = run(windows_python, tmp_path, """
book = Path(sys.argv[2])
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.3)
alive, start = locks._process(child.pid)
result["child"] = child.pid
def plant(start):
    record = {"program": "jieshui", "user": "李四", "host": locks._host(), "pid": child.pid, "start": start,
              "since": "2026-11-30T08:00:00+08:00"}
    locks.lock_path(book).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
for name, planted in (("other", str(int(start) - 10 ** 7)), ("same", start)):
    plant(planted)
    began = time.monotonic()
    try:
        with locks.workbook_lock(book, wait=1.0):
            result[name] = "acquired"
    except locks.LockError as refused:
        result[name] = str(refused)
    result[name + "_seconds"] = time.monotonic() - began
    locks.lock_path(book).unlink(missing_ok=True)
child.kill()
""", winpath(book))
    assert got["other"] == "acquired" and got["other_seconds"] < 0.9  # taken over, not waited out
    assert f"李四（电脑“{socket.gethostname()}”，进程号{got['child']}" in got["same"]
    assert "等待1秒后仍未结束" in got["same"] and got["same_seconds"] >= 1.0
    assert not lock_file(book).exists()


def test_second_windows_process_is_refused_naming_the_holder(windows_python, tmp_path):
    """One Windows process holds the lock (hidden, a UTF-8 record naming 张三); a second one
    started from it waits briefly and is refused with the holder's name, host and pid; once the
    holder releases, a third acquires."""
    book = workbook(tmp_path)
    got = run(windows_python, tmp_path, """
import ctypes
book = Path(sys.argv[2])
TRY = '''
import json, sys
from pathlib import Path
from jieshui import locks
try:
    with locks.workbook_lock(Path(sys.argv[1]), wait=0.6):
        print(json.dumps("acquired"))
except locks.LockError as refused:
    print(json.dumps(str(refused), ensure_ascii=False))
'''
def contender():
    child = subprocess.run([sys.executable, "-c", TRY, str(book)], capture_output=True, text=True,
                           encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return json.loads(child.stdout) if child.returncode == 0 else child.stderr
with locks.workbook_lock(book, wait=1.0):
    lock = locks.lock_path(book)
    result["hidden"] = bool(ctypes.windll.kernel32.GetFileAttributesW(str(lock)) & 0x2)
    result["record"] = json.loads(lock.read_bytes().decode("utf-8"))
    result["second"] = contender()
result["third"] = contender()
""", winpath(book))
    record, refused = got["record"], got["second"]
    assert got["hidden"]
    assert record["user"] == USER and record["pid"] == got["pid"] and record["program"] == "jieshui"
    assert record["host"].casefold() == socket.gethostname().casefold()  # Wine reports the Linux host
    assert f"工作簿{Path(book).name}正由{USER}（电脑“{record['host']}”，进程号{got['pid']}" in refused
    assert "尚未结束" in refused and "锁文件.~jieshui.示例旗.xlsm.lock（隐藏文件" in refused  # a wait under 1 s
    assert got["third"] == "acquired"
    assert not lock_file(book).exists()


def test_lock_of_a_killed_windows_process_is_taken_over(windows_python, tmp_path):
    """A Windows process killed (TerminateProcess) while holding the lock leaves it behind; the
    next Windows process, started afresh, takes it over without waiting out its bound."""
    book = workbook(tmp_path)
    held = run(windows_python, tmp_path, """
book = Path(sys.argv[2])
HOLD = "import sys, time\\nfrom pathlib import Path\\nfrom jieshui import locks\\n" \\
       "with locks.workbook_lock(Path(sys.argv[1]), wait=5):\\n    time.sleep(60)\\n"
child = subprocess.Popen([sys.executable, "-c", HOLD, str(book)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
lock = locks.lock_path(book)
deadline = time.monotonic() + 20
while not lock.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.2)  # the record written after the O_EXCL create
result["holder"] = child.pid
child.kill()
result["exit"] = child.wait()
""", winpath(book))
    left = json.loads(lock_file(book).read_bytes().decode("utf-8"))
    assert left["pid"] == held["holder"] and held["exit"] != 0  # killed inside the lock
    got = run(windows_python, tmp_path, """
book = Path(sys.argv[2])
began = time.monotonic()
with locks.workbook_lock(book, wait=10):
    result["record"] = json.loads(locks.lock_path(book).read_bytes().decode("utf-8"))
result["seconds"] = time.monotonic() - began
""", winpath(book))
    assert got["record"]["pid"] == got["pid"] != held["holder"]
    assert got["seconds"] < 5
    assert not lock_file(book).exists()


def test_lock_of_another_computer_is_never_taken_over(windows_python, tmp_path):
    """A lock written (here by the Linux side, by hand) for a host that is not this PC names a
    process this PC cannot see: the Windows process refuses with its owner and leaves it."""
    book = workbook(tmp_path)
    since = (dt.datetime.now().astimezone() - dt.timedelta(minutes=3)).isoformat(timespec="seconds")
    raw = json.dumps({"program": "jieshui", "user": "李四", "host": "水务局-PC02", "pid": 4242, "start": None,
                      "since": since}, ensure_ascii=False).encode("utf-8")
    lock_file(book).write_bytes(raw)
    old = time.time() - 180  # the lock's age is its file's: written three minutes ago
    os.utime(lock_file(book), (old, old))
    got = run(windows_python, tmp_path, """
try:
    with locks.workbook_lock(Path(sys.argv[2]), wait=0.3):
        result["refused"] = None
except locks.LockError as refused:
    result["refused"] = str(refused)
""", winpath(book))
    assert got["refused"] and "李四（电脑“水务局-PC02”，进程号4242）" in got["refused"]
    assert "不会自行解除" in got["refused"] and "已持续3分钟" in got["refused"]
    assert lock_file(book).read_bytes() == raw


def test_windows_processes_at_once_take_turns(windows_python, tmp_path):
    """Four Windows processes each add to a counter beside the workbook five times under its lock:
    Windows refuses to remove a file another process has open and to create a name being removed,
    which the lock retries; none of the 20 additions may be lost and no process may fail."""
    book = workbook(tmp_path)
    counter = tmp_path / "counter.txt"
    counter.write_text("0")
    got = run(windows_python, tmp_path, """
ADD = '''
import sys, time
from pathlib import Path
from jieshui import locks
book, counter = Path(sys.argv[1]), Path(sys.argv[2])
for _ in range(5):
    with locks.workbook_lock(book, wait=60):
        value = int(counter.read_text())
        time.sleep(0.02)
        counter.write_text(str(value + 1))
'''
children = [subprocess.Popen([sys.executable, "-c", ADD, sys.argv[2], sys.argv[3]], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(4)]
result["children"] = [(child.wait(), child.stdout.read().decode("utf-8", "replace")) for child in children]
""", winpath(book), winpath(counter))
    assert [code for code, _ in got["children"]] == [0] * 4, got["children"]
    assert counter.read_text() == "20"
    assert not lock_file(book).exists()


def test_release_waits_for_a_reader_of_the_lock_file(windows_python, tmp_path):
    """Windows will not remove a file another process has open (a contender reading who holds
    the lock): the release retries until the reader closes it, and the lock is gone on leaving
    the block, not left behind for a later takeover."""
    book = workbook(tmp_path)
    got = run(windows_python, tmp_path, """
book = Path(sys.argv[2])
READ = "import sys, time\\nwith open(sys.argv[1], 'rb') as f:\\n    print('open', flush=True)\\n    time.sleep(0.8)\\n"
with locks.workbook_lock(book, wait=1.0):
    reader = subprocess.Popen([sys.executable, "-c", READ, str(locks.lock_path(book))], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    result["reader"] = reader.stdout.readline().decode().strip()
    began = time.monotonic()
result["release_seconds"] = time.monotonic() - began
result["left"] = locks.lock_path(book).exists()
reader.wait()
""", winpath(book))
    assert got["reader"] == "open"
    assert got["left"] is False
    assert got["release_seconds"] >= 0.3  # it waited for the reader to close the file
