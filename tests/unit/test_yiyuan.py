"""沂源县 源医保发〔2020〕8号 (2020). Assumed basic level 2: 400, 75%; ordinary 大病 threshold 15,366.50."""
from .conftest import run, stay, rules_in

R = "yiyuan"


def test_YY_CI_1_poverty_bands():
    """返贫致贫(建档立卡) 100,000: basic 74,700; self-pay 25,300; (25,300 − 5,000) × 65% = 13,195.
    400,000: basic capped at 150,000; self-pay 250,000; 95,000 × 65% + 150,000 × 75% = 174,250.
    普通 100,000: (25,300 − 15,366.50) × 60% = 5,960.10."""
    assert run(R, ["fanpin"], [stay(100000)])["stays"][0]["critical"] == "13195.00"
    assert run(R, ["fanpin"], [stay(400000)])["stays"][0]["critical"] == "174250.00"
    assert run(R, ["putong"], [stay(100000)])["stays"][0]["critical"] == "5960.10"


def test_YY_CI_2_special_drugs_no_threshold_60():
    """Drugs 10,000: basic 6,000; 大病特药 4,000 × 60% = 2,400."""
    assert run(R, ["fanpin"], outpatient={"special_drugs": "10000"})["outpatient"]["critical"] == "2400.00"


def test_YY_AST_1_dibao_80_floor():
    """低保 100,000: 大病 5,960.10; (25,300 − 5,960.10) × 80% = 15,471.92 (below the 20,000 floor cap)."""
    assert run(R, ["dibao"], [stay(100000)])["stays"][0]["assistance"] == "15471.92"


def test_YY_AST_2_threshold_reading_part_above_10000():
    """低保边缘 100,000: remain 19,339.90; (19,339.90 − 10,000) × 40% = 3,735.96."""
    assert run(R, ["dibao_edge"], [stay(100000)])["stays"][0]["assistance"] == "3735.96"


def test_YY_AST_3_yinbing_above_30000():
    """因病致贫 100,000: remain 19,339.90 < 30,000 → 0. 300,000: basic 150,000; self-pay 150,000;
    大病 84,633.50 × 60% + 50,000 × 70% = 85,780.10; remain 64,219.90; (64,219.90 − 30,000) × 20% = 6,843.98."""
    assert run(R, ["yinbing"], [stay(100000)])["stays"][0]["assistance"] == "0.00"
    assert run(R, ["yinbing"], [stay(300000)])["stays"][0]["assistance"] == "6843.98"


def test_YY_RE_1_re_assistance_after_five_tiers():
    """低保边缘 100,000: remain after assistance 15,603.94; (15,603.94 − 5,000) × 70% = 7,422.76.
    With hospital waiver 1,000 + 特惠保 500: (14,103.94 − 5,000) × 70% = 6,372.76."""
    assert run(R, ["dibao_edge"], [stay(100000)])["stays"][0]["tilt"] == "7422.76"
    o = run(R, ["dibao_edge"], [stay(100000, hospital_waiver="1000", tehuibao="500")])
    assert (o["stays"][0]["other"], o["stays"][0]["tilt"]) == ("1500.00", "6372.76")
    assert "YY-RE-1" in rules_in(o)
