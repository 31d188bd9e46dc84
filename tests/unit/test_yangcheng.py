"""阳城县 阳医保发〔2022〕2号 (2021 before, 2022–2025 after): whom and when."""
from .conftest import rules_in, run as _run, stay, steps_of

R = "yangcheng"


def run(region, ids, stays=(), year=2022, **kw):
    return _run(region, ids, stays, year=year, **kw)


def test_YC_SUB_1_2021_subsidy_is_not_stated():
    """The subsidy schedule is 2022–2025; 2021 is not in the document: null, not "无资助"."""
    for ident in ("tekun", "dibao", "fanpin", "jiance"):
        p = run(R, [ident], year=2021)["premium"]
        assert p["subsidy"] is None and p["resident_pays"] is None, ident


def test_YC_136_only_2021_and_only_former_poverty_households():
    for ident in ("tekun", "dibao", "putong"):
        assert "YC-136" not in [t["rule"] for t in steps_of(run(R, [ident], [stay(50000)], year=2021), "other")]
    o = run(R, ["jiance"], [stay(50000)], year=2021)
    assert o["stays"][0]["resident"] == "1000.00"
    assert any(t["reading"] for t in o["trace"] if t["rule"] == "YC-136")  # 边缘易致贫 reading stated


def test_YC_CI_1_tilt_continues_in_2021_with_its_ceiling():
    assert run(R, ["fanpin"], [stay(50000)], year=2021)["stays"][0]["critical"] == "1477.29"
    assert run(R, ["putong"], [stay(50000)], year=2021)["stays"][0]["critical"] == "0.00"
    assert run(R, ["jiance"], [stay(50000)], year=2022)["stays"][0]["critical"] == "0.00"


def test_YC_AST_1_not_in_2021():
    o = run(R, ["tekun"], [stay(50000)], year=2021)
    assert o["year"]["assistance"] == "0.00"
    assert any(n["kind"] == "not_covered" and "2021年的医疗救助" in n["text"] for n in o["notes"])


def test_YC_AST_2_topup_only_for_fanpin_in_province():
    assert run(R, ["dibao"], [stay(3000, level="3", place="province")])["stays"][0]["assistance"] == "1022.00"
    o = run(R, ["fanpin"], [stay(3000, level="3", place="province")])
    assert any(t["reading"] for t in o["trace"] if t["rule"] == "YC-AST-2")  # no yearly cap: a reading


def test_YC_AST_3_cap_is_the_dibao_cap_only():
    o = run(R, ["tekun"], [stay(1000000, level="3", place="province")])
    assert o["stays"][0]["resident"] == "0.00"  # 特困 has no 60,000 cap


def test_YC_AST_4_no_figures_is_a_disclosed_zero():
    o = run(R, ["dibao"], [stay(50000)])
    assert o["stays"][0]["tilt"] == "0.00"
    assert any(n["kind"] == "not_covered" and "倾斜救助" in n["text"] for n in o["notes"])
    assert not any(n["kind"] == "not_covered" for n in run(R, ["putong"], [stay(50000)])["notes"])


def test_YC_OPD_1_from_2022_and_shares_the_yearly_cap():
    assert run(R, ["tekun"], year=2021, outpatient={"chronic": "3000"})["outpatient"]["assistance"] == "0.00"
    o = run(R, ["dibao"], [stay(1000000, level="3", place="province")], outpatient={"chronic": "3000"})
    assert o["outpatient"]["assistance"] == "0.00" and o["year"]["assistance"] == "60000.00"


def test_YC_OPD_2_not_for_monitoring_or_stable():
    for ident in ("jiance", "wending"):
        assert run(R, [ident], outpatient={"special_drugs": "10000"})["outpatient"]["assistance"] == "0.00"


def test_YC_OOP_1_continues_in_2021():
    assert run(R, ["tekun"], [stay(50000, 10000)], year=2021)["stays"][0]["hospital_bears"] == "2500.00"


def test_YC_OOP_2_only_fanpin():
    assert "YC-OOP-2" not in rules_in(run(R, ["dibao"], [stay(50000, 5000)]))


def test_YC_SUP_1_cites_one_six_and_only_former_poverty_households():
    o = run(R, ["wending"], [stay(50000)], year=2022)
    step = next(t for t in o["trace"] if t["rule"] == "YC-SUP-1")
    assert step["cite"] == "阳医保发〔2022〕2号 一、六是"
    assert "YC-SUP-1" not in rules_in(run(R, ["dibao"], [stay(50000)], year=2022))
