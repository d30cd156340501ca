"""复核提示 from the engine: contents scored by their not-applicable rule, figures that
contradict each other (the standard's [[plausibility]] rules), and the one word for each state."""

import copy
import tomllib
from importlib import resources

from jieshui.engine import WORKBOOK, assess, parse_standard, words

RAW = tomllib.loads((resources.files("jieshui") / "data" / "standard-2023.toml").read_text(encoding="utf-8"))

ZEROS = {"communities_total": 0, "communities_certified": 0, "enterprises_high_use_total": 0,
         "enterprises_certified": 0, "sewage_treated": 0, "reclaimed_water_used": 0}


def test_the_example_has_no_hints(std, example):
    assert assess(example, std).hints == []


def test_zero_denominators_are_told_and_scored_as_the_standard_says(std, example):
    example["inputs"].update(ZEROS)
    result = assess(example, std)
    # 96.5 before; contents 16 (16/85 under the 20% target by one 2-point step) and 21 (620/3350
    # likewise) each lost 1 point and now score full; 14 (4/7 over its 50% target) was full.
    assert result.total == 98.5
    zero = {h.content: h for h in result.hints if h.content}
    assert sorted(zero) == [14, 16, 21]
    assert zero[16].message == "第16项评价内容“节水型居民小区建成率”分母为0（居民小区总数为0），按不适用规则得满分，请核实"
    assert zero[16].figures == ("communities_total",)
    assert zero[21].figures == ("sewage_treated",)


def test_a_zero_rule_says_zero_points(example):
    raw = copy.deepcopy(RAW)
    raw["contents"][15]["rule"]["not_applicable"] = "zero"
    std = parse_standard(raw)
    example["inputs"].update(ZEROS)
    hint = next(h for h in assess(example, std).hints if h.content == 16)
    assert "按不适用规则得0分" in hint.message


def test_contradicting_figures_name_every_figure(std, example):
    example["inputs"].update(communities_total=0, communities_certified=0)
    found = [h for h in assess(example, std).hints if h.rule == "H1"]
    assert len(found) == 1
    # The three utilities supply 1000 + 400 + 100 万m³ (examples/shiliqi.toml).
    assert "合计1500万立方米" in found[0].message and "居民小区总数0个" in found[0].message
    assert found[0].figures[0] == "communities_total"


def test_no_plausibility_hint_on_invalid_figures(std, example):
    # An invalid figure is a data error; a hint drawn from it would be noise.
    example["inputs"].update(communities_total="零", communities_certified=0)
    result = assess(example, std)
    assert not [h for h in result.hints if h.rule == "H1"] and result.errors


def test_missing_and_invalid_inputs_have_the_workbooks_words(std, example):
    example["inputs"]["gdp_intensity_decline"] = "五"
    del example["inputs"]["groundwater_use"]
    example["inputs"]["permits_total"] = "四十"
    result = assess(example, std, WORKBOOK)
    p2, p3 = result.prerequisites[1], result.prerequisites[2]
    assert (p2.met, p2.word) == (None, words.INVALID) and p2.word == words.ERROR_PREFIX[:-1]
    assert (p3.met, p3.word) == (None, words.MISSING)
    assert result.contents[0].gap.startswith(words.INVALID + "：")
    assert result.contents[0].state == words.INVALID and result.contents[1].state == ""
    del example["inputs"]["plans_total"]
    assert assess(example, std, WORKBOOK).contents[1].state == words.MISSING


def test_a_rule_is_described_in_words(std):
    from jieshui.engine import describe_plausibility

    h1, h5 = (next(p for p in std.plausibility if p.id == i) for i in ("H1", "H5"))
    assert describe_plausibility(h5, std) == "再生水利用量 > 非常规水源利用量"
    assert describe_plausibility(h1, std) == "各供水单位“供水总量 Qs”合计 > 0，且居民小区总数 = 0"
