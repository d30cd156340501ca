"""One writer at a time per county workbook: in-place merges run at once all land (or say why
not), a run killed at any moment leaves the workbook whole and nothing the next run keeps, a
lock held by a live process, another computer, or an office suite is named rather than written
under."""

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import concurrent.futures as futures
from pathlib import Path

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK, JIESHUI, ROOT, run, child_can, unprivileged
from jieshui.engine import load_standard
from jieshui.workbook.readers import read_workbook
from unit_forms import split_example, unit_form, value_cell

# One changed figure per unit, each in a cell of its own: (unit, input key, new value).
CHANGES = [("机关事务服务中心", "institutions_certified", 62), ("工信局", "enterprises_certified", 5),
           ("住建局", "large_users_total", 55), ("税务局", "water_tax_due", 8700)]


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    """The example county and one returned file per unit of CHANGES, each with its figure changed."""
    folder = tmp_path_factory.mktemp("returns")
    county, forms = split_example(folder)
    files = []
    for unit, key, value in CHANGES:
        book = openpyxl.load_workbook(unit_form(forms, unit))
        value_cell(book, key).value = value
        files.append(folder / f"{unit}_交回.xlsx")
        book.save(files[-1])
    return county, files


def county_copy(returns, tmp_path):
    """The county workbook and the returned files in a folder of their own."""
    county, files = returns
    shutil.copy(county, tmp_path / county.name)
    for path in files:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / county.name, [tmp_path / p.name for p in files]


def env(wait=None):
    values = dict(os.environ)
    if wait is not None:
        values["JIESHUI_LOCK_WAIT"] = str(wait)
    return values


def test_four_in_place_merges_at_once_all_land(returns, tmp_path):
    county, files = county_copy(returns, tmp_path)
    with futures.ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda f: run("merge", county, f, "--in-place", env=env(120)), files))
    inputs = read_workbook(county, load_standard()).inputs.inputs
    log = [row for row in openpyxl.load_workbook(county)["填报记录"].iter_rows(min_row=2, values_only=True)]
    landed = 0
    for out, (unit, key, value) in zip(outs, CHANGES):
        if out.returncode == 0:
            landed += 1
            assert inputs[key] == value, f"{unit} said 已汇总 but {key} is {inputs[key]}"
            assert sum(1 for row in log if row[1] == unit and row[5] == value) == 1, log
        else:  # refused: said why, in words
            assert out.returncode == 2 and "正由" in out.stderr, out.stdout + out.stderr
            assert inputs[key] != value
    assert landed >= 1 and len(log) == landed, log


def names(folder):
    return {p.name for p in folder.iterdir()}


def is_backup(name, county):
    return name.startswith(f"{county.stem}_备份") and name.endswith(county.suffix)


def killed(command, folder, delay, when=None):
    """Start `command`, SIGKILL it after `delay` seconds or as soon as a file named `when` appears
    in `folder` (a dead run's file swept and made again counts); the names that appeared."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began, before, seen = time.monotonic(), names(folder), set()
    while process.poll() is None and time.monotonic() - began < delay:
        now = names(folder)
        before &= now
        seen |= now - before
        if when and any(when(n) for n in seen):
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return seen


def test_a_merge_killed_at_any_moment_leaves_the_workbook_whole_and_nothing_behind(returns, tmp_path):
    county, files = county_copy(returns, tmp_path)
    began = time.monotonic()
    assert run("merge", county, files[0], "--in-place").returncode == 0
    duration = time.monotonic() - began
    unit, key, value = CHANGES[1]
    before, ours = county.read_bytes(), names(tmp_path)
    staging = f".{county.stem}.merging{county.suffix}"
    # Four moments spread over the run, and two phases caught as they begin: the staging copy
    # written, a backup claimed.
    kills = [(0.1 + k * (duration - 0.1) / 3, None) for k in range(4)]
    kills += [(2 * duration, lambda n: n == staging), (2 * duration, lambda n: is_backup(n, county))]
    left, landed = [], 0
    for delay, when in kills:
        killed([JIESHUI, "merge", county, files[1], "--in-place"], tmp_path, delay, when)
        if county.read_bytes() != before:  # replaced before the kill: the whole merged workbook
            assert read_workbook(county, load_standard()).inputs.inputs[key] == value
            before, landed = county.read_bytes(), landed + 1
        left.append(sorted(n for n in names(tmp_path) - ours
                           if not (is_backup(n, county) and (tmp_path / n).stat().st_size)))
    print(f"\nmerge --in-place: {duration:.1f} s; killed {len(kills)} times, left per kill: {left}; landed {landed}")
    assert staging in left[4]  # the sweep below has something to do
    out = run("merge", county, files[1], "--in-place")
    assert out.returncode == 0, out.stdout + out.stderr  # a dead run's lock taken over
    assert read_workbook(county, load_standard()).inputs.inputs[key] == value
    log = list(openpyxl.load_workbook(county)["填报记录"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for row in log if row[1] == unit and row[5] == value) == 1
    rest = names(tmp_path) - {county.name, *(p.name for p in files)}
    assert rest and all(is_backup(n, county) and (tmp_path / n).stat().st_size for n in rest), sorted(rest)


def lock_file(county, pid, host=None, user="张三", since=None, start=None):
    """A lock as another run writes it (the format the module's docstring gives)."""
    path = county.with_name(f".~jieshui.{county.name}.lock")
    since = since or time.strftime("%Y-%m-%dT%H:%M:%S%z")
    path.write_text(json.dumps({"program": "jieshui", "user": user, "host": host or socket.gethostname(),
                                "pid": pid, "start": start, "since": since}, ensure_ascii=False), encoding="utf-8")
    return path


def dead_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_live_holder_is_waited_for_then_named(returns, tmp_path):
    county, files = county_copy(returns, tmp_path)
    holder = subprocess.Popen(["sleep", "60"])
    try:
        lock = lock_file(county, holder.pid)
        held, before = lock.read_bytes(), county.read_bytes()
        out = run("merge", county, files[0], "--in-place", env=env(5.3))
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"工作簿正由张三（电脑“{socket.gethostname()}”，进程号{holder.pid}" in out.stderr  # the progress line
    assert "已等待5秒" in out.stderr and "等待5秒后仍未结束" in out.stderr and lock.name in out.stderr
    assert county.read_bytes() == before and lock.read_bytes() == held  # nothing written, lock left alone
    assert "Traceback" not in out.stderr


def test_a_lock_from_another_computer_is_reported_with_its_age_never_taken_over(returns, tmp_path):
    county, _ = county_copy(returns, tmp_path)
    two_hours_ago = time.time() - 2 * 3600 - 60
    lock = lock_file(county, dead_pid(), host="县水利局-PC", user="李四",
                     since=time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(two_hours_ago)))
    os.utime(lock, (two_hours_ago, two_hours_ago))
    held, before = lock.read_bytes(), county.read_bytes()
    out = run("recalc", county, "--in-place", env=env(0.5))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "李四（电脑“县水利局-PC”" in out.stderr and "已持续2小时1分钟" in out.stderr, out.stderr
    assert "不会自行解除" in out.stderr and lock.name in out.stderr
    assert county.read_bytes() == before and lock.read_bytes() == held


def test_a_stale_lock_is_taken_over_and_only_our_debris_swept(returns, tmp_path):
    county, _ = county_copy(returns, tmp_path)
    lock = lock_file(county, dead_pid())
    old = time.time() - 60
    guard = tmp_path / f"{lock.name}.takeover"  # a takeover guard left by a run killed in that instant
    guard.write_text("1")
    os.utime(guard, (old, old))
    debris = [".示例旗.merging.xlsm", ".示例旗.merging_2.xlsm", ".示例旗.xlsm.k3j_9x0a.tmp",
              "..示例旗.merging.xlsm.abcdefgh.tmp", ".示例旗_备份.xlsm.zz0zz0zz.tmp", "示例旗_备份_3.xlsm"]
    keep = {"示例旗_备份.xlsm": b"a backup", ".示例旗.xlsm.short.tmp": b"x", ".其他.xlsm.abcdefgh.tmp": b"x",
            "示例旗_备份说明.xlsm": b"", "示例旗_汇总.xlsm": b"a merged copy", ".~lock.其他.xlsm#": b"x"}
    for name in debris:
        (tmp_path / name).write_bytes(b"" if name == "示例旗_备份_3.xlsm" else b"half a file")
    for name, data in keep.items():
        (tmp_path / name).write_bytes(data)
    out = run("recalc", county, "--in-place", env=env(5))
    assert out.returncode == 0, out.stdout + out.stderr
    assert not lock.exists() and not guard.exists()
    assert not any((tmp_path / n).exists() for n in debris), sorted(names(tmp_path))
    assert all((tmp_path / n).read_bytes() == data for n, data in keep.items())


def _hold(args):
    """Take the lock, hold it a moment, say when (a process of its own)."""
    from jieshui.locks import workbook_lock

    county, hold = args
    with workbook_lock(Path(county), wait=30, office_marks=False):
        began = time.time()
        time.sleep(hold)
        return began, time.time()


def test_processes_finding_one_stale_lock_hold_it_in_turn(returns, tmp_path):
    """Six processes at once find a lock whose pid now belongs to another process (a `sleep`
    started later than the lock says): one takes it over, the others wait their turn."""
    county, _ = county_copy(returns, tmp_path)
    other = subprocess.Popen(["sleep", "60"])
    try:
        lock = lock_file(county, other.pid, start="1")  # the real one started long after boot tick 1
        with futures.ProcessPoolExecutor(6) as pool:
            spans = sorted(pool.map(_hold, [(str(county), 0.2)] * 6))
    finally:
        other.kill()
        other.wait()
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), spans
    assert not lock.exists()


def owner_file(user):
    """Excel's owner file `~$<name>`: the name's length and the name in the ANSI code page
    (GBK on a Chinese Windows) padded with spaces to byte 55, then a 2-byte length and the name
    in UTF-16LE, spaces after; 165 bytes."""
    ansi = user.encode("gbk")
    data = bytes([len(ansi)]) + ansi + b" " * (54 - len(ansi))
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    return data + b" \x00" * ((165 - len(data)) // 2) + b" " * ((165 - len(data)) % 2)


@pytest.mark.parametrize("content, who", [(owner_file("王五"), "（王五）"), (bytes(range(200, 256)) * 3, "")],
                         ids=["excel-owner-file", "unreadable-owner-file"])
def test_a_workbook_open_in_excel_is_not_written(returns, tmp_path, content, who):
    county, files = county_copy(returns, tmp_path)
    mark = tmp_path / f"~${county.name}"
    mark.write_bytes(content)
    before = county.read_bytes()
    out = run("recalc", county, "--in-place")
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"正在Excel或WPS中打开{who}，" in out.stderr and f"可删除标记文件{mark.name}" in out.stderr, out.stderr
    assert county.read_bytes() == before and names(tmp_path) == {county.name, mark.name, *(p.name for p in files)}
    if who:  # reading the open workbook into a new one is fine: what Excel shows is not overwritten
        out = run("merge", county, files[0], "-o", tmp_path / "汇总.xlsm")
        assert out.returncode == 0, out.stdout + out.stderr
        assert county.read_bytes() == before and (tmp_path / "汇总.xlsm").exists()


def test_a_workbook_open_in_libreoffice_is_not_written(returns, tmp_path):
    county, _ = county_copy(returns, tmp_path)
    office = subprocess.Popen(["/usr/bin/python3", str(ROOT / "tests" / "lo_session.py"), str(tmp_path / "profile")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              encoding="utf-8", start_new_session=True)
    try:
        assert json.loads(office.stdout.readline())["ok"]
        office.stdin.write(json.dumps({"op": "open", "path": str(county)}, ensure_ascii=False) + "\n")
        office.stdin.flush()
        assert json.loads(office.stdout.readline())["ok"]
        mark = tmp_path / f".~lock.{county.name}#"
        fields = mark.read_text(encoding="utf-8").split(",")  # LibreOffice's own: name, user, host, date, profile
        before = county.read_bytes()
        out = run("recalc", county, "--in-place")
        read = run("check", county)  # reading goes on, told that unsaved edits are not in it
    finally:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait()
    assert out.returncode == 2, out.stdout + out.stderr
    opened = dt.datetime.strptime(fields[3], "%d.%m.%Y %H:%M")  # LibreOffice's own date, said as a clock
    when = f"{opened:%H:%M}" if opened.date() == dt.date.today() else f"{opened.year}年{opened.month}月{opened.day}日{opened:%H:%M}"
    assert f"正在LibreOffice中打开（{fields[0] or fields[1]}，电脑“{fields[2]}”，自{when}起）" in out.stderr, out.stderr
    assert f"可删除标记文件{mark.name}（隐藏文件" in out.stderr and county.read_bytes() == before
    assert read.returncode == 0 and "正在LibreOffice中打开" in read.stderr and "尚未保存的修改不在其中" in read.stderr


class ExcelBook:
    """What jieshui.excel.macros.refresh_cache asks of xlwings: the open workbook, its Excel."""

    def __init__(self, path):
        self.fullname, self.saved, self.alerts = str(path), 0, []
        self.app = self
        self.api = type("Api", (), {"CalculateFull": lambda api: None})()

    def save(self):
        self.saved += 1

    def alert(self, text, title=""):
        self.alerts.append(text)


def test_the_save_button_takes_the_lock_but_not_excels_own_mark(returns, tmp_path, monkeypatch):
    from jieshui.excel import macros

    county, files = county_copy(returns, tmp_path)
    (tmp_path / f"~${county.name}").write_bytes(owner_file("王五"))  # the Excel running the button
    book = ExcelBook(county)
    monkeypatch.setattr(macros.xw.Book, "caller", staticmethod(lambda: book), raising=False)
    monkeypatch.setenv("JIESHUI_LOCK_WAIT", "0.3")
    holder = subprocess.Popen(["sleep", "60"])
    try:
        lock = lock_file(county, holder.pid)
        macros.refresh_cache()
    finally:
        holder.kill()
        holder.wait()
    assert book.saved == 0 and "未保存" in book.alerts[0] and f"进程号{holder.pid}" in book.alerts[0]
    lock.unlink()
    macros.refresh_cache()
    assert book.saved == 1 and "已全部重算并保存" in book.alerts[1]
    assert names(tmp_path) == {county.name, f"~${county.name}", *(p.name for p in files)}


def test_a_workbook_marked_read_only_is_not_replaced(tmp_path):
    """An official's read-only mark on the file is an answer: an in-place write was done over it
    before (the folder allowed the rename)."""
    county = tmp_path / "县.xlsm"
    shutil.copy(EXAMPLE_WORKBOOK, county)
    county.chmod(0o444)
    assert not child_can(f"open({str(county)!r}, 'r+b')"), "the child must not be able to write the file"
    before = county.read_bytes()
    out = unprivileged("recalc", "--in-place", county)
    assert out.returncode == 2 and "已设为只读" in out.stderr and "-o" in out.stderr, out.stdout + out.stderr
    assert county.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["县.xlsm"]


def test_a_read_only_folder_is_named_not_our_lock_file(tmp_path):
    folder = tmp_path / "共享"
    folder.mkdir()
    county = folder / "县.xlsm"
    shutil.copy(EXAMPLE_WORKBOOK, county)
    folder.chmod(0o555)
    try:
        assert not child_can(f"open({str(folder / 'x')!r}, 'wb')"), "the child must not be able to write there"
        out = unprivileged("recalc", "--in-place", county)
    finally:
        folder.chmod(0o755)
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"所在的文件夹{folder}只读或没有写入权限" in out.stderr and ".lock" not in out.stderr, out.stderr
