"""核对结算单: hand-worked slip checks per status and per region (arithmetic in each test's docstring).

Figures named "assumed" are the defaults in calc/regions/*.toml; the others are the notices'.
"""
from decimal import Decimal

import pytest

from calc.api import estimate_dict

YUBEI = {"in_policy": "50000", "basic": "34790", "critical": "0", "assistance": "10647", "tilt": "937.80",
         "resident": "5625.20"}


def run(region, year, ids, *stays):
    out = estimate_dict({"region": region, "year": year, "identities": ids, "stays": list(stays)})
    assert out["ok"], out
    return out


def rows(out):
    return {(r["stay"], r["payer"]): r for r in out["check"]}


def yubei(**slip):
    return run("chongqing", 2023, ["dibao_edge"],
               {"total": "52000", "level": "2", "place": "county", "slip": {**YUBEI, **slip}})


def test_yubei_published_slip():
    """渝北 政策问答 (2023-10-30): 低保边缘, 一档, 二级, total 52,000, in-policy 50,000.

    After the slip's 基本医保 34,790: self-pay 15,210. 大病: assumed threshold 18,441.50 > 15,210 → 0 (same).
    救助: 问题七 "其他低收入人口不低于60%": 15,210 × 60% = 9,126.00; the slip's 10,647 (70%) is more.
    倾斜救助: 重庆's notice has none → expected 0, the slip's 937.80 is more.
    基本医保: assumed 400 / 75% → (50,000 − 400) × 75% = 37,200.00: depends; (50,000 − D) × 75% = 34,790
    gives D = 3,613.33.
    个人自付 if every payer pays the notice: 2,000 out of policy + 15,210 − 9,126 = 8,084.00; slip 5,625.20 → more.
    """
    out = yubei()
    r = rows(out)
    assert r[(0, "assistance")]["status"] == "more" and r[(0, "assistance")]["expected"] == "9126.00"
    assert "不低于 60%" in r[(0, "assistance")]["text"] and "问题七" in r[(0, "assistance")]["cite"]
    assert r[(0, "critical")]["status"] == "same"
    assert r[(0, "tilt")]["status"] == "more" and r[(0, "tilt")]["expected"] == "0.00"
    assert r[(0, "basic")]["status"] == "depends" and r[(0, "basic")]["expected"] == "37200.00"
    assert "起付线（400 元）" in r[(0, "basic")]["text"] and "约 3,613 元" in r[(0, "basic")]["text"]
    assert r[(0, "resident")]["status"] == "more" and r[(0, "resident")]["expected"] == "8084.00"
    # The slip's in-policy amount and 基本医保 are facts in the answer itself.
    assert out["stays"][0]["basic"] == "34790.00" and out["stays"][0]["in_policy"] == "50000.00"
    assert out["stays"][0]["assistance"] == "9126.00"
    assert "医保经办机构" in out["decide"]


def test_yubei_assistance_short_is_less_with_clause():
    """The same slip with 救助 8,000: 9,126.00 − 8,000 = 1,126.00 short; nothing assumed shaped it (the
    assumed 救助 threshold is 0 and the assumed yearly cap 60,000 is far) → less, naming 问题七."""
    r = rows(yubei(assistance="8000"))[(0, "assistance")]
    assert r["status"] == "less" and r["expected"] == "9126.00"
    assert "问题七" in r["text"] and "不低于60%" in r["text"] and "1,126.00" in r["text"] and "可以问" in r["text"]


def test_yubei_resident_paid_more_is_less():
    """救助 8,000: the answer's 个人自付 is still 8,084.00 (the notice's figures); the slip says 9,000 → the
    resident paid 916.00 more, and a payer row is less → less."""
    r = rows(yubei(assistance="8000", resident="9000"))[(0, "resident")]
    assert r["status"] == "less" and r["expected"] == "8084.00" and "916.00" in r["text"]


def test_xianning_dibao_critical_without_tilt():
    """咸宁 2022 低保, province 三级, in-policy 100,000, slip 基本医保 50,000: self-pay 50,000.
    XN-AST-4 keeps the (assumed) 三级 deductible 800 out of 大病: base 49,200. XN-CI-1: threshold halved
    from the assumed 17,564 to 8,782, ratio 60% + 5 points: (49,200 − 8,782) × 65% = 26,271.70.
    Without the identity (普通参保人员): (50,000 − 17,564) × 60% = 19,461.60 = the slip.
    The threshold is assumed → depends, never less; (49,200 − T/2) × 65% = 19,461.60 gives T = 38,518.15."""
    out = run("xianning", 2022, ["dibao"], {"total": "100000", "level": "3", "place": "province",
                                              "slip": {"in_policy": "100000", "basic": "50000", "critical": "19461.60"}})
    r = rows(out)[(0, "critical")]
    assert r["status"] in ("less", "depends") and r["status"] == "depends"
    assert r["expected"] == "26271.70" and Decimal(r["expected"]) > Decimal(r["slip"])
    assert "大病保险倾斜" in r["text"] and "降低50%" in r["text"] and "二（四）" in r["text"]
    assert "17,564" in r["text"] and "约 38,518 元" in r["text"]
    assert "低保对象身份在医保系统里标识了吗" in r["text"]


def test_xianning_two_stays_accumulate_from_slips():
    """咸宁 2022 低保, two county stays with 转诊. Stay 1: 20,000 − 14,000 − 0 − 2,000 = 4,000 left (slip);
    救助 XN-AST-2: 6,000 × 70% = 4,200.00 expected, slip 2,000 → less (nothing assumed shaped it).
    Stay 2: 10,000 − 7,000 − 0 − 1,000 = 2,000 left; XN-TILT-1 year base 4,000 + 2,000 = 6,000, above 5,000:
    1,000 × 90% = 900.00 (the slips' amounts fill the accumulator; the notice's would give 2,700 → 0)."""
    out = run("xianning", 2022, ["dibao"],
              {"total": "20000", "level": "2", "place": "county", "referral": True,
               "slip": {"in_policy": "20000", "basic": "14000", "critical": "0", "assistance": "2000"}},
              {"total": "10000", "level": "2", "place": "county", "referral": True,
               "slip": {"in_policy": "10000", "basic": "7000", "critical": "0", "assistance": "1000", "tilt": "500"}})
    r = rows(out)
    assert r[(0, "assistance")]["status"] == "less" and r[(0, "assistance")]["expected"] == "4200.00"
    assert r[(1, "tilt")]["status"] == "less" and r[(1, "tilt")]["expected"] == "900.00"
    assert "二（五）" in r[(1, "tilt")]["cite"] and "转诊" in r[(1, "tilt")]["text"]
    assert [(x["stay"], x["payer"]) for x in out["check"]] == [
        (0, "basic"), (0, "critical"), (0, "assistance"), (1, "basic"), (1, "critical"), (1, "assistance"), (1, "tilt")]
    assert out["stays"][1]["tilt"] == "0.00"     # the answer itself follows the notice after 基本医保


def test_xianning_tilt_refused_without_referral_is_same_at_zero():
    """Without 转诊 XN-REF-1 gives no 倾斜救助: a slip's 0 is the same."""
    out = run("xianning", 2022, ["dibao"], {"total": "20000", "level": "2", "place": "county",
                                              "slip": {"in_policy": "20000", "basic": "14000", "tilt": "0"}})
    assert rows(out)[(0, "tilt")]["status"] == "same"


def test_dongzhi_floor_same_more_less():
    """东至 2022 低保, county 二级, in-policy 50,000, slip 基本医保 30,000, 大病 7,291.70 (as the notice with the
    assumed threshold). 救助 二（五） 不低于70%: (20,000 − 7,291.70) × 70% = 8,895.81."""
    def check(assist):
        out = run("dongzhi", 2022, ["dibao"], {"total": "50000", "level": "2", "place": "county",
                                                 "slip": {"in_policy": "50000", "basic": "30000", "critical": "7291.70",
                                                          "assistance": assist}})
        return rows(out)[(0, "assistance")]
    assert check("8895.81")["status"] == "same"
    assert check("9500")["status"] == "more"
    low = check("8000")
    assert low["status"] == "less" and low["expected"] == "8895.81" and "东医保办〔2022〕11号" in low["cite"]


def test_yiyuan_assistance_less():
    """沂源 2020 低保: slip in-policy 50,000, 基本医保 30,000, 大病 0. 救助 三（二）三是 不低于80%: 20,000 × 80% =
    16,000.00 within the 20,000 cap; slip 12,000 → less. 大病: assumed threshold 15,366.50 → 2,780.10 expected,
    the slip's 0 → depends (a threshold of 20,000 or more explains it)."""
    out = run("yiyuan", 2020, ["dibao"], {"total": "50000", "level": "2", "place": "county",
                                            "slip": {"in_policy": "50000", "basic": "30000", "critical": "0",
                                                     "assistance": "12000"}})
    r = rows(out)
    assert r[(0, "assistance")]["status"] == "less" and r[(0, "assistance")]["expected"] == "16000.00"
    assert r[(0, "critical")]["status"] == "depends" and r[(0, "critical")]["expected"] == "2780.10"
    assert "大病" in r[(0, "critical")]["text"] and "约" in r[(0, "critical")]["text"]


def test_yangcheng_carried_figures_depend():
    """阳城 2023 低保: the 救助 ratio (70%) is carried past the years its clause covers: an assumption, so a
    short slip is depends, naming the ratio that explains it: 5,000 / 12,993.49 = 38.48…%."""
    out = run("yangcheng", 2023, ["dibao"], {"total": "50000", "level": "2", "place": "county",
                                               "slip": {"in_policy": "50000", "basic": "30000", "critical": "7006.51",
                                                        "assistance": "5000"}})
    r = rows(out)[(0, "assistance")]
    assert r["status"] == "depends" and "70%" in r["text"] and "约 38.4" in r["text"]


def test_no_slip_no_check():
    out = run("chongqing", 2023, ["dibao_edge"], {"total": "52000", "level": "2", "place": "county"})
    assert "check" not in out


@pytest.mark.parametrize("slip,field,words", [
    ({"basic": "abc"}, "stays[0].slip.basic", "基本医保支付"),
    ({"in_policy": "6万"}, "stays[0].slip.in_policy", "政策范围内费用不能大于总费用"),
    ({"basic": "40000", "in_policy": "30000"}, "stays[0].slip.basic", "不能大于政策范围内费用"),
    ({"critical": "3e12"}, "stays[0].slip.critical", "金额太大"),
    ({"hospital": "1"}, "stays[0].slip", "结算单只填这几项"),
    ({"basic": "<b>1</b>"}, "stays[0].slip.basic", "不允许的字符"),
])
def test_bad_slip_lines_are_chinese_and_named(slip, field, words):
    out = estimate_dict({"region": "chongqing", "year": 2023, "identities": ["dibao_edge"],
                         "stays": [{"total": "52000", "level": "2", "place": "county", "slip": slip}]})
    assert not out["ok"]
    assert any(e["field"] == field and words in e["message"] for e in out["errors"]), out["errors"]


def test_slip_amounts_as_people_write_them():
    out = yubei(basic="3.479万", assistance="一万零六百四十七")
    assert out["input"]["stays"][0]["slip"]["basic"] == "34790.00"
    assert rows(out)[(0, "assistance")]["slip"] == "10647.00"


def test_random_slips_always_answer_in_chinese_or_rows():
    """Any slip within the bill: an answer whose rows have a known status and amounts >= 0, or Chinese errors."""
    import random

    from calc import params
    rnd = random.Random(31)
    for _ in range(60):
        region = rnd.choice(params.region_ids())
        rp = params.load(region)
        total = rnd.randint(1000, 300000)
        inp = rnd.randint(0, total)
        slip = {"in_policy": str(inp), "basic": str(rnd.randint(0, inp)), "critical": str(rnd.randint(0, inp // 3)),
                "assistance": str(rnd.randint(0, inp // 3)), "tilt": str(rnd.randint(0, 500)),
                "resident": str(rnd.randint(0, total))}
        slip = {k: v for k, v in slip.items() if rnd.random() < .8}
        out = estimate_dict({"region": region, "year": rnd.choice(rp.years), "identities": [rnd.choice(list(rp.identities))],
                             "stays": [{"total": str(total), "level": rnd.choice("123"), "place": rnd.choice(list(rp.places)),
                                        "referral": rnd.random() < .5, "slip": slip}]})
        if not out["ok"]:
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in out["errors"])
            continue
        for r in out.get("check", []):
            assert r["status"] in ("same", "more", "less", "depends") and Decimal(r["expected"]) >= 0, r
            assert r["text"] and r["verdict"]


def test_yubei_slip_with_the_office_file_is_all_same():
    """With 渝北's office file (起付线 300, 70 %; 救助 70 % for 低保边缘; 倾斜救助 60 % above 3,000) the same
    published slip checks line by line: (50,000 − 300) × 70 % = 34,790.00; 15,210 × 70 % = 10,647.00;
    (15,210 − 10,647 − 3,000) × 60 % = 937.80; 个人自付 2,000 + 3,625.20 = 5,625.20. Fewer rows depend on
    assumed figures: none here."""
    import pathlib
    import tomllib

    from calc import local
    yubei_dir = pathlib.Path(__file__).resolve().parents[1] / "offices" / "yubei"
    office = yubei_dir / tomllib.loads((yubei_dir / "case.toml").read_text("utf-8"))["office_file"]
    plain = rows(yubei())
    local.register(office)
    try:
        r = rows(yubei())
    finally:
        local.unregister(office)
    assert {k[1]: v["status"] for k, v in r.items()} == {
        "basic": "same", "critical": "same", "assistance": "same", "tilt": "same", "resident": "same"}
    assert r[(0, "basic")]["expected"] == "34790.00" and r[(0, "tilt")]["expected"] == "937.80"
    assert sum(v["status"] == "depends" for v in r.values()) < sum(v["status"] == "depends" for v in plain.values())
