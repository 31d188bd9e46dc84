"""Every surface that is not a browser page shows calc's amounts and year for the agreement cases
(tests/agreement/cases.toml): the instant answers (the page's own lookup code, in Node), a share
link, a roster row read from CSV and from .xlsx, and its 每人一张 sheet. The browser surfaces
(calculator page, link builder, 明白纸) are tests/e2e/test_agreement.py."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import roster
from benchmarks.roster import xlsx_bytes
from calc import api, fields, share, vocab
from calc.api import estimate_dict
from roster import sheets, words
from sitegen import instant
from tests.agreement import all_cases, listed_cases, minimal_cases

ROOT = Path(__file__).resolve().parents[2]
REGIONS = {r["id"]: r for r in json.loads(api.meta())["regions"]}
AMOUNTS = [k for k in vocab.PAYERS] + ["total"]


def calc_answer(case):
    out = estimate_dict(case["input"])
    assert out["ok"], (case["id"], out)
    return out


@pytest.fixture(scope="module")
def instant_answers():
    """{case id: the instant answer the page's calc-instant.js finds for the case's input}."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the page's instant lookup")
    blocks = {rid: instant.region_block(r, ranges=False) for rid, r in REGIONS.items()}
    cases = minimal_cases()
    inputs = [c["input"] for c in cases]
    # a share link that leaves every other field out, decoded as the page decodes it
    inputs += [share.decode(share.encode(c["input"]))[0] for c in cases]
    res = subprocess.run([node, str(ROOT / "tests" / "agreement" / "instant_lookup.mjs")],
                         input=json.dumps({"blocks": blocks, "inputs": inputs}), capture_output=True, text=True,
                         timeout=120, check=True)
    found = json.loads(res.stdout)
    n = len(cases)
    return {c["id"]: (found[i], found[n + i]) for i, c in enumerate(cases)}


@pytest.mark.parametrize("case", minimal_cases(), ids=lambda c: c["id"])
def test_identity_and_total_only_is_answered_instantly_with_calcs_amounts(case, instant_answers):
    want = calc_answer(case)
    direct, via_link = instant_answers[case["id"]]
    for got in (direct, via_link):
        assert got is not None, f"{case['id']}: the page does not answer this input instantly"
        assert got["year"] == want["year"] and got["input"]["year"] == want["input"]["year"], case["id"]
        assert got["stays"] == want["stays"] and got["notes"] == want["notes"], case["id"]


def test_share_links_carry_the_case_unchanged():
    for case in all_cases():
        link_input, _ = share.decode(share.encode(case["input"]))
        assert estimate_dict(link_input)["year"] == calc_answer(case)["year"], case["id"]


# ---- the roster: each case as a row staff would type ---------------------------------------------
def _place_word(region, pid):
    label = next(p["label"] for p in region["places"] if p["id"] == pid)
    return label if words.place(label) == pid else pid   # a label the roster reads, else the id


def _row(case) -> dict:
    """The case as roster cells, in the words staff write (labels, 三级, 是/否, 3万)."""
    region = REGIONS[case["region"]]
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


def _csv(cases) -> str:
    cols = roster.columns(max(3, *(len(c["input"]["stays"]) for c in cases)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for c in cases:
        row = _row(c)
        assert set(row) <= set(cols), set(row) - set(cols)
        w.writerow([row.get(col, "") for col in cols])
    return buf.getvalue()


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_roster_rows_and_sheets_show_calcs_amounts(region, kind):
    cases = [c for c in all_cases() if c["region"] == region]
    text = _csv(cases)
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
def test_the_referral_left_out_case_is_the_ticked_box_everywhere(region):
    """The form ticks 规范转诊; a link, a roster row or calc input that leaves it out agree."""
    for c in listed_cases():
        if c["region"] != region:
            continue
        ticked = json.loads(json.dumps(c["input"]))
        for st in ticked["stays"]:
            st.setdefault("referral", fields.STAY["referral"].default)
        assert estimate_dict(ticked)["year"] == calc_answer(c)["year"], c["id"]
