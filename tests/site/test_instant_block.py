"""the instant answers a region page carries (sitegen/instant.py).

- the block stays within SIZE_BUDGET compressed (gzip and brotli, measured on the page's bytes);
- every answer is calc's own (native estimate_dict of the form's input), expanded losslessly;
- every spelling the browser accepts gives, natively, exactly the answer it would be shown
  (including combinations of spellings, and a share link made by calc/share.py);
- what it must NOT accept: other amounts, two identities, an override, a second stay, another year;
- a range is marked only where sampled totals in between keep every payer monotone;
- the chips are on the page, one per amount.
"""
from __future__ import annotations

import gzip
import json
import random
import re

import brotli
import pytest

from calc.api import estimate_dict
from sitegen.instant import AMOUNTS, SIZE_BUDGET, form_input, spell

from .instant_helpers import block_text, page_block, page_cases


def _strip_input(out):
    return {k: v for k, v in out.items() if k != "input"}


def test_block_within_budget_compressed(built_site, regions):
    for r in regions:
        raw = block_text(built_site, r["id"]).encode("utf-8")
        gz, br = len(gzip.compress(raw, 9)), len(brotli.compress(raw, quality=11))
        print(f"{r['id']}: block {len(raw)} bytes, gzip {gz}, brotli {br}")
        assert gz <= SIZE_BUDGET and br <= SIZE_BUDGET, (r["id"], gz, br)


def test_every_answer_is_calcs_own(built_site, regions):
    for r in regions:
        for c in page_cases(built_site, r):
            assert c["answer"] == estimate_dict(c["input"]), (r["id"], c["identity"], c["amount"])


def _set(inp, field, spelling):
    """Apply one accepted spelling to the form's input, the way a link could carry it."""
    if field.startswith("stay."):
        target, key = inp["stays"][0], field[5:]
    elif field.startswith("outpatient."):
        if not isinstance(inp.get("outpatient"), dict):
            inp["outpatient"] = {}
        target, key = inp["outpatient"], field[11:]
    else:
        target, key = inp, field
    if spelling == "-":
        target.pop(key, None)
    else:
        target[key] = json.loads(spelling)


def test_every_accepted_spelling_gives_the_shown_answer(built_site, regions):
    rnd = random.Random(20)
    for r in regions:
        b = page_block(built_site, r["id"])
        answers = {(c["identity"], c["amount"]): c["answer"] for c in page_cases(built_site, r)}
        for field, table in b["fields"].items():
            if field == "outpatient":
                continue  # an object: its two fields are checked one by one
            for s, alike in table.items():
                ident, amount = rnd.choice(list(answers))
                inp = form_input(r, ident, amount)
                _set(inp, field, s)
                got = estimate_dict(inp)
                assert got.get("ok"), (r["id"], field, s)
                assert _strip_input(got) == _strip_input(answers[(ident, amount)]), (r["id"], field, s)
                if alike == 0:
                    assert got == answers[(ident, amount)], (r["id"], field, s)
        by_index = {i: a for i, a in enumerate(AMOUNTS)}
        for s, i in b["totals"].items():
            ident = rnd.choice(b["identities"])
            inp = form_input(r, ident, AMOUNTS[i])
            inp["stays"][0]["total"] = json.loads(s)
            assert estimate_dict(inp) == answers[(ident, by_index[i])], (r["id"], s)
        # combinations: several accepted spellings at once (at most one "alike", as the page allows)
        fields = [f for f in b["fields"] if f != "outpatient"]
        for _ in range(60):
            ident, amount = rnd.choice(list(answers))
            inp = form_input(r, ident, amount)
            alike = 0
            for f in rnd.sample(fields, 5):
                s, a = rnd.choice(list(b["fields"][f].items()))
                if a and alike:
                    continue
                alike += a
                _set(inp, f, s)
            got = estimate_dict(inp)
            assert _strip_input(got) == _strip_input(answers[(ident, amount)]), (r["id"], inp)


def test_what_is_not_a_precomputed_case(built_site, regions):
    """Spellings that change the answer are not listed, so the page asks the engine."""
    for r in regions:
        b = page_block(built_site, r["id"])
        assert spell("25000") not in b["totals"] and spell("30001") not in b["totals"]
        assert spell("0") not in b["totals"] and spell("") not in b["totals"]
        assert spell(str(r["default_year"] - 1)) not in b["fields"]["year"] or r["default_year"] - 1 not in r["years"]
        assert "-" not in b["fields"]["region"]
        assert spell({"basic.level2.deductible": "500"}) not in b["fields"]["overrides"]
        assert spell("3") not in b["fields"]["stay.level"] and spell("city") not in b["fields"]["stay.place"]
        assert spell("3000") not in b["fields"]["stay.out_of_policy"]
        assert spell("1000") not in b["fields"]["outpatient.chronic"]
        assert spell(True) not in b["fields"]["stay.transferred"]
        assert spell(True) not in b["fields"]["newborn"]
        # where 转诊 changes the county answer (咸宁), a link saying 否 is not this case; one that
        # leaves it out is (calc's declared default is the form's ticked box)
        if r["features"].get("referral"):
            base = estimate_dict(form_input(r, "dibao", 30000))
            other = form_input(r, "dibao", 30000)
            other["stays"][0]["referral"] = False
            if _strip_input(estimate_dict(other)) != _strip_input(base):
                assert spell(False) not in b["fields"]["stay.referral"]
                assert b["fields"]["stay.referral"].get("-") == 0


def test_ranges_only_where_monotone(built_site, regions):
    """A pair marked monotone: recheck natively at other totals than the build sampled."""
    rnd = random.Random(7)
    payers = ("hospital_bears", "basic", "critical", "assistance", "tilt", "re_assistance", "other", "resident")
    for r in regions:
        b = page_block(built_site, r["id"])
        for ident, marks in b["ranges"].items():
            assert len(marks) == len(AMOUNTS) - 1
            for i, ok in enumerate(marks):
                if not ok:
                    continue
                lo, hi = AMOUNTS[i], AMOUNTS[i + 1]
                ts = sorted({lo, hi, *(rnd.randrange(lo * 100, hi * 100) / 100 for _ in range(6))})
                ys = [estimate_dict(form_input(r, ident, f"{t:.2f}"))["year"] for t in ts]
                res = [float(y["resident"]) for y in ys]
                assert res == sorted(res), (r["id"], ident, lo, hi)
                for p in payers:
                    seq = [float(y[p]) for y in ys]
                    assert seq == sorted(seq) or seq == sorted(seq, reverse=True), (r["id"], ident, p, lo, hi)


def test_chips_on_the_page(built_site, regions):
    for r in regions:
        page = (built_site / r["id"] / "index.html").read_text("utf-8")
        chips = re.findall(r'<button type="button" class="calc-chip" data-total="(\d+)">([^<]+)</button>', page)
        assert [int(t) for t, _ in chips] == list(AMOUNTS), r["id"]
        assert page.index('id="calc-chips"') < page.index('id="calc-result"')


def test_office_hotline_only_when_the_settings_name_one(regions):
    from sitegen import settings as site_settings
    from sitegen.instant import region_block

    rm = regions[0]
    set_ = region_block(rm, {"office_name": "某某县医疗保障局", "hotline": "0533-1234567"})
    assert set_["office"] == {"name": "某某县医疗保障局", "hotline": "0533-1234567"}
    assert region_block(rm, {"office_name": "x", "hotline": site_settings.DEFAULTS["hotline"]})["office"] is None
    assert region_block(rm, {"hotline": ""})["office"] is None
