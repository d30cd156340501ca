"""The installed `jieshui` command, run for real as an official or a script would."""

import json
import os

import pytest

from helpers import EXAMPLE, ROOT, run


def test_score_prints_a_chinese_report():
    out = run("score", EXAMPLE)
    assert out.returncode == 0, out.stderr
    assert "示例旗" in out.stdout
    assert "总分 96.5 / 110" in out.stdout
    assert "结论：资料复核合格，进入现场复核" in out.stdout
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
    assert doc["verdict"] == "资料复核合格，进入现场复核"
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
    assert plain.returncode == 1 and "数据问题（1 项）" in plain.stdout


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
    assert "总分 110 分，85 分合格" in out.stdout


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
    assert out.returncode == 2 and "--workers 应为 1 到 64 之间的整数" in out.stderr
