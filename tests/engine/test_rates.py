import math

import pytest

from jieshui.engine import (Leakage, RateError, county_leakage, default_standard, leakage,
                            pressure_correction, ratio)

TOL = default_standard().tolerance


def test_ratio_plain_and_exact():
    assert ratio(3, 4, tol=TOL) == 0.75
    assert ratio(40, 40, tol=TOL) == 1.0


def test_ratio_zero_over_zero_is_not_applicable():
    assert ratio(0, 0, tol=TOL) is None


@pytest.mark.parametrize("num, den, fragment", [
    (5, 4, "分子5大于分母4"),
    (1, 0, "大于分母"),
    (-1, 4, "分子不能为负数"),
    (1, -4, "分母不能为负数"),
    (math.nan, 4, "分子不是有效数字"),
    (1, math.inf, "分母不是有效数字"),
])
def test_ratio_refuses_impossible_inputs(num, den, fragment):
    with pytest.raises(RateError, match=fragment):
        ratio(num, den, tol=TOL)


def test_ratio_rounding_noise_above_one_is_accepted_as_one():
    # 0.1 * 3 is 0.30000000000000004: a spreadsheet sum may exceed its total by a hair.
    assert ratio(0.1 * 3, 0.3, tol=TOL) == 1.0


def test_cjj92_worked_example():
    # standard-2023.md: Qs 1000, Qa 850 -> R_WL 15 %; resident 500 -> R1 4 %; pipe 80 km ->
    # A 0.08 -> R2 = 0.99 * (0.08 - 0.0693) = 1.0593 %; 0.40 MPa -> R3 0.5 %; 1.8 m -> R4 1 %.
    u = leakage(1000, 850, 500, 80, 0.40, 1.8, tol=TOL)
    assert u.r_wl == pytest.approx(0.15)
    assert u.r1 == pytest.approx(0.04)
    assert u.r2 == pytest.approx(0.010593)
    assert u.r3 == pytest.approx(0.005)
    assert u.r4 == pytest.approx(0.01)
    assert u.r_bl == pytest.approx(0.084407)


def test_cjj92_r2_clamped_at_plus_three_percent():
    # 100 km / 1000 -> A 0.1 -> 0.99 * 0.0307 = 3.0393 % -> clamped to 3 %.
    assert leakage(1000, 850, 500, 100, 0.40, 1.8, tol=TOL).r2 == pytest.approx(0.03)


def test_cjj92_r2_clamped_at_minus_three_percent():
    # No DN75 pipe at all: 0.99 * (0 - 0.0693) = -6.86 % -> clamped to -3 %.
    assert leakage(1000, 850, 0, 0, 0.2, 1.0, tol=TOL).r2 == pytest.approx(-0.03)


@pytest.mark.parametrize("pressure, expected", [
    (0.35, 0.0), (0.3501, 0.005), (0.55, 0.005), (0.5501, 0.01),
    (0.75, 0.01), (0.7501, 0.02), (0.0, 0.0),
])
def test_r3_pressure_bands(pressure, expected):
    assert pressure_correction(pressure) == expected


@pytest.mark.parametrize("depth, expected", [(1.4, 0.0), (1.41, 0.01), (0.0, 0.0)])
def test_r4_frost_depth(depth, expected):
    assert leakage(100, 90, 0, 10, 0.3, depth, tol=TOL).r4 == expected


@pytest.mark.parametrize("args, field", [
    ((100, 101, 0, 10, 0.3, 1), "registered_use"),
    ((100, 90, 120, 10, 0.3, 1), "resident_metered"),
    ((0, 0, 0, 10, 0.3, 1), "supply_total"),
    ((100, 90, 0, -1, 0.3, 1), "pipe_length_km"),
])
def test_leakage_refuses_impossible_utility(args, field):
    with pytest.raises(RateError) as info:
        leakage(*args, tol=TOL)
    assert info.value.field == field


def test_county_value_is_supply_weighted():
    a = Leakage(supply=300, r_wl=0.10, r1=0, r2=0, r3=0, r4=0)
    b = Leakage(supply=100, r_wl=0.20, r1=0.02, r2=0, r3=0, r4=0)
    # (0.10 * 300 + 0.18 * 100) / 400 = 0.12
    assert county_leakage([a, b]) == pytest.approx(0.12)
    assert county_leakage([]) is None
