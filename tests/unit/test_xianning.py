"""咸宁市 咸医保发〔2021〕31号 (2022–2025): who each rule reaches, and who and when it does not.
The amounts are hand-worked in tests/cases/xianning/; these tests add the excluded people and years."""
from .conftest import D, rules_in, run as _run, stay, steps_of

R = "xianning"


def run(region, ids, stays=(), year=2022, **kw):
    return _run(region, ids, stays, year=year, **kw)


def test_XN_BASE_1_same_basic_benefit_for_every_identity():
    """二（三）: the basic step is the same for 特困 and 普通 and cites 二（三）; its figures are assumptions."""
    a, b = run(R, ["tekun"], [stay(6000)]), run(R, ["putong"], [stay(6000)])
    assert a["stays"][0]["basic"] == b["stays"][0]["basic"] == "4200.00"
    step = steps_of(b, "basic")[0]
    assert step["rule"] == "XN-BASE-1" and step["cite"] == "咸医保发〔2021〕31号 二（三）"
    assert any(b["figures"][p]["provenance"] == "assumption" for p in step["figures"])


def test_XN_CI_1_tilt_only_for_tekun_dibao_fanpin():
    """监测、突发、稳定脱贫、普通 get the ordinary 大病 (no tilt) on the same bill."""
    for ident in ("jiance", "tufa", "wending", "putong"):
        o = run(R, [ident], [stay(50000)])
        assert o["stays"][0]["critical"] == "0.00" and "XN-CI-1" not in rules_in(o), ident
    assert run(R, ["fanpin"], [stay(50000)])["stays"][0]["critical"] == "2611.70"


def test_XN_AST_1_only_tekun_gets_100_percent():
    assert run(R, ["tekun"], [stay(50000)])["stays"][0]["resident"] == "0.00"
    assert "XN-AST-1" not in rules_in(run(R, ["dibao"], [stay(50000)]))


def test_XN_AST_2_dibao_fanpin_not_monitoring_groups():
    o = run(R, ["jiance"], [stay(50000)])
    assert "XN-AST-2" not in rules_in(o) and "XN-AST-3" in rules_in(o)


def test_XN_AST_3_no_assistance_for_stable_or_ordinary():
    """稳定脱贫人口 and 普通参保人员 are not among 二（五）'s recipients: no assistance, said so."""
    for ident in ("wending", "putong"):
        o = run(R, [ident], [stay(50000)])
        assert o["year"]["assistance"] == "0.00"
        assert any("不在文件列出的医疗救助对象" in t["text"] for t in steps_of(o, "assistance")), ident


def test_XN_AST_4_deductible_excluded_only_for_tekun_dibao_with_the_reading_stated():
    o = run(R, ["dibao"], [stay(50000)])
    step = next(t for t in o["trace"] if t["rule"] == "XN-AST-4")
    assert step["reading"] and "按救助比例" in step["reading"]["chosen"] and step["reading"]["alternative"]
    assert "XN-AST-4" not in rules_in(run(R, ["fanpin"], [stay(50000)]))


def test_XN_TILT_1_needs_referral_and_province_and_identity():
    assert run(R, ["dibao"], [stay(200000, referral=True)])["stays"][0]["tilt"] == "1605.74"
    assert run(R, ["dibao"], [stay(200000, referral=True, place="outside")])["stays"][0]["tilt"] == "0.00"
    assert run(R, ["wending"], [stay(200000, referral=True)])["stays"][0]["tilt"] == "0.00"


def test_XN_OPD_1_outpatient_shares_the_cap_and_says_the_order():
    o = run(R, ["dibao"], [stay(200000)] * 2, outpatient={"chronic": "60000"})
    opd = next(t for t in steps_of(o, "assistance") if t["stay"] is None)
    assert "门诊和住院共用" in opd["text"] and "先算住院" in opd["text"]


def test_XN_WARN_1_compares_the_years_medical_cost_not_the_self_pay():
    """普通 50,000: self-pay 12,800 < 18,931 but the year's medical cost 50,000 > 18,931 → warned."""
    o = run(R, ["putong"], [stay(50000)])
    assert D(o["year"]["resident"]) < D("18931") and o["warnings"]
    assert "50,000.00" in o["warnings"][0]["message"]
    assert run(R, ["putong"], [stay(15000)])["warnings"] == []


def test_XN_OOP_1_only_low_income_and_only_the_named_hospitals():
    assert run(R, ["wending"], [stay(50000, 5000)])["stays"][0]["hospital_bears"] == "0.00"
    # city level 2 is not among 三（一）'s hospital kinds: no control
    assert run(R, ["dibao"], [stay(50000, 5000, place="city")])["stays"][0]["hospital_bears"] == "0.00"


def test_XN_ADM_1_only_low_income_in_county():
    assert run(R, ["putong"], [stay(50000)])["stays"][0]["admission_payment"] is None
    assert run(R, ["wending"], [stay(50000)])["stays"][0]["admission_payment"] is None
    assert run(R, ["dibao"], [stay(50000, place="city")])["stays"][0]["admission_payment"] is None


def test_XN_REF_1_continuity_only_on_a_referred_transfer_in_province_for_low_income():
    """三（四）: 农村低收入人口 在省域内 按规定转诊 — who, where and referral, each one needed."""
    two = lambda ident, **kw: run(R, [ident], [stay(6000), stay(10000, level="3", place="province", **kw)])
    assert two("dibao", transferred=True, referral=True)["stays"][1]["basic"] == "6240.00"
    assert two("putong", transferred=True, referral=True)["stays"][1]["basic"] == "5980.00"
    assert two("wending", transferred=True, referral=True)["stays"][1]["basic"] == "5980.00"
    assert two("dibao", transferred=False, referral=True)["stays"][1]["basic"] == "5980.00"
    # a transfer without 按规定转诊 (it used to get the continuous deductible)
    no_referral = two("dibao", transferred=True, referral=False)
    assert no_referral["stays"][1]["basic"] == "5980.00"
    step = next(t for t in no_referral["trace"] if t["stay"] == 1 and t["rule"] == "XN-REF-1" and t["tier"] == "basic")
    assert "没有按规定办转诊手续" in step["text"] and step["amount"] == "800.00"
    out = run(R, ["dibao"], [stay(6000), stay(10000, level="3", place="outside", transferred=True, referral=True)])
    assert out["stays"][1]["basic"] == "5060.00"  # (10,000 − 800) × 55%: no continuity outside the province


def test_XN_REF_1_the_way_of_continuing_is_an_assumption_and_says_so():
    """“连续计算” is the document's; “只补差额” is ours: the step lists that figure and says 假设."""
    out = run(R, ["dibao"], [stay(6000), stay(10000, level="3", place="province", transferred=True, referral=True)])
    step = next(t for t in out["trace"] if t["stay"] == 1 and t["rule"] == "XN-REF-1")
    assert "只补差额" in step["text"] and "假设" in step["text"]
    assert "basic.continuous.method" in step["figures"]
    assert out["figures"]["basic.continuous.method"]["provenance"] == "assumption"
    assert {"basic.level2.deductible", "basic.level3.deductible"} <= set(step["figures"])


def test_XN_SUB_1_unlisted_identity_is_not_claimed_none():
    """突发严重困难人口: 二（一） names no subsidy for them → null, "文件没有写", not 0."""
    p = run(R, ["tufa"])["premium"]
    assert p["subsidy"] is None and p["resident_pays"] is None
    assert run(R, ["putong"])["premium"]["subsidy"] == "0.00"
