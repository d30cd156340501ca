"""Every kind of bad county data gets a Chinese message naming the field; nothing is lost."""

import datetime as dt
import math
import re

import pytest

from jieshui.engine import WORKBOOK, DataFileError, assess, read_county_file, validate


def messages(result, field):
    return [e.message for e in result.errors if e.field == field]


def test_example_is_clean(std, example):
    assert validate(example, std).errors == []


def test_missing_keys_are_all_listed_and_verdict_is_incomplete(std, example):
    del example["inputs"]["permits_total"]
    del example["inputs"]["campaign_media"]
    result = assess(example, std)
    assert result.verdict == "数据不完整"
    assert messages(result, "inputs.permits_total") == [
        "缺少“水资源论证、取水许可审批总数”：请填写数值（单位：件）"]
    assert messages(result, "inputs.campaign_media")[0].startswith("缺少“利用电视、报刊")
    # The contents that need them are unscored, never a silent 0; the total is withheld.
    assert result.contents[0].points is None and result.contents[22].points is None
    assert result.contents[0].gap == "缺数据：水资源论证、取水许可审批总数"  # as the workbook says
    assert result.total is None
    assert result.contents[1].points == 3.0  # the rest is still scored


def test_unknown_key_names_the_closest_known_one(std, example):
    example["inputs"]["permits_totl"] = example["inputs"].pop("permits_total")
    result = assess(example, std)
    assert messages(result, "inputs.permits_totl") == [
        "未知字段permits_totl：是否应为permits_total（水资源论证、取水许可审批总数）？"]
    assert messages(result, "inputs.permits_total")  # and it is reported missing


def test_unknown_key_without_likeness(std, example):
    example["inputs"]["xyz"] = 3
    assert "评价标准中没有这一项" in messages(validate(example, std), "inputs.xyz")[0]


@pytest.mark.parametrize("key, value, fragment", [
    ("permits_total", "四十", "应为数字，当前填的是“四十”"),
    ("permits_total", 10 ** 400, "数值过大（一个401位的数）"),
    ("permits_total", dt.date(2025, 7, 20), "应为数字，当前填的是2025-07-20"),
    ("tiered_price_issued", None, "缺少“城镇居民阶梯水价制度已出台”：请填“是”或“否”"),
    ("permits_total", "40", "请去掉引号、单位或百分号，只填数字"),
    ("permits_total", True, "应为数字"),
    ("permits_total", -3, "不能为负数（当前为-3）"),
    ("permits_total", 40.5, "应为整数（当前为40.5）"),
    ("agri_irrigation_volume", float("nan"), "不是有效数字"),
    ("tiered_price_issued", 1.5, "应填“是”或“否”"),
    ("gdp_intensity_decline", 5.2, "如5.2%应填0.052"),
    ("irrigation_efficiency", 58.3, "大于1：请填0～1之间的小数，如0.583"),
])
def test_bad_values_name_the_field_and_what_to_enter(std, example, key, value, fragment):
    example["inputs"][key] = value
    result = assess(example, std)
    found = messages(result, f"inputs.{key}")
    assert len(found) == 1 and fragment in found[0], found
    assert result.verdict == "数据不完整"


@pytest.mark.parametrize("key, value, fragment", [
    # The workbook's rate cells are percent-formatted: 5.2 shows as 520%, 5.2% is typed as such.
    ("gdp_intensity_decline", 5.2, "为520%，超出-100%～100%的范围：请连同百分号按百分数填写，如5.2%"),
    ("gdp_intensity_decline", None, "请按百分数填写（如85%）"),
    ("gdp_intensity_decline", "5.2%", "（单元格中是文字而非数字）：请将单元格格式设为百分比后重新输入"),
    ("permits_total", " 40", "“ 40”（单元格中是文字而非数字）：请删去前后的空格后重新输入"),
    ("permits_total", "40%", "请删去百分号后重新输入"),
    ("permits_total", " 40% ", "请删去前后的空格和百分号后重新输入"),
    ("irrigation_efficiency", 58.3, "为58.3，超出0～1的范围：请填小数，如0.583"),
    ("tiered_price_issued", "对", "应从下拉列表选择“是”或“否”，当前为“对”"),
    ("tiered_price_issued", None, "缺少“城镇居民阶梯水价制度已出台”：请从下拉列表选择“是”或“否”"),
])
def test_a_workbooks_values_get_the_workbooks_advice(std, example, key, value, fragment):
    example["inputs"][key] = value
    found = messages(assess(example, std, WORKBOOK), f"inputs.{key}")
    assert len(found) == 1 and fragment in found[0], found


def test_a_workbook_without_utilities_is_told_of_its_table(std, example):
    example["utilities"] = []
    found = messages(assess(example, std, WORKBOOK), "utilities")
    assert found == ["未填写供水单位：请在供水单位表中为每个城镇公共供水单位填写一行，用于计算供水管网漏损率"]
    assert "[[utilities]]" in messages(assess(example, std), "utilities")[0]  # a data file's table


def test_booleans_accept_chinese_yes_no(std, example):
    example["inputs"]["tiered_price_issued"] = "否"
    example["inputs"]["campaign_media"] = "是"
    data = validate(example, std)
    assert data.errors == []
    assert data.inputs["tiered_price_issued"] is False and data.inputs["campaign_media"] is True


def test_negative_decline_rate_is_allowed(std, example):
    example["inputs"]["gdp_intensity_decline"] = -0.02
    result = assess(example, std)
    assert result.errors == []
    assert result.prerequisites[1].met is False
    assert result.verdict == "不满足必备条件"


def test_numerator_above_denominator(std, example):
    example["inputs"]["communities_certified"] = 90  # of 85 communities
    result = assess(example, std)
    assert messages(result, "inputs.communities_certified") == [
        "“已建成节水型居民小区数”90大于“居民小区总数”85"
        "（第16项评价内容）：分子不能大于分母，请核对两项数据"]
    assert result.contents[15].points is None


@pytest.mark.parametrize("field, value, fragment", [
    ("registered_use", 1200.0, "注册用户用水量1200万立方米，大于供水总量1000万立方米"),
    ("resident_metered", 1001.0, "居民抄表到户水量1001万立方米，大于供水总量1000万立方米"),
    ("supply_total", 0.0, "供水总量应大于0"),
    ("avg_pressure_mpa", 400.0, "超出合理范围（不超过2MPa），请检查单位"),
    ("pipe_length_km", "80km", "应为数字"),
])
def test_utility_errors_name_the_row_and_field(std, example, field, value, fragment):
    example["utilities"][0][field] = value
    result = assess(example, std)
    found = messages(result, f"utilities[1].{field}")
    assert len(found) == 1 and fragment in found[0], [e.message for e in result.errors]
    assert found[0].startswith("第1个供水单位")
    assert result.contents[16].points is None and result.verdict == "数据不完整"


def test_utility_missing_field_and_unknown_field(std, example):
    del example["utilities"][2]["frost_depth_m"]
    example["utilities"][2]["frost_depth"] = 1.8
    result = validate(example, std)
    assert messages(result, "utilities[3].frost_depth_m")[0].startswith("缺少第3个供水单位的“最大冻土深度”")
    assert "是否应为frost_depth_m" in messages(result, "utilities[3].frost_depth")[0]


def test_no_utilities(std, example):
    del example["utilities"]
    result = assess(example, std)
    assert "未填写供水单位" in messages(result, "utilities")[0]
    assert result.contents[16].points is None


def test_county_section_checked(std, example):
    example["county"] = {"name": "", "year": "2024年"}
    result = validate(example, std)
    assert "县（旗、区）名称未填写" in messages(result, "county.name")[0]
    assert messages(result, "county.province")
    assert "应为四位年份" in messages(result, "county.year")[0]


def test_unknown_section(std, example):
    example["input"] = {}
    assert "未知的节 [input]" in messages(validate(example, std), "input")[0]


def test_unreadable_files(tmp_path):
    with pytest.raises(DataFileError, match="找不到文件"):
        read_county_file(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[inputs]\npermits_total = = 3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="不是有效的 TOML"):
        read_county_file(bad)
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('name = "示例旗"'.encode("gbk"))
    with pytest.raises(DataFileError, match="UTF-8"):
        read_county_file(gbk)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 1_000_001)
    with pytest.raises(DataFileError, match="过大"):
        read_county_file(big)


def test_a_fraction_a_hair_above_one_is_one(std, example):
    """A sum of shares in binary floating point can land one step above 1 (1.0000000000000002)."""
    example["inputs"]["irrigation_efficiency"] = math.nextafter(1.0, 2.0)
    data = validate(example, std)
    assert not messages(data, "inputs.irrigation_efficiency")
    assert data.inputs["irrigation_efficiency"] == 1.0


@pytest.mark.parametrize("value", [None, "abc", dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 8, 30),
                                   [1, 2], {"a": 1}, 10 ** 30, float("inf"), -1, "85%"])
def test_messages_never_show_python(std, example, value):
    """Every input given every kind of wrong value: no repr, no key, no English word. Each value
    is wrong for every input -- but -1, which a decline rate (allow_negative) takes as a rise --
    so each such input has its own message to check: the test cannot pass on none."""
    wrong = [key for key, spec in std.inputs.items() if not (value == -1 and spec.allow_negative)]
    assert len(wrong) == len(std.inputs) - (4 if value == -1 else 0)  # the four decline rates
    for key in std.inputs:
        raw = example_with(example, key, value)
        errors = validate(raw, std).errors
        assert any(e.field == f"inputs.{key}" for e in errors) == (key in wrong), (key, errors)
        for error in errors:
            text = error.message
            assert not any(word in text for word in ("None", "datetime", "'", "[", "{", key)), text
            assert not re.search(r"[A-Za-z]{4,}", text.replace("jieshui standard", "")), text


def example_with(example, key, value):
    raw = {**example, "inputs": {**example["inputs"], key: value}}
    if value is None:
        del raw["inputs"][key]
    return raw
