"""东至县 东医保办〔2022〕11号 (2022)."""
from decimal import Decimal

from .conftest import run, stay, rules_in

R = "dongzhi"


def test_DZ_BASE_1_resident_70_employee_80_outpatient_50():
    """Resident 6,000: (6,000 − 400) × 75% = 4,200 = 70%. Employee: (6,000 − 600) × 88.89% = 4,800.06 ≈ 80%.
    Outpatient chronic 1,000 × 50% (floor) = 500."""
    assert run(R, ["putong"], [stay(6000)])["stays"][0]["basic"] == "4200.00"
    e = run(R, ["putong"], [stay(6000)], scheme="employee", wage="5000")
    assert abs(Decimal(e["stays"][0]["basic"]) / 6000 - Decimal("0.80")) < Decimal("0.001")
    assert run(R, ["putong"], outpatient={"chronic": "1000"})["outpatient"]["basic"] == "500.00"


def test_DZ_CI_1_bands_and_tilt():
    """100,000: self-pay 25,300. 普通 (25,300 − 17,564) × 60% = 4,641.60; 低保 (25,300 − 8,782) × 65% = 10,736.70."""
    assert run(R, ["putong"], [stay(100000)])["stays"][0]["critical"] == "4641.60"
    assert run(R, ["dibao"], [stay(100000)])["stays"][0]["critical"] == "10736.70"


def test_DZ_AST_1_assistance_floor_70_percent():
    """低保 100,000: (25,300 − 10,736.70) × 70% = 10,194.31 (modelled at the floor)."""
    o = run(R, ["dibao"], [stay(100000)])
    assert o["stays"][0]["assistance"] == "10194.31"
    assert any("下限" in t["text"] for t in o["trace"] if t["rule"] == "DZ-AST-1")


def test_DZ_SUB_1_premium_subsidy():
    """Contribution 320: 低保 90% → pays 32; 返贫致贫 80% → 64; 监测 50% → 160; 特困 → 0."""
    pays = lambda i: run(R, [i])["premium"]["resident_pays"]
    assert [pays("dibao"), pays("fanpin"), pays("jiance"), pays("tekun")] == ["32.00", "64.00", "160.00", "0.00"]


def test_DZ_EMP_1_employee_contributions():
    """Wage 5,000: employee 2% = 100; employer 6.5% = 325."""
    p = run(R, ["putong"], scheme="employee", wage="5000")["premium"]
    assert (p["resident_pays"], p["employer"]) == ("100.00", "325.00")


def test_DZ_NEW_1_newborn_covered_from_birth():
    """A newborn flag adds the DZ-NEW-1 step and note."""
    o = run(R, ["putong"], newborn=True)
    assert "DZ-NEW-1" in rules_in(o) and "新生儿" in o["premium"]["note"]
