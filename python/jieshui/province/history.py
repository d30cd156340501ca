"""The review's history (collect --db, jieshui history): a SQLite file, the standard library's
driver, that records every run: when, which files (with their SHA-256), and per county and year
every input, the claimed and recomputed points and the problems.

The file is ours only when its header says so (application_id); its schema version is
user_version, and MIGRATIONS bring an older file up to date. Each county row carries the SHA-256
of its own content, so a row changed by another program is refused, not believed. Only
collect --db writes (open_history); runs writing at the same moment queue on SQLite's lock (BEGIN
IMMEDIATE) and all land. jieshui history reads (open_readonly) and never writes. Every SQLite
failure reaches the user as a HistoryError naming the file, in Chinese."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from ..errors import UserError
from ..engine import Standard
from .collect import CountyResult

APPLICATION_ID = 0x4A534855  # "JSHU"
SQLITE_HEADER = b"SQLite format 3\x00"
LOCK_WAIT_SECONDS = 120
MOVED_POINTS = 3  # a content whose points moved this much since last year is listed

MIGRATIONS = (
    # 1: runs, the files each read, and every county's figures and points.
    """CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, standard TEXT NOT NULL);
       CREATE TABLE files (run INTEGER NOT NULL REFERENCES runs(id), path TEXT NOT NULL,
                           sha256 TEXT NOT NULL);
       CREATE TABLE counties (id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES runs(id),
                              name TEXT NOT NULL, province TEXT NOT NULL, city TEXT NOT NULL,
                              year TEXT NOT NULL, total REAL, verdict TEXT NOT NULL,
                              detail TEXT NOT NULL, digest TEXT NOT NULL);""",
    # 2: a county's years looked up by name (jieshui history, last year's total in 汇总).
    "CREATE INDEX counties_by_name ON counties (name, province, year);",
)
COUNTY_COLUMNS = ("run", "name", "province", "city", "year", "total", "verdict", "detail")


class HistoryError(UserError):
    """The file cannot serve as the review history; the message (Chinese) says why."""


@dataclass
class Record:
    """One county in one run, as the history holds it."""
    run: int
    started: str
    name: str
    province: str
    city: str
    year: str
    total: float | None
    verdict: str
    detail: dict[str, Any]


def _digest(values: Iterable[Any]) -> str:
    return hashlib.sha256(json.dumps(list(values), ensure_ascii=False).encode("utf-8")).hexdigest()


# What a user is told for each SQLite failure (by primary result code): never SQLite's English.
_SQLITE_REASONS = {
    sqlite3.SQLITE_READONLY: "所在的文件或文件夹只读，无法写入；请把它复制到可写的文件夹后再用，或请管理员开放写权限",
    sqlite3.SQLITE_BUSY: f"正被其他程序使用（已等待{LOCK_WAIT_SECONDS}秒）；请关闭正在使用它的程序，或稍后再试",
    sqlite3.SQLITE_LOCKED: f"正被其他程序使用（已等待{LOCK_WAIT_SECONDS}秒）；请关闭正在使用它的程序，或稍后再试",
    sqlite3.SQLITE_NOTADB: "已损坏（不是完整的数据库文件）；请改用完好的备份，或用 jieshui collect --db 生成新的复核历史",
    sqlite3.SQLITE_CORRUPT: "已损坏；请改用完好的备份，或用 jieshui collect --db 生成新的复核历史",
    sqlite3.SQLITE_CANTOPEN: "无法打开（文件夹不存在或无权限）；请检查路径，或请管理员开放权限",
    sqlite3.SQLITE_PERM: "无法打开（无权限）；请联系管理员开放权限，或把它复制到自己的文件夹后再用",
    sqlite3.SQLITE_FULL: "无法写入：所在磁盘已满；请清理磁盘后再试",
    sqlite3.SQLITE_IOERR: "读写时出错（磁盘或网络共享故障）；请检查磁盘或网络连接后再试",
}
_INCOMPLETE = "不完整或不是本软件的复核历史；请改用完好的备份，或用 jieshui collect --db 生成新的复核历史"
_GENERIC = "无法使用（数据库出错）；请改用完好的备份，或用 jieshui collect --db 生成新的复核历史"
_TABLE_TITLES = {"runs": "复核批次表", "files": "所读文件表", "counties": "县级记录表"}


def _explained(exc: sqlite3.Error, path: Path) -> HistoryError:
    extended = getattr(exc, "sqlite_errorcode", 0)
    code = extended & 0xFF  # extended codes share the primary's low byte
    if extended == sqlite3.SQLITE_READONLY_ROLLBACK:  # a writer died mid-run; a reader may not repair
        reason = (f"上次写入中途停止（旁边留有{path.name}-journal 文件），恢复之前无法查看；请确认没有程序仍在写入后，"
                  "在可写入的文件夹中运行一次 jieshui collect --db（会自动恢复），或改用完好的备份")
    elif code in _SQLITE_REASONS:
        reason = _SQLITE_REASONS[code]
    elif str(exc).startswith(("no such table", "no such column")):
        reason = _INCOMPLETE
    else:
        reason = _GENERIC
    return HistoryError(f"复核历史数据库{path} {reason}")


@contextmanager
def _plain_words(path: Path) -> Iterator[None]:
    """Every SQLite failure inside becomes a HistoryError naming the file, in Chinese."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _explained(exc, path) from None


def _header(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(len(SQLITE_HEADER))


def read_only_uri(path: PurePath) -> str:
    r"""The SQLite URI that opens an absolute `path` read-only. Every character that means
    something in a URI (space, ?, #, %, Chinese) is percent-encoded; a Windows drive becomes
    file:///C:/… and a share \\server\folder file:////server/folder/… (SQLite accepts no host)."""
    posix = path.as_posix()
    return f"file://{'' if posix.startswith('/') else '/'}{quote(posix, safe='/:')}?mode=ro"


def open_history(path: Path) -> sqlite3.Connection:
    """The history at `path` to record a run in (collect --db): created or brought up to this
    version; HistoryError otherwise, before any workbook is read."""
    if path.is_dir():
        raise HistoryError(f"{path}是文件夹：--db 请给出复核历史数据库的文件名，如{path / '复核历史.sqlite'}")
    try:
        if path.is_file() and path.stat().st_size and _header(path) != SQLITE_HEADER:
            raise HistoryError(f"{path}不是复核历史数据库（文件内容不是数据库）；请换一个文件名")
    except OSError:
        raise HistoryError(f"复核历史数据库{path}无法读取（无权限）；请联系管理员开放权限，或换一个文件名") from None
    with _plain_words(path):
        connection = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        try:
            _migrate(connection, path)
            _check_schema(connection, path)
        except BaseException:
            connection.close()
            raise
    return connection


def open_readonly(path: Path) -> sqlite3.Connection:
    """The history at `path` to read (jieshui history). SQLite opens it read-only (mode=ro): it
    is never created, migrated or otherwise written, so it reads on a read-only file, folder or
    share; HistoryError, the file untouched, when it cannot be read or is not our history.
    Not immutable=1: a colleague's collect may be writing it through another mount, and only
    SQLite's locks keep a reader from seeing half a write."""
    if not path.exists():
        raise HistoryError(f"找不到复核历史数据库{path}；请检查文件名，或先用 jieshui collect --db 生成")
    if path.is_dir():
        raise HistoryError(f"{path}是文件夹；请给出复核历史数据库的文件名（jieshui collect --db 写出的 .sqlite 文件）")
    try:
        header = _header(path)
    except OSError:
        raise HistoryError(f"复核历史数据库{path}无法读取（无权限）；请联系管理员开放读权限，或把它复制到自己的文件夹后再用") from None
    if not header:
        raise HistoryError(f"{path}是空文件，不是复核历史；请用 jieshui collect --db 生成")
    if header != SQLITE_HEADER:
        raise HistoryError(f"{path}不是复核历史数据库（文件内容不是数据库）；请确认文件名，复核历史由 jieshui collect --db 生成")
    with _plain_words(path):
        connection = sqlite3.connect(read_only_uri(Path(os.path.abspath(path))), uri=True,
                                     timeout=LOCK_WAIT_SECONDS)
        try:
            version = _identify(connection, path, reading=True)
            # An older file is read as it is (every version so far holds the tables read), never
            # migrated; when it cannot be, the message says it is older.
            _check_schema(connection, path, f"（由旧版本 jieshui 创建，数据库版本{version}）"
                          if version < len(MIGRATIONS) else "")
        except BaseException:
            connection.close()
            raise
    return connection


def _identify(connection: sqlite3.Connection, path: Path, reading: bool) -> int:
    """The file's schema version; HistoryError when it belongs to another program or a newer
    jieshui. A database with nothing in it is ours to fill when writing, not a history to read."""
    owner = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if owner != APPLICATION_ID and reading and not (owner or tables):
        raise HistoryError(f"{path}是空的数据库，其中没有复核记录；请用 jieshui collect --db 生成复核历史")
    if owner != APPLICATION_ID and (owner or tables or reading):
        raise HistoryError(f"{path}是其他软件的数据库，不是 jieshui 的复核历史；"
                           f"{'请确认文件名' if reading else '请换一个文件名'}")
    if version > len(MIGRATIONS):
        raise HistoryError(f"{path}由更新版本的 jieshui 创建（数据库版本{version}，本软件支持到"
                           f"{len(MIGRATIONS)}）：请升级 jieshui 后再使用")
    return version


@cache
def _expected_columns() -> dict[str, list[str]]:
    """Each table's columns as MIGRATIONS build them: the schema is written down once."""
    with closing(sqlite3.connect(":memory:")) as scratch:
        scratch.executescript("".join(script.rstrip().rstrip(";") + ";\n" for script in MIGRATIONS))
        return {table: [row[1] for row in scratch.execute(f"PRAGMA table_info({table})")]
                for table in _TABLE_TITLES}


def _check_schema(connection: sqlite3.Connection, path: Path, origin: str = "") -> None:
    """HistoryError naming the first table that is missing or lacks a column."""
    for table, columns in _expected_columns().items():
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if not set(columns) <= present:
            lack = f"缺少{_TABLE_TITLES[table]}" if not present else f"{_TABLE_TITLES[table]}缺少字段"
            raise HistoryError(f"复核历史数据库{path}{origin or ' '}{lack}，{_INCOMPLETE}")


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others then find it done
    try:
        version = _identify(connection, path, reading=False)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        _roll_back(connection)
        raise


def _roll_back(connection: sqlite3.Connection) -> None:
    # SQLite has already rolled back after some failures (a full disk, an I/O error); a second
    # ROLLBACK would then replace the failure worth reporting with "no transaction is active".
    if connection.in_transaction:
        connection.execute("ROLLBACK")


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _detail(r: CountyResult, std: Standard) -> dict[str, Any]:
    ids = [c.id for c in std.contents]
    return {"file": r.file, "standard_version": r.standard_version, "report_date": r.report_date,
            "inputs": r.inputs, "base": r.base, "bonus": r.bonus,
            "claimed_total": r.claimed_total, "points": dict(zip(map(str, ids), r.points)),
            "claimed_points": dict(zip(map(str, ids), r.claimed_points)), "problems": r.flags}


def record_run(connection: sqlite3.Connection, path: Path, results: list[CountyResult], std: Standard,
               hashes: dict[str, str]) -> int:
    """Add one run (its files and scored counties) in one transaction; the run's number."""
    with _plain_words(path):
        return _insert_run(connection, results, std, hashes)


def _insert_run(connection: sqlite3.Connection, results: list[CountyResult], std: Standard,
                hashes: dict[str, str]) -> int:
    started = dt.datetime.now().isoformat(timespec="seconds")
    connection.execute("BEGIN IMMEDIATE")
    try:
        run = connection.execute("INSERT INTO runs (started, standard) VALUES (?, ?)",
                                 (started, std.version)).lastrowid
        connection.executemany("INSERT INTO files (run, path, sha256) VALUES (?, ?, ?)",
                               [(run, path, sha) for path, sha in hashes.items()])
        for r in results:
            if r.error or not r.name.strip():
                continue
            values = (run, r.name, r.province, r.city, str(r.year), r.total, r.verdict,
                      json.dumps(_detail(r, std), ensure_ascii=False, default=str))
            connection.execute(f"INSERT INTO counties ({', '.join(COUNTY_COLUMNS)}, digest) "
                               f"VALUES ({', '.join('?' * (len(COUNTY_COLUMNS) + 1))})", values + (_digest(values),))
        connection.execute("COMMIT")
    except BaseException:
        _roll_back(connection)
        raise
    return run


def records(connection: sqlite3.Connection, path: Path, name: str | None = None) -> list[Record]:
    """Every county row (of one county when named), oldest run first; a row whose digest does
    not match its content is refused."""
    query = (f"SELECT c.id, {', '.join('c.' + k for k in COUNTY_COLUMNS)}, c.digest, r.started "
             "FROM counties c JOIN runs r ON r.id = c.run")
    with _plain_words(path):
        rows = connection.execute(query + (" WHERE c.name = ?" if name else "") + " ORDER BY c.run, c.id",
                                  (name,) if name else ()).fetchall()
    found = []
    for row_id, *values, digest, started in rows:
        if _digest(values) != digest:
            raise HistoryError(f"复核历史数据库{path}的第{row_id}条县级记录与其校验值不符（被其他程序改动过），"
                               "已拒绝使用；请用未改动的备份，或换一个新文件")
        run, county, province, city, year, total, verdict, detail = values
        found.append(Record(run, started, county, province, city, year, total, verdict, json.loads(detail)))
    return found


def _previous_year(year: Any) -> str | None:
    try:
        return str(int(float(str(year))) - 1)
    except ValueError:
        return None


@dataclass
class Change:
    county: str
    content: str
    last: float
    now: float


def last_year(connection: sqlite3.Connection, path: Path, results: list[CountyResult],
              std: Standard) -> tuple[dict[str, float], list[Change]]:
    """Each county's latest total of the year before (by file), and the contents whose points
    moved by MOVED_POINTS or more since then."""
    latest: dict[tuple[str, str, str], Record] = {}
    for record in records(connection, path):
        latest[(record.name, record.province, record.year)] = record  # later runs win
    totals: dict[str, float] = {}
    changes: list[Change] = []
    titles = {str(c.id): f"第{c.id}项{c.title}" for c in std.contents}
    for r in results:
        before = latest.get((r.name, r.province, _previous_year(r.year) or ""))
        if r.error or before is None:
            continue
        if before.total is not None:
            totals[r.file] = before.total
        last_points = before.detail.get("points", {})
        for c, now in zip(std.contents, r.points):
            last = last_points.get(str(c.id))
            if isinstance(now, (int, float)) and isinstance(last, (int, float)) and abs(now - last) >= MOVED_POINTS:
                changes.append(Change(r.name, titles[str(c.id)], last, now))
    return totals, changes
