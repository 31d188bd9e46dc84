"""The calculator on a phone (issue 4): real Pyodide worker, real calc, phone viewport.

Every displayed amount is compared with calc.api.estimate_dict run natively on the same input.
One booted page per region (conftest `calc_page`); tests reset the form through the URL fragment
instead of reloading Pyodide.
"""
from __future__ import annotations

import base64
import io
import unicodedata
import json
from pathlib import Path

import pytest

from calc.api import estimate_dict, meta as native_meta

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
TIMEOUT = 60_000


# ---- helpers shared with test_bad_input_browser.py / test_a11y.py -----------------------------
def share_code(obj) -> str:
    raw = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def wait_result(page, states=("done", "error")):
    sel = ", ".join(f'#calc-result[data-state="{s}"]' for s in states)
    page.wait_for_selector(sel, state="attached", timeout=TIMEOUT)
    return page.get_attribute("#calc-result", "data-state")


def open_fragment(page, fragment: str) -> str:
    """Reset the calculator to `fragment` (e.g. "calc=...") without reloading; returns the state."""
    page.evaluate(
        """(frag) => {
            document.querySelector('#calc-result').dataset.state = 'stale';
            history.replaceState(null, '', '#reset');
            location.hash = '#' + frag;
        }""",
        fragment,
    )
    return wait_result(page)


def reset_form(page):
    """`#calc=` gives a fresh empty form (no result, data-state="empty")."""
    page.evaluate("history.replaceState(null, '', '#reset'); location.hash = '#calc='")
    page.wait_for_selector('#calc-result[data-state="empty"]', state="attached", timeout=TIMEOUT)


def open_input(page, obj) -> str:
    return open_fragment(page, "calc=" + share_code(obj))


def yuan(s: str) -> str:
    """Format a calc amount the way calculator.js does (thousands separators, two decimals)."""
    neg = s.startswith("-")
    whole, _, frac = s.lstrip("-").partition(".")
    return ("-" if neg else "") + f"{int(whole):,}" + ("." + frac if frac else "")


def shown(page, key: str) -> str:
    return page.text_content(f'#calc-result [data-amount="{key}"]').replace("元", "").strip()


def native_ok(obj) -> dict:
    out = estimate_dict(obj)
    assert out["ok"], out
    return out


def region_meta(region: str) -> dict:
    m = json.loads(native_meta())
    regions = m["regions"]
    if isinstance(regions, dict):
        return {"id": region, **regions[region]}
    return next(r for r in regions if r["id"] == region)


def assert_year_matches(page, native: dict):
    assert shown(page, "year.resident") == yuan(native["year"]["resident"])
    for k in ("basic", "critical", "assistance", "tilt", "other", "hospital_bears", "resident"):
        v = native["year"].get(k)
        loc = page.locator(f'#calc-result .calc-bar-legend [data-amount="year.{k}"]')
        if v is None or float(v) == 0:
            assert loc.count() == 0
        else:
            assert loc.text_content().replace("元", "").strip() == yuan(v), k
    text = page.text_content("#calc-result")
    assert "NaN" not in text and "undefined" not in text


FULL_YEAR = {
    "region": "xianning", "year": 2022, "identities": ["dibao"],
    "stays": [
        {"total": "50000", "out_of_policy": "5000", "level": "2", "place": "county", "referral": True},
        {"total": "8000", "out_of_policy": "", "level": "3", "place": "city", "referral": True},
    ],
    "outpatient": {"chronic": "3000", "special_drugs": "1200"},
}


# ---- tests ---------------------------------------------------------------------------------------
def test_calculator_end_to_end_matches_native_calc(calc_page):
    """Fill the form by hand (two stays + outpatient), submit, compare every figure with calc."""
    page = calc_page("xianning")
    reset_form(page)
    page.select_option("#calc-year", "2022")
    page.check('input[name="identity"][value="dibao"]')
    page.fill("#calc-stay0-total", "５０,０００")  # full-width digits + comma go to calc's normaliser
    page.fill("#calc-stay0-oop", "5000")
    page.select_option("#calc-stay0-level", "2")
    page.select_option("#calc-stay0-place", "county")
    page.click("#calc-add-stay")
    page.fill("#calc-stay1-total", "8000")
    page.select_option("#calc-stay1-level", "3")
    page.select_option("#calc-stay1-place", "city")
    page.fill("#calc-chronic", "3000")
    page.fill("#calc-drugs", "1200")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-submit")
    assert wait_result(page) == "done"

    native = native_ok(FULL_YEAR)
    assert_year_matches(page, native)
    assert page.input_value("#calc-stay0-total") == native["input"]["stays"][0]["total"]  # normalised
    assert shown(page, "premium.resident_pays") == yuan(native["premium"]["resident_pays"])
    # the trace: one item per calc step, each citation pointing at an anchor that exists on the page
    steps = page.locator("#calc-trace li")
    assert steps.count() == len(native["trace"])
    for a in page.locator("#calc-trace a.calc-cite").all():
        anchor = a.get_attribute("href")
        assert page.locator(anchor).count() == 1, anchor
    # share link round trip of the same input
    assert "#calc=" in page.input_value("#calc-share-url")


def test_calculator_screenshot_result(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#calc-trace > summary").click()
    page.locator("#calc-result").screenshot(path=str(SHOTS / "result-xianning-390.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"horizontal overflow: {width}px"


def test_calculator_identity_comparison(calc_page):
    page = calc_page("xianning")
    base = {**FULL_YEAR, "identities": ["putong"]}
    assert open_input(page, base) == "done"
    page.select_option("#calc-compare-identity", "dibao")
    page.click("#calc-compare-identity-go")
    page.wait_for_selector('#calc-compare-out[data-state="done"]', timeout=TIMEOUT)
    other = native_ok({**base, "identities": ["dibao"]})
    got = page.text_content('#calc-compare-out [data-amount="compare.year.resident"]').replace("元", "").strip()
    assert got == yuan(other["year"]["resident"])
    assert page.text_content('#calc-compare-out [data-amount="year.resident"]').replace("元", "").strip() == \
        yuan(native_ok(base)["year"]["resident"])


@pytest.mark.parametrize("region", ["yangcheng", "chongqing"])
def test_calculator_year_comparison(calc_page, region):
    years = [int(y) for y in region_meta(region)["years"]]
    if len(years) < 2:
        pytest.skip(f"meta offers one year for {region}")
    page = calc_page(region)
    inp = {"region": region, "year": max(years), "identities": ["dibao"],
           "stays": [{"total": "40000", "out_of_policy": "4000", "level": "2", "place": "county", "referral": True}]}
    assert open_input(page, inp) == "done"
    page.click(f'.calc-compare-year[data-year="{min(years)}"]')
    page.wait_for_selector('#calc-compare-out[data-state="done"]', timeout=TIMEOUT)
    old = native_ok({**inp, "year": min(years)})
    for k in ("resident", "basic"):
        got = page.text_content(f'#calc-compare-out [data-amount="compare.year.{k}"]').replace("元", "").strip()
        assert got == yuan(old["year"][k])
    got = page.text_content('#calc-compare-out [data-amount="compare.premium.resident_pays"]').replace("元", "").strip()
    assert got == yuan(old["premium"]["resident_pays"])


def test_calculator_change_assumption(calc_page):
    page = calc_page("xianning")
    inp = {**FULL_YEAR, "identities": ["putong"]}
    assert open_input(page, inp) == "done"
    native = native_ok(inp)
    if not native["assumptions"]:
        pytest.skip("no assumption used for this input")
    a = native["assumptions"][0]
    page.locator("#calc-advanced > summary").click()
    box = page.locator(f'#calc-advanced [data-override="{a["param"]}"]')
    assert box.input_value() == str(a["value"])
    assert "假设" in page.text_content("#calc-advanced")
    new_value = str(int(float(a["value"]) * 2) if float(a["value"]) >= 1 else round(float(a["value"]) / 2, 2))
    box.fill(new_value)
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-apply-overrides")
    assert wait_result(page) == "done"
    changed = native_ok({**inp, "overrides": {a["param"]: new_value}})
    assert_year_matches(page, changed)
    assert "已修改" in page.text_content("#calc-advanced")
    # the override travels in the share link
    code = page.input_value("#calc-share-url").split("#calc=")[1]
    decoded = json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    assert decoded["overrides"] == {a["param"]: new_value}


def test_calculator_shared_link_reopens_in_new_page(calc_page, calc_context):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    url = page.input_value("#calc-share-url")
    fresh = calc_context.new_page()
    try:
        fresh.goto(url)
        fresh.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=120_000)
        assert wait_result(fresh) == "done"
        assert_year_matches(fresh, native_ok(FULL_YEAR))
        assert fresh.input_value("#calc-stay1-total") == "8000.00"
        assert fresh.is_checked('input[name="identity"][value="dibao"]')
    finally:
        fresh.close()


def test_calculator_copy_link_button(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.click("#calc-copy")
    page.locator("#calc-copy-status", has_text="复制").wait_for(timeout=TIMEOUT)  # (no eval: CSP)
    assert "复制" in page.text_content("#calc-copy-status")


def test_calculator_print_fits_one_a4_page(calc_page):
    from pypdf import PdfReader

    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    try:
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    reader = PdfReader(io.BytesIO(pdf))
    # PDF text comes back with Kangxi radicals (⼈ for 人) and spaces around numbers: normalise
    flat = lambda t: "".join(unicodedata.normalize("NFKC", t).split())  # noqa: E731
    text = flat("".join(p.extract_text() for p in reader.pages))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages"
    native = native_ok(FULL_YEAR)
    assert f"您大约需要自付{yuan(native['year']['resident'])}元" in text
    assert "第2次住院" in text  # the inputs are printed
    for step in (native["trace"][0], native["trace"][-1]):  # the trace is printed expanded
        assert flat(step["text"])[:12] in text
