"""Provincial review over a generated folder: every county scored right, every claim
cross-checked, every bad file reported, nothing crashes."""

import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from helpers import EXAMPLE_WORKBOOK, JIESHUI, coordinates, run
from jieshui.buildtime.samples import counties, county_workbook
from jieshui.builder import shipped_vba
from jieshui.engine import assess, default_standard
from jieshui.files import staging_path
from jieshui.locks import lock_path
from jieshui.province.collect import find_workbooks, score_file, score_files
from jieshui.province.duplicates import resolve
from jieshui.workbook.cached_values import patch_workbook

COUNTIES = 12  # above the serial threshold, so the process pool is exercised


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    std = default_standard()
    root = tmp_path_factory.mktemp("province")
    vba = shipped_vba()
    expected, inflated = {}, {}
    for i, raw in enumerate(counties(COUNTIES, 11, std)):
        city = root / raw["county"]["city"]
        city.mkdir(exist_ok=True)
        path = city / f"{raw['county']['name']}.xlsm"
        data = county_workbook(raw, std, vba)
        expected[str(path)] = result = assess(raw, std)
        if i == 3:  # a county that claims full points where its figures give fewer
            lost = next(c for c in result.contents if c.lost)
            sheet, points = coordinates("out_points")
            data = patch_workbook(data, {sheet: {points[lost.id - 1]: lost.max_points}})
            inflated[str(path)] = lost
        path.write_bytes(data)
    bad = root / "其他"
    bad.mkdir()
    (bad / "损坏.xlsm").write_bytes(data[: len(data) // 2])
    (bad / "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    (bad / "会议纪要.xlsm").write_text("不是工作簿", encoding="utf-8")
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "财务报表"
    foreign.save(bad / "财务.xlsx")
    with zipfile.ZipFile(bad / "炸弹.xlsm", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            for _ in range(120):
                entry.write(b"\0" * 1_000_000)
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>')
    with zipfile.ZipFile(bad / "实体炸弹.xlsm", "w") as archive:
        archive.writestr("xl/workbook.xml", laughs)
        archive.writestr("xl/_rels/workbook.xml.rels", "<Relationships/>")
    (bad / "~$锁定文件.xlsm").write_bytes(b"lock")
    (bad / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    (bad / "自评报告.pdf").write_bytes(b"%PDF-1.7\n")
    backup = sorted(expected)[0]
    Path(backup).with_name(Path(backup).stem + "_备份.xlsm").write_bytes(Path(backup).read_bytes())
    return root, expected, inflated


REVIEW_WORDS = {"自评总分达到合格线": "资料复核合格，进入现场复核", "自评总分未达到合格线": "资料复核不合格，不进行现场复核",
                "不满足必备条件": "不具备达标条件", "数据不完整": "数据不完整"}
BAD = {"损坏.xlsm", "加密.xlsx", "会议纪要.xlsm", "财务.xlsx", "炸弹.xlsm", "实体炸弹.xlsm"}
SKIPPED = {"~$锁定文件.xlsm", "旧版.xls", "自评报告.pdf"}  # and the one backup


@pytest.fixture(scope="module")
def results(folder):
    root, _, _ = folder
    found = find_workbooks([root])
    return resolve(score_files(found.workbooks, workers=2), []) + found.skipped


def test_every_county_is_scored_right(folder, results):
    _, expected, _ = folder
    scored = {r.file: r for r in results if not r.error}
    assert set(scored) == set(expected)
    for path, result in expected.items():
        assert scored[path].total == result.total
        # The county concluded its self-assessment; the review says it in its own words.
        assert scored[path].verdict == REVIEW_WORDS[result.verdict]
        assert scored[path].points == [c.points for c in result.contents]


def test_every_bad_file_is_reported_with_its_reason(results):
    errors = {r.file.rsplit("/", 1)[1]: r.error for r in results if r.error_kind == "无法读取"}
    assert set(errors) == BAD
    assert "已损坏" in errors["损坏.xlsm"] or "无法作为 Excel 工作簿读取" in errors["损坏.xlsm"]
    assert "旧版 Excel（.xls）文件或加密的工作簿" in errors["加密.xlsx"]
    assert "不是 Excel 工作簿" in errors["会议纪要.xlsm"]
    assert "不是由 jieshui 模板生成" in errors["财务.xlsx"]
    assert "疑似恶意构造的文件" in errors["炸弹.xlsm"]
    assert "不安全的内部内容" in errors["实体炸弹.xlsm"] and "实体" in errors["实体炸弹.xlsm"]


def test_every_other_file_is_listed_with_why_it_was_not_read(results):
    skipped = {r.file.rsplit("/", 1)[1]: r.error for r in results if r.error_kind == "未读取"}
    backups = [name for name in skipped if "_备份" in name]
    assert set(skipped) - set(backups) == SKIPPED and len(backups) == 1
    assert "另存为 .xlsm" in skipped["旧版.xls"] and "PDF" in skipped["自评报告.pdf"]
    assert "临时锁定文件" in skipped["~$锁定文件.xlsm"] and "备份" in skipped[backups[0]]


def test_an_inflated_claim_is_flagged_with_both_numbers(folder, results):
    _, _, inflated = folder
    flagged = [r for r in results if any(f["kind"] == "赋分与数据不符" for f in r.flags)]
    assert [r.file for r in flagged] == list(inflated)
    content = inflated[flagged[0].file]
    flag = next(f for f in flagged[0].flags if f["kind"] == "赋分与数据不符")
    assert flag["cell"] == f"附件3技术评估指标!H{3 + content.id}"
    assert (f"显示得分{content.max_points:g}，按填报数据应为{content.points:g}") in flag["message"]


def test_planted_data_errors_and_prerequisites_are_flagged(results):
    first = next(r for r in results if r.name == "样本0001县")  # every 20th has "四十" in a count
    assert first.verdict == "数据不完整"
    assert any(f["kind"] == "数据错误" and "应为数字" in f["message"] for f in first.flags)


def test_summary_workbook_and_json(folder, tmp_path):
    root, expected, _ = folder
    target = tmp_path / "汇总.xlsx"
    out = run("collect", root, "-o", target, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["counties"]) == COUNTIES and len(doc["problems"]) == len(BAD) + len(SKIPPED) + 1
    assert set(doc["counties"][0]) >= {"file", "name", "total", "claimed_total", "verdict", "flags"}
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "明细", "问题清单", "统计"]
    rows = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    overview = rows[next(i for i, row in enumerate(rows) if row[0] == "序号") + 1:]
    totals = [row[5] for row in overview if isinstance(row[5], (int, float))]
    assert totals == sorted(totals, reverse=True)
    assert len(overview) == COUNTIES
    problems = [[c.value for c in row] for row in book["问题清单"].iter_rows(min_row=3)]
    assert sum(1 for p in problems if p[2] == "无法读取") == len(BAD)
    histogram = [[c.value for c in row] for row in book["统计"].iter_rows(min_row=3, max_row=10, max_col=2)]
    scored = [r.total for r in expected.values() if r.total is not None]
    assert sum(row[1] for row in histogram) == len(scored)
    formulas = "".join(zipfile.ZipFile(target).read(n).decode() for n in zipfile.ZipFile(target).namelist()
                       if n.startswith("xl/worksheets/"))
    assert "<f>" not in formulas


def test_inputs_are_never_written(folder, tmp_path):
    """A run that read every county and wrote all it writes (summary, feedback) left the folder
    it read byte for byte as it was, with no file added."""
    root, expected, _ = folder
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    summary, feedback = tmp_path / "汇总.xlsx", tmp_path / "意见"
    out = run("collect", root, "--json", "-o", summary, "--feedback", feedback)
    assert out.returncode == 0, out.stderr
    assert sorted(c["file"] for c in json.loads(out.stdout)["counties"]) == sorted(expected)
    assert summary.is_file() and len(list(feedback.glob("*.xlsx"))) == COUNTIES
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_nothing_to_collect(tmp_path):
    out = run("collect", tmp_path, "--json")
    assert out.returncode == 2 and "没有找到" in out.stderr


def test_an_oversized_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "巨大.xlsm"
    with open(huge, "wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60_000_000)
    assert "过大" in score_file(str(huge)).error


def test_the_same_county_twice_is_one_row_and_a_problem_naming_both(tmp_path):
    first, second = tmp_path / "a" / "示例旗.xlsm", tmp_path / "b" / "示例旗（修改）.xlsm"
    for path in (first, second):
        path.parent.mkdir()
        path.write_bytes(EXAMPLE_WORKBOOK.read_bytes())
    doc = json.loads(run("collect", tmp_path, "--json").stdout)
    assert [c["file"] for c in doc["counties"]] == [str(first)]
    (problem,) = doc["problems"]
    assert problem["kind"] == "重复" and problem["file"] == str(second)
    assert str(first) in problem["message"] and "示例旗" in problem["message"]


def _children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_worker_killed_by_the_system_loses_nothing(tmp_path):
    """SIGKILL one worker process mid-run (as the out-of-memory killer would): the run goes on,
    the files it had in flight are read again, every file is in the result."""
    folder = tmp_path / "province"
    folder.mkdir()
    data = EXAMPLE_WORKBOOK.read_bytes()
    for n in range(400):
        (folder / f"县{n:03d}.xlsm").write_bytes(data)
    process = subprocess.Popen([JIESHUI, "collect", str(folder), "--json", "--workers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (workers := _children(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert workers and process.poll() is None, "the run must still be going when a worker dies"
    os.kill(workers[0], signal.SIGKILL)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    doc = json.loads(out)
    listed = [c["file"] for c in doc["counties"]] + [p["file"] for p in doc["problems"]]
    assert sorted(listed) == sorted(str(p) for p in folder.iterdir())
    assert {p["kind"] for p in doc["problems"]} == {"重复"}  # copies of one county; none lost


def test_an_unwritable_summary_fails_before_anything_is_read(tmp_path):
    # /sys refuses new files even to root, as a read-only share refuses an official.
    out = run("collect", EXAMPLE_WORKBOOK, "-o", "/sys/汇总.xlsx")
    assert out.returncode == 2 and "无法在/sys中写出汇总工作簿" in out.stderr
    assert "复核" not in out.stderr.replace("无法在", "")  # no progress bar: nothing was read
    assert "Traceback" not in out.stderr


def test_what_a_writer_leaves_beside_a_workbook_is_never_taken_for_it(tmp_path):
    """A merge killed mid-write leaves its staging copy (a whole workbook, hidden) and its lock;
    LibreOffice and Excel leave their marks. collect scores the county's own file and lists the
    rest with what they are (the staging copy was counted as a later resubmission before)."""
    county = tmp_path / "示例旗.xlsm"
    county.write_bytes(EXAMPLE_WORKBOOK.read_bytes())
    staging = staging_path(county)
    staging.write_bytes(EXAMPLE_WORKBOOK.read_bytes())
    os.utime(staging, (time.time() + 60, time.time() + 60))  # written after the workbook
    marks = {staging.name: "汇总填报表中断时留下的临时副本",
             lock_path(county).name: "jieshui 写入工作簿时的临时标记文件",
             f".~lock.{county.name}#": "LibreOffice 打开工作簿时生成的临时锁定文件",
             f"~${county.name}": "Excel 或 WPS 打开工作簿时生成的临时锁定文件",
             f".{county.name}.a1b2c3d4.tmp": "写入中断时留下的临时文件"}
    for name in marks:
        if not (tmp_path / name).exists():
            (tmp_path / name).write_bytes(b"x")
    doc = json.loads(run("collect", tmp_path, "--json").stdout)
    assert [c["file"] for c in doc["counties"]] == [str(county)]
    said = {Path(p["file"]).name: p["message"] for p in doc["problems"]}
    assert set(said) == set(marks), said
    assert all(marks[name] in said[name] for name in marks), said
