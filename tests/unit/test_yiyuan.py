"""沂源县 源医保发〔2020〕8号 (2020): the document's own identities, and whom each rule reaches."""
from .conftest import run, rules_in, stay, steps_of

R = "yiyuan"


def test_YY_CI_1_poverty_bands_for_poverty_people_only():
    for ident in ("tekun", "dibao", "dibao_edge", "yinbing", "putong"):
        assert "YY-CI-1" not in rules_in(run(R, [ident], [stay(50000)])), ident
    o = run(R, ["jishi"], [stay(50000)])
    assert o["stays"][0]["critical"] == "5070.00"
    assert any(t["reading"] and "即时帮扶" in t["reading"]["chosen"] for t in o["trace"])


def test_YY_CI_2_reading_stated_and_no_basic_on_drugs_for_the_poor():
    o = run(R, ["jianka"], outpatient={"special_drugs": "10000"})
    step = next(t for t in o["trace"] if t["rule"] == "YY-CI-2")
    assert step["reading"] and "不再先经基本医保" in step["reading"]["chosen"]
    assert run(R, ["putong"], outpatient={"special_drugs": "10000"})["outpatient"]["critical"] == "0.00"


def test_YY_AST_1_floor_stated():
    o = run(R, ["tekun"], [stay(50000)])
    step = next(t for t in steps_of(o, "assistance"))
    assert "不低于" in step["text"] and step["rule"] == "YY-AST-1"


def test_YY_AST_2_threshold_reading_stated_where_it_changes_the_amount():
    o = run(R, ["dibao_edge"], [stay(50000)])
    step = next(t for t in steps_of(o, "assistance"))
    assert step["reading"]["alternative"].startswith("自付达到1万元后")
    below = run(R, ["dibao_edge"], [stay(20000)])  # self-pay under 10,000: both readings give 0
    assert below["year"]["assistance"] == "0.00" and not any(t["reading"] for t in steps_of(below, "assistance"))


def test_YY_AST_3_only_illness_poverty_patients():
    assert "YY-AST-3" not in rules_in(run(R, ["dibao_edge"], [stay(150000, level="3", place="province")]))


def test_YY_RE_1_only_poverty_people():
    """三（二）四是 "对贫困人口": not 特困, 低保, 低保边缘 or 因病致贫 (this was 17,739.62 for 因病致贫)."""
    for ident in ("tekun", "dibao", "dibao_edge", "yinbing", "putong"):
        o = run(R, [ident], [stay(150000, level="3", place="province")])
        assert o["year"]["re_assistance"] == "0.00" and "YY-RE-1" not in rules_in(o), ident
    assert run(R, ["jishi"], [stay(200000)])["stays"][0]["re_assistance"] == "8059.10"
