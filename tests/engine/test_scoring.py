import pytest
from hypothesis import given, settings, strategies as st

from helpers import example_raw
from jieshui.engine import assess, default_standard

# The example county scored by hand from examples/shiliqi.toml and standard-2023.md:
#  2: 118/120 = 98.3 %, 1.7 pp short -> one 5 pp step -> 4 - 1 = 3
#  5: 25120/32600 = 77.1 %, 2.9 pp short of 80 % -> one step -> 5 - 1 = 4
#  7: 1615/1630 = 99.1 %, 0.9 pp short -> one 2 pp step -> 3 - 1 = 2
#  9: issued, not implemented -> 1.5
# 16: 16/85 = 18.8 %, 1.2 pp short of 20 % -> one 2 pp step -> 5 - 1 = 4
# 17: R_BL 8.4407 % (1000), 11.6357 % (400), 7.4 % (100) -> weighted 9.2233 % -> one 1 pp
#     step above 9 % -> 8 - 2 = 6
# 21: 620/3350 = 18.5 %, 1.5 pp short -> one 2 pp step -> 5 - 1 = 4
# 24: incentive 3 + efficient irrigation 2 = 5; everything else full.
EXPECTED_POINTS = [4, 3, 4, 4, 4, 4, 2, 3, 1.5, 3, 3, 6, 6, 5, 5, 4, 6, 4, 2, 2, 4, 3, 9, 5]


def test_example_county_scores_as_derived_by_hand(std, example):
    result = assess(example, std)
    assert result.errors == []
    assert [c.points for c in result.contents] == EXPECTED_POINTS
    assert result.base == 91.5 and result.bonus == 5.0 and result.total == 96.5
    assert result.verdict == "自评总分达到合格线"
    assert all(p.met for p in result.prerequisites)


def test_example_leakage_components(std, example):
    result = assess(example, std)
    park = dict(result.leakage)["工业园区供水公司"]
    # Qs 400, Qa 340 -> 15 %; r = 40/400 -> R1 0.8 %; A = 30/400 = 0.075 -> R2 0.5643 %;
    # 0.58 MPa -> R3 1 %; 1.8 m -> R4 1 %; R_BL = 15 - 3.3643 = 11.6357 %.
    assert park.r_bl == pytest.approx(0.116357)
    town = dict(result.leakage)["中心镇供水站"]
    assert town.r2 == pytest.approx(0.03)  # 12/100 = 0.12 km per 万m³: clamped
    assert result.contents[16].value == pytest.approx((84.407 + 46.5428 + 7.4) / 1500)


def test_gap_hints_say_what_the_year_fell_short_by(std, example):
    # The evaluation year is over when the county assesses it: the gap is what it fell short
    # by, in the unit the office counts in, never "还需新增…".
    result = assess(example, std)
    gap = {c.id: c.gap for c in result.contents}
    # 20 % of 85 = 17 > 16; 20 - 1600/85 = 1.18 pp
    assert gap[16] == "节水型居民小区较目标少1个（距目标20%差1.2个百分点）"
    # 80 % of 32600 = 26080, less 25120; 80 - 77.06 = 2.94 pp; a volume in prose: 万立方米
    assert gap[5] == "农业灌溉计量水量较目标少960万立方米（距目标80%差2.9个百分点）"
    assert gap[21] == "再生水利用量较目标少50万立方米（距目标20%差1.5个百分点）"  # 670 - 620
    assert gap[2] == "依据用水定额下达的计划或认定较目标少2件（距目标100%差1.7个百分点）"  # 120 - 118
    # (9.2233 % - 9 %) = 0.2233 pp -> 0.23 pp; of 1500 万m³ supplied -> 3.35 万m³
    assert gap[17] == "漏损率较目标高0.23个百分点（折合漏损水量约3.35万立方米）"
    assert gap[9] == "未全面执行（1.5分）"  # a sentence, not "尚缺：全面执行"
    assert gap[1] == ""
    assert not any("还需" in text or "尚缺" in text for text in gap.values())


def test_unmet_checklist_items_read_as_sentences(std, example):
    for key in ("progressive_price_issued", "progressive_price_implemented", "campaign_media"):
        example["inputs"][key] = False
    gap = {c.id: c.gap for c in assess(example, std).contents}
    assert gap[9] == "未出台（1.5分）；未全面执行（1.5分）"
    assert gap[23] == "电视、报刊、微博、微信等媒体宣传一项未得分（3分）"


def test_contents_ranked_by_points_recoverable(std, example):
    ranked = assess(example, std).ranked_gaps
    assert [(c.id, c.lost) for c in ranked] == [
        (24, 5.0), (17, 2.0), (9, 1.5), (2, 1.0), (5, 1.0), (7, 1.0), (16, 1.0), (21, 1.0)]


def test_not_applicable_scores_full_with_a_note(std, example):
    example["inputs"]["enterprises_certified"] = 0
    example["inputs"]["enterprises_high_use_total"] = 0
    result = assess(example, std)
    c14 = result.contents[13]
    assert c14.not_applicable and c14.value is None and c14.points == 5.0
    assert c14.note == "不适用：分母为0，按满分计"
    assert result.errors == [] and result.total == 96.5


def _at(example, points_off):
    """Drop the bonus and take the named checklist items away from the example."""
    inputs = example["inputs"]
    for key in ("bonus_incentive_policy", "bonus_efficient_irrigation", *points_off):
        inputs[key] = False
    return example


def test_exactly_85_passes(std, example):
    # 91.5 base - 3 (media) - 1 - 1 (market checks) - 1.5 (tiered price implemented) = 85.0
    _at(example, ["campaign_media", "market_inspection_done", "market_violations_handled",
                  "tiered_price_implemented"])
    result = assess(example, std)
    assert result.total == 85.0 and result.verdict == "自评总分达到合格线"


def test_under_85_fails(std, example):
    _at(example, ["campaign_media", "market_inspection_done", "market_violations_handled",
                  "tiered_price_implemented"])
    example["inputs"]["nonconventional_use"] = 1080.0  # no increase on last year: -1
    result = assess(example, std)
    assert result.total == 84.0 and result.verdict == "自评总分未达到合格线"


@pytest.mark.parametrize("key, value", [
    ("total_water_use", 40200.01),        # P1: over the cap
    ("irrigation_efficiency", 0.57),      # P2: under the 0.575 target
    ("groundwater_use", 16600.0),         # P3
    ("no_major_violation", False),        # P4
])
def test_any_unmet_prerequisite_vetoes_a_high_score(std, example, key, value):
    example["inputs"][key] = value
    result = assess(example, std)
    assert result.total == 96.5
    assert result.verdict == "不满足必备条件"
    assert sum(p.met is False for p in result.prerequisites) == 1


def test_prerequisite_at_its_limit_is_met(std, example):
    example["inputs"]["total_water_use"] = 40200.0
    example["inputs"]["irrigation_efficiency"] = 0.575
    assert assess(example, std).verdict == "自评总分达到合格线"


def test_errors_outrank_a_veto(std, example):
    example["inputs"]["no_major_violation"] = False
    del example["inputs"]["permits_total"]
    assert assess(example, std).verdict == "数据不完整"


junk = st.one_of(st.none(), st.booleans(), st.integers(-10, 10_000),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
                 st.sampled_from(["是", "否", "85%", "0.8"]))
INPUT_KEYS = sorted(default_standard().inputs)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(INPUT_KEYS), junk, max_size=8))
def test_any_input_values_give_a_report_never_an_exception(changes):
    raw = example_raw()
    raw["inputs"].update(changes)
    result = assess(raw, default_standard())
    for c in result.contents:
        assert c.points is None or 0.0 <= c.points <= c.max_points
    if result.errors:
        assert result.verdict == "数据不完整"
    if result.total is not None:
        assert 0.0 <= result.total <= 110.0
