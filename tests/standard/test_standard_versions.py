"""A province's edited standard is its own version (issue 21, item 6): named in words from the
workbook's own save time (read here from docProps/core.xml, not through our code), kept on an
unchanged round trip, carried by the county workbook, the summary and the history; collect tells
another set of rules from an older template; the rule-text column is a formula LibreOffice
recomputes; sections the workbook does not show survive export → import."""

import datetime as dt
import json
import re
import tomllib
import zipfile

import openpyxl
import pytest

from helpers import EXAMPLE, ROOT, named, recalculate, run
from jieshui.engine import describe_rule, load_standard

DEFAULT = ROOT / "python" / "jieshui" / "data" / "standard-2023.toml"
DEFAULT_VERSION = tomllib.loads(DEFAULT.read_text(encoding="utf-8"))["version"]


def edit(source, target, cells):
    """Type into the exported workbook: {(sheet, coordinate): value}."""
    book = openpyxl.load_workbook(source)
    for (sheet, coordinate), value in cells.items():
        book[sheet][coordinate] = value
    book.save(target)
    return target


def saved_day(path):
    """The workbook's dcterms:modified on Beijing time, in the words the version should use."""
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    stamp = re.search(r"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>", core).group(1)
    when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) + dt.timedelta(hours=8)
    return f"{when.year}年{when.month}月{when.day}日{when:%H:%M}"


@pytest.fixture(scope="module")
def revision(tmp_path_factory):
    """The default standard exported, 内容5's target raised to 85% in the workbook, imported."""
    folder = tmp_path_factory.mktemp("revision")
    exported = folder / "评价标准.xlsx"
    assert run("standard", "export", "-o", exported).returncode == 0
    edited = edit(exported, folder / "省级.xlsx", {("评价内容", "F7"): 0.85})
    toml = folder / "省级.toml"
    out = run("standard", "import", edited, "-o", toml)
    assert out.returncode == 0, out.stderr
    return folder, exported, edited, toml, out.stdout


def test_an_edited_standard_gets_a_version_in_words(revision):
    _, _, edited, toml, said = revision
    version = tomllib.loads(toml.read_text(encoding="utf-8"))["version"]
    assert version == f"{DEFAULT_VERSION}省级修订（{saved_day(edited)}保存）"
    assert version in said and not re.search(r"[0-9a-f]{8}", version)  # words, never hex
    assert "jieshui template --standard 省级.toml" in said  # what to do with it
    assert not re.search(r"[0-9a-f]{16}", said)
    assert load_standard(toml).content(5).rule.target == 0.85
    shown = run("standard", "--standard", edited).stdout  # read straight from the workbook
    assert f"版本：{version}" in shown


def test_an_unchanged_round_trip_keeps_its_version(revision, tmp_path):
    _, exported, _, toml, _ = revision
    again = tmp_path / "again.xlsx"
    assert run("standard", "export", "-o", again, "--standard", toml).returncode == 0
    out = run("standard", "import", again, "-o", tmp_path / "again.toml")
    assert out.returncode == 0, out.stderr
    assert load_standard(tmp_path / "again.toml").version == load_standard(toml).version
    plain = run("standard", "import", exported, "-o", tmp_path / "plain.toml")  # nothing edited
    assert plain.returncode == 0 and load_standard(tmp_path / "plain.toml").version == DEFAULT_VERSION
    # Edited again: a new revision of the official version, not a revision of a revision.
    edited = edit(again, tmp_path / "再改.xlsx", {("评价内容", "F8"): 0.95})
    assert run("standard", "import", edited, "-o", tmp_path / "再改.toml").returncode == 0
    version = load_standard(tmp_path / "再改.toml").version
    assert version == f"{DEFAULT_VERSION}省级修订（{saved_day(edited)}保存）"


def test_a_version_typed_by_the_official_is_kept(revision, tmp_path):
    _, exported, _, _, _ = revision
    edited = edit(exported, tmp_path / "某省.xlsx", {("评价内容", "F7"): 0.85, ("总体", "B3"): "2025.1-某某省.1"})
    assert run("standard", "import", edited, "-o", tmp_path / "某省.toml").returncode == 0
    assert load_standard(tmp_path / "某省.toml").version == "2025.1-某某省.1"


def test_sections_the_workbook_does_not_show_survive(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8") + (
        '\n[survivor]\nnote = "不在工作簿中显示"\nlimits = [1.5, 2]\n'
        '[[survivor.rows]]\nwhen = 2025-03-01\nwhat = "甲"\n')
    source = tmp_path / "带附加.toml"
    source.write_text(text, encoding="utf-8")
    book = tmp_path / "带附加.xlsx"
    assert run("standard", "export", "-o", book, "--standard", source).returncode == 0
    edited = edit(book, tmp_path / "改.xlsx", {("评价内容", "F7"): 0.85})
    assert run("standard", "import", edited, "-o", tmp_path / "out.toml").returncode == 0
    before = tomllib.loads(text)
    after = tomllib.loads((tmp_path / "out.toml").read_text(encoding="utf-8"))
    shown = {"version", "source", "base_max", "bonus_cap", "pass_mark", "verdicts", "contents",
             "prerequisites", "units"}
    assert {k: v for k, v in before.items() if k not in shown} == \
           {k: v for k, v in after.items() if k not in shown | {"revision"}}
    assert after["survivor"]["rows"][0]["when"] == dt.date(2025, 3, 1)


def test_the_rule_text_follows_the_row_in_libreoffice(revision, tmp_path):
    # Edits typed through openpyxl leave no cached values: LibreOffice computes every text.
    _, exported, _, _, _ = revision
    changes = {("评价内容", "F7"): 0.85, ("评价内容", "K7"): 0.7,                    # 内容 5: target, cut-off
               ("评价内容", "E19"): "达标得分（越低越好）", ("评价内容", "G19"): None,  # 内容 17: threshold
               ("评价内容", "H19"): None, ("评价内容", "I19"): None,
               ("评价内容", "E23"): "分档得分（越高越好）", ("评价内容", "F23"): None,  # 内容 21: ladder
               ("评价内容", "G23"): None, ("评价内容", "H23"): None, ("评价内容", "I23"): None,
               ("评价内容", "L23"): 0.05, ("评价内容", "M23"): 0.1, ("评价内容", "N23"): 0.15,
               ("评价内容", "O23"): 0.2, ("评价内容", "P23"): 1, ("评价内容", "Q23"): 2,
               ("评价内容", "R23"): 3, ("评价内容", "S23"): 5,
               ("评价内容", "I4"): "按比例", ("评价内容", "J4"): "得0分"}              # 内容 2
    edited = edit(exported, tmp_path / "改规则.xlsx", changes)
    imported = tmp_path / "改规则.toml"
    assert run("standard", "import", edited, "-o", imported).returncode == 0
    std = load_standard(imported)
    result = recalculate([edited], tmp_path / "lo", batches=1)[edited]
    ws = openpyxl.load_workbook(result, data_only=True)["评价内容"]
    texts = {ws.cell(r, 1).value: ws.cell(r, ws.max_column).value for r in range(3, 3 + len(std.contents))}
    assert texts == {c.id: describe_rule(c.rule, na_note=False) for c in std.contents}
    assert "≤9%得满分，否则不得分" in texts[17] and "达到15%得3分" in texts[21]


@pytest.fixture(scope="module")
def counties(revision, tmp_path_factory):
    """A county on the province's revision and one on an older official version, in one folder."""
    _, _, _, toml, _ = revision
    folder = tmp_path_factory.mktemp("counties")
    text = EXAMPLE.read_text(encoding="utf-8")
    for name, extra in (("新规则旗", ["--standard", toml]), ("旧模板旗", [])):
        county = folder.parent / f"{name}.toml"
        county.write_text(text.replace('name = "示例旗"', f'name = "{name}"', 1), encoding="utf-8")
        out = run("template", "-o", folder / f"{name}.xlsm", "--county", county, *extra)
        assert out.returncode == 0, out.stderr
    book = openpyxl.load_workbook(folder / "旧模板旗.xlsm", keep_vba=True)
    named(book, "std_version").value = "2023.1-jieshui.0"  # as a workbook of an earlier release says
    book.save(folder / "旧模板旗.xlsm")
    return folder


def version_flags(doc):
    return {c["name"]: [f["message"] for f in c["flags"] if f["kind"] == "版本不符"] for c in doc["counties"]}


def test_the_county_workbook_carries_the_revision(revision, counties):
    version = load_standard(revision[3]).version
    book = openpyxl.load_workbook(counties / "新规则旗.xlsm")
    assert named(book, "std_version").value == version


def test_collect_tells_another_provinces_rules_from_an_older_template(revision, counties):
    doc = json.loads(run("collect", counties, "--json").stdout)
    flags = version_flags(doc)
    version = load_standard(revision[3]).version
    assert len(flags["新规则旗"]) == 1 and "另一套评价标准" in flags["新规则旗"][0] and version in flags["新规则旗"][0]
    assert len(flags["旧模板旗"]) == 1 and "较早的模板" in flags["旧模板旗"][0] and "另一套" not in flags["旧模板旗"][0]


def test_collect_and_history_under_the_revision_show_it(revision, counties, tmp_path):
    toml = revision[3]
    version = load_standard(toml).version
    db = tmp_path / "历史.sqlite"
    out = run("collect", counties, "--json", "--standard", toml, "--db", db)
    doc = json.loads(out.stdout)
    flags = version_flags(doc)
    assert flags["新规则旗"] == [] and "较早的模板" in flags["旧模板旗"][0]
    rows = {c["name"]: c for c in doc["counties"]}
    assert rows["新规则旗"]["standard_version"] == version
    shown = run("history", db, "新规则旗")
    # The table wraps a long cell onto the next line: compare without spaces and borders.
    assert shown.returncode == 0 and re.sub(r"\s", "", version) in re.sub(r"[\s│]", "", shown.stdout), shown.stdout
