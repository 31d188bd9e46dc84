"""重庆市 渝乡振发〔2022〕15号 (2021 before, 2022–2025 after): whom and when."""
from .conftest import rules_in, run as _run, stay, steps_of

R = "chongqing"


def run(region, ids, stays=(), year=2022, **kw):
    return _run(region, ids, stays, year=year, **kw)


def test_CQ_SUB_1_2021_not_stated_and_illness_patients_not_listed():
    assert run(R, ["dibao"], year=2021)["premium"]["subsidy"] is None
    assert run(R, ["yinbing"], year=2022)["premium"]["subsidy"] is None


def test_CQ_SUB_1_tier2_base_reading_stated():
    o = run(R, ["dibao"], year=2022, tier=2)
    assert any(t["reading"] and "一档的个人缴费" in t["reading"]["chosen"] for t in steps_of(o, "premium"))


def test_CQ_SUB_2_only_stable_poverty():
    assert "CQ-SUB-2" not in rules_in(run(R, ["putong"], year=2022))
    assert "CQ-SUB-2" in rules_in(run(R, ["wending"], year=2022))


def test_CQ_CHG_1_basic_bonus_only_2021_in_county_for_poverty():
    assert run(R, ["wending"], [stay(50000, place="city")], year=2021)["stays"][0]["basic"] == "37200.00"
    assert run(R, ["dibao"], [stay(50000)], year=2021)["stays"][0]["basic"] == "37200.00"
    o = run(R, ["dibao"], [stay(50000)], year=2021)
    assert o["stays"][0]["critical"] == "0.00"  # 2021 tilt: the document names 脱贫人口 only
    assert any(t["reading"] and "特困、低保2021年" in t["reading"]["chosen"] for t in steps_of(o, "critical"))


def test_CQ_CHG_2_2021_policies_noted_not_computed():
    o = run(R, ["wending"], [stay(50000)], year=2021)
    assert any(n["kind"] == "not_covered" and "精准脱贫保" in n["text"] for n in o["notes"])


def test_CQ_AST_1_illness_patients_are_recipients_at_60_percent_with_reading():
    o = run(R, ["yinbing"], [stay(50000)], year=2022)
    assert o["stays"][0]["assistance"] == "7680.00"
    assert any(t["reading"] for t in steps_of(o, "assistance"))


def test_CQ_ADM_1_depends_on_the_district():
    o = run(R, ["dibao"], [stay(50000)], year=2022)
    assert "有条件的区县" in next(t for t in o["trace"] if t["rule"] == "CQ-ADM-1")["text"]
    assert run(R, ["wending"], [stay(50000)], year=2021)["stays"][0]["admission_payment"] == "0.00"


def test_CQ_OPD_1_not_in_2021():
    assert run(R, ["dibao"], year=2021, outpatient={"chronic": "3000"})["outpatient"]["assistance"] == "0.00"
