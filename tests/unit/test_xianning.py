"""咸宁市 咸医保发〔2021〕31号, year 2022. Assumed basic: level 2 deductible 400, ratio 75%;
大病 threshold 17,564 (halved 8,782 for the tilt), 60% (65% with tilt) below 100,000."""
from .conftest import run, stay, rules_in

R = "xianning"


def test_XN_BASE_1_typical_stay_lands_at_target_ratio():
    """6,000 in county level 2, 普通: basic = (6000−400)×75% = 4,200 = 70% of 6,000 (document target)."""
    o = run(R, ["putong"], [stay(6000)])
    assert o["stays"][0]["basic"] == "4200.00"
    assert o["stays"][0]["resident"] == "1800.00"


def test_XN_CI_1_tilt_halves_threshold_and_adds_5_points():
    """50,000 in policy: basic 37,200, self-pay 12,800.
    普通: 12,800 < 17,564 → 大病 0. 返贫致贫: (12,800 − 8,782) × 65% = 2,611.70."""
    assert run(R, ["putong"], [stay(50000)])["stays"][0]["critical"] == "0.00"
    assert run(R, ["fanpin"], [stay(50000)])["stays"][0]["critical"] == "2611.70"


def test_XN_AST_4_deductible_not_counted_toward_critical():
    """低保: base excludes the 400 deductible → (12,400 − 8,782) × 65% = 2,351.70 (返贫致贫 gets 2,611.70)."""
    o = run(R, ["dibao"], [stay(50000)])
    assert o["stays"][0]["critical"] == "2351.70"
    assert "XN-AST-4" in rules_in(o)


def test_XN_AST_1_tekun_full_assistance():
    """特困: 大病 2,351.70; assistance 100% of 12,800 − 2,351.70 = 10,448.30; resident 0."""
    o = run(R, ["tekun"], [stay(50000)])
    assert o["stays"][0]["assistance"] == "10448.30"
    assert o["stays"][0]["resident"] == "0.00"


def test_XN_AST_2_low_income_split_ratio():
    """返贫致贫 50,000: remain 12,800 − 2,611.70 = 10,188.30; below the (halved) 大病 threshold 8,782 × 70%
    = 6,147.40; above 1,406.30 × 72% = 1,012.536; total 7,159.94; resident 3,028.36."""
    o = run(R, ["fanpin"], [stay(50000)])
    assert o["stays"][0]["assistance"] == "7159.94"
    assert o["stays"][0]["resident"] == "3028.36"


def test_XN_AST_2_yearly_cap_30000():
    """Three 200,000 stays: uncapped assistance would exceed 30,000 → exactly 30,000 for the year."""
    o = run(R, ["fanpin"], [stay(200000)] * 3)
    assert o["year"]["assistance"] == "30000.00"


def test_XN_AST_3_threshold_1000_and_65_percent():
    """监测对象 50,000: no 大病 tilt, 12,800 < 17,564 → 大病 0; (12,800 − 1,000) × 65% = 7,670.00."""
    o = run(R, ["jiance"], [stay(50000)])
    assert o["stays"][0]["assistance"] == "7670.00"
    assert o["stays"][0]["resident"] == "5130.00"


def test_XN_TILT_1_remaining_burden_above_5000():
    """低保 200,000, referred: basic 149,700; 大病 (49,900 − 8,782) × 65% = 26,726.70;
    remain 23,573.30; assistance 9,182 × 70% + 14,391.30 × 72% = 16,789.14; left 6,784.16;
    倾斜 (6,784.16 − 5,000) × 90% = 1,605.74; resident 5,178.42."""
    o = run(R, ["dibao"], [stay(200000, referral=True)])
    s = o["stays"][0]
    assert (s["critical"], s["assistance"], s["tilt"], s["resident"]) == ("26726.70", "16789.14", "1605.74", "5178.42")


def test_XN_REF_1_no_referral_no_tilt_and_continuous_deductible():
    """Same stay without referral → 倾斜 0. Referred second stay at level 3 (deductible 800) after a
    level-2 stay (400) pays only 400: basic = (10,000 − 400) × 65% = 6,240."""
    o = run(R, ["dibao"], [stay(200000, referral=False)])
    assert o["stays"][0]["tilt"] == "0.00" and "XN-REF-1" in rules_in(o)
    o = run(R, ["putong"], [stay(6000), stay(10000, level="3", place="city", referral=True)])
    assert o["stays"][1]["basic"] == "6240.00"


def test_XN_OPD_1_outpatient_in_assistance_and_shared_cap():
    """低保 chronic 3,000: basic 60% = 1,800; assistance 1,200 × 70% = 840. After stays using the whole
    30,000 cap, outpatient assistance is 0."""
    o = run(R, ["dibao"], outpatient={"chronic": "3000"})
    assert o["outpatient"]["assistance"] == "840.00"
    o = run(R, ["dibao"], [stay(200000)] * 3, outpatient={"chronic": "3000"})
    assert o["outpatient"]["assistance"] == "0.00"
    assert o["year"]["assistance"] == "30000.00"


def test_XN_WARN_1_warning_lines():
    """普通 100,000: basic 74,700; 大病 (25,300 − 17,564) × 60% = 4,641.60; resident 20,658.40 > 18,931
    (100% of 2021 rural income) → warning. 普通 50,000: resident 12,800 < 18,931 → none;
    监测对象 50,000: resident 5,130 < 9,465.50 → none; 监测对象 200,000: 大病 (50,300 − 17,564) × 60%
    = 19,641.60, assistance 16,564 × 65% + 13,094.40 × 70% = 19,932.68, resident 10,725.72 > 9,465.50 → warns."""
    assert run(R, ["putong"], [stay(100000)])["warnings"][0]["rule"] == "XN-WARN-1"
    assert run(R, ["putong"], [stay(50000)])["warnings"] == []
    assert run(R, ["jiance"], [stay(50000)])["warnings"] == []
    o = run(R, ["jiance"], [stay(200000)])
    assert o["year"]["resident"] == "10725.72" and o["warnings"]


def test_XN_OOP_1_out_of_policy_cap_hospital_bears():
    """低保 50,000 with 5,000 out of policy, county level 2: allowed 8% = 4,000 → hospital bears 1,000."""
    o = run(R, ["dibao"], [stay(50000, 5000)])
    assert o["stays"][0]["hospital_bears"] == "1000.00"
    assert run(R, ["putong"], [stay(50000, 5000)])["stays"][0]["hospital_bears"] == "0.00"


def test_XN_ADM_1_pay_only_deductible_at_admission():
    """低保 in county level 2 pays the 400 deductible at admission; 普通 and out-of-county: none."""
    assert run(R, ["dibao"], [stay(50000)])["stays"][0]["admission_payment"] == "400.00"
    assert run(R, ["putong"], [stay(50000)])["stays"][0]["admission_payment"] is None
    assert run(R, ["dibao"], [stay(50000, place="city")])["stays"][0]["admission_payment"] is None


def test_XN_SUB_1_premium_subsidy_and_phase_out():
    """2022 contribution 320: 低保 max(320, 90%×320=288) = 320 → pays 0. 2023 (350): 320 vs 315 → 320, pays 30.
    稳定脱贫 (assumed 2021 standard 160): 2022 80% = 128 → pays 192; 2025 none → pays 400.
    低保+返贫致贫 2023: 320 vs 175 → the higher, 320, never both."""
    assert run(R, ["dibao"], year=2022)["premium"]["resident_pays"] == "0.00"
    assert run(R, ["dibao"], year=2023)["premium"]["resident_pays"] == "30.00"
    assert run(R, ["wending"], year=2022)["premium"]["resident_pays"] == "192.00"
    assert run(R, ["wending"], year=2025)["premium"]["resident_pays"] == "400.00"
    assert run(R, ["fanpin", "dibao"], year=2023)["premium"]["subsidy"] == "320.00"
