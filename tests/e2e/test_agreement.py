"""The browser surfaces show calc's amounts and year for the agreement cases
(tests/agreement/cases.toml), several cases per page load: the calculator page opened by a share
link (engine answer), the page's own instant lookup for the identity-and-total cases, and the link
builder's preview and link. The form and the link builder have a control for every declared field
the region shows. Roster rows and sheets are tests/unit/test_agreement.py (the same Python the
roster page's worker runs); the 明白纸 is tests/site/test_agreement_pages.py."""
from __future__ import annotations

import json
import time

import pytest

from calc import api, fields, share, vocab
from calc.api import estimate_dict
from tests.agreement import listed_cases, minimal_cases

from .conftest import BOOT_TIMEOUT_MS
from .test_calculator_ui import open_fragment, yuan

REGIONS = {r["id"]: r for r in json.loads(api.meta())["regions"]}
PAYERS = list(vocab.PAYERS)


def calc_answer(inp) -> dict:
    out = estimate_dict(inp)
    assert out["ok"], out
    return out


def shown_fields(region: dict, stay: int):
    feats = region["features"]
    for f in fields.FIELDS:
        if f.where == "top" or not f.form or (f.feature and not feats.get(f.feature)):
            continue
        if f.later_stays_only and stay == 0:
            continue
        yield f


def _cases(rid: str) -> list[dict]:
    """The region's listed cases and, of the identity-and-total cases (all of them are checked
    against the page's instant lookup below and natively in tests/unit), the first identity's and
    普通参保人员's: a share link each, on one page load."""
    mins = [c for c in minimal_cases() if c["region"] == rid]
    first = next(c["identity"] for c in mins if c["identity"] != "putong")
    return [c for c in mins if c["identity"] in (first, "putong")] + [c for c in listed_cases() if c["region"] == rid]


@pytest.mark.parametrize("rid", sorted(REGIONS))
def test_calculator_page_and_instant_answer_show_calcs_amounts(calc_page, rid):
    page = calc_page(rid)
    for f in shown_fields(REGIONS[rid], 0):
        path = f"stays[0].{f.key}" if f.where == "stay" else f.path
        assert page.locator(f'#calc-form [data-field="{path}"]').count() == 1, f"{rid}: the form has no {path}"
    found = page.evaluate("""async (inputs) => {
        const { Instant } = await import(new URL('../assets/resident/calc-instant.js', location.href).href);
        const inst = new Instant();
        return inputs.map((i) => inst.lookup(i));
    }""", [c["input"] for c in minimal_cases() if c["region"] == rid])
    for c, got in zip([c for c in minimal_cases() if c["region"] == rid], found):
        want = calc_answer(c["input"])
        assert got is not None and got["year"] == want["year"], f"{c['id']}: instant answer"
    for c in _cases(rid):
        want = calc_answer(c["input"])
        assert open_fragment(page, "calc=" + share.encode(c["input"])) == "done", c["id"]
        y = want["year"]
        assert page.text_content('#calc-result [data-amount="year.resident"]').strip() == yuan(y["resident"]), c["id"]
        legend = {k: page.text_content(f'#calc-result .calc-bar-legend [data-amount="year.{k}"]')
                  for k in PAYERS if y[k] != "0.00"}
        assert legend == {k: f"{yuan(y[k])} 元" for k in legend}, c["id"]
        assert f"{want['input']['year']} 年的规定" in page.text_content("#calc-result"), c["id"]


def _fill_link_builder(page, inp):
    page.select_option("#lb-region", inp["region"])
    page.select_option("#lb-identity", inp["identities"])
    while page.locator("#lb-stays fieldset").count():
        page.locator("#lb-stays fieldset").last.locator("button").click()
    region = REGIONS[inp["region"]]
    for i, st in enumerate(inp["stays"]):
        page.click("#lb-add-stay")
        for f in shown_fields(region, i):
            if f.where != "stay":
                continue
            sel = f"#lb-stay{i}-{f.key}"
            assert page.locator(sel).count() == 1, f"the link builder has no {sel}"
            if f.key not in st:
                continue
            if f.kind == "flag":
                page.set_checked(sel, bool(st[f.key]))
            elif f.kind in ("level", "place"):
                page.select_option(sel, st[f.key])
            else:
                page.fill(sel, st[f.key])
    for f in fields.OUTPATIENT.values():
        page.fill(f"#lb-{f.form}", inp.get("outpatient", {}).get(f.key, ""))
    page.click("#lb-make")


def _wait_preview(page, inp, timeout=60):
    """The link for exactly this case is made: -> (link input, preview {payer: text})."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        link = page.input_value("#lb-link")
        if page.get_attribute("#lb-output", "data-state") == "done" and "#calc=" in link:
            got, _ = share.decode(link.split("#calc=", 1)[1])
            if got and got.get("identities") == inp["identities"] and got.get("region") == inp["region"] \
                    and [s.get("total") for s in got.get("stays", [])] == [s["total"] for s in inp["stays"]] \
                    and got.get("outpatient", {}) == inp.get("outpatient", {}):
                rows = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#lb-preview tr[data-payer]')]
                    .map((tr) => [tr.dataset.payer, tr.querySelector('td').textContent]))""")
                return got, rows
        time.sleep(0.1)
    raise AssertionError(f"no link for {inp}: {page.inner_text('#lb-output')}")


def test_link_builder_preview_and_link_show_calcs_amounts(calc_context, server_url):
    page = calc_context.new_page()
    page.goto(f"{server_url}staff/link/")
    page.wait_for_selector('#lb-output[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    cases = listed_cases() + [c for c in minimal_cases() if c["total"] == 200000 and c["identity"] != "putong"][:5]
    for c in cases:
        _fill_link_builder(page, c["input"])
        link_input, rows = _wait_preview(page, c["input"])
        want = calc_answer(c["input"])["year"]
        assert calc_answer(link_input)["year"] == want, c["id"]
        assert rows == {k: f"{yuan(want[k])} 元" for k in PAYERS if k == "resident" or want[k] != "0.00"}, c["id"]
    page.close()
