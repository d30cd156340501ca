import pytest
from hypothesis import given, strategies as st

from jieshui.engine import (Rule, default_standard, describe_rule, higher_better, item_points,
                            lower_better, rate_points)

TOL = default_standard().tolerance
# Content 5 (农业灌溉用水计量率): 5 points, target 80 %, 1 point per 5 pp, part step = whole step.
AGRI = dict(max_points=5.0, target=0.80, step=0.05, deduct=1.0, tol=TOL)


@pytest.mark.parametrize("value, expected", [
    (0.80, 5.0),          # at the target
    (8 / 10, 5.0),        # the same typed as a fraction
    (0.95, 5.0),          # above it
    (0.7999, 4.0),        # a hair short: one whole step
    (0.75, 4.0),          # exactly one step short
    (0.7499, 3.0),        # just past one step
    (0.65, 2.0),          # three steps
    (0.60, 1.0),
    (0.55, 0.0),
    (0.30, 0.0),          # never below zero
])
def test_higher_better_ceil_boundaries(value, expected):
    assert higher_better(value, **AGRI) == expected


def test_higher_better_exact_step_against_full_target():
    # 0.95 against 1.00 is 0.05000000000000004 short in floating point: still exactly one step.
    assert higher_better(0.95, 4.0, 1.0, 0.05, 1.0, tol=TOL) == 3.0
    assert higher_better(19 / 20, 4.0, 1.0, 0.05, 1.0, tol=TOL) == 3.0
    assert higher_better(0.9, 6.0, 1.0, 0.05, 1.5, tol=TOL) == 3.0


@pytest.mark.parametrize("value, expected", [
    (0.09, 8.0), (0.05, 8.0), (-0.02, 8.0),   # at or under 9 %, a negative R_BL included
    (0.0901, 6.0), (0.10, 6.0), (0.1001, 4.0), (0.12, 2.0), (0.13, 0.0), (0.30, 0.0),
])
def test_lower_better_leakage_boundaries(value, expected):
    # Content 17: 8 points, at most 9 %, 2 points per 1 pp above.
    assert lower_better(value, 8.0, 0.09, 0.01, 2.0, tol=TOL) == expected


def test_linear_interpolates_part_steps():
    # 2.5 pp short of 80 % is half a step: half a point lost instead of a whole one.
    assert higher_better(0.775, **AGRI, partial="linear") == pytest.approx(4.5)
    # Zero where the deductions add up to the maximum: 5 steps = 25 pp short.
    assert higher_better(0.55, **AGRI, partial="linear") == pytest.approx(0.0)
    assert higher_better(0.80, **AGRI, partial="linear") == 5.0


def test_not_applicable_full_or_zero():
    rule = Rule("higher_better", target=0.5, step=0.05, deduct=1.0)
    assert rate_points(rule, 5.0, None, tol=TOL) == 5.0
    zero = Rule("higher_better", target=0.5, step=0.05, deduct=1.0, not_applicable="zero")
    assert rate_points(zero, 5.0, None, tol=TOL) == 0.0


def test_checklist_and_bonus_cap():
    assert item_points([1.5, 1.5], [True, False]) == 1.5
    assert item_points([3, 3, 2, 2], [True, True, True, True], cap=10) == 10
    assert item_points([6, 6], [True, True], cap=10) == 10


def test_rule_text_reads_like_the_annex():
    text = describe_rule(Rule("higher_better", target=0.8, step=0.05, deduct=1.0))
    assert text.startswith("≥80%得满分；每低5个百分点扣1分（不足5个百分点按5个百分点计）")
    text = describe_rule(Rule("lower_better", target=0.09, step=0.01, deduct=2.0))
    assert text.startswith("≤9%得满分；每高1个百分点扣2分")


fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
params = st.fixed_dictionaries({
    "max_points": st.sampled_from([2.0, 3.0, 4.0, 5.0, 6.0, 8.0]),
    "target": fractions,
    "step": st.sampled_from([0.01, 0.02, 0.05, 0.10]),
    "deduct": st.sampled_from([0.5, 1.0, 1.5, 2.0]),
    "partial": st.sampled_from(["ceil", "linear"]),
    "tol": st.just(TOL),
})


@given(params, fractions)
def test_points_stay_between_zero_and_maximum(p, value):
    for rule in (higher_better, lower_better):
        assert 0.0 <= rule(value, **p) <= p["max_points"]


@given(params, fractions, fractions)
def test_points_never_fall_as_a_higher_better_value_rises(p, a, b):
    low, high = sorted((a, b))
    assert higher_better(low, **p) <= higher_better(high, **p)
    assert lower_better(low, **p) >= lower_better(high, **p)


@given(params, fractions)
def test_linear_is_never_harsher_than_ceil(p, value):
    ceil = dict(p, partial="ceil")
    linear = dict(p, partial="linear")
    assert higher_better(value, **linear) >= higher_better(value, **ceil) - 1e-12


# The rule kinds of published 赋分细则, each with its value at and around its limits.
def rule(**fields):
    return Rule(**fields)


@pytest.mark.parametrize("better, value, expected", [
    ("lower", 0.09, 8.0),       # 漏损率 9 %: at the standard, full points
    ("lower", 0.0900000001, 8.0),  # within the tolerance of the limit
    ("lower", 0.095, 0.0),      # "高于标准不得分": 9.5 % gives 0 (the step rule gave 6)
    ("higher", 0.80, 5.0),
    ("higher", 0.7999, 0.0),    # "低于目标值不得分"
])
def test_threshold_is_all_or_nothing(better, value, expected):
    threshold = rule(type="threshold", better=better, target=0.09 if better == "lower" else 0.80)
    points = 8.0 if better == "lower" else 5.0
    assert rate_points(threshold, points, value, tol=TOL) == expected


LADDER = rule(type="ladder", better="higher", bands=((0.05, 1.0), (0.10, 2.0), (0.15, 3.0)))


@pytest.mark.parametrize("value, expected", [
    (0.0, 0.0), (0.0499, 0.0),   # below the first band: nothing
    (0.05, 1.0), (0.0999, 1.0),  # "达到5%得1分"
    (0.10, 2.0), (0.15, 3.0),    # "达到10%得2分；达到15%以上得3分"
    (0.40, 3.0),
])
def test_ladder_bands_higher(value, expected):
    assert rate_points(LADDER, 3.0, value, tol=TOL) == expected


@pytest.mark.parametrize("value, expected", [(0.08, 4.0), (0.10, 4.0), (0.11, 2.0), (0.12, 2.0), (0.13, 0.0)])
def test_ladder_bands_lower(value, expected):
    lower = rule(type="ladder", better="lower", bands=((0.12, 2.0), (0.10, 4.0)))  # ≤12 % 2, ≤10 % 4
    assert rate_points(lower, 4.0, value, tol=TOL) == expected


@pytest.mark.parametrize("value, expected", [
    (0.80, 5.0), (0.75, 4.0),   # the steps as without a cut-off
    (0.70, 3.0),                # at the cut-off: still scored by steps (two steps short)
    (0.6999, 0.0),              # below it: 0, where the steps alone give 2
])
def test_cutoff_ends_the_steps(value, expected):
    cut = rule(type="higher_better", target=0.80, step=0.05, deduct=1.0, cutoff=0.70)
    assert rate_points(cut, 5.0, value, tol=TOL) == expected


def test_new_rules_read_as_the_annex_writes_them():
    assert describe_rule(rule(type="threshold", better="lower", target=0.09)).startswith("≤9%得满分，否则不得分")
    assert describe_rule(LADDER).startswith("达到5%得1分；达到10%得2分；达到15%得3分；其余不得分")
    cut = rule(type="lower_better", target=0.09, step=0.01, deduct=2.0, cutoff=0.12)
    assert "高于12%不得分" in describe_rule(cut)


def test_not_applicable_applies_to_every_rate_rule():
    for kind in (rule(type="threshold", target=0.5), LADDER, rule(type="lower_better", target=0.1, step=0.01,
                                                                   deduct=1.0, not_applicable="zero")):
        expected = 0.0 if kind.not_applicable == "zero" else 3.0
        assert rate_points(kind, 3.0, None, tol=TOL) == expected
