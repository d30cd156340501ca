"""The installed `jieshui` command, run for real as an official or a script would."""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
import zipfile

import pytest

from helpers import EXAMPLE, EXAMPLE_WORKBOOK, JIESHUI, ROOT, coordinates, planted, run, set_named
from jieshui.workbook.cached_values import sheet_parts


def test_score_prints_a_chinese_report():
    out = run("score", EXAMPLE)
    assert out.returncode == 0, out.stderr
    assert "示例旗" in out.stdout
    assert "自评结论：自评总分96.5分" in out.stdout  # the whole sentence: test_chinese_cli
    assert "差距分析" in out.stdout


def test_score_json_shape():
    out = run("score", EXAMPLE, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["county"] == {"name": "示例旗", "province": "内蒙古自治区", "city": "示例市", "year": 2024}
    assert set(doc["standard"]) == {"version", "source"}
    assert len(doc["contents"]) == 24
    first = doc["contents"][0]
    assert {"id", "indicator", "title", "max_points", "value", "points", "not_applicable",
            "gap"} <= set(first)
    assert doc["contents"][7]["value"] is None        # a checklist has no value
    assert doc["contents"][16]["value"] == pytest.approx(0.0922332, abs=1e-7)  # R_BL
    assert [p["met"] for p in doc["prerequisites"]] == [True] * 4
    assert (doc["base"], doc["bonus"], doc["total"]) == (91.5, 5.0, 96.5)
    assert doc["verdict"] == "自评总分达到合格线"  # the county's word, not the review's
    assert doc["conclusion"].startswith("自评总分96.5分（基本分91.5分，加分5分），达到85分合格线")
    assert doc["errors"] == []


def test_data_errors_exit_1_and_still_print_json(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("permits_total = 40", "permits_total = -40")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = run("score", path, "--json")
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "数据不完整"
    assert doc["errors"][0]["field"] == "inputs.permits_total"
    assert "不能为负数" in doc["errors"][0]["message"]
    plain = run("score", path)
    assert plain.returncode == 1 and "数据问题（1项）" in plain.stdout


@pytest.mark.parametrize("content, fragment", [
    (None, "找不到文件"),
    (b"PK\x03\x04 not toml", "不是有效的 TOML"),
])
def test_unreadable_file_exits_2_with_a_message(tmp_path, content, fragment):
    path = tmp_path / "county.toml"
    if content is not None:
        path.write_bytes(content)
    out = run("score", path)
    assert out.returncode == 2
    assert fragment in out.stderr and "Traceback" not in out.stderr


def test_standard_command_prints_the_table():
    out = run("standard")
    assert out.returncode == 0, out.stderr
    assert "农业灌溉用水计量率" in out.stdout and "≥80%" in out.stdout
    assert "总分110分，85分合格" in out.stdout


def test_province_standard_changes_the_score(tmp_path):
    text = (ROOT / "python/jieshui/data/standard-2023.toml").read_text(encoding="utf-8")
    # A province that raises the agricultural metering target to 85 %: 77.1 % is then 7.9 pp
    # short, two 5 pp steps, so content 5 drops from 4 to 3 and the total from 96.5 to 95.5.
    text = text.replace('target = 0.80, step = 0.05', 'target = 0.85, step = 0.05')
    province = tmp_path / "province.toml"
    province.write_text(text, encoding="utf-8")
    doc = json.loads(run("score", EXAMPLE, "--json", "--standard", province).stdout)
    assert doc["contents"][4]["points"] == 3.0 and doc["total"] == 95.5


def test_broken_province_standard_exits_2(tmp_path):
    province = tmp_path / "province.toml"
    province.write_text("version = 1\n", encoding="utf-8")
    out = run("score", EXAMPLE, "--standard", province)
    assert out.returncode == 2 and "评价标准文件" in out.stderr


@pytest.mark.parametrize("command, name", [("score", "county.toml"), ("score", "county.xlsm"),
                                           ("check", "county.xlsm"), ("export", "county.xlsm")])
def test_a_pipe_named_like_a_file_is_refused_without_blocking(tmp_path, command, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    out = run(command, fifo)  # run() times out after 120 s: a blocking read fails the test
    assert out.returncode == 2 and "不是普通文件" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("workers", ["-1", "0", "1000"])
def test_collect_refuses_a_worker_count_out_of_range(tmp_path, workers):
    out = run("collect", tmp_path, "--json", "--workers", workers)
    assert out.returncode == 2 and "--workers 应为1到64之间的整数" in out.stderr


def _rezipped(tmp_path, name, change):
    """A copy of the example workbook with one part's bytes changed by `change(part, data)`."""
    path = tmp_path / name
    with zipfile.ZipFile(EXAMPLE_WORKBOOK) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return path


def _truncated_sheet(part, data):
    return data[: len(data) // 2] if part == "xl/worksheets/sheet2.xml" else data


NAME_SHEET, (NAME_CELL,) = coordinates("in_county_name")


def _string_past_the_table(part, data):
    with zipfile.ZipFile(EXAMPLE_WORKBOOK) as archive:
        if part != sheet_parts(archive)[NAME_SHEET]:
            return data
    changed = re.sub(rf'(<c r="{NAME_CELL}"[^>]*t="s"[^>]*><v>)\d+'.encode(), rb"\g<1>99999", data)
    assert changed != data
    return changed


@pytest.mark.parametrize("command", ["score", "check", "export", "recalc"])
@pytest.mark.parametrize("change, fragment", [
    (_truncated_sheet, "已损坏（内部结构不完整或无效）"),
    (_string_past_the_table, f"单元格{NAME_SHEET}!{NAME_CELL}引用了不存在的共享字符串"),
])
def test_a_damaged_workbook_is_exit_2_with_words_not_a_traceback(tmp_path, command, change, fragment):
    path = _rezipped(tmp_path, "damaged.xlsm", change)
    extra = {"export": ["-o", tmp_path / "out"], "recalc": ["-o", tmp_path / "out.xlsm"]}.get(command, [])
    out = run(command, path, *extra)
    assert out.returncode == 2, out.stderr
    assert fragment in out.stderr and "Traceback" not in out.stderr + out.stdout
    assert not (tmp_path / "out.xlsm").exists() and not list((tmp_path / "out").glob("*"))


def test_a_deeply_nested_toml_is_refused_in_words(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for args in (["score", deep], ["score", EXAMPLE, "--standard", deep], ["standard", "--standard", deep]):
        out = run(*args)
        assert out.returncode == 2 and "嵌套过深" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr


def test_a_400_digit_number_is_a_data_error_not_a_crash(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("permits_total = 40", "permits_total = " + "9" * 400)
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    out = run("score", path, "--json")
    assert out.returncode == 1, out.stderr
    (error,) = json.loads(out.stdout)["errors"]
    assert error["field"] == "inputs.permits_total" and "数值过大（一个400位的数）" in error["message"]


def test_a_toml_syntax_error_is_named_by_line_in_chinese(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text("[county]\nname = \"示例旗\nyear = 2024\n", encoding="utf-8")
    out = run("score", path)
    assert out.returncode == 2 and "第2行" in out.stderr and "语法错误" in out.stderr
    assert not re.search(r"[A-Za-z]{5,}", out.stderr.replace(str(path), "")), out.stderr


@pytest.mark.parametrize("args, fragment", [
    (["export", EXAMPLE_WORKBOOK, "-o", "/sys/报送"], "/sys/报送"),
    (["recalc", EXAMPLE_WORKBOOK, "-o", "/sys/县.xlsm"], "/sys/县.xlsm"),
    (["collect", EXAMPLE_WORKBOOK, "-o", "/sys/汇总.xlsx"], "/sys"),
])
def test_a_folder_that_cannot_be_written_is_exit_2(args, fragment):
    # /sys refuses new files even to root, as a read-only share refuses an official.
    out = run(*args)
    assert out.returncode == 2 and fragment in out.stderr and "Traceback" not in out.stderr
    assert "没有权限" in out.stderr or "不存在" in out.stderr


def test_output_names_that_are_not_what_they_should_be(tmp_path):
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"x")
    out = run("export", EXAMPLE_WORKBOOK, "-o", existing)  # a file where a folder belongs
    assert out.returncode == 2 and "是一个文件" in out.stderr and existing.read_bytes() == b"x"
    out = run("collect", EXAMPLE_WORKBOOK, "-o", tmp_path)  # a folder where a file belongs
    assert out.returncode == 2 and "是文件夹" in out.stderr


def test_a_county_name_too_long_for_a_file_name_is_shortened(tmp_path):
    path = planted(tmp_path, set_named("in_county_name", "很长的县名" * 60))
    out = run("export", path, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    (made,) = (tmp_path / "out").glob("*.xlsx")
    assert made.name.startswith("很长的县名" * 6 + "_") and len(made.name.encode()) < 255


def _wait_until_caught(pid: int, stop: signal.Signals) -> None:
    """Until the process catches `stop` (its SigCgt mask in /proc, as the kernel sees it):
    jieshui.cli.main installs its handlers, SIGTERM last, before it imports anything heavy."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught >> (stop - 1) & 1:
            return
        time.sleep(0.005)
    raise AssertionError("the command never installed its signal handlers")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl+C", "SIGTERM"])
def test_an_interruption_while_the_command_loads_is_said_not_a_traceback(stop):
    """typer, rich and the readers take a second or more to load; Ctrl+C then printed Python's
    KeyboardInterrupt traceback and SIGTERM ended the run without a word (exit 143)."""
    for delay in (0.0, 0.1, 0.3):  # after main has its handlers: a signal before that is Python's own
        child = subprocess.Popen([JIESHUI, "check", str(EXAMPLE_WORKBOOK)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, encoding="utf-8")
        _wait_until_caught(child.pid, signal.SIGTERM)
        time.sleep(delay)
        child.send_signal(stop)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 130, (delay, err)
        assert "已中断" in err and "Traceback" not in err + out and "KeyboardInterrupt" not in err, (delay, err)
