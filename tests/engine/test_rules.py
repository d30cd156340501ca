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
    assert text.startswith("≥80% 得满分；每低5个百分点扣1分（不足5个百分点按5个百分点计）")
    text = describe_rule(Rule("lower_better", target=0.09, step=0.01, deduct=2.0))
    assert text.startswith("≤9% 得满分；每高1个百分点扣2分")


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
