"""Problems ranked by severity (issue 21, item 9), through the real `jieshui collect` on real
workbook files: 15 generated counties without evidence marks (each with some 20 evidence
reminders), one with a data error, one whose claimed points were inflated and one whose
评价标准 was edited to give full points. The three come first in 问题清单, their 问题数 stands
out, evidence reminders are one row per county, and the summary's top names them. Expected
figures come from the engine run on the generated figures."""

import dataclasses
import json
import math
import unicodedata

import openpyxl
import pytest

from helpers import coordinates, example_raw, run
from jieshui.buildtime.samples import counties
from jieshui.builder import build_workbook, shipped_vba
from jieshui.engine import assess, default_standard
from jieshui.workbook.cached_values import patch_workbook
from jieshui.workbook.contract import param_row
from jieshui.workbook.inputs import example_extras, from_county_raw

STD = default_standard()
COUNTIES = 15
INFLATED, EDITED = 5, 9  # index 0 carries the generator's planted data error ("四十")
WORDS = {"须更正": 1, "须整改": 2, "请核实": 3, "提醒": 4}


def _inputs(raw):
    """The county's cells as an official leaves them when no evidence is marked or listed."""
    inputs = example_extras(from_county_raw(raw, STD), STD)
    inputs.evidence, inputs.prereq_evidence, inputs.ledger = {}, {}, []
    return inputs


def _edited_standard(content_id):
    """The standard with one content's target lowered to 0.5: the county's own rule."""
    contents = tuple(dataclasses.replace(c, rule=dataclasses.replace(c.rule, target=0.5))
                     if c.id == content_id else c for c in STD.contents)
    return dataclasses.replace(STD, contents=contents)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranked")
    folder = root / "province"
    folder.mkdir()
    vba = shipped_vba()
    assessed, special = {}, {}
    for i, raw in enumerate(counties(COUNTIES, 21, STD)):
        name = raw["county"]["name"]
        assessed[name] = result = assess(raw, STD)
        data = build_workbook(STD, _inputs(raw), vba)
        if i == 0:
            special["error"] = name
            assert result.errors  # the generator's planted data error
        if i == INFLATED:
            lost = next(c for c in result.contents if c.lost)
            sheet, points = coordinates("out_points")
            data = patch_workbook(data, {sheet: {points[lost.id - 1]: lost.max_points}})
            special["inflated"] = name
        if i == EDITED:
            edited = next(c for c, rc in zip(STD.contents, result.contents)
                          if rc.lost and c.rule.type == "higher_better" and c.measure == "ratio"
                          and rc.value is not None and rc.value >= 0.5)
            data = build_workbook(_edited_standard(edited.id), _inputs(raw), vba)
            special["edited"], special["edited_content"] = name, edited.id
        (folder / f"{name}.xlsm").write_bytes(data)
    target, feedback = root / "汇总.xlsx", root / "意见"
    out = run("collect", folder, "-o", target, "--json", "--feedback", feedback)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), target, feedback, assessed, special, out.stderr


def _rows(target, sheet, first):
    return [[c.value for c in row] for row in openpyxl.load_workbook(target)[sheet].iter_rows(min_row=first)]


def test_real_findings_come_first_and_evidence_is_one_row_a_county(province):
    _, target, _, assessed, special, _ = province
    rows = _rows(target, "问题清单", 3)  # 序号, 县, 类别, 处理, 单元格, 问题, 文件
    ranks = [WORDS[r[3]] for r in rows]
    assert ranks == sorted(ranks)
    bad = {special["error"], special["inflated"], special["edited"]}
    first = {r[1] for r in rows if r[3] == "须更正"}
    assert first == bad
    evidence = [r for r in rows if r[2] == "赋分无佐证"]
    scored = {name: [c.id for c in a.contents if c.points] for name, a in assessed.items()}
    assert sorted(r[1] for r in evidence) == sorted(name for name, ids in scored.items() if ids)
    for r in evidence:
        ids = scored[r[1]]
        assert r[5].startswith(f"{len(ids)}项得分内容未标注佐证：{'、'.join(map(str, ids))}")
    # Hundreds of reminders before; now about one row a county plus the findings.
    assert len(rows) < 3 * COUNTIES


def test_problem_counts_count_findings_only_and_the_tampered_stand_out(province):
    _, target, _, assessed, special, _ = province
    rows = _rows(target, "汇总", 1)
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    col = {name: k for k, name in enumerate(rows[header])}
    counts = {row[col["县（旗、区）"]]: row[col["问题数"]] for row in rows[header + 1:]}
    assert set(counts) == set(assessed)
    for name, a in assessed.items():
        unmet = sum(p.met is False for p in a.prerequisites)
        if name == special["error"]:
            assert counts[name] == len(a.errors) + unmet
        elif name == special["inflated"]:
            assert counts[name] == 1 + unmet  # the content (its cached total was left as it was)
        elif name == special["edited"]:  # each edited cell of its row, the content and the total
            official = next(c for c in STD.contents if c.id == special["edited_content"])
            edited = next(c for c in _edited_standard(official.id).contents if c.id == official.id)
            cells = sum(a != b for a, b in zip(param_row(official), param_row(edited)))
            assert 1 <= cells <= 2  # the target, and the rule text when it quotes the target
            assert counts[name] == cells + 2 + unmet
        else:
            assert counts[name] == unmet
    top = "\n".join(str(v) for row in rows[:header] for v in row if v is not None)
    line = next(text for text in top.split("\n") if "个县：" in text and special["inflated"] in text)
    for name in (special["error"], special["inflated"], special["edited"]):
        assert name in line
    assert "有须更正或整改问题的县" in top


# Each kind's rank as the user guide gives it (须更正 1, 须整改 2, 请核实 3, 提醒 4).
RANKS = {"数据错误": 1, "赋分与数据不符": 1, "评价标准被修改": 1, "版本不符": 1, "必备条件不满足": 2,
         "复核提示": 3, "赋分无佐证": 4}


def test_json_flags_are_ranked_and_carry_their_severity(province):
    doc, _, _, assessed, special, _ = province
    flags = {county["name"]: county["flags"] for county in doc["counties"]}
    assert set(flags) == set(assessed)
    for name, listed in flags.items():
        severities = [f["severity"] for f in listed]
        assert severities == sorted(severities)
        assert [RANKS[f["kind"]] for f in listed] == severities, name
        kinds = {f["kind"] for f in listed}
        # Every county scores something and marks no evidence; unmet prerequisites by the engine.
        assert any(c.points for c in assessed[name].contents) and "赋分无佐证" in kinds, name
        unmet = sum(p.met is False for p in assessed[name].prerequisites)
        assert sum(f["kind"] == "必备条件不满足" for f in listed) == unmet, name
    # The three planted findings are the only 须更正 and rank first, ahead of their county's reminders.
    planted = {"error": "数据错误", "inflated": "赋分与数据不符", "edited": "评价标准被修改"}
    assert {name for name, listed in flags.items() if listed[0]["severity"] == 1} == {special[k] for k in planted}
    for key, kind in planted.items():
        assert kind in {f["kind"] for f in flags[special[key]]}, key


def _feedback(folder, name):
    (path,) = folder.glob(f"{name}_复核意见_*.xlsx")  # dated the day it was written
    return [[c for c in row] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def test_feedback_lists_evidence_in_one_row_after_the_findings(province):
    doc, _, folder, assessed, special, _ = province
    name = special["inflated"]
    rows = _feedback(folder, name)
    text = "\n".join(str(v) for row in rows for v in row if v is not None)
    flags = next(c["flags"] for c in doc["counties"] if c["name"] == name)
    reminders = [f for f in flags if f["kind"] == "赋分无佐证"]
    assert len(reminders) > 10
    assert not any(f["message"] in text for f in reminders)  # collapsed, not one row each
    ids = [c.id for c in assessed[name].contents if c.points]
    assert f"{len(ids)}项得分内容未标注佐证：{'、'.join(map(str, ids))}" in text
    assert text.index("自评赋分与填报数据不符") < text.index("缺少佐证材料")


def test_feedback_says_an_edited_rule_is_why_a_claim_differs(province):
    _, _, folder, assessed, special, _ = province
    name, content = special["edited"], special["edited_content"]
    rows = _feedback(folder, name)
    title = next(c.title for c in STD.contents if c.id == content)
    (row,) = [r for r in rows if isinstance(r[1], str) and r[1].startswith(f"第{content}项{title}（")]
    gap = next(c.gap or c.note for c in assessed[name].contents if c.id == content)
    assert "评价标准被修改" in row[4] and gap not in row[4]
    assert row[2] == next(c.max_points for c in STD.contents if c.id == content)  # claimed by the edited rule
    assert row[3] == next(c.points for c in assessed[name].contents if c.id == content)


def test_a_content_scored_by_its_zero_denominator_rule_is_told_everywhere(tmp_path):
    """0 residential communities: content 16 scores full by its 0/0 rule; a 复核提示 in the
    JSON, 问题清单 (请核实) and the feedback. Needs check() to report the hint (issue 21 item 3)."""
    raw = example_raw()
    raw["inputs"].update(communities_total=0, communities_certified=0)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "示例旗.xlsm").write_bytes(build_workbook(STD, example_extras(from_county_raw(raw, STD), STD),
                                                               shipped_vba()))
    target, folder = tmp_path / "汇总.xlsx", tmp_path / "意见"
    out = run("collect", tmp_path / "in", "--json", "-o", target, "--feedback", folder)
    assert out.returncode == 0, out.stderr
    (county,) = json.loads(out.stdout)["counties"]
    hints = [f for f in county["flags"] if f["kind"] == "复核提示" and "16" in f["message"]]
    assert hints, county["flags"]
    listed = _rows(target, "问题清单", 3)
    assert any(r[2] == "复核提示" and r[3] == "请核实" and r[5] == hints[0]["message"] for r in listed)
    text = "\n".join(str(v) for row in _feedback(folder, "示例旗") for v in row if v is not None)
    assert hints[0]["message"] in text and "请核实的情况" in text
    top = "\n".join(str(v) for row in _rows(target, "汇总", 1)[:16] for v in row if v is not None)
    assert "有复核提示（请核实）的县\n1个县：示例旗" in top


def test_problem_rows_are_tall_enough_for_their_text(province):
    """A row does not grow by itself in a file no spreadsheet program has opened: each 问题清单
    row is as tall as its wrapped message (a Chinese character two units wide)."""
    _, target, *_ = province
    ws = openpyxl.load_workbook(target)["问题清单"]
    width = ws.column_dimensions["F"].width
    tall = 0
    for (cell,) in ws.iter_rows(min_row=3, min_col=6, max_col=6):
        units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(cell.value))
        lines = math.ceil(units / (width - 2))
        if lines >= 2:
            tall += 1
            assert ws.row_dimensions[cell.row].height >= lines * 13, (cell.coordinate, lines)
    assert tall >= 3  # the evidence rows and the long findings wrap


def test_the_summary_page_prints_legibly(province, tmp_path):
    """The 汇总 sheet printed one page wide by LibreOffice: the columns issue 21 added (评价标准版本,
    填报日期) must not shrink its text below 7 pt, and no words overlap (the headings above the
    tables once wrapped in the narrow 序号 column and ran into the next row). Measured as the
    print check measures (tests/printed.py): the lines of a wrapped path are close, not over
    each other."""
    import printed as measure
    from helpers import convert

    _, target, *_ = province
    convert(target, tmp_path, "pdf")
    words = [w for w in measure.words(tmp_path / "汇总.pdf") if w.page == 1]
    assert any(w.text == "评价标准版本" for w in words)
    assert not measure.small(words)
    assert not measure.overlapping(words)
