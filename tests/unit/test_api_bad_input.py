"""Bad input catalogue: every case is normalised or rejected with a Chinese message naming the field."""
import json

import pytest

from calc.api import estimate, estimate_dict

BASE = {"region": "xianning", "year": 2022, "identities": ["dibao"]}


def with_stay(**kw):
    s = {"total": "5000", "level": "2", "place": "county", "referral": False}
    s.update(kw)
    return {**BASE, "stays": [s]}


REJECT = [
    # (case id, input dict, field, words the message must contain)
    ("empty_total", with_stay(total=""), "stays[0].total", "不能为空"),
    ("spaces_total", with_stay(total="   "), "stays[0].total", "不能为空"),
    ("none_total", with_stay(total=None), "stays[0].total", "不能为空"),
    ("negative_total", with_stay(total="-100"), "stays[0].total", "负数"),
    ("zero_total", with_stay(total="0"), "stays[0].total", "不能为0"),
    ("text_total", with_stay(total="一万块钱吧"), "stays[0].total", "数字"),
    ("exponent_total", with_stay(total="1e5"), "stays[0].total", "数字"),
    ("letters_total", with_stay(total="abc"), "stays[0].total", "数字"),
    ("huge_total", with_stay(total="1e308"), "stays[0].total", "太大"),
    ("absurd_total", with_stay(total="99999999999"), "stays[0].total", "太大"),
    ("nan_total", with_stay(total="NaN"), "stays[0].total", "数字"),
    ("inf_total", with_stay(total="Infinity"), "stays[0].total", "数字"),
    ("bool_total", with_stay(total=True), "stays[0].total", "数字"),
    ("list_total", with_stay(total=[1]), "stays[0].total", "数字"),
    ("bad_commas", with_stay(total="1,2,3"), "stays[0].total", "数字"),
    ("oop_above_total", with_stay(total="5000", out_of_policy="6000"), "stays[0].out_of_policy", "不能大于总费用"),
    ("negative_oop", with_stay(out_of_policy="-1"), "stays[0].out_of_policy", "负数"),
    ("unknown_level", with_stay(level="4"), "stays[0].level", "医院等级"),
    ("unknown_place", with_stay(place="moon"), "stays[0].place", "就医地点"),
    ("bad_referral", with_stay(referral="maybe"), "stays[0].referral", "规范转诊"),
    ("script_in_total", with_stay(total="<script>alert(1)</script>"), "stays[0].total", "不允许"),
    ("script_in_level", with_stay(level="<script>"), "stays[0].level", "不允许"),
    ("unknown_region", {**BASE, "region": "beijing"}, "region", "不支持"),
    ("empty_region", {**BASE, "region": ""}, "region", "地区"),
    ("script_region", {**BASE, "region": "<script>x</script>"}, "region", "不允许"),
    ("unknown_year", {**BASE, "year": 2019}, "year", "年度"),
    ("text_year", {**BASE, "year": "明年"}, "year", "年度"),
    ("unknown_identity", {**BASE, "identities": ["king"]}, "identities", "身份"),
    ("identity_not_in_region", {**BASE, "identities": ["yinbing"]}, "identities", "没有"),
    ("identities_not_list", {**BASE, "identities": "dibao"}, "identities", "列表"),
    ("identities_number", {**BASE, "identities": 3}, "identities", "列表"),
    ("stays_not_list", {**BASE, "stays": "50000"}, "stays", "列表"),
    ("too_many_stays", {**BASE, "stays": [{"total": "100"}] * 21}, "stays", "最多"),
    ("stay_not_object", {**BASE, "stays": ["50000"]}, "stays[0]", "格式"),
    ("bad_scheme", {**BASE, "scheme": "employee"}, "scheme", "居民医保"),
    ("bad_tier", {**BASE, "region": "chongqing", "tier": 3}, "tier", "档次"),
    ("tier2_where_none", {**BASE, "tier": 2}, "tier", "不分"),
    ("employee_without_wage", {**BASE, "region": "dongzhi", "scheme": "employee"}, "wage", "工资"),
    ("negative_wage", {**BASE, "region": "dongzhi", "scheme": "employee", "wage": "-5"}, "wage", "负数"),
    ("negative_chronic", {**BASE, "outpatient": {"chronic": "-3"}}, "outpatient.chronic", "负数"),
    ("text_drugs", {**BASE, "outpatient": {"special_drugs": "很多"}}, "outpatient.special_drugs", "数字"),
    ("override_document_figure", {**BASE, "overrides": {"assistance.dibao_fanpin.cap": "99999"}},
     "overrides.assistance.dibao_fanpin.cap", "不能修改"),
    ("override_unknown", {**BASE, "overrides": {"no.such.param": "1"}}, "overrides", "不认识"),  # the raw key is not echoed
    ("override_bad_value", {**BASE, "overrides": {"basic.level2.ratio": "abc"}}, "overrides.basic.level2.ratio", "数字"),
    ("override_ratio_above_1", {**BASE, "overrides": {"basic.level2.ratio": "7"}}, "overrides.basic.level2.ratio", "比例"),
]


@pytest.mark.parametrize("case,data,field,words", REJECT, ids=[c[0] for c in REJECT])
def test_bad_input_rejected_with_chinese_message(case, data, field, words):
    out = json.loads(estimate(json.dumps(data, ensure_ascii=False)))
    assert out["ok"] is False
    fields = [e["field"] for e in out["errors"]]
    assert field in fields, out
    msg = next(e["message"] for e in out["errors"] if e["field"] == field)
    assert words in msg
    assert "<" not in json.dumps(out["errors"], ensure_ascii=False)  # markup never echoed
    assert "Traceback" not in msg


ACCEPT = [
    ("fullwidth_digits", "１２３４５", "12345.00"),
    ("thousands_comma", "12,000", "12000.00"),
    ("fullwidth_comma", "12，000", "12000.00"),
    ("yuan_suffix", "12000元", "12000.00"),
    ("spaces_around", " 12000 ", "12000.00"),
    ("many_decimals_rounded", "12000.005", "12000.01"),
    ("number_not_string", 12000, "12000.00"),
    ("wan", "3万", "30000.00"),
    ("wan_decimal", "3.5万", "35000.00"),
    ("chinese_numerals", "三万", "30000.00"),
    ("chinese_abbreviated", "三万五", "35000.00"),
    ("chinese_with_zero", "一万零五百", "10500.00"),
    ("yuan_and_comma", "30,000元", "30000.00"),
]


@pytest.mark.parametrize("case,raw,expected", ACCEPT, ids=[c[0] for c in ACCEPT])
def test_amounts_normalised(case, raw, expected):
    out = estimate_dict(with_stay(total=raw))
    assert out["ok"], out
    assert out["stays"][0]["total"] == expected and out["input"]["stays"][0]["total"] == expected


@pytest.mark.parametrize("text", ["", "{", "[1,2", "null", "42", "\"x\"", "{\"region\": NaN}", "{'a':1}"])
def test_wrong_json_rejected(text):
    out = json.loads(estimate(text))
    assert out["ok"] is False and out["errors"][0]["field"] in ("json", "region")


def test_zero_outpatient_is_fine_and_no_stays_is_fine():
    out = estimate_dict({**BASE, "outpatient": {"chronic": "0", "special_drugs": ""}})
    assert out["ok"] and out["year"]["total"] == "0.00"


def test_nan_number_literal_rejected():
    out = json.loads(estimate('{"region":"xianning","stays":[{"total": NaN}]}'))
    assert out["ok"] is False and out["errors"][0]["field"] == "json"


HUGE_INT = [("huge_int_total", with_stay(total=10 ** 5000)),   # over Python's 4,300 digits for int -> text
            ("huge_int_elsewhere", {**BASE, "year": 10 ** 5000, "stays": [{"total": "5000"}]})]


@pytest.mark.parametrize("case,data", [c[:2] for c in REJECT] + HUGE_INT,
                         ids=[c[0] for c in REJECT] + [c[0] for c in HUGE_INT])
def test_the_amounts_only_path_refuses_the_same_inputs_with_the_same_words(case, data):
    """calc.api.amounts (a roster row, a chart's points) and estimate_dict read input the same way."""
    from calc.api import amounts
    from calc.input import InputError

    want = estimate_dict(data)
    assert want["ok"] is False
    with pytest.raises(InputError) as refused:
        amounts(data)
    assert refused.value.errors == want["errors"]


@pytest.mark.parametrize("case,raw,expected", ACCEPT, ids=[c[0] for c in ACCEPT])
def test_the_amounts_only_path_gives_estimate_dicts_amounts(case, raw, expected):
    from calc.api import amounts
    from calc.engine import YEAR_KEYS
    from calc.money import s

    data = {**with_stay(total=raw), "identities": ["dibao", "fanpin"]}
    want = estimate_dict(data)
    rp, _, _, _, run = amounts(data)
    assert {k: s(run.year[k]) for k in YEAR_KEYS} == want["year"]
    assert rp.label_of(run.ctx.schedule["assistance"]) == want["identity"]["label"]
