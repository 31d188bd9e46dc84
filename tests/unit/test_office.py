"""An office's own figures (calc/local.py): 渝北's published case reproduced to the fen from its
office file, what `calc check` refuses, and where the office's figures do not apply."""
import pathlib
import tomllib
from decimal import Decimal

import pytest

from calc import local, params, vocab
from calc.api import estimate_dict, meta
from calc.check import check_files
from tests.unit.cases import get

YUBEI = pathlib.Path(__file__).resolve().parents[1] / "offices" / "yubei"
CASE = tomllib.loads((YUBEI / "case.toml").read_text("utf-8"))
OFFICE = YUBEI / CASE["office_file"]


@pytest.fixture
def yubei():
    local.register(OFFICE)
    try:
        yield
    finally:
        local.unregister(OFFICE)


def office_text(**figures):
    """An office file for 重庆 with the given figures (TOML inline tables as text)."""
    rows = "\n".join(f'"{k}" = {v}' for k, v in figures.items())
    return ('region = "chongqing"\n[local]\noffice = "某区医疗保障局"\ndocument = "某区医保局 通知"\n'
            f"date = 2023-10-30\nyears = [2023]\n[local.figures]\n{rows}\n")


def problems(tmp_path, text):
    f = tmp_path / "office.toml"
    f.write_text(text, "utf-8")
    return [str(p) for p in check_files([f])]


def test_yubei_office_file_is_accepted_by_calc_check():
    assert check_files([OFFICE]) == []


@pytest.mark.parametrize("case", CASE["case"], ids=lambda c: c["title"][:20])
def test_yubei_published_case_reproduced_to_the_fen(yubei, case):
    out = estimate_dict(case["input"])
    assert out["ok"], out
    got = {path: get(out, path) for path in case["expect"]}
    assert got == case["expect"]
    st = out["stays"][0]
    in_policy_share = Decimal(st["resident"]) - Decimal(st["out_of_policy"])
    assert in_policy_share == Decimal("3625.20")  # the published in-policy share


def test_without_the_office_file_the_notice_figures_stand():
    out = estimate_dict(CASE["case"][0]["input"])
    assert out["stays"][0]["tilt"] == "0.00"
    assert out["stays"][0]["basic"] != "34790.00"
    assert all(f["provenance"] != "local" for f in out["figures"].values())


def test_local_figures_are_marked_and_cite_the_office(yubei):
    out = estimate_dict(CASE["case"][0]["input"])
    figs = out["figures"]
    doc = tomllib.loads(OFFICE.read_text("utf-8"))["local"]["document"]
    for path in ("basic.level2.deductible", "assistance.others.ratio", "tilt.threshold", "tilt.dibao_edge.ratio"):
        assert figs[path]["provenance"] == "local", path
        assert figs[path]["cite"].startswith(doc), figs[path]
    tilt = next(t for t in out["trace"] if t["tier"] == "tilt")
    assert tilt["basis"] == "local" and tilt["rule"] is None and tilt["cite"].startswith(doc)
    assert "本地标准" in tilt["text"]
    aid = next(t for t in out["trace"] if t["tier"] == "assistance")
    assert aid["rule"] == "CQ-AST-1"            # the notice's rule, with the office's figure marked
    assert "本地标准" in aid["text"] and "不低于" not in aid["text"]
    assert any(n["kind"] == "local" for n in out["notes"])
    assert "assistance.others.ratio" not in {a["param"] for a in out["assumptions"]}
    assert vocab.PROVENANCE["local"] == "本地标准"
    assert "local" in __import__("json").loads(meta())["vocab"]["provenance"]


def test_an_office_figure_cannot_be_overridden(yubei):
    out = estimate_dict({**CASE["case"][0]["input"], "overrides": {"basic.level2.ratio": "80%"}})
    assert not out["ok"] and "本地标准" in out["errors"][0]["message"]


def test_where_the_office_figures_do_not_apply(yubei):
    base = CASE["case"][0]["input"]
    # another year: the file states 2023 only
    other_year = estimate_dict({**base, "year": 2024})
    assert other_year["stays"][0]["tilt"] == "0.00"
    assert other_year["figures"]["assistance.others.ratio"]["provenance"] == "document"
    # another identity: 倾斜救助 only for 低保边缘家庭成员; 低保 keeps the notice's 70% (its own group)
    dibao = estimate_dict({**base, "identities": ["dibao"]})
    assert dibao["stays"][0]["tilt"] == "0.00"
    assert dibao["figures"]["assistance.key.ratio"]["provenance"] == "document"
    # another region: untouched
    xn = estimate_dict({"region": "xianning", "year": 2023, "identities": ["dibao_edge" if "dibao_edge" in
                        params.load("xianning").identities else "jiance"], "stays": base["stays"]})
    assert all(f["provenance"] != "local" for f in xn["figures"].values())


def test_a_local_rate_below_the_notice_floor_is_refused_naming_the_floor(tmp_path):
    found = problems(tmp_path, office_text(**{"assistance.others.ratio": '{ value = "0.55", cite = "一" }'}))
    assert len(found) == 1 and "不低于 60%" in found[0] and "附件 问题七" in found[0], found
    # at the floor is accepted; above it too
    assert problems(tmp_path, office_text(**{"assistance.others.ratio": '{ value = "0.60", cite = "一" }'})) == []


@pytest.mark.parametrize("figure, words", [
    ({"basic.level2.ratio": '{ value = "70", unit = "yuan", cite = "一" }'}, "单位"),
    ({"basic.level2.ratio": '{ value = "1.2", cite = "一" }'}, "0到1"),
    ({"basic.level2.deductible": '{ value = "-300", cite = "一" }'}, "不能小于0"),
    ({"basic.level2.deductible": '{ value = "300" }'}, "cite"),
    ({"assistance.key.ratio": '{ value = "0.80", cite = "一" }'}, "不低于"),   # accepted: see below
    ({"assistance.key.identities": '{ value = ["tekun"], unit = "ids", cite = "一" }'}, "文件规定"),
    ({"tilt.nobody.bar": '{ value = "1", cite = "一" }'}, "不认识"),
    ({"tilt.edge.ratio": '{ value = "0.5", cite = "一" }'}, "tilt.edge.identities"),
    ({"tilt.edge.identities": '{ value = ["qita"], unit = "ids", cite = "一" }'}, "本地区文件列出的身份"),
])
def test_calc_check_refuses_what_an_office_cannot_state(tmp_path, figure, words):
    found = problems(tmp_path, office_text(**figure))
    if words == "不低于":
        assert found == []   # raising a floor is what an office may do
    else:
        assert found and words in found[0], found


def test_an_office_file_adds_no_year(tmp_path):
    text = office_text(**{"basic.level2.deductible": '{ value = "300", cite = "一" }'}).replace("[2023]", "[2023, 2031]")
    found = problems(tmp_path, text)
    assert found and "2031" in found[0] and "update" in found[0]


def test_the_guide_shows_the_example_file_the_tests_check():
    guide = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "office-figures.md").read_text("utf-8")
    block = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    assert block == OFFICE.read_text("utf-8")


def test_roster_sheet_marks_the_office_figures(yubei):
    import roster
    from roster.sheets import sheets
    csv = "姓名/编号,身份,住院1总费用,住院1目录外,住院1医院等级,住院1就医地点\nA,低保边缘户,52000,2000,二级,区县内\nB,普通参保人员,52000,2000,二级,区县内\n"
    out = roster.run(csv, "chongqing", 2023)
    assert out["ok"], out
    a, b = out["rows"]
    assert a["year"]["tilt"] == "937.80" and any("倾斜救助" in x for x in a["local"])
    assert not any("倾斜救助" in x for x in b["local"])        # 倾斜救助 is the office's for 低保边缘 only
    made = sheets(out["rows"], "chongqing", "https://example.org/")
    assert made["sheets"][0]["local"] == a["local"]


def test_an_office_cap_below_its_threshold_is_refused(tmp_path):
    found = problems(tmp_path, office_text(**{"critical.ordinary.annual_limit": '{ value = "1000", cite = "一" }'}))
    assert found and "小于起付线" in found[0], found
    assert problems(tmp_path, office_text(**{"critical.ordinary.annual_limit": '{ value = "400000", cite = "一" }'})) == []
