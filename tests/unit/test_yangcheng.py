"""阳城县 阳医保发〔2022〕2号. Assumed basic: level 2 deductible 400, ratio 80% (≈75% target on 6,000);
大病 threshold 16,095 (2021) / 17,564 (2022), halved 8,782 for the tilt; 60% (65%)."""
from .conftest import run, stay, rules_in

R = "yangcheng"


def test_YC_136_cap_in_2021_gone_in_2022():
    """返贫致贫 30,000 (3,000 out of catalog) in county level 2. basic (27,000 − 400) × 80% = 21,280;
    大病 0; assistance 5,720 × 70% = 4,004; out-of-catalog 3,000 × 85% = 2,550; left in catalog 1,716.
    2021: capped at 1,000 → 716 paid by the supplementary insurance, resident 1,000 + 450 = 1,450.
    2022: no cap → resident 1,716 + 450 = 2,166."""
    a = run(R, ["fanpin"], [stay(30000, 3000)], year=2021)
    b = run(R, ["fanpin"], [stay(30000, 3000)], year=2022)
    assert (a["stays"][0]["other"], a["stays"][0]["resident"]) == ("716.00", "1450.00")
    assert (b["stays"][0]["other"], b["stays"][0]["resident"]) == ("0.00", "2166.00")


def test_YC_SUP_1_supplementary_insurance_stops_2022():
    """The trace states the supplementary insurance in 2021 and its end from 2022; 2022 pays nothing extra."""
    a = run(R, ["fanpin"], [stay(30000)], year=2021)
    b = run(R, ["fanpin"], [stay(30000)], year=2022)
    assert "YC-SUP-1" in rules_in(a) and "YC-SUP-1" in rules_in(b)
    cap_steps = lambda o: [t for t in o["trace"] if t["rule"] == "YC-136" and t["tier"] == "other"]
    assert cap_steps(a) and not cap_steps(b)


def test_YC_CI_1_tilt_for_dibao():
    """100,000 in policy: basic 99,600 × 80% = 79,680; self-pay 20,320.
    低保 (20,320 − 8,782) × 65% = 7,499.70; 普通 (20,320 − 17,564) × 60% = 1,653.60."""
    assert run(R, ["dibao"], [stay(100000)])["stays"][0]["critical"] == "7499.70"
    assert run(R, ["putong"], [stay(100000)])["stays"][0]["critical"] == "1653.60"


def test_YC_AST_1_tekun_100_percent():
    """特困 100,000: assistance = 20,320 − 7,499.70 = 12,820.30; resident 0."""
    o = run(R, ["tekun"], [stay(100000)])
    assert o["stays"][0]["assistance"] == "12820.30" and o["stays"][0]["resident"] == "0.00"


def test_YC_AST_2_top_up_to_90_percent():
    """返贫致贫 1,000 at a province level-3 hospital: basic (1,000 − 800) × 70% = 140; 大病 0;
    assistance 860 × 70% = 602; together 742 < 900 → top-up 158; resident 100 (10%)."""
    o = run(R, ["fanpin"], [stay(1000, level="3", place="province")])
    assert o["stays"][0]["assistance"] == "760.00" and o["stays"][0]["resident"] == "100.00"


def test_YC_AST_3_dibao_70_percent_cap_60000():
    """低保 100,000: (20,320 − 7,499.70) × 70% = 8,974.21. Three 400,000 stays → capped at 60,000."""
    assert run(R, ["dibao"], [stay(100000)])["stays"][0]["assistance"] == "8974.21"
    assert run(R, ["dibao"], [stay(400000)] * 3)["year"]["assistance"] == "60000.00"


def test_YC_AST_4_tilt_has_no_figure_assumption_zero_overridable():
    """Default ratio 0 (assumption) → 0. Override 50%: left after assistance 12,820.30 − 8,974.21 = 3,846.09
    × 50% = 1,923.045 → 1,923.05."""
    assert run(R, ["dibao"], [stay(100000)])["stays"][0]["tilt"] == "0.00"
    o = run(R, ["dibao"], [stay(100000)], overrides={"tilt.dibao": "0.5"})
    assert o["stays"][0]["tilt"] == "1923.05"


def test_YC_OPD_1_chronic_outpatient_assistance():
    """Chronic 1,000: basic 60% = 600; self-pay 400; 特困 60% = 240; 低保 30% = 120."""
    assert run(R, ["tekun"], outpatient={"chronic": "1000"})["outpatient"]["assistance"] == "240.00"
    assert run(R, ["dibao"], outpatient={"chronic": "1000"})["outpatient"]["assistance"] == "120.00"


def test_YC_OPD_2_special_drugs_assistance():
    """Special drugs 1,000: self-pay 400; 特困 20% = 80; 低保 10% = 40."""
    assert run(R, ["tekun"], outpatient={"special_drugs": "1000"})["outpatient"]["assistance"] == "80.00"
    assert run(R, ["dibao"], outpatient={"special_drugs": "1000"})["outpatient"]["assistance"] == "40.00"


def test_YC_OOP_1_out_of_catalog_share_cap():
    """低保 10,000 with 3,000 out of catalog: county 15% → 1,500 allowed, hospital bears 1,500;
    province level 3 at 30% → 3,000 allowed, hospital bears 0."""
    assert run(R, ["dibao"], [stay(10000, 3000)])["stays"][0]["hospital_bears"] == "1500.00"
    assert run(R, ["dibao"], [stay(10000, 3000, level="3", place="province")])["stays"][0]["hospital_bears"] == "0.00"


def test_YC_OOP_2_out_of_catalog_85_percent_for_fanpin():
    """返贫致贫 10,000 with 1,000 out of catalog in county: basic (9,000 − 400) × 80% = 6,880; 大病 0;
    assistance 2,120 × 70% = 1,484 + out of catalog 1,000 × 85% = 850 → 2,334."""
    o = run(R, ["fanpin"], [stay(10000, 1000)])
    assert o["stays"][0]["assistance"] == "2334.00"


def test_YC_SUB_1_premium_subsidy():
    """2022 contribution 320: 低保 max(256, 280) = 280 → 40; 返贫致贫 288 → 32; 易返贫致贫 280 → 40;
    特困 → 0; 稳定脱贫 → 320. 2023 (350): 低保 280 → 70."""
    pays = lambda i, y=2022: run(R, [i], year=y)["premium"]["resident_pays"]
    assert [pays("dibao"), pays("fanpin"), pays("jiance"), pays("tekun"), pays("wending")] == \
        ["40.00", "32.00", "40.00", "0.00", "320.00"]
    assert pays("dibao", 2023) == "70.00"
