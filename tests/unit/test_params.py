"""Parameters are data with provenance; rules come from the data; the engine names no region or rule."""
import datetime
import json
import pathlib
import re

import pytest

from calc import params
from calc.api import estimate_dict, meta
from calc.rules import RULES

ROOT = pathlib.Path(__file__).parent
CALC = ROOT.parents[1] / "calc"
ENGINE = [CALC / "engine.py", CALC / "context.py", *sorted((CALC / "tiers").glob("*.py"))]


@pytest.mark.parametrize("region", params.region_ids())
def test_every_parameter_has_provenance_label_and_period(region):
    rp = params.load(region)
    ps = list(rp.parameters())
    assert ps
    for p in ps:
        assert p.provenance in params.PROVENANCE, p.path
        assert p.label, p.path
        assert p.unit in params.UNITS, p.path
        if p.provenance == "document":
            assert p.rule in rp.rules, f"{p.path}: a document figure names its rule"
            assert p.cite.startswith(rp.document + " "), p.path
            assert p.cite.removeprefix(rp.document + " ") in rp.rules[p.rule].section, \
                f"{p.path}: its clause {p.cite} is one its rule {p.rule} lists"
        elif p.provenance == "public":
            assert p.cite, f"{p.path} lacks its source"
        else:
            assert p.reason.endswith("。"), f"{p.path} lacks a one-sentence reason"
        if p.reading:
            assert p.alternative, f"{p.path}: a reading names its alternative"
        assert p.since is None or isinstance(p.since, datetime.date)


def test_region_files_state_the_document_once_and_parameters_cite_sections_only():
    for f in (CALC / "regions").glob("[!_]*.toml"):
        text = f.read_text("utf-8")
        doc = re.search(r'^document = "(.+)"', text, re.M)[1]
        body = text.split("[rules]")[1]
        assert doc not in body, f"{f.name}: parameters cite the section only"


def test_national_figures_live_in_one_file():
    """A region file states a national path only to give it another value or a more local source."""
    for region in params.region_ids():
        rp = params.load(region)
        for path, variants in rp.own.by_path.items():
            for p in variants:
                for n in rp.national.by_path.get(path, ()):
                    same_period = (p.since, p.until) == (n.since, n.until)
                    copy = same_period and p.value == n.value and p.cite == n.cite
                    assert not copy, f"{region}: {path} copies _national.toml"


def test_ordinary_critical_threshold_is_half_the_previous_years_national_income():
    income = {2019: 30733, 2020: 32189, 2021: 35128, 2022: 36883}  # ../shared/reference-values.md
    rp = params.load("xianning")
    for year in range(2020, 2026):
        p = rp.national.get("critical.ordinary.threshold", year)
        prev = min(year - 1, max(income))
        assert p.value == params.Decimal(income[prev]) / 2, year
        assert (year - 1 > max(income)) == ("沿用" in p.reason), year


def test_all_rules_have_named_tests():
    text = "".join(f.read_text("utf-8") for f in ROOT.glob("test_*.py"))
    missing = [r for r in RULES if not re.search(rf"def test_{r.replace('-', '_')}_", text)]
    assert len(RULES) == 44 and not missing, missing


def test_engine_names_no_region_no_rule_and_no_figure():
    for f in ENGINE:
        code = f.read_text("utf-8")
        body = re.sub(r'"""[\s\S]*?"""', "", code)
        body = "\n".join(l.split("#")[0] for l in body.splitlines())
        assert not re.search(r"\b(XN|YC|DZ|YY|CQ)-[A-Z0-9]+", body), f.name
        assert not re.search(r"xianning|yangcheng|dongzhi|yiyuan|chongqing", body), f.name
        strings_out = re.sub(r'f?"[^"\n]*"', '""', body)
        nums = re.findall(r"(?<![\w.{\[])(\d+\.\d+|\d{2,})(?![\w}])", strings_out)
        assert not nums, (f.name, nums)


def test_meta_lists_each_regions_identities_in_its_documents_words():
    m = json.loads(meta())
    regions = {r["id"]: r for r in m["regions"]}
    assert list(regions) == list(params.region_ids())
    assert [p["id"] for p in m["vocab"]["payers"]][-1] == "resident"
    ids = lambda r: [i["id"] for i in regions[r]["identities"]]
    assert "dibao_edge" in ids("dongzhi") and "yinbing" in ids("dongzhi") and "wending" not in ids("dongzhi")
    assert "yinbing" in ids("chongqing")
    assert "jianka" in ids("yiyuan") and "jishi" in ids("yiyuan") and "fanpin" not in ids("yiyuan")
    assert regions["yiyuan"]["year_notes"]["2020"]
    for r in regions.values():
        assert r["default_year"] == max(r["years"])
        assert r["assumptions"][str(r["default_year"])] and r["levels"] and r["places"]


def test_override_of_document_figure_is_refused_and_assumption_accepted_as_percent():
    o = estimate_dict({"region": "xianning", "overrides": {"assistance.dibao_fanpin.ratio": "90%"}})
    assert not o["ok"] and "不能修改" in o["errors"][0]["message"]
    ok = estimate_dict({"region": "xianning", "year": 2022, "stays": [{"total": "6000", "out_of_policy": "0"}],
                        "overrides": {"basic.level2.deductible": "500", "basic.level2.ratio": "75%"}})
    assert ok["ok"] and ok["stays"][0]["basic"] == "4125.00"  # (6000 − 500) × 75%
    assert any(a["overridden"] for a in ok["assumptions"])
    assert any(n["kind"] == "override" for n in ok["notes"])


def test_assumptions_listed_are_only_those_this_computation_used_with_whom_and_percent():
    o = estimate_dict({"region": "chongqing", "year": 2022, "identities": ["dibao"],
                       "stays": [{"total": "50000", "out_of_policy": "0"}]})
    paths = [a["param"] for a in o["assumptions"]]
    assert "basic.level2.ratio" in paths and "basic.level3.ratio" not in paths
    cap = next(a for a in o["assumptions"] if a["param"] == "assistance.cap")
    assert cap["who"] == "所有救助对象" and paths.count("assistance.cap") == 1
    ratio = next(a for a in o["assumptions"] if a["param"] == "basic.level2.ratio")
    assert ratio["edit"] == "75" and ratio["display"] == "75%"
