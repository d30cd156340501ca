"""A county that sends its workbook again (issue 21, item 2): the real `jieshui collect` on real
workbook files. Files with the same data: one counted, the others 重复. Files whose data differ:
the later 填报日期 (then the later file time) is counted, or the one named by --prefer, and the
summary, the CSV, the feedback, the JSON and the history all carry the counted file's figures.
Expected totals and verdicts come from the engine run on the figures, not from collect."""

import datetime as dt
import io
import json
import os
import zipfile

import openpyxl
import pandas as pd
import pytest

from helpers import convert, example_raw, run
from jieshui.builder import build_workbook, shipped_vba
from jieshui.engine import assess, default_standard
from jieshui.workbook.inputs import example_extras, from_county_raw

STD = default_standard()
# A revision whose figures lose points the original kept: the example's 96.5 becomes 76.5.
REVISED = dict(permits_quota_checked=30, plans_quota_based=100, permit_users_planned=70,
               water_tax_collected=6000, projects_evaluated=10)
LATER = dict(REVISED, permits_quota_checked=35)


def _county(changes, report_date):
    """(workbook bytes, the engine's assessment) of the example county with these figures."""
    raw = example_raw()
    raw["inputs"].update(changes)
    inputs = example_extras(from_county_raw(raw, STD), STD)
    inputs.county["report_date"] = report_date
    return build_workbook(STD, inputs, shipped_vba()), assess(raw, STD)


@pytest.fixture(scope="module")
def versions():
    return {"original": _county({}, dt.date(2025, 7, 20)), "revised": _county(REVISED, dt.date(2025, 8, 2)),
            "later": _county(LATER, dt.date(2025, 8, 15)),
            "same_day": _county(REVISED, dt.date(2025, 7, 20))}


def _put(path, data, mtime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def _collect(*args):
    out = run("collect", *args)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    return out


# The county concludes its self-assessment; the reviewer's outputs say the review's words.
REVIEWED = {"自评总分达到合格线": "资料复核合格，进入现场复核", "自评总分未达到合格线": "资料复核不合格，不进行现场复核"}


def _words(result):
    return f"{result.total:g}", REVIEWED[result.verdict]


def test_totals_differ_enough_to_tell_the_files_apart(versions):
    original, revised = versions["original"][1], versions["revised"][1]
    assert original.total == 96.5 and original.verdict == STD.verdicts["pass"]
    assert revised.total == 76.5 and revised.verdict == STD.verdicts["fail"]


def test_the_later_report_date_is_counted_everywhere(versions, tmp_path):
    """The original sorts first by path and is the newer file on disk; the revision's later
    填报日期 still wins, and every output carries the revision's figures."""
    (a_bytes, a), (b_bytes, b) = versions["original"], versions["revised"]
    folder = tmp_path / "province"
    first = _put(folder / "a" / "示例旗.xlsm", a_bytes, 2_000_000_000)
    second = _put(folder / "b" / "示例旗（修改）.xlsm", b_bytes, 1_900_000_000)
    target, db = tmp_path / "汇总.xlsx", tmp_path / "历史.sqlite"
    out = _collect(folder, "-o", target, "--json", "--csv", tmp_path / "csv", "--feedback", tmp_path / "意见",
                   "--db", db)
    doc = json.loads(out.stdout)
    (county,) = doc["counties"]
    assert county["file"] == str(second) and county["total"] == b.total and county["verdict"] == REVIEWED[b.verdict]
    (problem,) = doc["problems"]
    assert problem["kind"] == "多次报送" and problem["file"] == str(first)
    for text in (str(first), str(second), *_words(a), *_words(b), "2025-07-20", "2025-08-02"):
        assert text in problem["message"], text
    assert problem["message"].index(str(second), problem["message"].index("按")) > 0  # "按…的 B 计"

    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target)["汇总"].iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    col = {name: k for k, name in enumerate(rows[header])}
    (row,) = rows[header + 1:]
    assert row[col["总分（复算）"]] == b.total and row[col["结论"]] == REVIEWED[b.verdict] and row[col["文件"]] == str(second)
    assert row[col["填报日期"]] == "2025-08-02" and row[col["评价标准版本"]] == STD.version
    listed = [[c.value for c in r] for r in openpyxl.load_workbook(target)["问题清单"].iter_rows(min_row=3)]
    assert any(r[2] == "多次报送" and str(first) in r[6] for r in listed)

    csv = pd.read_csv(tmp_path / "csv" / "汇总.csv", encoding="utf-8-sig")
    assert list(csv["总分（复算）"]) == [b.total] and list(csv["文件"]) == [str(second)]

    (feedback,) = (tmp_path / "意见").iterdir()
    facts = {r[1]: r[2] for r in openpyxl.load_workbook(feedback).active.iter_rows(min_row=2, max_row=12,
                                                                                   values_only=True)}
    assert facts["复算总分"] == f"{b.total:g}" and facts["复核结论"] == REVIEWED[b.verdict]
    assert second.name in facts["复核文件"] and first.name in facts["复核文件"]  # which was counted, which not

    shown = run("history", db, "示例旗")
    assert shown.returncode == 0, shown.stderr
    assert f"{b.total:g}" in shown.stdout and f"{a.total:g}" not in shown.stdout
    assert "评价标准版本" in shown.stdout and STD.version in shown.stdout


def test_on_the_same_report_date_the_later_file_time_is_counted(versions, tmp_path):
    (a_bytes, a), (b_bytes, b) = versions["original"], versions["same_day"]
    older = _put(tmp_path / "1.xlsm", b_bytes, 1_900_000_000)
    newer = _put(tmp_path / "2.xlsm", a_bytes, 2_000_000_000)
    doc = json.loads(_collect(tmp_path, "--json").stdout)
    assert [c["file"] for c in doc["counties"]] == [str(newer)]
    assert doc["counties"][0]["total"] == a.total
    (problem,) = doc["problems"]
    assert problem["kind"] == "多次报送" and problem["file"] == str(older)
    assert "修改时间" in problem["message"]
    assert _words(a)[0] in problem["message"] and _words(b)[0] in problem["message"] and a.total != b.total


def _restored(data):
    """The same workbook, every part stored uncompressed: other bytes, the same data."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return out.getvalue()


def test_the_same_data_in_other_bytes_is_a_duplicate_not_a_resubmission(versions, tmp_path):
    data, a = versions["original"]
    copy = _restored(data)
    assert copy != data
    first = _put(tmp_path / "a.xlsm", data, 1_900_000_000)
    second = _put(tmp_path / "b.xlsm", copy, 2_000_000_000)
    doc = json.loads(_collect(tmp_path, "--json").stdout)
    assert [c["file"] for c in doc["counties"]] == [str(first)]  # as before: the first by path
    (problem,) = doc["problems"]
    assert problem["kind"] == "重复" and problem["file"] == str(second) and str(first) in problem["message"]


def test_three_files_and_a_copy_of_the_newest(versions, tmp_path):
    """Three different versions and an identical copy of the newest: the newest is counted, each
    other version's row lists all the files, the copy is 重复."""
    files = {name: _put(tmp_path / f"{n}_{name}.xlsm", versions[name][0], 2_000_000_000 - n)
             for n, name in enumerate(("later", "revised", "original"))}
    copy = _put(tmp_path / "9_copy.xlsm", versions["later"][0], 1_000_000_000)
    doc = json.loads(_collect(tmp_path, "--json", "-o", tmp_path / "汇总.xlsx").stdout)
    later = versions["later"][1]
    assert [(c["file"], c["total"]) for c in doc["counties"]] == [(str(files["later"]), later.total)]
    kinds = {p["file"]: p["kind"] for p in doc["problems"]}
    assert kinds == {str(files["revised"]): "多次报送", str(files["original"]): "多次报送", str(copy): "重复"}
    for problem in doc["problems"]:
        if problem["kind"] == "多次报送":
            for name, path in files.items():
                assert str(path) in problem["message"] and _words(versions[name][1])[0] in problem["message"]


def test_prefer_counts_the_file_the_reviewer_chose(versions, tmp_path):
    (a_bytes, a), (b_bytes, b) = versions["original"], versions["revised"]
    first = _put(tmp_path / "in" / "a.xlsm", a_bytes, 1_900_000_000)
    second = _put(tmp_path / "in" / "b.xlsm", b_bytes, 2_000_000_000)
    target = tmp_path / "汇总.xlsx"
    doc = json.loads(_collect(tmp_path / "in", "--json", "--prefer", first, "-o", target).stdout)
    assert [(c["file"], c["total"]) for c in doc["counties"]] == [(str(first), a.total)]
    (problem,) = doc["problems"]
    assert problem["file"] == str(second) and "--prefer" in problem["message"]
    assert all(text in problem["message"] for text in (*_words(a), *_words(b)))
    assert 96.5 in [c.value for c in openpyxl.load_workbook(target)["汇总"]["F"]]


def test_prefer_must_name_one_of_a_countys_several_files(versions, tmp_path):
    (a_bytes, _), (b_bytes, _) = versions["original"], versions["revised"]
    only = _put(tmp_path / "in" / "a.xlsm", a_bytes, 1_900_000_000)
    outside = _put(tmp_path / "elsewhere" / "b.xlsm", b_bytes, 2_000_000_000)
    for prefer, words in ((only, "唯一的一份文件"), (outside, "不在本次复核的路径中"),
                          (tmp_path / "没有.xlsm", "找不到 --prefer 指定的文件")):
        out = run("collect", tmp_path / "in", "--json", "--prefer", prefer, "-o", tmp_path / "汇总.xlsx")
        assert out.returncode == 2, (prefer, out.stderr)
        assert words in out.stderr and "Traceback" not in out.stderr
        assert not (tmp_path / "汇总.xlsx").exists()  # nothing half-written


def test_a_copy_saved_by_libreoffice_is_the_same_data_and_its_revision_counts(versions, tmp_path):
    """A county office opens its file in LibreOffice (the stand-in for WPS) and saves it: other
    bytes, the same data, so 重复; the revision beside them, saved the same way, is counted."""
    (a_bytes, _), (b_bytes, b) = versions["original"], versions["revised"]
    plain = _put(tmp_path / "src" / "a_原件.xlsm", a_bytes, 1_900_000_000)
    _put(tmp_path / "src" / "b_修改.xlsm", b_bytes, 1_900_000_000)
    folder = tmp_path / "province"
    for source in sorted((tmp_path / "src").iterdir()):
        convert(source, tmp_path / "lo", "xlsm:Calc MS Excel 2007 VBA XML")
        saved = tmp_path / "lo" / source.name
        assert saved.read_bytes() != source.read_bytes()
        _put(folder / f"{source.stem}_另存.xlsm", saved.read_bytes(), 2_000_000_000)
    original = _put(folder / plain.name, a_bytes, 1_900_000_000)
    doc = json.loads(_collect(folder, "--json").stdout)
    revision = str(folder / "b_修改_另存.xlsm")
    assert [(c["file"], c["total"], c["verdict"]) for c in doc["counties"]] == [(revision, b.total, REVIEWED[b.verdict])]
    kinds = {p["file"]: p["kind"] for p in doc["problems"]}
    assert kinds == {str(original): "多次报送", str(folder / "a_原件_另存.xlsm"): "多次报送"}
    (plain_row,) = [p for p in doc["problems"] if p["file"] == str(original)]
    assert revision in plain_row["message"]
    (folder / "b_修改_另存.xlsm").unlink()
    doc = json.loads(_collect(folder, "--json").stdout)
    assert [c["file"] for c in doc["counties"]] == [str(original)]  # the same data: the first by path
    assert [(p["file"], p["kind"]) for p in doc["problems"]] == [(str(folder / "a_原件_另存.xlsm"), "重复")]
