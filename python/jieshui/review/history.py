"""The review's history (collect --db, jieshui history): a SQLite file, the standard library's
driver, that records every run: when, which files (with their SHA-256), and per county and year
every input, the claimed and recomputed points and the problems.

The file is ours only when its header says so (application_id); its schema version is
user_version, and MIGRATIONS bring an older file up to date. Each county row carries the SHA-256
of its own content, so a row changed by another program is refused, not believed. Runs writing
at the same moment queue on SQLite's lock (BEGIN IMMEDIATE) and all land."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

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


class HistoryError(Exception):
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


def _header(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(len(SQLITE_HEADER))


def open_history(path: Path) -> sqlite3.Connection:
    """The history at `path`, created or brought up to this version; HistoryError otherwise."""
    if path.is_dir():
        raise HistoryError(f"{path} 是文件夹：--db 请给出复核历史数据库的文件名，如 {path / '复核历史.sqlite'}")
    if path.is_file() and path.stat().st_size and _header(path) != SQLITE_HEADER:
        raise HistoryError(f"{path} 不是 SQLite 数据库文件，不是 jieshui 的复核历史；请换一个文件名")
    try:
        connection = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        _migrate(connection, path)
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"无法使用复核历史数据库 {path}（{exc}）") from exc
    return connection


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others then find it done
    try:
        owner = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if owner != APPLICATION_ID and (owner or tables):
            raise HistoryError(f"{path} 是其他软件的数据库，不是 jieshui 的复核历史；请换一个文件名")
        if version > len(MIGRATIONS):
            raise HistoryError(f"{path} 由更新版本的 jieshui 创建（数据库版本 {version}，本软件支持到 "
                               f"{len(MIGRATIONS)}）：请升级 jieshui 后再使用")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


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


def record_run(connection: sqlite3.Connection, results: list[CountyResult], std: Standard,
               hashes: dict[str, str]) -> int:
    """Add one run (its files and scored counties) in one transaction; the run's number."""
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
        connection.execute("ROLLBACK")
        raise
    return run


def records(connection: sqlite3.Connection, path: Path, name: str | None = None) -> list[Record]:
    """Every county row (of one county when named), oldest run first; a row whose digest does
    not match its content is refused."""
    query = (f"SELECT c.id, {', '.join('c.' + k for k in COUNTY_COLUMNS)}, c.digest, r.started "
             "FROM counties c JOIN runs r ON r.id = c.run")
    rows = connection.execute(query + (" WHERE c.name = ?" if name else "") + " ORDER BY c.run, c.id",
                              (name,) if name else ())
    found = []
    for row_id, *values, digest, started in rows:
        if _digest(values) != digest:
            raise HistoryError(f"复核历史数据库 {path} 的第 {row_id} 条县级记录与其校验值不符（被其他程序改动过），"
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
    titles = {str(c.id): f"{c.id} {c.title}" for c in std.contents}
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
