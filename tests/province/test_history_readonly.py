"""jieshui history reads and never writes (issue 22 item 3): it reads a history on a read-only
file or folder, refuses an empty, foreign, newer, incomplete or damaged file without touching it
(same bytes, same mtime), and says what is wrong with the file in Chinese: never SQLite's
English, never a crash log. Only collect --db writes; on a read-only history it refuses the run
before reading a workbook. The histories are real, written by `jieshui collect --db` from a copy
of the example workbook.

Permissions: the tests run as root in CI, and root ignores file modes. The command is run with
the capabilities that let root do so (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) dropped by
util-linux setpriv, still as uid 0 (/root is 0700, so another uid could not start this Python);
a sanity check proves the child really cannot write the file. Not root: run as it is."""

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from helpers import EXAMPLE_WORKBOOK, child_can, run, unprivileged
from jieshui.province.history import (MIGRATIONS, HistoryError, open_history, open_readonly, read_only_uri,
                                   records)

COUNTY = "示例旗"  # the example workbook's county
SQLITE_WORDS = ("database", "readonly", "sqlite3", "attempt", "unable", "malformed", "no such", "disk image",
                "Traceback", "Error")
@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A history holding one run over the example county, written by the real command."""
    folder = tmp_path_factory.mktemp("history")
    shutil.copy(EXAMPLE_WORKBOOK, folder / f"{COUNTY}.xlsm")
    db = folder / "复核历史.sqlite"
    out = run("collect", folder / f"{COUNTY}.xlsm", "--db", db)
    assert out.returncode == 0, out.stderr
    return folder, db


def copy_of(history, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(history[1], target)
    return target


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: snapshot(p) for p in sorted(folder.iterdir()) if p.is_file()}


def assert_refused(out: subprocess.CompletedProcess[str], path: Path, *words: str) -> None:
    """Exit 2, one Chinese message naming the file and what is wrong; nothing from SQLite, no log."""
    said = out.stdout + out.stderr
    assert out.returncode == 2, said
    assert str(path) in out.stderr and all(w in out.stderr for w in words), out.stderr
    assert not [w for w in SQLITE_WORDS if w in said], said
    assert "程序内部出错" not in said and ".log" not in said, said


def test_a_read_only_history_file_is_read_and_left_as_it_was(history, tmp_path):
    db = copy_of(history, tmp_path / "只读" / "复核历史.sqlite")
    db.chmod(0o444)
    assert not child_can(f"open({str(db)!r}, 'r+b')")  # the child really cannot write it
    before = folder_state(db.parent)
    out = unprivileged("history", db, COUNTY)
    assert out.returncode == 0, out.stderr
    assert COUNTY in out.stdout and "2024" in out.stdout and "96.5" in out.stdout
    assert folder_state(db.parent) == before and sorted(os.listdir(db.parent)) == ["复核历史.sqlite"]


def test_a_history_in_a_read_only_folder_is_read_without_a_journal(history, tmp_path):
    """A writable file in a folder that is not: SQLite could create no journal there; our
    history uses a rollback journal (not WAL), so mode=ro reads it."""
    folder = tmp_path / "共享 只读"
    db = copy_of(history, folder / "复核历史.sqlite")
    with closing(sqlite3.connect(db)) as connection, connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    before = folder_state(folder)
    folder.chmod(0o555)
    try:
        assert not child_can(f"open({str(folder / 'probe')!r}, 'xb')")
        out = unprivileged("history", db)
        assert out.returncode == 0, out.stderr
        assert COUNTY in out.stdout
        assert folder_state(folder) == before
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("place", ["file", "folder"])
def test_collect_refuses_a_read_only_history_before_reading_and_writes_nothing(history, tmp_path, place):
    folder = tmp_path / "省级"
    db = copy_of(history, folder / "复核历史.sqlite")
    (db if place == "file" else folder).chmod(0o444 if place == "file" else 0o555)
    target = tmp_path / "汇总.xlsx"
    before = folder_state(folder)
    try:
        out = unprivileged("collect", history[0] / f"{COUNTY}.xlsm", "--db", db, "-o", target)
        assert_refused(out, db, "只读")
        assert "复核" not in out.stderr.split("错误")[0]  # refused before the progress bar
        assert not target.exists() and folder_state(folder) == before
    finally:
        folder.chmod(0o755)


def test_an_empty_file_is_refused_untouched(tmp_path):
    db = tmp_path / "复核历史.sqlite"
    db.write_bytes(b"")
    os.utime(db, ns=(1_600_000_000_000_000_000,) * 2)
    out = run("history", db)
    assert_refused(out, db, "是空文件", "jieshui collect --db")
    assert snapshot(db) == (b"", 1_600_000_000_000_000_000)


def test_a_missing_file_is_refused_and_not_created(tmp_path):
    db = tmp_path / "没有这个文件.sqlite"
    assert_refused(run("history", db), db, "找不到")
    assert not db.exists() and list(tmp_path.iterdir()) == []


def _foreign(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")


def _without_runs(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DROP TABLE runs")


def _without_a_column(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("ALTER TABLE counties DROP COLUMN verdict")


def _newer(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])  # the header and the first pages only


@pytest.mark.parametrize("spoil, words", [
    (_foreign, ("其他软件的数据库",)),
    (_without_runs, ("不完整", "缺少复核批次表")),
    (_without_a_column, ("不完整", "县级记录表缺少字段")),
    (_newer, ("更新版本的 jieshui", "请升级")),
    (_truncated, ("已损坏",)),
], ids=["foreign", "table-dropped", "column-dropped", "newer", "truncated"])
def test_a_file_that_is_not_our_history_is_refused_untouched(history, tmp_path, spoil, words):
    db = tmp_path / "复核历史.sqlite"
    if spoil is not _foreign:
        copy_of(history, db)
    spoil(db)
    before = folder_state(tmp_path)
    assert_refused(run("history", db), db, *words)
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize("spoil, words", [(_without_runs, ("缺少复核批次表",)), (_truncated, ("已损坏",))],
                         ids=["table-dropped", "truncated"])
def test_collect_names_a_broken_history_instead_of_a_crash_log(history, tmp_path, spoil, words):
    db = copy_of(history, tmp_path / "h.sqlite")
    spoil(db)
    out = run("collect", history[0] / f"{COUNTY}.xlsm", "--db", db, "-o", tmp_path / "汇总.xlsx")
    assert_refused(out, db, *words)
    assert not (tmp_path / "汇总.xlsx").exists()


def test_an_older_history_is_read_as_it_is_not_migrated(history, tmp_path):
    db = copy_of(history, tmp_path / "v1.sqlite")
    with closing(sqlite3.connect(db)) as connection, connection:  # version 1: the same tables without the index
        connection.execute("DROP INDEX counties_by_name")
        connection.execute("PRAGMA user_version = 1")
    before = snapshot(db)
    out = run("history", db, COUNTY)
    assert out.returncode == 0, out.stderr
    assert "96.5" in out.stdout and snapshot(db) == before


def test_a_path_with_chinese_spaces_and_uri_characters_is_opened(history, tmp_path):
    db = copy_of(history, tmp_path / "省 级#1" / "复核?历史100%.sqlite")
    out = run("history", db, COUNTY)
    assert out.returncode == 0, out.stderr
    assert "96.5" in out.stdout


def test_the_read_only_uri_of_windows_drive_and_share_paths():
    """Encoded by hand: 省 is UTF-8 E7 9C 81, 级 E7 BA A7; SQLite takes no host in a file: URI,
    so a share's two slashes follow an empty authority."""
    assert read_only_uri(PureWindowsPath(r"C:\省 级\h#1.sqlite")) == \
        "file:///C:/%E7%9C%81%20%E7%BA%A7/h%231.sqlite?mode=ro"
    assert read_only_uri(PureWindowsPath(r"\\server\复核\h.sqlite")) == \
        "file:////server/%E5%A4%8D%E6%A0%B8/h.sqlite?mode=ro"
    assert read_only_uri(PurePosixPath("/srv/a?b.sqlite")) == "file:///srv/a%3Fb.sqlite?mode=ro"


def test_a_history_locked_by_a_writer_is_named_as_in_use(history, tmp_path):
    """A real lock from another connection: SQLite's busy error becomes Chinese words."""
    db = copy_of(history, tmp_path / "h.sqlite")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with closing(sqlite3.connect(db, timeout=0)) as reader:
            with pytest.raises(HistoryError, match="正被其他程序使用") as caught:
                records(reader, db)
        said = str(caught.value)
        assert str(db) in said and not re.search("[A-Za-z]", said.replace(str(db), "")), said
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_directory_and_an_unreadable_file_are_named(history, tmp_path):
    assert_refused(run("history", tmp_path), tmp_path, "是文件夹")
    db = copy_of(history, tmp_path / "h.sqlite")
    db.chmod(0)
    assert not child_can(f"open({str(db)!r}, 'rb')")
    before = snapshot(db)
    assert_refused(unprivileged("history", db), db, "无法读取")
    assert snapshot(db) == before and stat.S_IMODE(db.stat().st_mode) == 0


def test_open_readonly_never_creates_what_open_history_would(tmp_path):
    with pytest.raises(HistoryError, match="找不到"):
        open_readonly(tmp_path / "new.sqlite")
    assert not (tmp_path / "new.sqlite").exists()
    open_history(tmp_path / "new.sqlite").close()  # the writer creates it, as collect --db does
    assert open_readonly(tmp_path / "new.sqlite").execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_a_history_a_killed_collect_left_half_written_is_refused_untouched_then_recovered(history, tmp_path):
    """A writer killed mid-transaction leaves a hot journal; a read-only reader may not roll it
    back, so it says so (not "read-only"), and the collect --db it advises does recover it."""
    db = copy_of(history, tmp_path / "h.sqlite")
    writer = (f"import os, sqlite3\nc = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
              "c.execute('PRAGMA cache_size = 1')\nc.execute('BEGIN IMMEDIATE')\n"
              "for _ in range(2000):\n    c.execute(\"INSERT INTO runs (started, standard) VALUES (?, '')\", ('x' * 200,))\n"
              "os.kill(os.getpid(), 9)")
    assert subprocess.run([sys.executable, "-c", writer], timeout=60).returncode == -9
    assert (tmp_path / "h.sqlite-journal").stat().st_size  # the hot journal a killed writer leaves
    before = folder_state(tmp_path)
    assert_refused(run("history", db), db, "上次写入中途停止", "h.sqlite-journal")
    assert folder_state(tmp_path) == before
    assert run("collect", history[0] / f"{COUNTY}.xlsm", "--db", db).returncode == 0
    shown = run("history", db, COUNTY)
    assert shown.returncode == 0 and shown.stdout.count("96.5") == 2, shown.stdout  # the old run and the new
