"""The two verdict vocabularies and the county's one-sentence conclusion: the county concludes
its self-assessment, the province the review (plan §四). Figures are the example's, derived by
hand in test_scoring (91.5 base + 5 bonus)."""

import tomllib

import pytest

from helpers import ROOT, example_raw
from jieshui.engine import assess, default_standard
from jieshui.engine.conclusion import self_conclusion
from jieshui.engine.standard import StandardError, parse_standard

STANDARD_FILE = ROOT / "python" / "jieshui" / "data" / "standard-2023.toml"


@pytest.fixture
def std():
    return default_standard()


def test_the_example_concludes_in_the_countys_words(std):
    a = assess(example_raw(), std)
    assert self_conclusion(a) == "自评总分96.5分（基本分91.5分，加分5分），达到85分合格线，4项必备条件均满足"


def test_under_the_line_and_a_veto_are_said_with_the_figures(std):
    raw = example_raw()
    raw["inputs"].update(campaign_media=False, campaign_outreach=False, campaign_key_dates=False,
                         bonus_incentive_policy=False, bonus_efficient_irrigation=False)  # -9 base, -5 bonus
    a = assess(raw, std)
    assert self_conclusion(a) == "自评总分82.5分（基本分82.5分，加分0分），未达到85分合格线，4项必备条件均满足"
    raw = example_raw()
    raw["inputs"]["groundwater_use"] = 16600.0  # over the cap: the third prerequisite
    assert self_conclusion(assess(raw, std)) == "自评总分96.5分（基本分91.5分，加分5分）；不满足必备条件（第3项）"


def test_missing_data_gives_no_conclusion(std):
    raw = example_raw()
    del raw["inputs"]["permits_total"]
    text = self_conclusion(assess(raw, std))
    assert text.startswith("数据尚不完整（") and "暂不能得出自评结论" in text and "合格" not in text


def test_the_review_says_its_own_words_for_each_outcome(std):
    pairs = {std.verdicts[k]: std.review_verdicts[k] for k in ("pass", "fail", "veto", "incomplete")}
    assert pairs == {"自评总分达到合格线": "资料复核合格，进入现场复核",
                     "自评总分未达到合格线": "资料复核不合格，不进行现场复核",
                     "不满足必备条件": "不具备达标条件", "数据不完整": "数据不完整"}
    assert all(std.review_verdict(own) == review for own, review in pairs.items())


def test_a_standard_file_of_one_verdict_table_keeps_its_words_for_the_review(std):
    """A province's file written before the county's words existed: its [verdicts] were the
    review's; the county's documents take the packaged self-assessment words."""
    raw = tomllib.loads(STANDARD_FILE.read_text("utf-8"))
    old = dict(raw, verdicts={"veto": "否决", "pass": "合格", "fail": "不合格", "incomplete": "待补"})
    del old["review_verdicts"]
    edited = parse_standard(old)
    assert edited.review_verdicts == old["verdicts"] and edited.verdicts == std.verdicts
    assert edited.review_verdict("自评总分达到合格线") == "合格"


def test_a_missing_word_is_named(std):
    raw = tomllib.loads(STANDARD_FILE.read_text("utf-8"))
    del raw["review_verdicts"]["fail"]
    with pytest.raises(StandardError, match=r"\[review_verdicts\] 缺少fail"):
        parse_standard(raw)
