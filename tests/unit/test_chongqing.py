"""重庆市 渝乡振发〔2022〕15号. Assumed: level 2 400/75%; 大病 16,095 (2021) / 17,564 (2022); tier 1 320, tier 2 595."""
from .conftest import run, stay, rules_in

R = "chongqing"


def test_CQ_SUB_1_tier1_and_tier2_subsidy():
    """Tier 1 (320): 低保 90% = 288 → pays 32; 返贫致贫 70% = 224 → 96; 特困 → 0.
    Tier 2 (595): 低保 subsidised 100% of tier 1 = 320 → pays 275."""
    assert run(R, ["dibao"])["premium"]["resident_pays"] == "32.00"
    assert run(R, ["fanpin"])["premium"]["resident_pays"] == "96.00"
    assert run(R, ["tekun"])["premium"]["resident_pays"] == "0.00"
    assert run(R, ["dibao"], tier=2)["premium"]["resident_pays"] == "275.00"


def test_CQ_SUB_2_stable_poverty_phase_out():
    """稳定脱贫: 2022 100 → 220; 2023 50 → 270; 2024 0 → 320."""
    assert [run(R, ["wending"], year=y)["premium"]["resident_pays"] for y in (2022, 2023, 2024)] == \
        ["220.00", "270.00", "320.00"]


def test_CQ_CHG_1_2021_two_up_two_down_vs_2022():
    """返贫致贫 6,000 in county level 2: 2021 deductible 200, ratio 85% → 5,800 × 85% = 4,930;
    2022 → 4,200."""
    assert run(R, ["fanpin"], [stay(6000)], year=2021)["stays"][0]["basic"] == "4930.00"
    assert run(R, ["fanpin"], [stay(6000)], year=2022)["stays"][0]["basic"] == "4200.00"


def test_CQ_CHG_2_stable_poverty_tilt_ends_2021():
    """稳定脱贫 100,000 in county level 2. 2021: basic (100,000 − 200) × 85% = 84,830; self-pay 15,170;
    tilt threshold 8,047.50 → (15,170 − 8,047.50) × 65% = 4,629.63 (4,629.625 rounded half up).
    2022: basic 74,700, self-pay 25,300, ordinary (25,300 − 17,564) × 60% = 4,641.60."""
    a = run(R, ["wending"], [stay(100000)], year=2021)
    b = run(R, ["wending"], [stay(100000)], year=2022)
    assert a["stays"][0]["critical"] == "4629.63"
    assert b["stays"][0]["critical"] == "4641.60"
    assert "CQ-CHG-2" in rules_in(b)


def test_CQ_AST_1_floors_70_and_60():
    """50,000 2022: self-pay 12,800. 低保 大病 (12,800 − 8,782) × 65% = 2,611.70 → (10,188.30) × 70% = 7,131.81.
    监测 (no tilt, 大病 0): 12,800 × 60% = 7,680."""
    assert run(R, ["dibao"], [stay(50000)])["stays"][0]["assistance"] == "7131.81"
    assert run(R, ["jiance"], [stay(50000)])["stays"][0]["assistance"] == "7680.00"


def test_CQ_ADM_1_no_deposit():
    """低保 in county: 0 at admission. 稳定脱贫: 0 in 2021, not from 2022 (None)."""
    assert run(R, ["dibao"], [stay(5000)])["stays"][0]["admission_payment"] == "0.00"
    assert run(R, ["wending"], [stay(5000)], year=2021)["stays"][0]["admission_payment"] == "0.00"
    assert run(R, ["wending"], [stay(5000)], year=2022)["stays"][0]["admission_payment"] is None


def test_CQ_OPD_1_outpatient_shares_cap():
    """低保 chronic 1,000: basic 600, assistance 400 × 70% = 280. With the cap overridden to 7,200 and a 50,000
    stay using 7,131.81, outpatient gets only 68.19."""
    assert run(R, ["dibao"], outpatient={"chronic": "1000"})["outpatient"]["assistance"] == "280.00"
    o = run(R, ["dibao"], [stay(50000)], outpatient={"chronic": "1000"}, overrides={"assistance.dibao.cap": "7200"})
    assert o["outpatient"]["assistance"] == "68.19"
