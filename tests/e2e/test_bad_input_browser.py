"""Bad input tried in the browser: every value is either accepted and echoed as calc
understood it, or rejected with calc's Chinese message next to the field, scrolled into view;
nothing shows NaN/undefined, nothing executes (dialogs are listened for, injected elements
looked for)."""
from __future__ import annotations

import base64

import pytest

from calc.api import estimate_dict
from .test_calculator_ui import open_fragment, open_input, open_more, share_code, wait_result

BASE = {"region": "xianning", "year": 2022, "identities": ["dibao"],
        "stays": [{"total": "20000", "out_of_policy": "", "level": "2", "place": "county", "referral": True}]}

TOTALS = ["", "   ", "-100", "0", "abc", "１２３", "12,000", "12000.123456789", "1e308", "NaN",
          "Infinity", "<script>alert(1)</script>", "12000元"]

# The printed answer's own QR code (#calc-print-sheet, built with el(), never parsed from text) is the
# one image the calculator may hold; any other, or an event-handler attribute on it, was injected.
INJECTED = """() => !!(document.querySelector('#calculator script, #calculator iframe')
                     || [...document.querySelectorAll('#calculator img')].some((i) =>
                          !i.matches('#calc-print-sheet img.qr') || [...i.attributes].some((a) => a.name.startsWith('on')))
                     || window.__pwned)"""


@pytest.fixture
def page(calc_page):
    p = calc_page("xianning")
    dialogs = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield p
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert not p.evaluate(INJECTED)


IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""


def no_junk(page):
    text = page.text_content("#calculator")
    for junk in ("NaN", "undefined", "Traceback", "null", "[object"):
        assert junk not in text, junk


def check_against_native(page, inp, field_selector):
    native = estimate_dict(inp)
    state = wait_result(page)
    if native["ok"]:
        assert state == "done", page.text_content("#calculator")
        return native
    assert state == "error"
    shown = page.text_content("#calculator")
    for err in native["errors"]:
        assert err["message"] in shown, err
    if field_selector:
        assert page.get_attribute(field_selector, "aria-invalid") == "true"
        err_id = page.get_attribute(field_selector, "aria-describedby").split()[0]
        assert page.is_visible(f"#{err_id}")
        assert page.text_content(f"#{err_id}").strip()
        # the field at fault is brought into view and focused
        assert page.evaluate(IN_VIEW, field_selector), "field with the error is not in view"
        assert page.evaluate("document.activeElement.id") == field_selector.lstrip("#")
    return native


@pytest.mark.parametrize("value", TOTALS)
def test_bad_total_typed_in_form(page, value):
    assert open_input(page, BASE) == "done"
    page.fill("#calc-stay0-total", value)
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-submit")
    inp = {**BASE, "stays": [{**BASE["stays"][0], "total": value}]}
    native = check_against_native(page, inp, "#calc-stay0-total")
    if native["ok"]:  # accepted: what calc understood is echoed under the field
        want = f'{float(native["input"]["stays"][0]["total"]):,.2f}'.removesuffix(".00")
        assert page.text_content("#calc-stay0-total-echo").strip() == f"按 {want} 元计算"
    else:
        msg = page.text_content("#err-calc-stay0-total")
        # calc names the field (总费用) or at least the stay; the message sits next to the total box
        assert "总费用" in msg or "第1次住院" in msg, msg
    no_junk(page)


def test_out_of_policy_above_total(page):
    assert open_input(page, BASE) == "done"
    page.fill("#calc-stay0-total", "1000")
    open_more(page)
    page.fill("#calc-stay0-oop", "5000")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-submit")
    inp = {**BASE, "stays": [{**BASE["stays"][0], "total": "1000", "out_of_policy": "5000"}]}
    native = check_against_native(page, inp, None)
    assert not native["ok"]
    no_junk(page)


@pytest.mark.parametrize("field,value", [("chronic", "abc"), ("chronic", "-5"), ("special_drugs", "1e308")])
def test_bad_outpatient(page, field, value):
    inp = {**BASE, "outpatient": {"chronic": "", "special_drugs": "", field: value}}
    assert open_input(page, inp) in ("done", "error")
    check_against_native(page, inp, "#calc-chronic" if field == "chronic" else "#calc-drugs")
    no_junk(page)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("fragment", [
    "calc=%%%not-base64",
    "calc=" + b64("{not json"),
    "calc=" + b64("[1, 2, 3]"),
    "calc=<script>alert(1)</script>",
    "calc=" + b64('"<img src=x onerror=alert(1)>"'),
])
def test_tampered_link_unreadable(page, fragment):
    assert open_fragment(page, fragment) == "error"
    msg = page.text_content("#calc-general-error")
    assert "链接" in msg
    assert page.evaluate(IN_VIEW, "#calc-general-error")
    assert page.evaluate("document.activeElement.id") == "calc-general-error"
    assert page.evaluate("location.hash") == ""  # read once, then stripped from the address
    no_junk(page)


@pytest.mark.parametrize("change", [
    {"region": "beijing"},
    {"region": "yangcheng"},
    {"identities": ["nobody"]},
    {"identities": ["<img src=x onerror=window.__pwned=1>"]},
    {"year": 1999},
    {"year": "<script>window.__pwned=1</script>"},
    {"stays": [{"total": "1000", "level": "9", "place": "mars"}]},
    {"stays": [{"total": "1000"}] * 150},
    {"stays": "<b>x</b>"},
    {"overrides": {"no.such.param": "1"}},
])
def test_tampered_link_fields(page, change):
    inp = {**BASE, **change}
    assert open_input(page, inp) == "error" or estimate_dict(inp)["ok"]
    text = page.text_content("#calculator")
    if "region" in change:
        assert "链接" in page.text_content("#calc-general-error")
    else:
        native = estimate_dict(inp)
        if not native["ok"]:
            for err in native["errors"]:
                assert err["message"] in text
    no_junk(page)
