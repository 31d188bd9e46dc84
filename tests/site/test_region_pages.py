"""The built site: a page per region, every rule anchor, figures == parameters, trace links resolve,
worked examples == calc, QR codes decode to the page URL, print sheets exist."""
from __future__ import annotations

import itertools
import json
import os
import re
from html.parser import HTMLParser
from decimal import Decimal
from pathlib import Path

import pytest

from calc import api, params
from calc.rules import RULES

from sitegen.build import _param_row, humanize

from .pngread import read_grey

SITE_URL = (os.environ.get("SITE_URL") or "http://localhost:8000/").rstrip("/") + "/"


def test_home_lists_every_region_with_settlement_disclaimer(built_site, regions):
    html = (built_site / "index.html").read_text("utf-8")
    assert "以医保经办机构结算为准" in html
    for r in regions:
        assert f'href="{r["id"]}/"' in html, f"home page has no link to {r['id']}"
        assert r["name"] in html and r["province"] in html


def test_a_page_per_region_with_calculator(built_site, regions, pages):
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        assert f'id="calculator"' in html and f'data-region="{r["id"]}"' in html, r["id"]
        assert "以医保经办机构结算为准" in html
        for section in ("covers", "identities", "figures", "changes", "calculator-section", "examples", "rules", "words"):
            assert section in pages[r["id"]].ids, f"{r['id']}: section #{section} missing"


def test_every_rule_has_its_anchor_on_its_region_page(pages):
    assert len(RULES) >= 44
    missing = [rid for rid, rule in RULES.items() if rule.anchor not in pages[rule.region].ids]
    assert not missing, f"rule anchors missing: {missing}"
    for rid, rule in RULES.items():
        assert rule.anchor == rid.lower()


def test_every_identity_has_a_section_print_sheet_and_qr(built_site, regions, pages):
    for r in regions:
        for ident in r["identities"]:
            iid = ident["id"]
            assert f"id-{iid}" in pages[r["id"]].ids, f"{r['id']} #id-{iid}"
            assert (built_site / r["id"] / "print" / iid / "index.html").is_file(), f"{r['id']} print {iid}"
            assert (built_site / r["id"] / "qr" / f"{iid}.png").is_file()


def test_every_figure_in_the_tables_equals_its_parameter(regions, pages):
    for r in regions:
        year = r["default_year"]
        expected = {p.path: p for p in params.load(r["id"]).parameters(year)}
        shown = pages[r["id"]].figures
        assert set(shown) == set(expected), (
            f"{r['id']}: tables and parameters differ: only in page {set(shown) - set(expected)}, "
            f"not shown {set(expected) - set(shown)}")
        labels = {i["id"]: i["label"] for rr in regions for i in rr["identities"]}
        for path, p in expected.items():
            value = ",".join(p.value) if p.unit == "ids" else str(p.value)
            assert shown[path]["value"] == value, f"{r['id']} {path}"
            if p.unit in ("text", "ids"):  # ids in words: "tekun,dibao" -> "特困人员、低保对象"
                words = humanize(_param_row(p), labels)
                assert shown[path]["display"] == words, f"{r['id']} {path}"
                if p.unit == "ids":
                    assert all(labels.get(x, x) in words or x in words for x in p.value) or words
            else:
                assert shown[path]["display"] == p.display, f"{r['id']} {path}"


def _inputs(region: dict):
    """Several estimate inputs per region: each identity × sizes × places, with outpatient care."""
    levels = [l["id"] for l in region["levels"]]
    places = [p["id"] for p in region["places"]]
    for ident, (total, level, place, referral) in itertools.product(
            region["identities"],
            [("900", levels[0], places[0], True), ("30000", levels[-1], places[-1], False),
             ("300000", levels[len(levels) // 2], places[min(1, len(places) - 1)], True)]):
        yield {"region": region["id"], "year": region["default_year"], "identities": [ident["id"]],
               "stays": [{"total": total, "out_of_policy": str(Decimal(total) / 5), "level": level,
                          "place": place, "referral": referral},
                         {"total": "80000", "out_of_policy": "4000", "level": "2", "place": "county",
                          "referral": True}],
               "outpatient": {"chronic": "6000", "special_drugs": "2000"}}


def test_every_trace_citation_link_resolves_on_the_page(regions, pages):
    checked = 0
    for r in regions:
        for inp in _inputs(r):
            res = api.estimate_dict(inp)
            assert res["ok"], (inp, res)
            for step in res["trace"]:
                if step["anchor"] is None:  # a step no clause states (an assumption) links nowhere
                    continue
                assert step["anchor"] in pages[r["id"]].ids, (
                    f"{r['id']}: trace step {step['rule']} links to #{step['anchor']}, not on the page")
                checked += 1
    assert checked > 50


class CardParser(HTMLParser):
    """Worked-example cards: identity -> [{"total": data-total, payer id: amount text}]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cards: dict[str, list[dict]] = {}
        self._ident = None
        self._card = None
        self._payer = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("data-kind") == "examples":
            self._ident = a.get("data-identity")
            self.cards[self._ident] = []
        if self._ident and "ex-card" in (a.get("class") or "").split():
            self._card = {"total": a.get("data-total"), "order": []}
            self.cards[self._ident].append(self._card)
        if self._card is not None and "data-payer" in a:
            self._payer = a["data-payer"]
            self._card[self._payer] = ""
            self._card["order"].append(self._payer)

    def handle_endtag(self, tag):
        if tag in ("strong", "dd"):
            self._payer = None

    def handle_data(self, data):
        if self._payer:
            self._card[self._payer] += data


def _cards(built_site, region):
    p = CardParser()
    p.feed((built_site / region / "index.html").read_text("utf-8"))
    return p.cards


def test_worked_examples_are_calc_results(built_site, regions):
    """A card per bill, the resident's share first, then every payer that paid, all from calc."""
    for r in regions:
        cards = _cards(built_site, r["id"])
        for ident in r["identities"]:
            rows = cards[ident["id"]]
            assert len(rows) == 3, (r["id"], ident["id"], rows)
            for card in rows:
                total = card["total"]
                oop = (Decimal(total) / 10).quantize(Decimal("1"))
                res = api.estimate_dict({"region": r["id"], "year": r["default_year"],
                                         "identities": [ident["id"]],
                                         "stays": [{"total": total, "out_of_policy": str(oop), "level": "2",
                                                    "place": "county", "referral": True}]})
                stay = res["stays"][0]
                assert card["order"][0] == "resident"
                shown = {k: v.replace(",", "").replace("元", "").strip() for k, v in card.items()
                         if k not in ("total", "order")}
                paid = {k: v for k, v in stay.items() if k in shown or (k not in ("index", "total", "in_policy",
                        "out_of_policy", "admission_payment") and v not in (None, "0.00"))}
                assert shown == paid, (r["id"], ident["id"], total)


def test_page_anatomy_question_calculator_answer_first(built_site, regions):
    """The question, then the calculator (and the answer's place), before any explanation; no
    QR code or link builder before the calculator."""
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        body = html[html.index('<div class="region-page"'):]
        order = [body.index(x) for x in ('<h1 id="top">住院花了多少钱？算一算自己要付多少</h1>', 'id="calculator"',
                                         'id="calc-result"', 'id="identities"', 'id="figures"', 'id="rules"')]
        assert order == sorted(order), r["id"]
        top = body[:body.index('id="calculator"')]
        assert 'class="qr"' not in top and "linkbuilder" not in top and "localhost" not in top, r["id"]


def test_calculator_meta_is_embedded_from_calc(built_site, regions, meta):
    """The form's labels and choices come from calc's meta, embedded as a JSON data block."""
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        m = re.search(r'<script type="application/json" id="calc-meta">(.*?)</script>', html, re.S)
        assert m, r["id"]
        assert "<" not in m.group(1)
        data = json.loads(m.group(1))
        region = data["region"]
        assert region["id"] == r["id"] and region["default_year"] == r["default_year"]
        assert region["identities"] == r["identities"] and region["years"] == r["years"]
        payers = [p["id"] for p in data["vocab"]["payers"]]
        assert "resident" in payers and "basic" in payers
        assert all(w["plain"] and w["terms"] for w in data["glossary"])


def test_old_document_says_so_above_the_calculator(built_site, regions):
    latest = max(max(r["years"]) for r in regions)
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        note = re.search(r'<details id="calc-year-notice"[^>]*?( hidden)?><summary[^>]*>(.*?)</summary>'
                         r'<p id="calc-year-notice-text"[^>]*>(.*?)</p>', html, re.S)
        old = (r.get("year_notes") or {}).get(str(r["default_year"])) if "year_notes" in r else max(r["years"]) < latest
        if old:
            assert not note.group(1) and note.group(3).strip(), r["id"]
            # folded to one short line naming the year; the whole note one tap away
            assert str(r["default_year"]) in note.group(2) and len(note.group(2)) <= 16, note.group(2)
            assert not isinstance(old, str) or note.group(3).strip() == old, r["id"]
        else:
            assert note.group(1), r["id"]
    assert any(max(r["years"]) < latest for r in regions if r["id"] == "yiyuan")


def test_a_picture_per_identity(built_site, regions):
    """Each identity section has its SVG (no JavaScript needed) with a title and description."""
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        for ident in r["identities"]:
            sec = html[html.index(f'id="id-{ident["id"]}"'):]
            sec = sec[:sec.index("</section>")]
            assert f'<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in sec, (r["id"], ident["id"])
            assert f'aria-labelledby="chart-{ident["id"]}-t chart-{ident["id"]}-d"' in sec
            assert f'<title id="chart-{ident["id"]}-t">' in sec and f'<desc id="chart-{ident["id"]}-d">' in sec
            assert sec.count("<polyline") == len(r["identities"])


def _decode(png: Path) -> str:
    import zxingcpp
    w, h, grey = read_grey(png)
    found = zxingcpp.read_barcodes(memoryview(grey).cast("B", (h, w)))
    assert found, f"no QR code found in {png}"
    return found[0].text


def test_qr_codes_decode_to_the_page_urls(built_site, regions):
    for r in regions:
        assert _decode(built_site / r["id"] / "qr" / "region.png") == f"{SITE_URL}{r['id']}/"
        for ident in r["identities"][:3]:
            got = _decode(built_site / r["id"] / "qr" / f"{ident['id']}.png")
            assert got == f"{SITE_URL}{r['id']}/#id-{ident['id']}"


def test_generated_pages_load_nothing_from_other_origins(built_site, regions, pages):
    for r in regions:
        for src in pages[r["id"]].srcs:
            assert not re.match(r"^(https?:)?//", src), f"{r['id']}: third-party resource {src}"


def test_assumptions_are_labelled(built_site, regions):
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        has_assumption = any(p.provenance == "assumption"
                             for p in params.load(r["id"]).parameters(r["default_year"]))
        if has_assumption:
            assert "假设值，可在计算器中修改" in html, r["id"]
