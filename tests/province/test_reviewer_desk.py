"""The provincial reviewer's desk: the run summary, 复核意见 per county, the SQLite history
across years (changes, tampering, foreign files, migrations, two runs at once) and CSV files.
Expected figures come from the engine run on the generated county data, not from the files."""

import json
import re
import sqlite3
import subprocess

import openpyxl
import pandas as pd
import pytest

from helpers import run_dated, JIESHUI, coordinates, run
from jieshui.buildtime.samples import counties, county_workbook
from jieshui.builder import shipped_vba
from jieshui.engine import assess, default_standard
from jieshui.province.history import APPLICATION_ID, MIGRATIONS, HistoryError, open_history
from jieshui.workbook.cached_values import patch_workbook

COUNTIES = 4


def _year(folder, seed, year, inflate=None):
    """COUNTIES workbooks of one year (same names every year); the engine's assessments."""
    std = default_standard()
    folder.mkdir(parents=True)
    assessed = {}
    for i, raw in enumerate(counties(COUNTIES, seed, std)):
        raw["county"]["year"] = year
        data = county_workbook(raw, std, shipped_vba())
        assessed[raw["county"]["name"]] = result = assess(raw, std)
        if i == inflate:  # claims full points where its figures give fewer
            lost = next(c for c in result.contents if c.lost)
            sheet, points = coordinates("out_points")
            data = patch_workbook(data, {sheet: {points[lost.id - 1]: lost.max_points}})
        (folder / f"{raw['county']['name']}.xlsm").write_bytes(data)
    return assessed


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk")
    return root, _year(root / "2024", 11, 2024), _year(root / "2025", 12, 2025, inflate=2)


def _texts(path):
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)


def test_feedback_one_workbook_per_county_with_every_problem_and_its_cell(years, tmp_path):
    root, _, assessed = years
    out, days = run_dated("collect", root / "2025", "--feedback", tmp_path / "意见", "--json")
    assert out.returncode == 0, out.stderr
    flagged = {c["name"]: c["flags"] for c in json.loads(out.stdout)["counties"]}
    files = sorted(p.name for p in (tmp_path / "意见").iterdir())
    matched = [d for d in days if files == sorted(f"{name}_复核意见_{d}.xlsx" for name in assessed)]
    assert matched, files  # one file per county, dated the day the run started or ended
    day = matched[0]
    assert set(flagged) == set(assessed)
    mismatches, gaps = 0, {}
    for name, flags in flagged.items():
        text = _texts(tmp_path / "意见" / f"{name}_复核意见_{day}.xlsx")
        for flag in flags:
            assert flag["cell"] in text, (name, flag)
            if flag["kind"] == "赋分与数据不符" and flag["message"].startswith("第"):
                mismatches += 1
                content = assessed[name].contents[int(re.match(r"第(\d+)项", flag["message"]).group(1)) - 1]
                assert f"第{content.id}项{content.title}（{flag['cell']}）" in text
            elif flag["kind"] != "赋分与数据不符":
                assert flag["message"] in text
        gaps[name] = assessed[name].ranked_gaps  # every content that lost points, with its gap
        for gap in gaps[name]:
            said = gap.gap or gap.note
            assert said and f"{gap.title}（第{gap.id}项）" in text and said in text, (name, gap.id)
    assert mismatches == 1  # the inflated county's one content
    # The generated figures lose points in every county (the inflated one by construction).
    assert all(gaps.values()), gaps


def test_the_run_summary_names_the_mismatched_county_in_the_terminal_and_on_top(years, tmp_path):
    root, _, assessed = years
    target = tmp_path / "汇总.xlsx"
    out = run("collect", root / "2025", "-o", target)
    assert out.returncode == 0, out.stderr
    inflated = sorted(assessed)[2]
    assert "自评赋分与数据不符" in out.stderr and inflated in out.stderr
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target)["汇总"].iter_rows(max_row=14)]
    top = "\n".join(str(v) for row in rows for v in row if v is not None)
    assert "本次复核概况" in top and f"1个县：{inflated}" in top
    passed = sum(a.verdict == default_standard().verdicts["pass"] for a in assessed.values())
    assert f"结论：合格\n{passed}个" in top


def test_history_over_two_years_gives_last_years_total_and_the_moved_contents(years, tmp_path):
    root, before, now = years
    db, target = tmp_path / "复核历史.sqlite", tmp_path / "汇总.xlsx"
    assert run("collect", root / "2024", "--db", db).returncode == 0
    out = run("collect", root / "2025", "--db", db, "-o", target)
    assert out.returncode == 0, out.stderr
    book = openpyxl.load_workbook(target)
    rows = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    col = {name: k for k, name in enumerate(rows[header])}
    for row in rows[header + 1:]:
        last, total = before[row[col["县（旗、区）"]]].total, now[row[col["县（旗、区）"]]].total
        assert row[col["上年总分"]] == (last if last is not None else "—")
        if last is not None and total is not None:
            assert row[col["较上年变化"]] == pytest.approx(total - last)
    moved = {(name, c.id) for name in now for c, b in zip(now[name].contents, before[name].contents)
             if c.points is not None and b.points is not None and abs(c.points - b.points) >= 3}
    assert moved  # the two years' generated figures differ enough to test this
    listed = {(row[0], int(re.match(r"第(\d+)项", row[1]).group(1))) for row in book["年度对比"].iter_rows(min_row=3, values_only=True)}
    assert listed == moved
    shown = run("history", db, sorted(now)[0])
    assert shown.returncode == 0 and "2024" in shown.stdout and "2025" in shown.stdout


def test_a_tampered_row_is_refused(years, tmp_path):
    root, _, _ = years
    db = tmp_path / "h.sqlite"
    assert run("collect", root / "2024", "--db", db).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE counties SET total = 99 WHERE id = 2")
    for args in (("history", db), ("collect", root / "2025", "--db", db)):
        out = run(*args)
        assert out.returncode == 2 and "第2条县级记录与其校验值不符" in out.stderr and "Traceback" not in out.stderr


def test_foreign_newer_and_non_sqlite_files_are_refused(tmp_path):
    foreign, newer, text = tmp_path / "other.sqlite", tmp_path / "newer.sqlite", tmp_path / "notes.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    with sqlite3.connect(newer) as connection:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    text.write_text("会议纪要", encoding="utf-8")
    for path, words in ((foreign, "其他软件的数据库"), (newer, "更新版本的 jieshui"), (text, "不是复核历史数据库")):
        with pytest.raises(HistoryError, match=words):
            open_history(path)
        out = run("history", path)
        assert out.returncode == 2 and words in out.stderr
    assert text.read_text(encoding="utf-8") == "会议纪要"  # never written


def test_an_older_database_is_migrated_and_keeps_its_rows(tmp_path):
    db = tmp_path / "v1.sqlite"
    with sqlite3.connect(db) as connection:  # what the first version of the schema wrote
        connection.executescript(MIGRATIONS[0])
        connection.execute("INSERT INTO runs (started, standard) VALUES ('2025-07-01T10:00:00', '2023')")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("PRAGMA user_version = 1")
    connection = open_history(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall() == \
        [("counties_by_name",)]
    assert connection.execute("SELECT started FROM runs").fetchall() == [("2025-07-01T10:00:00",)]
    connection.close()


def test_two_collects_writing_one_database_at_once_both_land(years, tmp_path):
    root, before, now = years
    db = tmp_path / "h.sqlite"
    runs = [subprocess.Popen([JIESHUI, "collect", str(root / year), "--db", str(db), "--workers", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for year in ("2024", "2025")]
    assert [p.wait(timeout=300) for p in runs] == [0, 0]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
        assert connection.execute("SELECT count(*) FROM counties").fetchone()[0] == len(before) + len(now)


def test_csv_files_for_the_reviewers_own_tools(years, tmp_path):
    root, _, assessed = years
    out = run("collect", root / "2025", "--csv", tmp_path / "csv")
    assert out.returncode == 0, out.stderr
    summary = pd.read_csv(tmp_path / "csv" / "汇总.csv", encoding="utf-8-sig")
    assert sorted(summary["县（旗、区）"]) == sorted(assessed)
    totals = {a.total for a in assessed.values() if a.total is not None}
    assert set(summary["总分（复算）"].dropna()) == totals
    loss = pd.read_csv(tmp_path / "csv" / "各指标失分.csv", encoding="utf-8-sig")
    assert ((loss["失分比例"] >= 0) & (loss["失分比例"] <= 1)).all()


def test_history_shows_a_dash_for_no_total_and_each_countys_standard_version(years, tmp_path):
    """样本0001县 carries the generator's planted data error, so it has no total: the history shows
    — as the summary and the feedback do, never 空白."""
    root, before, _ = years
    db = tmp_path / "h.sqlite"
    assert run("collect", root / "2024", "--db", db).returncode == 0
    name = next(n for n, a in before.items() if a.total is None)
    shown = run("history", db, name)
    assert shown.returncode == 0, shown.stderr
    (line,) = [line for line in shown.stdout.splitlines() if name in line and line.startswith("│")]
    cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
    assert cells[4] == "—" and "空白" not in shown.stdout
    assert cells[7] == default_standard().version
