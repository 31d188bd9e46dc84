"""Identities a notice names with only part of a treatment: offered in the form, and the page
says, citing the clause, what is and is not computed — the words come from calc's meta(), natively
compared; the amounts from the real worker equal calc.api.estimate_dict natively."""
import json

import pytest

from calc.api import estimate_dict, meta as native_meta

from .conftest import worker_call

NOTES = {(r["id"], i["id"]): i["note"] for r in json.loads(native_meta())["regions"]
         for i in r["identities"] if i.get("note")}


@pytest.mark.parametrize("region,ident,clause", [("dongzhi", "qita", "三（一）3"), ("xianning", "qita", "二（一）"),
                                                 ("yiyuan", "linshi", "三（二）六是")])
def test_the_form_offers_the_identity_and_shows_its_clause(calc_page, region, ident, clause):
    page = calc_page(region)
    page.check(f"#calc-id-{ident}")
    row = page.locator(f"#calc-identity label:has(#calc-id-{ident})")
    row.wait_for(state="visible")
    text = page.locator("#calc-identity").inner_text()
    assert clause in text and NOTES[(region, ident)] in text, text


def test_the_worker_computes_them_like_calc_natively(calc_page):
    page = calc_page("xianning")
    d = {"region": "xianning", "year": 2022, "identities": ["qita"],
         "stays": [{"total": "80000", "out_of_policy": "8000", "level": "2", "place": "county"}]}
    got = worker_call(page, "estimate", d)
    want = estimate_dict(d)
    assert got["ok"] and got["year"] == want["year"]
    assert got["premium"]["subsidy"] is None    # 二（一）: another document's figure, not a claimed 0
