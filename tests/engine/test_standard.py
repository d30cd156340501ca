import copy
import tomllib
from importlib import resources

import pytest

from jieshui.engine import StandardError, load_standard, parse_standard

TEXT = (resources.files("jieshui") / "data" / "standard-2023.toml").read_text(encoding="utf-8")
RAW = tomllib.loads(TEXT)


def edited(change):
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def test_default_standard_matches_the_plan(std):
    assert len(std.contents) == 24
    assert [c.id for c in std.contents] == list(range(1, 25))
    assert len(std.indicators) == 12
    assert len({c.indicator for c in std.contents}) == 12
    assert sum(c.max_points for c in std.contents) == 110
    assert std.pass_mark == 85
    assert [p.id for p in std.prerequisites] == ["P1", "P2", "P3", "P4"]
    assert std.version and std.source


def test_plan_targets_are_encoded(std):
    # The targets the county plan names (dalad-review-plan-2025.txt, section 四).
    targets = {5: 0.80, 6: 1.0, 14: 0.50, 15: 0.50, 16: 0.20, 17: 0.09, 18: 1.0, 19: 1.0, 21: 0.20}
    for cid, target in targets.items():
        assert std.content(cid).rule.target == target


def test_every_input_is_used_and_labelled(std):
    used = {k for c in std.contents for k in c.input_keys}
    used |= {k for p in std.prerequisites for k in p.input_keys}
    assert used == set(std.inputs)
    assert all(spec.label and spec.definition for spec in std.inputs.values())


@pytest.mark.parametrize("change, fragment", [
    (lambda r: r["contents"][0].update(max_points=5.0), "基本分各内容标准分之和为101，应为 base_max = 100"),
    (lambda r: r["contents"][1].update(id=1), "评价内容序号应为1..24"),
    (lambda r: r["contents"][0].update(numerator="no_such_key"), "引用的输入no_such_key未在 [inputs] 中声明"),
    (lambda r: r["contents"][4]["rule"].update(target=80), "target = 80应在0与1之间"),
    (lambda r: r["contents"][4]["rule"].update(step=0), "步长 step = 0"),
    (lambda r: r["contents"][4]["rule"].update(deduct=9), "每步扣分 deduct = 9"),
    (lambda r: r["contents"][4]["rule"].update(partial="round"), "partial 应为 ceil 或 linear"),
    (lambda r: r["contents"][7]["rule"]["items"][0].update(points=1.0), "各项标准分之和2.5应等于标准分3"),
    (lambda r: r["contents"][23]["rule"].update(cap=12.0), "加分上限 cap"),
    (lambda r: r["contents"][0].update(lead="水务局"), "责任单位“水务局”不在 units 列表中"),
    (lambda r: r["prerequisites"][0]["conditions"][0].update(op="=="), "应写 input = 键名"),
    (lambda r: r["contents"][7]["rule"]["items"][0].update(input="permits_total"), "类型应为是/否"),
    (lambda r: r["contents"][0]["rule"].update(type="best"), "规则类型“best”无效"),
    (lambda r: r.pop("verdicts"), "缺少字段verdicts"),
    (lambda r: r["inputs"]["permits_total"].update(kind="integer"), "kind = \"integer\" 无效"),
    (lambda r: r["contents"][4]["rule"].update(cutoff=0.9), "不得分界限 cutoff = 0.9应在0与1之间且低于目标值"),
    (lambda r: r["contents"][16].update(rule={"type": "threshold", "better": "higher", "target": 0.09}),
     "漏损率应越低越好"),
    (lambda r: r["contents"][20].update(rule={"type": "ladder", "better": "higher",
                                              "bands": [[0.10, 2.0], [0.05, 1.0], [0.2, 5.0]]}),
     "分档界限应从差到好排列"),
    (lambda r: r["contents"][20].update(rule={"type": "ladder", "better": "higher",
                                              "bands": [[0.05, 1.0], [0.10, 2.0]]}),
     "最高一档等于标准分5"),
    (lambda r: r["contents"][20].update(rule={"type": "ladder", "better": "higher", "bands": []}),
     "分档 bands 应有1到4档"),
    (lambda r: r["contents"][0].update(source="网上"), "来源“网上”无效"),
    (lambda r: r["prerequisites"][2].update(source="省里"), "必备条件P3：来源“省里”无效"),
    (lambda r: r["plausibility"][0]["when"][1].update(op="="), "合理性检查H1：每个比较应写 left、op"),
    (lambda r: r["plausibility"][4]["when"][0].update(value=0), "合理性检查H5：每个比较应写 left、op"),
    (lambda r: r["plausibility"][0]["when"][1].update(left="communities"), "合理性检查H1：引用的输入communities未在"),
    (lambda r: r["plausibility"][0]["when"][0].update(left="utilities.name"), "utilities.name应为 utilities. 加供水单位的数值字段"),
    (lambda r: r["plausibility"][3]["when"][0].update(left="market_inspection_done"), "输入market_inspection_done的类型应为数值"),
    (lambda r: r["plausibility"][1].update(id="H1"), "[[plausibility]] 的 id 重复"),
    (lambda r: r["plausibility"][1].update(text=" "), "合理性检查H2：text 应写明"),
    (lambda r: r["plausibility"][1].pop("when"), "缺少字段when"),
])
def test_inconsistent_standard_is_refused_with_the_reason(change, fragment):
    with pytest.raises(StandardError) as info:
        parse_standard(edited(change), "省级细则.toml")
    assert fragment in str(info.value)


def test_edited_copy_on_disk_is_used(tmp_path):
    text = TEXT.replace('rule = { type = "higher_better", target = 0.80, step = 0.05, deduct = 1.0 }',
                        'rule = { type = "higher_better", target = 0.85, step = 0.05, deduct = 1.0 }')
    assert text != TEXT
    path = tmp_path / "province.toml"
    path.write_text(text, encoding="utf-8")
    assert load_standard(path).content(5).rule.target == 0.85


def test_unreadable_standard_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("version = [unclosed", encoding="utf-8")
    with pytest.raises(StandardError, match="不是有效的 TOML"):
        load_standard(bad)
    with pytest.raises(StandardError, match="无法读取评价标准文件"):
        load_standard(tmp_path / "missing.toml")


def test_every_content_and_prerequisite_names_its_source(std):
    assert {c.source for c in std.contents} == {"实施方案"}  # the plan lists the 24 contents
    assert {c.rule_source for c in std.contents} == {"本软件默认"}  # no official table read
    sources = {p.id: p.source for p in std.prerequisites}
    assert sources == {"P1": "复核公开报道", "P2": "复核公开报道", "P3": "本软件默认", "P4": "复核公开报道"}
    assert "总量" in std.prerequisites[0].title and "强度" in std.prerequisites[1].title
    assert "巡视、审计、督查" in std.prerequisites[3].title


def test_plausibility_rules_are_read_from_the_standard(std):
    first = std.plausibility[0]
    assert first.id == "H1" and first.when[0].left == ("utilities.supply_total",)
    assert first.when[1].op == "==" and first.when[1].value == 0
    # The doubtful figure (the last comparison's first) comes first: a hint points at its cell.
    assert first.figures == ("communities_total", "utilities.supply_total")
    summed = next(p for p in std.plausibility if len(p.when[0].left) > 1)
    assert summed.when[0].left == ("enterprises_certified", "institutions_certified", "communities_certified")
    # A standard without the section (a province's older copy) has no plausibility rules.
    assert parse_standard(edited(lambda r: r.pop("plausibility"))).plausibility == ()
