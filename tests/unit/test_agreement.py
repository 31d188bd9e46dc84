"""Every surface that is not a page shows calc's amounts and year for the agreement cases
(tests/agreement/cases.toml): a share link, a roster row read from CSV and from .xlsx, and its
每人一张 sheet (the same Python the roster page's worker runs). The built pages' instant answers and
明白纸 are tests/site/test_agreement_pages.py; the calculator page and link builder in the browser
are tests/e2e/test_agreement.py."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import roster
from benchmarks.roster import xlsx_bytes
from calc import api, fields, params, share, vocab
from calc.api import estimate_dict
from roster import sheets, words
from tests.agreement import all_cases, listed_cases

ROOT = Path(__file__).resolve().parents[2]
REGIONS = {r["id"]: r for r in json.loads(api.meta())["regions"]}


def calc_answer(case):
    out = estimate_dict(case["input"])
    assert out["ok"], (case["id"], out)
    return out


def test_share_links_carry_the_case_unchanged():
    for case in all_cases():
        link_input, _ = share.decode(share.encode(case["input"]))
        assert estimate_dict(link_input)["year"] == calc_answer(case)["year"], case["id"]


# ---- the roster: each case as a row staff would type ---------------------------------------------
def _place_word(region: dict, pid: str) -> str:
    label = next(p["label"] for p in region["places"] if p["id"] == pid)
    return label if words.place(label) == pid else pid   # a label the roster reads, else the id


def _row(case, region: dict) -> dict:
    """The case as roster cells, in the words staff write (labels, 三级, 是/否, 3万)."""
    inp = case["input"]
    labels = {i["id"]: i["label"] for i in region["identities"]}
    cells = {roster.NAME: case["id"], roster.GROUP: "第1村", roster.IDENTITY: "、".join(labels[i] for i in inp["identities"])}
    for n, st in enumerate(inp["stays"], start=1):
        for word, key in roster.STAY_FIELDS.items():
            if key not in st:
                continue   # left out: the empty cell means calc's declared default
            v = st[key]
            kind = fields.STAY[key].kind
            cell = (vocab.LEVELS[v] if kind == "level" else _place_word(region, v) if kind == "place"
                    else ("是" if v else "否") if kind == "flag" else v)
            cells[roster.STAY.format(n=n, what=word)] = cell
    for word, key in roster.OUTPATIENT.items():
        if key in inp.get("outpatient", {}):
            cells[word] = inp["outpatient"][key]
    return cells


def _csv(cases, region: dict) -> str:
    cols = roster.columns(max(3, *(len(c["input"]["stays"]) for c in cases)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for c in cases:
        row = _row(c, region)
        assert set(row) <= set(cols), set(row) - set(cols)
        w.writerow([row.get(col, "") for col in cols])
    return buf.getvalue()


def check_roster(region: str, kind: str, cases: list[dict]):
    """The cases as one roster file (CSV or .xlsx): each row and its 每人一张 sheet show calc's amounts."""
    meta = next(r for r in json.loads(api.meta())["regions"] if r["id"] == region)
    text = _csv(cases, meta)
    data = text.encode("utf-8") if kind == "csv" else xlsx_bytes(text)
    out = roster.run(data, region)
    assert out["ok"], out
    rows = {r["name"]: r for r in out["rows"]}
    made = {s["name"]: s for s in sheets.sheets(out["rows"], region, "https://example.org/")["sheets"]}
    for c in cases:
        want = calc_answer(c)
        row = rows[c["id"]]
        assert row["ok"], (c["id"], row)
        assert row["year"] == want["year"] and row["year_of"] == want["input"]["year"], c["id"]
        assert [s["resident"] for s in row["stays"]] == [s["resident"] for s in want["stays"]], c["id"]
        sheet = made[c["id"]]
        assert sheet["resident"] == want["year"]["resident"] and sheet["total"] == want["year"]["total"]
        assert sheet["year"] == want["input"]["year"]
        assert {p["label"]: p["amount"] for p in sheet["paid"]} == \
            {vocab.PAYERS[k]: want["year"][k] for k in sheets.PAYER_LINES if want["year"][k] != "0.00"}, c["id"]


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_roster_rows_and_sheets_show_calcs_amounts(region, kind):
    check_roster(region, kind, [c for c in all_cases() if c["region"] == region])


def test_a_sixth_region_from_data_alone_agrees_on_every_surface_too():
    rid = params.register(ROOT / "tests" / "unit" / "data" / "sixth" / "shiyan.toml")
    try:
        cases = [c for c in all_cases() if c["region"] == rid]
        assert len(cases) > len(listed_cases()) / len(REGIONS)
        for kind in ("csv", "xlsx"):
            check_roster(rid, kind, cases)
    finally:
        params.unregister(rid)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_referral_left_out_case_is_the_ticked_box_everywhere(region):
    """The form ticks 规范转诊; a link, a roster row or calc input that leaves it out agree."""
    for c in listed_cases():
        if c["region"] != region:
            continue
        ticked = json.loads(json.dumps(c["input"]))
        for st in ticked["stays"]:
            st.setdefault("referral", fields.STAY["referral"].default)
        assert estimate_dict(ticked)["year"] == calc_answer(c)["year"], c["id"]


def test_with_a_yearly_notice_applied_every_surface_agrees_too(tmp_path):
    """README's own [update.2026] example (tests/site/data/yangcheng-2026.toml) added to 阳城's file,
    as an office does each year: the cases now compute in 2026, and the share link, the roster rows
    read from CSV and .xlsx and their sheets still show calc's amounts and year."""
    original = params._FILES.get("yangcheng") or (params.region_ids() and params._FILES["yangcheng"])
    notice = (ROOT / "tests" / "site" / "data" / "yangcheng-2026.toml").read_text("utf-8").split("\n", 1)[1]
    region = tmp_path / "yangcheng.toml"
    region.write_text(original.read_text("utf-8") + "\n" + notice, "utf-8")
    params.register(region)
    try:
        cases = [c for c in all_cases() if c["region"] == "yangcheng"]
        years = {c["id"]: calc_answer(c)["input"]["year"] for c in cases}
        assert 2026 in years.values(), years
        for case in cases:
            link_input, _ = share.decode(share.encode(case["input"]))
            assert estimate_dict(link_input)["year"] == calc_answer(case)["year"], case["id"]
        for kind in ("csv", "xlsx"):
            check_roster("yangcheng", kind, cases)
    finally:
        params._FILES["yangcheng"] = original
        params.load.cache_clear()
