"""Sixteen defects of the first engine, one test each (each failed on the first version of the engine)."""
import json
import subprocess
import sys
from pathlib import Path

from calc.api import estimate, estimate_dict

from .conftest import run, rules_in, stay, steps_of

ROOT = Path(__file__).resolve().parents[2]


def test_d01_reassistance_only_for_poverty_people():
    o = run("yiyuan", ["yinbing"], [stay(150000, level="3", place="province")])
    assert o["year"]["re_assistance"] == "0.00" and o["year"]["tilt"] == "0.00"  # was 17,739.62


def test_d02_yangcheng_2021_tilt_continues():
    assert run("yangcheng", ["dibao"], [stay(50000)], year=2021)["stays"][0]["critical"] == "1477.29"


def test_d03_continuous_deductible_is_for_a_transfer_of_low_income_people_in_province():
    readmit = run("xianning", ["putong"], [stay(6000), stay(6000, referral=True)], year=2022)
    assert readmit["stays"][1]["basic"] == "4200.00"  # a same-level re-admission pays its deductible (was 0)
    ordinary = run("xianning", ["putong"], [stay(6000), stay(10000, level="3", place="province", transferred=True)],
                   year=2022)
    assert ordinary["stays"][1]["basic"] == "5980.00"


def test_d04_warning_compares_the_years_medical_cost():
    assert run("xianning", ["putong"], [stay(50000)], year=2022)["warnings"]


def test_d05_dongzhi_all_named_recipients_assisted_and_outpatient_too():
    assert run("dongzhi", ["fanpin"], [stay(50000)])["year"]["assistance"] == "6112.98"
    assert run("dongzhi", ["jiance"], [stay(50000)])["year"]["assistance"] == "7680.00"
    assert run("dongzhi", ["tekun"], outpatient={"chronic": "3000"})["outpatient"]["assistance"] == "840.00"


def test_d06_dongzhi_chronic_outpatient_ratio_is_an_assumption():
    o = run("dongzhi", ["putong"], outpatient={"chronic": "1000"})
    figs = o["figures"]
    assert figs["basic.outpatient.ratio"]["provenance"] == "assumption"
    assert "basic.outpatient.general_ratio" not in figs


def test_d07_yangcheng_2022_rules_not_applied_to_2021():
    o = run("yangcheng", ["dibao"], [stay(50000)], year=2021, outpatient={"chronic": "3000"})
    assert o["year"]["assistance"] == "0.00"
    assert not {"YC-AST-1", "YC-AST-2", "YC-AST-3", "YC-OPD-1", "YC-OPD-2"} & set(rules_in(o))


def test_d08_2021_subsidies_not_stated_are_not_claimed_none():
    for region in ("yangcheng", "chongqing"):
        p = run(region, ["fanpin"], year=2021)["premium"]
        assert p["subsidy"] is None and p["resident_pays"] is None
        assert "文件" in p["note"] and "没有写" in next(t["text"] for t in run(region, ["fanpin"], year=2021)["trace"]
                                                       if t["tier"] == "premium")


def test_d09_each_payer_uses_the_most_favourable_held_identity():
    """沂源 低保 + 建档立卡: the poverty 大病 bands AND the 80% 低保 assistance (never two in one payer)."""
    both = run("yiyuan", ["dibao", "jianka"], [stay(200000)])
    assert both["payers"]["critical"]["identity"] == "jianka"
    assert both["payers"]["assistance"]["identity"] == "dibao"
    s = both["stays"][0]
    assert s["critical"] == "29445.00"  # (50,300 − 5,000) × 65%
    assert s["assistance"] == "16684.00"  # (50,300 − 29,445) × 80% = 16,684, under the 20,000 floor cap
    alone = [run("yiyuan", [i], [stay(200000)])["year"]["resident"] for i in ("dibao", "jianka")]
    assert float(both["year"]["resident"]) < min(map(float, alone))
    reason = both["identity"]["reason"]
    assert "大病保险" in reason and "医疗救助按低保对象" in reason and "“136”" not in reason


def test_d10_steps_cite_only_their_own_clause():
    yy = run("yiyuan", ["jianka"], [stay(50000)], outpatient={"chronic": "1000"})
    assert all(t["rule"] is None for t in steps_of(yy, "basic"))
    assert all(t["rule"] is None for t in steps_of(yy, "resident") + steps_of(yy, "split"))
    yc = run("yangcheng", ["tekun"], [stay(50000)], year=2022)
    assert all(t["rule"] is None for t in steps_of(yc, "resident") + steps_of(yc, "split"))
    cq = run("chongqing", ["dibao"], [stay(50000)], year=2022)
    assert all(t["rule"] is None for t in steps_of(cq, "split") + steps_of(cq, "resident"))
    assert all(t["rule"] != "CQ-CHG-1" for t in steps_of(run("chongqing", ["putong"], [stay(200000)], year=2022),
                                                          "critical"))
    xn = run("xianning", ["dibao"], [stay(50000, hospital_waiver="100")], year=2022)
    assert all(t["rule"] is None for t in steps_of(xn, "other"))
    multi = run("xianning", ["dibao", "fanpin"], [stay(50000)], year=2022)
    assert steps_of(multi, "identity")[0]["rule"] is None


def test_d11_identity_lists_from_each_document():
    assert run("dongzhi", ["dibao_edge"], [stay(50000)])["ok"]
    assert run("dongzhi", ["yinbing"], [stay(50000)])["ok"]
    assert run("chongqing", ["yinbing"], [stay(50000)], year=2022)["ok"]
    o = estimate_dict({"region": "yiyuan", "identities": ["jishi"]})
    assert o["ok"] and o["identity"]["label"] == "即时帮扶人员"


def test_d12_readings_are_stated_where_they_change_the_amount():
    o = run("yiyuan", ["dibao_edge"], [stay(50000)])
    assert any(t["reading"] for t in steps_of(o, "assistance"))
    assert any(n["kind"] == "reading" for n in o["notes"])
    o = run("chongqing", ["dibao"], year=2022, tier=2)
    assert any(t["reading"] for t in steps_of(o, "premium"))
    o = run("xianning", ["dibao"], [stay(50000)], year=2022)
    assert next(t for t in o["trace"] if t["rule"] == "XN-AST-4")["reading"]


def test_d13_special_drugs_reading_stated_and_not_stacked_silently():
    o = run("yiyuan", ["jianka"], outpatient={"special_drugs": "10000"})
    assert o["outpatient"]["resident"] == "4000.00"  # was 1,600 (84% covered)
    assert next(t for t in o["trace"] if t["rule"] == "YY-CI-2")["reading"]


def test_d14_assumptions_said_and_not_cited_to_the_document():
    yy = run("yiyuan", ["dibao"], [stay(50000)])
    assert not any("门诊住院共用" in t["text"] or "门诊和住院共用" in t["text"] for t in yy["trace"])
    xn = run("xianning", ["dibao"], [stay(200000)] * 3, year=2022, outpatient={"chronic": "8000"})
    opd = next(t for t in steps_of(xn, "assistance") if t["stay"] is None)
    assert "额度已经用完" in opd["text"] and "先算住院" in opd["text"]
    p = estimate_dict({"region": "xianning", "year": 2024, "stays": [{"total": "50000"}]})
    thr = p["figures"]["critical.ordinary.threshold"]
    assert thr["value"] == "18441.50" and "沿用" in thr["cite"]
    p23 = estimate_dict({"region": "chongqing", "year": 2023, "stays": [{"total": "50000"}]})
    assert p23["figures"]["critical.ordinary.threshold"]["value"] == "18441.50"


def test_d15_no_deposit_depends_on_the_district():
    o = run("chongqing", ["dibao"], [stay(50000)], year=2022)
    assert "有条件的区县" in next(t for t in o["trace"] if t["tier"] == "admission")["text"]


def test_d16_hostile_inputs_get_chinese_errors_or_bounded_results(tmp_path):
    for bad in ({"region": "xianning", "stays": [{"total": "1000", "place": ["county"]}]},
                {"region": "xianning", "year": "²"},
                {"region": "xianning", "year": "2" * 4400},
                {"region": "xianning", "tier": "²"},
                {"region": "xianning", "stays": [{"total": "1000"}], "overrides": {"basic.level2.ratio": "1E-999999"}},
                {"region": "xianning", "stays": [{"total": "1" * 5000}]}):
        out = json.loads(estimate(json.dumps(bad, ensure_ascii=False)))
        assert out["ok"] is False and out["errors"][0]["message"], bad
        assert len(json.dumps(out, ensure_ascii=False)) < 2000
    assert json.loads(estimate('{"region":"xianning","year":' + "9" * 5000 + "}"))["ok"] is False
    help_ = subprocess.run([sys.executable, "-m", "calc", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert help_.returncode == 0 and "usage" in help_.stdout.lower()
    bin_ = tmp_path / "x.json"
    bin_.write_bytes(b"\xff\xfe\x00")
    for arg in (str(tmp_path), str(bin_), str(tmp_path / "missing.json")):
        r = subprocess.run([sys.executable, "-m", "calc", arg], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode != 0 and "Traceback" not in r.stderr and r.stderr.strip(), arg
