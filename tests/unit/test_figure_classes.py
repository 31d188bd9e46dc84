"""Classes of error found clause by clause, each tested where the rule applies and where it does not:
identities left out of a group, clauses naming their own period, assumed figures behind a step,
premium periods, percentage points, and readings with the other reading's amount."""
from decimal import Decimal

import pytest

from calc import params
from calc.api import estimate_dict


def run(region, ids, stays=(), **kw):
    out = estimate_dict({"region": region, "identities": list(ids), "stays": list(stays), **kw})
    assert out["ok"], out
    return out


def stay(total, oop="0", level="2", place="county", **kw):
    return {"total": str(total), "out_of_policy": str(oop), "level": level, "place": place, **kw}


def reading_notes(out):
    return [n["text"] for n in out["notes"] if n["kind"] == "reading"]


# ---- an identity outside every group --------------------------------------------------------------
@pytest.mark.parametrize("region", params.region_ids())
def test_every_offered_identity_has_a_warning_line_where_the_region_warns(region):
    rp = params.load(region)
    for year in rp.years:
        groups = [p for p in rp.parameters(year) if p.path.startswith("warning.") and p.unit == "ids"]
        if not groups:
            continue
        inside = {i for p in groups for i in p.value}
        assert set(rp.identities) <= inside, (region, year, set(rp.identities) - inside)


def test_xianning_qita_is_warned_at_the_ordinary_line_not_the_low_income_line():
    line = lambda ids, total: run("xianning", ids, [stay(total, place="province", level="3")], year=2023)["warnings"]
    assert line(["qita"], 25000) and line(["putong"], 25000)       # above the full income (20,133)
    assert not line(["qita"], 15000)                                # 50% line is for 农村低收入人口 only
    assert line(["dibao"], 15000)
    assert any("其他特殊困难群体" in t for t in reading_notes(run("xianning", ["qita"], [stay(25000, level="3", place="province")], year=2023)))


# ---- a clause naming its own period ---------------------------------------------------------------
@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_yangcheng_transition_clause_is_the_documents_through_2025(year):
    out = run("yangcheng", ["fanpin"], [stay(50000, oop="5000")], year=year)
    step = next(t for t in out["trace"] if t["text"].startswith("目录外费用救助"))
    assert step["basis"] == "document" and step["rule"] == "YC-OOP-2"
    assert "按假设" not in step["text"]
    assert "oop_assist.ratio" not in {a["param"] for a in out["assumptions"]}


def test_yangcheng_transition_clause_not_before_2022_nor_for_others():
    assert not any(t["text"].startswith("目录外费用救助")
                   for t in run("yangcheng", ["fanpin"], [stay(50000, oop="5000")], year=2021)["trace"])
    assert not any(t["text"].startswith("目录外费用救助")
                   for t in run("yangcheng", ["dibao"], [stay(50000, oop="5000")], year=2023)["trace"])


# ---- an assumed figure shown as the notice's -----------------------------------------------------
def test_xianning_assistance_split_names_the_assumed_critical_threshold():
    out = run("xianning", ["dibao"], [stay(100000, level="3", place="province", referral=True)], year=2023)
    step = next(t for t in out["trace"] if "大病起付线以下" in t["text"])
    assert "critical.ordinary.threshold" in step["figures"]
    assert out["figures"]["critical.ordinary.threshold"]["provenance"] == "assumption"
    assert "假设" in step["text"] and "大病保险起付线" in step["text"]
    # changing the assumed threshold changes the stated split: the step rests on it
    other = run("xianning", ["dibao"], [stay(100000, level="3", place="province", referral=True)], year=2023,
                overrides={"critical.ordinary.threshold": "30000"})
    assert next(t for t in other["trace"] if "大病起付线以下" in t["text"])["text"] != step["text"]


def test_xianning_assistance_without_split_lists_no_critical_threshold():
    out = run("xianning", ["tekun"], [stay(100000, level="3", place="province", referral=True)], year=2023)
    step = next(t for t in out["trace"] if t["tier"] == "assistance")
    assert "critical.ordinary.threshold" not in step["figures"]


# ---- the period of a premium ----------------------------------------------------------------------
def test_dongzhi_employee_premium_is_a_year_of_a_monthly_wage():
    p = run("dongzhi", ["putong"], scheme="employee", wage="5000", year=2022)
    assert p["premium"]["resident_pays"] == "1200.00" and p["premium"]["employer"] == "3900.00"
    step = next(t for t in p["trace"] if t["tier"] == "premium")
    assert "一年" in step["text"] and "每月 100.00 元" in step["text"]


def test_resident_scheme_premium_unchanged_by_the_wage_rule():
    p = run("dongzhi", ["putong"], year=2022)["premium"]
    assert p["employer"] is None and p["contribution"] == str(params.load("dongzhi").get(
        "premium.contribution", 2022).value.quantize(Decimal("0.01")))


# ---- percentage points ----------------------------------------------------------------------------
def test_bonus_ratios_display_as_percentage_points_and_plain_ratios_as_percent():
    seen = 0
    for rid in params.region_ids():
        for p in params.load(rid).parameters():
            if p.unit != "ratio":
                continue
            if p.path.endswith(("ratio_bonus", "ratio_cut")):
                assert p.display.endswith("个百分点"), (rid, p.path, p.display)
                seen += 1
            else:
                assert "百分点" not in p.display, (rid, p.path, p.display)
    assert seen >= 4


# ---- readings with the other reading's amount --------------------------------------------------
CASES = [
    ("xianning", ["dibao"], [stay(200000, referral=False)], 2022, "县域内住院也要"),
    ("yiyuan", ["dibao_edge"], [stay(60000)], 2020, "超过1万元的部分"),
    ("chongqing", ["fanpin"], [stay(200000, level="3", place="city")], 2023, "问题四"),
    ("yangcheng", ["fanpin"], [stay(50000)], 2021, "补充医疗保险"),
    ("yangcheng", ["tekun"], [stay(50000)], 2022, "由医疗救助给予保障"),
    ("yangcheng", ["dibao"], [stay(50000, oop="20000", level="1")], 2022, "收费类别"),
]


@pytest.mark.parametrize("region, ids, stays, year, words", CASES, ids=[c[0] + c[4][:4] for c in CASES])
def test_reading_states_the_other_readings_amount(region, ids, stays, year, words):
    out = run(region, ids, stays, year=year)
    note = next((t for t in reading_notes(out) if words in t), None)
    assert note is not None, reading_notes(out)
    assert "按另一种理解，这一年您自己付" in note
    alt = Decimal(note.split("按另一种理解，这一年您自己付 ")[1].split(" 元")[0].replace(",", ""))
    assert alt != Decimal(out["year"]["resident"])


def test_readings_not_told_where_they_do_not_decide():
    # with a referral ticked, the in-county referral reading decides nothing
    out = run("xianning", ["dibao"], [stay(200000, referral=True)], year=2022)
    assert not any("县域内住院也要" in t for t in reading_notes(out))
    # an out-of-county stay without referral: the clause plainly asks for one
    out = run("xianning", ["dibao"], [stay(200000, level="3", place="province", referral=False)], year=2022)
    assert not any("县域内住院也要" in t for t in reading_notes(out))
    # 重庆 2022 大病 tilt reading for 返贫致贫 does not concern 特困's own tilt amount
    assert Decimal(run("yiyuan", ["dibao_edge"], [stay(3000)], year=2020)["stays"][0]["assistance"]) == 0


def test_2020_premium_follows_the_lists_convention():
    assert run("yiyuan", ["putong"], year=2020)["premium"]["contribution"] == "250.00"
    assert run("yangcheng", ["putong"], year=2021)["premium"]["contribution"] == "280.00"


@pytest.mark.parametrize("region", params.region_ids())
def test_every_premium_step_says_its_period(region):
    rp = params.load(region)
    for year in rp.years:
        for ident in rp.identities:
            out = run(region, [ident], year=year)
            for t in out["trace"]:
                if t["tier"] == "premium" and "缴" in t["text"] and "元" in t["text"]:
                    assert "一年" in t["text"], (region, year, ident, t["text"])
