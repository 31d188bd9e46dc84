"""东至县 东医保办〔2022〕11号 (2022): whom each rule reaches."""
from .conftest import run, rules_in, stay, steps_of

R = "dongzhi"


def test_DZ_BASE_1_chronic_outpatient_ratio_is_an_assumption_not_the_50_percent():
    o = run(R, ["dibao"], outpatient={"chronic": "1000"})
    step = next(t for t in steps_of(o, "basic") if t["stay"] is None)
    assert o["figures"]["basic.outpatient.ratio"]["provenance"] == "assumption"
    assert "basic.outpatient.ratio" in step["figures"] and "basic.outpatient.general_ratio" not in o["figures"]


def test_DZ_CI_1_tilt_not_for_monitoring_or_edge():
    for ident in ("jiance", "dibao_edge", "yinbing"):
        assert run(R, [ident], [stay(100000)])["stays"][0]["critical"] == "4641.60", ident


def test_DZ_SUB_1_edge_and_illness_subsidy_not_stated():
    for ident in ("dibao_edge", "yinbing"):
        assert run(R, [ident])["premium"]["subsidy"] is None


def test_DZ_EMP_1_resident_subsidies_do_not_apply_to_employees():
    p = run(R, ["dibao"], scheme="employee", wage="5000")["premium"]
    assert p["subsidy"] == "0.00" and p["resident_pays"] == "1200.00"   # a year: 5,000 × 12 × 2%


def test_DZ_NEW_1_only_when_newborn():
    assert "DZ-NEW-1" not in rules_in(run(R, ["putong"]))


def test_DZ_AST_1_every_named_recipient_gets_assistance_with_disclosed_figures():
    for ident in ("dibao_edge", "fanpin", "jiance", "yinbing"):
        o = run(R, [ident], [stay(50000)])
        assert o["year"]["assistance"] != "0.00", ident
        step = next(t for t in steps_of(o, "assistance") if t["stay"] == 0)
        assert step["rule"] == "DZ-AST-1" and step["cite"].endswith("三（一）3")
        assert any(o["figures"][p]["provenance"] == "assumption" for p in step["figures"])
    assert run(R, ["putong"], [stay(50000)])["year"]["assistance"] == "0.00"
