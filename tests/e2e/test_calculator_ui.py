"""The calculator on a phone: real Pyodide worker, real calc, phone viewport (390 px; the 360-px
checks are in test_resident_first.py).

Every displayed amount is compared with calc.api.estimate_dict run natively on the same input.
One booted page per region (conftest `calc_page`); tests reset the form through the URL fragment
instead of reloading Pyodide.
"""
from __future__ import annotations

import base64
import io
import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from calc.api import estimate_dict, meta as native_meta

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
TIMEOUT = 60_000


# ---- helpers shared with test_bad_input_browser.py / test_a11y.py / test_resident_first.py -----
def share_code(obj) -> str:
    raw = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_code(code: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))


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
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale';"
                  "history.replaceState(null, '', '#reset'); location.hash = '#calc='")
    page.wait_for_selector('#calc-result[data-state="empty"]', state="attached", timeout=TIMEOUT)


def open_input(page, obj) -> str:
    return open_fragment(page, "calc=" + share_code(obj))


def pick_identities(page, *ids):
    """Tick exactly these identities (checkboxes in the document's words), as a person taps them."""
    for box in page.locator('#calc-identity input[name="identity"]').all():
        want = box.get_attribute("value") in ids
        if box.is_checked() != want:
            box.click()
    assert sorted(held_identities(page)) == sorted(ids)


def held_identities(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('#calc-identity input[name="identity"]')]
        .filter(b => b.checked).map(b => b.value)""")


def open_more(page):
    """Unfold 更多情况 (year, hospital, 目录外, more stays, 门诊)."""
    if not page.evaluate("document.querySelector('#calc-more').open"):
        page.click("#calc-more > summary")


def submit(page, button="#calc-submit") -> str:
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click(button)
    return wait_result(page)


def share_link(page) -> str:
    """The link the 分享 button makes (links are made only on request)."""
    page.click("#calc-share")
    return page.input_value("#calc-share-url")


def see_chart(page):
    """The person's own picture is drawn when they scroll near it."""
    page.locator("#calc-chart").scroll_into_view_if_needed()
    page.wait_for_selector('#calc-chart[data-state="done"]', state="attached", timeout=TIMEOUT)


def yuan(s: str) -> str:
    """Format a calc amount the way the page does (thousands separators, two decimals; "—" for none)."""
    if s is None:
        return "—"
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
    for k, v in native["year"].items():
        loc = page.locator(f'#calc-result .calc-bar-legend [data-amount="year.{k}"]')
        if k == "total":
            continue
        if v is None or float(v) == 0:
            assert loc.count() == 0, k
        else:
            assert loc.text_content().replace("元", "").strip() == yuan(v), k
    text = page.text_content("#calc-result")
    assert "NaN" not in text and "undefined" not in text
    # calc's own sentences under the big number, when calc gives them (contract v2)
    for key, sel in (("summary", "#calc-summary"), ("year_sum", "#calc-year-sum")):
        if native.get(key):
            assert page.text_content(sel).strip() == native[key]
    for note in native.get("notes") or []:
        assert note["text"] in page.text_content("#calc-notes")


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
    pick_identities(page, "dibao")
    page.fill("#calc-stay0-total", "５０,０００")  # full-width digits + comma go to calc's parser
    open_more(page)
    page.select_option("#calc-year", "2022")
    page.fill("#calc-stay0-oop", "5000")
    page.select_option("#calc-stay0-level", "2")
    page.select_option("#calc-stay0-place", "county")
    page.click("#calc-add-stay")
    page.fill("#calc-stay1-total", "8000")
    page.select_option("#calc-stay1-level", "3")
    page.select_option("#calc-stay1-place", "city")
    page.fill("#calc-chronic", "3000")
    page.fill("#calc-drugs", "1200")
    assert submit(page, "#calc-submit-more") == "done"

    native = native_ok(FULL_YEAR)
    assert_year_matches(page, native)
    # what calc understood is echoed under the field; the field keeps what the person typed
    assert page.text_content("#calc-stay0-total-echo").strip() == "按 50,000 元计算"
    assert page.input_value("#calc-stay0-total") == "５０,０００"
    assert page.text_content("#calc-chronic-echo").strip() == "按 3,000 元计算"
    assert shown(page, "premium.resident_pays") == yuan(native["premium"]["resident_pays"])
    # the 算账单: one item per calc step, each citation pointing at an anchor that exists on the page
    assert page.locator("#calc-trace li.calc-trace-step").count() == len(native["trace"])
    for a in page.locator("#calc-trace a.calc-cite").all():
        anchor = a.get_attribute("href")
        assert page.locator(anchor).count() == 1, anchor
    # the share link is made only on request, and carries the same input
    assert page.locator("#calc-share-url").count() == 0
    code = share_link(page).split("#calc=")[1]
    sent = decode_code(code)
    assert estimate_dict(sent)["year"] == native["year"]
    assert sent["stays"][1].get("out_of_policy", "") == ""  # an empty 目录外 is sent empty (dropped), never "0"


def test_calculator_identity_comparison(calc_page):
    page = calc_page("xianning")
    base = {**FULL_YEAR, "identities": ["putong"]}
    assert open_input(page, base) == "done"
    page.select_option("#calc-compare-identity", "dibao")
    page.click("#calc-compare-identity-go")
    page.wait_for_selector('#calc-compare-out[data-state="done"]', timeout=TIMEOUT)
    other = native_ok({**base, "identities": ["dibao"]})
    got = page.text_content('#calc-compare-out [data-amount="compare.year.resident"]').strip()
    assert got == yuan(other["year"]["resident"])
    assert page.text_content('#calc-compare-out [data-amount="year.resident"]').strip() == \
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
        got = page.text_content(f'#calc-compare-out [data-amount="compare.year.{k}"]').strip()
        assert got == yuan(old["year"][k])
    got = page.text_content('#calc-compare-out [data-amount="compare.premium.resident_pays"]').strip()
    assert got == yuan(old["premium"]["resident_pays"])


def test_calculator_change_assumption(calc_page):
    """高级 lists the assumed figures the answer used; a rate is typed as a percentage."""
    page = calc_page("xianning")
    inp = {**FULL_YEAR, "identities": ["putong"]}
    assert open_input(page, inp) == "done"
    native = native_ok(inp)
    used = {p for s in native["trace"] for p in s["figures"] if native["figures"][p]["provenance"] == "assumption"}
    listed = page.eval_on_selector_all("#calc-advanced [data-override]", "els => els.map(e => e.dataset.override)")
    assert set(listed) == {a["param"] for a in native["assumptions"]}  # exactly those this answer used
    assert used <= set(listed)
    rate = next(a for a in native["assumptions"] if a["display"].endswith("%"))
    page.locator("#calc-advanced > summary").click()
    box = page.locator(f'#calc-advanced [data-override="{rate["param"]}"]')
    assert box.input_value() == rate["display"].rstrip("%")  # 75, not 0.75
    new = str(int(rate["display"].rstrip("%")) - 5)
    box.fill(new)
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-apply-overrides")
    assert wait_result(page) == "done"
    changed = native_ok({**inp, "overrides": {rate["param"]: f"{new}%"}})
    assert_year_matches(page, changed)
    assert "已修改" in page.text_content("#calc-advanced")
    # the override travels in the share link, as a percentage
    decoded = decode_code(share_link(page).split("#calc=")[1])
    assert decoded["overrides"] == {rate["param"]: f"{new}%"}
    # 恢复原来的数字 gives the original answer again
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-reset-overrides")
    assert wait_result(page) == "done"
    assert_year_matches(page, native)


def test_calculator_shared_link_reopens_in_new_page(calc_page, calc_context):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    url = share_link(page)
    assert "#calc=" not in page.url  # nothing in the address bar until the person asks
    fresh = calc_context.new_page()
    try:
        fresh.goto(url)
        fresh.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=120_000)
        assert wait_result(fresh) == "done"
        assert_year_matches(fresh, native_ok(FULL_YEAR))
        assert fresh.input_value("#calc-stay1-total") == "8000"
        assert held_identities(fresh) == ["dibao"]
        # read, then stripped: the data is neither in the address bar nor in history
        assert "#" not in fresh.url and fresh.evaluate("location.hash") == ""
    finally:
        fresh.close()


def test_calculator_copy_link_button(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    share_link(page)
    page.click("#calc-copy")
    page.locator("#calc-copy-status", has_text="复制").wait_for(timeout=TIMEOUT)
    assert "复制" in page.text_content("#calc-copy-status")


def _print(page, inp):
    """Print the answer to `inp`: (flattened PDF text, page count, smallest printed text in px, URL)."""
    from pypdf import PdfReader

    assert open_input(page, inp) == "done"
    # the 打印 button: the QR code is made in the worker, then the browser's print (stubbed here)
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }; 0")  # "; 0": an expression ending in a function would be called
    page.click("#calc-print")
    page.wait_for_function("() => window.__printed > 0", timeout=TIMEOUT)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    try:
        page.emulate_media(media="print")
        sizes = page.evaluate("""() => [...document.querySelectorAll('#calculator *')]
            .filter(e => e.checkVisibility() && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
            .map(e => parseFloat(getComputedStyle(e).fontSize))""")
        url = page.get_attribute("#calc-print-sheet div.qr[data-text]", "data-text")  # the QR code's text
        page.emulate_media(media="null")
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="null")
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    reader = PdfReader(io.BytesIO(pdf))
    text = flat("".join(p.extract_text() for p in reader.pages))
    return text, len(reader.pages), min(sizes), url


def flat(t: str) -> str:
    """PDF text comes back with Kangxi radicals (⼈ for 人) and spaces around numbers: normalise."""
    return "".join(unicodedata.normalize("NFKC", t).split())


@pytest.mark.parametrize("case", ["two stays and 门诊", "one stay"])
def test_calculator_print_fits_one_a4_page(calc_page, case):
    """An answer prints on one A4 page at a readable size (>= 9 pt), with the date, the region's
    document, who paid what per stay, and the address that opens the same calculation. The
    steps are printed when they fit; otherwise the paper says where to read them."""
    page = calc_page("xianning")
    # one stay of a 普通参保人员: a short 算账单 (its steps, notes and warnings within calc-print.js's
    # PRINT_CHARS), printed expanded; the 低保 year's is longer and points to the QR code instead
    inp = FULL_YEAR if case != "one stay" else {**FULL_YEAR, "identities": ["putong"], "stays": FULL_YEAR["stays"][:1], "outpatient": {}}
    text, pages, smallest, url = _print(page, inp)
    native = native_ok(inp)
    assert pages == 1, f"{pages} pages"
    assert smallest >= 12, f"smallest printed text {smallest} px (9 pt = 12 px)"
    assert f"您自己大约要付{yuan(native['year']['resident'])}元" in text
    assert flat(native["summary"]) in text
    assert "第1次住院" in text  # the inputs and the table
    for st in native["stays"]:
        assert all(yuan(st[k]) in text for k in ("total", "basic", "resident"))
    today = date.today()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    assert flat(native["region"]["document"]) in text
    from sitegen.settings import load  # the deployment's office and hotline (site-settings.toml)
    office = load(log=None)
    assert flat(office.hotline) in text and flat(office.office_name) in text
    assert estimate_dict(decode_code(url.split("#calc=")[1]))["year"] == native["year"]
    steps = [flat(s["text"])[:12] for s in (native["trace"][0], native["trace"][-1])]
    if case == "one stay":  # the 算账单 is printed expanded
        assert all(s in text for s in steps), (steps, text[:3000])
    else:
        assert f"共{len(native['trace'])}步" in text and "扫下面的二维码" in text
    assert "calc=" not in text  # no address to type: the QR code carries it
