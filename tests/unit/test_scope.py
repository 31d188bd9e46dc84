"""Where each rule does NOT apply: for every rule, each condition its clause sets (who, when, where,
referral, year, scheme), the same bill with that one condition changed.

Each row: rule, the clause's words for the condition, a base input where the rule pays (checked), the
result field it pays into, and the variants. A variant's expectation is either a value or
`("same as", ident)`: the field equals what an identity the clause does not name gets on the same bill,
i.e. the ordinary treatment. The rule must also not be cited as paying in the variant.
"""
import pytest

from calc.api import estimate_dict

from .cases import get

BIG = [{"total": "200000", "out_of_policy": "0", "level": "2", "place": "county", "referral": True}]
MID = [{"total": "50000", "out_of_policy": "0", "level": "2", "place": "county", "referral": True}]
OOP = [{"total": "50000", "out_of_policy": "15000", "level": "2", "place": "county", "referral": True}]
TWO = [{"total": "6000", "out_of_policy": "0", "level": "2", "place": "county"},
       {"total": "10000", "out_of_policy": "0", "level": "3", "place": "province", "transferred": True,
        "referral": True}]
OPD = {"chronic": "8000", "special_drugs": "4000"}


def inp(region, ids, stays=(), year=None, **kw):
    d = {"region": region, "identities": list(ids), "stays": [dict(s) for s in stays], **kw}
    if year is not None:
        d["year"] = year
    return d


def at(stays, i, **change):
    out = [dict(s) for s in stays]
    out[i].update(change)
    return out


SAME = "same as"
# (rule, condition words, base input, field, [(variant name, input, expectation)])
ROWS = [
    # ---- 咸宁 咸医保发〔2021〕31号 -------------------------------------------------------------------
    ("XN-CI-1", "二（四）对特困人员、低保对象、返贫致贫人口", inp("xianning", ["dibao"], BIG, 2022), "stays[0].critical", [
        (f"who: {i}", inp("xianning", [i], BIG, 2022), (SAME, "putong")) for i in ("jiance", "tufa", "wending", "qita")]),
    ("XN-AST-2", "二（五）低保对象和返贫致贫人口不设起付线", inp("xianning", ["fanpin"], MID, 2022), "stays[0].assistance", [
        ("who: 稳定脱贫", inp("xianning", ["wending"], MID, 2022), "0.00"),
        ("who: 其他特殊困难群体", inp("xianning", ["qita"], MID, 2022), "0.00")]),
    ("XN-AST-4", "二（五）特困人员、低保对象基本医疗保险住院起付标准不纳入大病保险", inp("xianning", ["dibao"], BIG, 2022),
     # 返贫致贫: the 400 deductible stays in the 大病 base: (50,300 − 8,782) × 65% = 26,986.70 (低保: 49,900 base)
     "stays[0].critical", [("who: 返贫致贫", inp("xianning", ["fanpin"], BIG, 2022), "26986.70")]),
    ("XN-TILT-1", "二（五）上述对象规范转诊且在省域内就医", inp("xianning", ["dibao"], BIG, 2022), "stays[0].tilt", [
        ("referral: 没有规范转诊", inp("xianning", ["dibao"], at(BIG, 0, referral=False), 2022), "0.00"),
        ("where: 省外", inp("xianning", ["dibao"], at(BIG, 0, place="outside"), 2022), "0.00"),
        ("who: 稳定脱贫", inp("xianning", ["wending"], BIG, 2022), "0.00"),
        ("who: 普通", inp("xianning", ["putong"], BIG, 2022), "0.00")]),
    ("XN-REF-1", "三（四）农村低收入人口在省域内按规定转诊…起付线连续计算", inp("xianning", ["dibao"], TWO, 2022), "stays[1].basic", [
        ("referral: 转院没有按规定转诊", inp("xianning", ["dibao"], at(TWO, 1, referral=False), 2022), "5980.00"),
        ("where: 转到省外", inp("xianning", ["dibao"], at(TWO, 1, place="outside"), 2022), "5060.00"),
        ("who: 普通参保人员", inp("xianning", ["putong"], TWO, 2022), "5980.00"),
        ("who: 稳定脱贫", inp("xianning", ["wending"], TWO, 2022), "5980.00"),
        ("not a transfer", inp("xianning", ["dibao"], at(TWO, 1, transferred=False), 2022), "5980.00")]),
    ("XN-OOP-1", "三（一）农村低收入人口；县域一级3%、二三级8%、县域外省内三级10%", inp("xianning", ["dibao"], OOP, 2022),
     "stays[0].hospital_bears", [
         ("who: 稳定脱贫", inp("xianning", ["wending"], OOP, 2022), "0.00"),
         ("who: 普通", inp("xianning", ["putong"], OOP, 2022), "0.00"),
         ("where: 县外市内二级", inp("xianning", ["dibao"], at(OOP, 0, place="city"), 2022), "0.00"),
         ("where: 省外", inp("xianning", ["dibao"], at(OOP, 0, place="outside", level="3"), 2022), "0.00")]),
    ("XN-ADM-1", "三（一）农村低收入人口在县域内定点医疗机构住院", inp("xianning", ["dibao"], MID, 2022),
     "stays[0].admission_payment", [
         ("who: 普通", inp("xianning", ["putong"], MID, 2022), None),
         ("who: 其他特殊困难群体", inp("xianning", ["qita"], MID, 2022), None),
         ("where: 县外", inp("xianning", ["dibao"], at(MID, 0, place="city"), 2022), None)]),
    ("XN-SUB-1", "二（一）稳定脱贫人口2022—2024年渐退，2025年不再资助", inp("xianning", ["wending"], (), 2022),
     "premium.subsidy", [("year: 2025", inp("xianning", ["wending"], (), 2025), "0.00"),
                         ("who: 突发严重困难（文件未写）", inp("xianning", ["tufa"], (), 2022), None),
                         ("who: 其他特殊困难群体（另一个文件）", inp("xianning", ["qita"], (), 2022), None)]),
    ("XN-OPD-1", "二（五）门慢纳入救助基数", inp("xianning", ["dibao"], (), 2022, outpatient=OPD), "outpatient.assistance", [
        ("who: 普通", inp("xianning", ["putong"], (), 2022, outpatient=OPD), "0.00")]),
    # ---- 阳城 阳医保发〔2022〕2号 -------------------------------------------------------------------
    ("YC-136", "一、二是 原农村建档立卡贫困人口，2021年底前", inp("yangcheng", ["fanpin"], MID, 2021), "stays[0].other", [
        ("year: 2022 停止", inp("yangcheng", ["fanpin"], MID, 2022), "0.00"),
        ("who: 低保（不是建档立卡）", inp("yangcheng", ["dibao"], MID, 2021), "0.00"),
        ("who: 普通", inp("yangcheng", ["putong"], MID, 2021), "0.00")]),
    ("YC-CI-1", "一、三是 特困人员、低保对象、返贫致贫人口", inp("yangcheng", ["dibao"], BIG, 2022), "stays[0].critical", [
        (f"who: {i}", inp("yangcheng", [i], BIG, 2022), (SAME, "putong")) for i in ("jiance", "wending")]),
    ("YC-AST-3", "一、四是 低保对象 70%，年度6万元（2022年）", inp("yangcheng", ["dibao"], MID, 2022), "stays[0].assistance", [
        ("year: 2021 文件没写", inp("yangcheng", ["dibao"], MID, 2021), "0.00"),
        ("who: 易返贫致贫", inp("yangcheng", ["jiance"], MID, 2022), "0.00"),
        ("who: 稳定脱贫", inp("yangcheng", ["wending"], MID, 2022), "0.00")]),
    ("YC-AST-2", "一、四是 返贫致贫人口省内住院…救助到90%", inp("yangcheng", ["fanpin"], [dict(MID[0], level="3", place="province", total="3000")], 2022),
     "stays[0].assistance", [
         # outside: (3,000 − 800) × (70% − 10%) = 1,320; self-pay 1,680 × 70% = 1,176, no top-up to 90%
         ("where: 省外（不兜底）", inp("yangcheng", ["fanpin"], [dict(MID[0], level="3", place="outside", total="3000")], 2022), "1176.00"),
         ("year: 2021", inp("yangcheng", ["fanpin"], [dict(MID[0], level="3", place="province", total="3000")], 2021), "0.00")]),
    ("YC-OPD-1", "一、五是 自2022年1月1日起，特困60%、低保和返贫致贫30%", inp("yangcheng", ["dibao"], (), 2022, outpatient=OPD),
     "outpatient.assistance", [("year: 2021", inp("yangcheng", ["dibao"], (), 2021, outpatient=OPD), "0.00"),
                               ("who: 易返贫致贫", inp("yangcheng", ["jiance"], (), 2022, outpatient=OPD), "0.00")]),
    ("YC-OOP-1", "一、六是 特困、低保、返贫致贫人口在省内…", inp("yangcheng", ["dibao"], [dict(OOP[0], out_of_policy="20000")], 2022),
     "stays[0].hospital_bears", [
         ("who: 易返贫致贫", inp("yangcheng", ["jiance"], [dict(OOP[0], out_of_policy="20000")], 2022), "0.00"),
         ("where: 省外", inp("yangcheng", ["dibao"], [dict(OOP[0], out_of_policy="20000", place="outside")], 2022), "0.00")]),
    ("YC-OOP-2", "一、六是 过渡期内，返贫致贫人口省内住院目录外控制比例内85%（2022年计划）", inp("yangcheng", ["fanpin"], OOP, 2022),
     "year.assistance", [
         ("year: 2021（2022年计划的一项）", inp("yangcheng", ["fanpin"], OOP, 2021), "0.00"),
         # outside: in-policy only: (35,000 − 400) × 70% = 24,220; 大病 (10,780 − 8,782) × 65% = 1,298.70;
         # 9,481.30 × 70% = 6,636.91 and no 85% on the out-of-policy part
         ("where: 省外", inp("yangcheng", ["fanpin"], at(OOP, 0, place="outside"), 2022), "6636.91"),
         # 低保: (35,000 − 400) × 80% = 27,680; 7,320 × 70% = 5,124; its 7,500 out-of-policy gets no 85%
         ("who: 低保", inp("yangcheng", ["dibao"], OOP, 2022), "5124.00")]),
    ("YC-SUB-1", "一、一是 2022—2025年", inp("yangcheng", ["dibao"], (), 2022), "premium.subsidy", [
        ("year: 2021 文件没写", inp("yangcheng", ["dibao"], (), 2021), None),
        ("who: 稳定脱贫不再资助", inp("yangcheng", ["wending"], (), 2022), "0.00")]),
    # ---- 东至 东医保办〔2022〕11号 -------------------------------------------------------------------
    ("DZ-CI-1", "三（三）2 对特困人员、低保对象、返贫致贫人口", inp("dongzhi", ["fanpin"], BIG), "stays[0].critical", [
        (f"who: {i}", inp("dongzhi", [i], BIG), (SAME, "putong")) for i in ("jiance", "yinbing", "dibao_edge", "qita")]),
    ("DZ-AST-1", "三（一）3 救助对象", inp("dongzhi", ["qita"], MID), "stays[0].assistance", [
        ("who: 普通", inp("dongzhi", ["putong"], MID), "0.00")]),
    ("DZ-SUB-1", "三（二）2 特困、低保、返贫致贫、监测对象", inp("dongzhi", ["jiance"]), "premium.subsidy", [
        (f"who: {i}（文件未写）", inp("dongzhi", [i]), None) for i in ("yinbing", "dibao_edge", "qita")]),
    ("DZ-EMP-1", "三（二）1 职工医保", inp("dongzhi", ["putong"], scheme="employee", wage="5000"), "premium.employer", [
        ("scheme: 居民医保", inp("dongzhi", ["putong"]), None)]),
    # ---- 沂源 源医保发〔2020〕8号 -------------------------------------------------------------------
    ("YY-CI-1", "三（二）二是 医保扶贫对象（含六是临时医保扶贫对象）", inp("yiyuan", ["linshi"], MID), "stays[0].critical", [
        (f"who: {i}", inp("yiyuan", [i], MID), (SAME, "putong")) for i in ("tekun", "dibao", "dibao_edge", "yinbing")]),
    ("YY-CI-2", "三（二）二是 贫困人口使用大病保险特药", inp("yiyuan", ["jianka"], (), outpatient=OPD), "outpatient.critical", [
        ("who: 低保", inp("yiyuan", ["dibao"], (), outpatient=OPD), "0.00")]),
    ("YY-AST-2", "三（二）三是 个人负担达到1万元（含）以上", inp("yiyuan", ["dibao_edge"], BIG), "stays[0].assistance", [
        ("who: 普通", inp("yiyuan", ["putong"], BIG), "0.00"),
        ("below 1万元", inp("yiyuan", ["dibao_edge"], [dict(MID[0], total="20000")]), "0.00")]),
    ("YY-RE-1", "三（二）四是 贫困人口", inp("yiyuan", ["linshi"], BIG), "stays[0].re_assistance", [
        (f"who: {i}", inp("yiyuan", [i], BIG), "0.00") for i in ("dibao", "tekun", "dibao_edge", "putong")]),
    # ---- 重庆 渝乡振发〔2022〕15号 -------------------------------------------------------------------
    ("CQ-CHG-1", "问题三 2021年区县级医院基本医保比例+10、起付线减半（脱贫人口）", inp("chongqing", ["wending"], MID, 2021),
     "stays[0].basic", [
         ("year: 2022 取消", inp("chongqing", ["wending"], MID, 2022), "37200.00"),
         ("where: 区县外", inp("chongqing", ["wending"], at(MID, 0, place="city"), 2021), "37200.00"),
         ("who: 低保", inp("chongqing", ["dibao"], MID, 2021), "37200.00")]),
    ("CQ-CHG-2", "问题四 脱贫人口大病保险倾斜2021年12月31日截止", inp("chongqing", ["fanpin"], BIG, 2021), "stays[0].critical", [
        (f"year: 2022, {i}", inp("chongqing", [i], BIG, 2022), (SAME, "putong")) for i in ("fanpin", "jiance", "wending")]),
    ("CQ-AST-1", "问题七（2022年起的实施方案）", inp("chongqing", ["dibao"], MID, 2022), "stays[0].assistance", [
        ("year: 2021", inp("chongqing", ["dibao"], MID, 2021), "0.00"),
        ("who: 稳定脱贫", inp("chongqing", ["wending"], MID, 2022), "0.00"),
        ("who: 普通", inp("chongqing", ["putong"], MID, 2022), "0.00")]),
    ("CQ-ADM-1", "三（二）县域内住院；脱贫人口2022年起不再享受", inp("chongqing", ["jiance"], MID, 2022), "stays[0].admission_payment", [
        ("year: 2022, 稳定脱贫", inp("chongqing", ["wending"], MID, 2022), None),
        ("where: 区县外", inp("chongqing", ["jiance"], at(MID, 0, place="city"), 2022), None),
        ("who: 普通", inp("chongqing", ["putong"], MID, 2022), None)]),
    ("CQ-SUB-1", "问题一 7类低收入人员（2022年起）", inp("chongqing", ["dibao"], (), 2022), "premium.subsidy", [
        ("year: 2021", inp("chongqing", ["dibao"], (), 2021), None),
        ("who: 因病致贫重病患者（不在7类）", inp("chongqing", ["yinbing"], (), 2022), None)]),
    ("CQ-SUB-2", "三（一）2022年100元、2023年50元，2024年退出", inp("chongqing", ["wending"], (), 2022), "premium.subsidy", [
        ("year: 2024", inp("chongqing", ["wending"], (), 2024), "0.00")]),
    ("CQ-OPD-1", "问题六（2022年起）", inp("chongqing", ["dibao"], (), 2022, outpatient=OPD), "outpatient.assistance", [
        ("year: 2021", inp("chongqing", ["dibao"], (), 2021, outpatient=OPD), "0.00")]),
]


def _est(d):
    out = estimate_dict(d)
    assert out["ok"], out
    return out


ROW_BASE = {r[0]: r[2] for r in ROWS}


@pytest.mark.parametrize("rule,words,base,field", [r[:4] for r in ROWS], ids=[r[0] for r in ROWS])
def test_the_rule_applies_in_its_base_case(rule, words, base, field):
    out = _est(base)
    val = get(out, field)
    assert val is not None and (val != "0.00" or field.endswith("admission_payment")), (rule, field, val)
    assert any(t["rule"] == rule for t in out["trace"]), rule


VARIANTS = [pytest.param(rule, field, v, want, id=f"{rule}-{name}")
            for rule, _, _, field, variants in ROWS for name, v, want in variants]


@pytest.mark.parametrize("rule,field,variant,want", VARIANTS)
def test_the_rule_does_not_apply_where_its_clause_does_not_reach(rule, field, variant, want):
    out = _est(variant)
    if isinstance(want, tuple) and want[0] == SAME:
        want = get(_est({**variant, "identities": [want[1]]}), field)
    assert get(out, field) == want, (rule, field, get(out, field), want)
    assert get(_est(ROW_BASE[rule]), field) != want, "the variant must differ from the base case"


def test_cq_2022_tilt_is_not_cited_to_question_three_and_the_reading_reaches_everyone_it_concerns():
    """问题三 speaks of 脱贫人口 and names no one for 2022; 问题四 ends their tilt. The 特困/低保 tilt is an
    assumption (no rule cited), and the reading is shown to each identity it concerns."""
    for ident in ("tekun", "dibao", "fanpin", "jiance", "wending"):
        out = _est(inp("chongqing", [ident], BIG, 2022))
        crit = [t for t in out["trace"] if t["tier"] == "critical"]
        assert all(t["rule"] != "CQ-CHG-1" for t in crit), ident
        assert any(n["kind"] == "reading" and "问题四" in n["text"] for n in out["notes"]), ident
    tekun = _est(inp("chongqing", ["tekun"], BIG, 2022))
    step = next(t for t in tekun["trace"] if t["tier"] == "critical")
    assert step["basis"] == "assumption" and "按假设" in step["text"] and step["amount"] != "0.00"
    fanpin = _est(inp("chongqing", ["fanpin"], BIG, 2022))
    # no result both applies the tilt and says it ended
    assert not any("享受大病倾斜" in t["text"] for t in fanpin["trace"])
    assert any("2021年12月31日截止" in n["text"] for n in fanpin["notes"])


def test_yc_2023_figures_are_carried_forward_as_assumptions_not_the_documents():
    out = _est(inp("yangcheng", ["dibao"], MID, 2023))
    for t in out["trace"]:
        if t["tier"] in ("critical", "assistance", "cost_control", "tilt"):
            assert t["rule"] is None and t["basis"] == "assumption" and "假设" in t["text"], t
    assert out["premium"]["subsidy"] == "280.00"        # 一是 covers 2022–2025: still the document's
    prem = next(t for t in out["trace"] if t["tier"] == "premium")
    assert prem["rule"] == "YC-SUB-1"
    y2022 = _est(inp("yangcheng", ["dibao"], MID, 2022))
    assert any(t["rule"] == "YC-AST-3" for t in y2022["trace"])


def test_new_identities_are_offered_with_the_clause_shown():
    from calc.api import meta_dict
    regions = {r["id"]: r for r in meta_dict()["regions"]}
    for rid, ident, clause in (("yiyuan", "linshi", "三（二）六是"), ("dongzhi", "qita", "三（一）3"),
                               ("xianning", "qita", "二（一）")):
        entry = next(i for i in regions[rid]["identities"] if i["id"] == ident)
        assert clause in entry["note"], (rid, ident)
    assert all("note" in i for r in regions.values() for i in r["identities"])
