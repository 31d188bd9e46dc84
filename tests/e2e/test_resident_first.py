"""Resident first, shown on a 360- and a 390-px phone.

- every region page: the first form field is on the first screen, and the answer to identity +
  bill comes right under the button (no scrolling past anything else), equal to calc's;
- 3万 → 30,000; an outpatient-only year; an empty 目录外 sent empty and disclosed; a bad value in
  高级 keeps the form and the previous answer and can be fixed; every error is in view and focused;
- a tap on 算一算 before the engine is ready shows honest progress, then the answer (or, if
  loading fails, a message in view); a 明白纸-style link (identity only) fills without computing;
  nothing of the person stays in the address bar or history;
- no page of the site scrolls sideways at 360 px; "读给我听" reads calc's sentence where a Chinese
  voice exists; the person's own picture is drawn by paychart/ and inserted safely.

The pages are conftest's (`calc_page`: the phone context, the engine booted once per region);
the 360-px phone is the same page with its viewport set to 360 × 740.
Screenshots go to docs/screenshots/ when UPDATE_SCREENSHOTS=1 (else to a temporary folder).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from calc.api import estimate_dict, meta as native_meta

from .conftest import BOOT_TIMEOUT_MS, PHONE, wait_ready
from .test_calculator_ui import (assert_year_matches, decode_code, held_identities, native_ok, open_input, open_more,
                                 pick_identities, reset_form, see_chart, share_code, share_link, submit, wait_result, yuan)

ROOT = Path(__file__).resolve().parents[2]
REGIONS = [r["id"] for r in json.loads(native_meta())["regions"]]
PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
VIEWPORTS = {360: PHONE_360["viewport"], 390: PHONE["viewport"]}
WIDTHS = [360, 390]

IN_VIEW = """(sel) => { const e = document.querySelector(sel); if (!e) return false;
    const r = e.getBoundingClientRect(); const top = document.querySelector('.md-header')?.getBoundingClientRect().bottom || 0;
    return r.height > 0 && r.top >= top - 1 && r.bottom <= window.innerHeight + 1; }"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        d = ROOT / "docs" / "screenshots"
    else:
        d = tmp_path_factory.mktemp("screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def phone_page(calc_page):
    """phone_page(width, region): the region's booted page (conftest) at that phone's size."""
    resized = []

    def get(width: int, region: str):
        page = calc_page(region)
        page.set_viewport_size(VIEWPORTS[width])
        resized.append(page)
        reset_form(page)
        page.evaluate("window.scrollTo(0, 0)")
        return page

    yield get
    for page in resized:  # other test modules expect conftest's 390-px phone
        if not page.is_closed():
            page.set_viewport_size(PHONE["viewport"])


def first_identity(region: str) -> str:
    r = next(x for x in json.loads(native_meta())["regions"] if x["id"] == region)
    ids = [i["id"] for i in r["identities"]]
    return "dibao" if "dibao" in ids else ids[0]


# What stands above the bill field when it is not on the first screen (for the failure message).
ABOVE = """() => { const f = document.querySelector('#calc-stay0-total').getBoundingClientRect().top;
    return [...document.querySelectorAll('.md-header, .md-banner, [role=status], [role=alert], h1, .md-content p, .md-content details, .md-content div')]
      .map(e => [e.id || e.className || e.tagName, e.getBoundingClientRect()])
      .filter(([, r]) => r.height > 30 && r.top < f && r.bottom > 0)
      .map(([n, r]) => `${n}:${Math.round(r.top)}-${Math.round(r.bottom)}`).slice(0, 25).join(' '); }"""


@pytest.mark.parametrize("elder", ["off", "on"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_region_first_screen(browser, server_url, shots, width, elder):
    """As a resident opens the cadre's link: a new page, nothing typed, in 普通字 and in 大字.
    The bill comes first (the identities are a list of checkboxes below it, and ticking one after
    an answer recomputes it); the 长辈版 switch is on the first screen too."""
    context = browser.new_context(**{**PHONE, "viewport": VIEWPORTS[width]})
    context.add_init_script(f"try {{ localStorage.setItem('mbz-elder', '{elder}') }} catch (e) {{}}")
    try:
        page = context.new_page()
        for region in REGIONS:
            page.goto(f"{server_url}{region}/")
            page.wait_for_selector("#calc-elder:not([hidden])")
            assert page.evaluate("document.documentElement.classList.contains('calc-elder')") == (elder == "on")
            assert page.evaluate(IN_VIEW, "#calc-elder"), f"{region}: the 长辈版 switch is not on the first screen"
            assert page.evaluate(IN_VIEW, "#calc-stay0-total"), \
                f"{region} 大字={elder}: bill field not on the first screen; above it: {page.evaluate(ABOVE)}"
            assert page.text_content("h1").strip() == "住院花了多少钱？算一算自己要付多少"
            if elder == "off" and (region == "xianning" or width == 360):
                page.screenshot(path=str(shots / f"first-screen-{region}-{width}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_region_answer_under_the_button(phone_page, shots, width):
    for region in REGIONS:
        page = phone_page(width, region)
        assert page.viewport_size["width"] == width
        ident = first_identity(region)
        pick_identities(page, ident)
        page.fill("#calc-stay0-total", "3万")
        assert submit(page) == "done", page.text_content("#calculator")
        native = native_ok({"region": region, "identities": [ident], "stays": [{"total": "30000"}]})
        assert_year_matches(page, native)
        assert page.text_content("#calc-stay0-total-echo").strip() == "按 30,000 元计算"
        # the answer sits right under the button and is brought into view
        gap = page.evaluate("""() => document.querySelector('#calc-result').getBoundingClientRect().top
                                     - document.querySelector('#calc-submit').getBoundingClientRect().bottom""")
        assert 0 <= gap < 100, f"{region}: {gap}px between 算一算 and the answer"
        assert page.evaluate(IN_VIEW, "#calc-big"), f"{region}: the answer is not in view"
        assert page.evaluate("document.activeElement.id") == "calc-big"
        if region == "xianning":  # what the person sees after 算一算, then the whole answer
            page.screenshot(path=str(shots / f"result-{region}-{width}.png"))
            see_chart(page)
            page.locator("#calc-result").screenshot(path=str(shots / f"result-full-{region}-{width}.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_cases_of_the_issue(phone_page, width):
    page = phone_page(width, "xianning")
    base = {"region": "xianning", "identities": ["dibao"]}

    # an outpatient-only year: the bill stays empty
    pick_identities(page, "dibao")
    open_more(page)
    page.fill("#calc-chronic", "6000")
    assert submit(page, "#calc-submit-more") == "done", page.text_content("#calc-general-error")
    assert_year_matches(page, native_ok({**base, "stays": [], "outpatient": {"chronic": "6000"}}))
    assert page.text_content("#calc-chronic-echo").strip() == "按 6,000 元计算"

    # an empty 目录外 is sent empty (never "0") and the answer says it rests on assumed figures
    page.fill("#calc-chronic", "")
    page.fill("#calc-stay0-total", "30000")
    assert submit(page) == "done"
    native = native_ok({**base, "stays": [{"total": "30000", "out_of_policy": ""}]})
    assert_year_matches(page, native)
    sent = decode_code(share_link(page).split("#calc=")[1])
    assert sent["stays"][0].get("out_of_policy", "") == ""  # dropped from the link (empty = unknown)
    assert page.locator('#calc-notes li[data-kind="assumption"]').first.is_visible()
    if native["input"]["stays"][0].get("out_of_policy_assumed"):  # contract v2
        assert "没填" in page.text_content("#calc-stay0-oop-echo")

    # 高级: a bad value gets calc's message next to it; the form and the previous answer stay
    before = page.text_content("#calc-big")
    page.locator("#calc-advanced > summary").click()
    rate = page.locator('#calc-advanced [data-unit="ratio"]').first
    param = rate.get_attribute("data-override")
    rate.fill("150")  # 150 % is not a rate
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-apply-overrides")
    assert wait_result(page) == "error"
    err_id = rate.get_attribute("aria-describedby").split()[0]
    bad = estimate_dict({**base, "stays": [{"total": "30000"}], "overrides": {param: "150%"}})
    assert not bad["ok"] and bad["errors"][0]["message"] in page.text_content(f"#{err_id}")
    assert page.evaluate(IN_VIEW, f"#{err_id}") and page.evaluate("document.activeElement.dataset.override") == param
    assert page.is_visible("#calc-form") and page.text_content("#calc-big") == before
    assert page.is_visible("#calc-stale")
    # …and 算一算 works again once it is fixed
    rate.fill("70")
    assert submit(page) == "done"
    assert_year_matches(page, native_ok({**base, "stays": [{"total": "30000"}], "overrides": {param: "70%"}}))
    assert not page.is_visible("#calc-stale")
    page.click("#calc-reset-overrides")
    assert wait_result(page) == "done"

    # a field error: next to the field, in view, focused, announced
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.fill("#calc-stay0-total", "三万块钱吧")
    assert submit(page) == "error"
    assert page.evaluate(IN_VIEW, "#calc-stay0-total") and page.evaluate("document.activeElement.id") == "calc-stay0-total"
    assert page.text_content("#err-calc-stay0-total").strip()
    page.wait_for_function("() => document.querySelector('#calc-announce').textContent.includes('需要改')")

    # a truncated share link: the message is in view and focused
    good = share_code({**base, "stays": [{"total": "30000"}]})
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("(c) => { history.replaceState(null, '', '#reset'); location.hash = '#calc=' + c; }", good[: len(good) // 2])
    page.wait_for_selector("#calc-general-error:not([hidden])", timeout=30_000)
    assert page.evaluate(IN_VIEW, "#calc-general-error") and page.evaluate("document.activeElement.id") == "calc-general-error"
    assert "链接" in page.text_content("#calc-general-error")


@pytest.mark.parametrize("width", WIDTHS)
def test_identity_only_link_fills_without_computing_and_nothing_is_kept(phone_page, width):
    page = phone_page(width, "chongqing")
    depth = page.evaluate("history.length")
    link = {"region": "chongqing", "year": 2022, "identities": ["dibao_edge"]}
    page.evaluate("(c) => { location.hash = '#calc=' + c; }", share_code(link))
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'calc-stay0-total'")
    assert held_identities(page) == ["dibao_edge"] and page.input_value("#calc-year") == "2022"
    assert page.get_attribute("#calc-result", "data-state") == "empty"
    assert page.evaluate(IN_VIEW, "#calc-stay0-total")
    assert page.evaluate("location.hash") == ""  # read, then stripped
    page.fill("#calc-stay0-total", "8万")
    assert submit(page) == "done"
    assert_year_matches(page, native_ok({**link, "stays": [{"total": "80000"}]}))
    # computing writes nothing: no fragment, no new history entry with the data
    assert page.evaluate("location.hash") == "" and "#" not in page.url
    assert page.evaluate("history.length") <= depth + 1  # only the hash navigation this test made


def test_tap_before_the_engine_is_ready_shows_progress_then_the_answer(browser, server_url):
    """The wheel is held back: the form works at once, 算一算 shows what is downloading, the answer
    comes when the engine is ready. When loading fails, the message is in view and announced."""
    context = browser.new_context(**PHONE_360)
    held = []
    context.route("**/wheels/**", lambda route: held.append(route))  # answered later by the test
    try:
        for outcome in ("ready", "fails"):
            page = context.new_page()
            page.goto(f"{server_url}yangcheng/")
            page.wait_for_selector('#calculator[data-form="ready"]', state="attached")
            assert page.get_attribute("#calculator", "data-ready") == "false"
            pick_identities(page, "dibao")
            page.fill("#calc-stay0-total", "52000")  # not a chip amount: those answer at once (test_instant.py)
            page.click("#calc-submit")
            page.wait_for_selector("#calc-wait.calc-wait-active", timeout=10_000)
            # bytes really received and what is left (the wheel is still held back)
            page.wait_for_function("() => document.querySelector('#calc-wait-text').textContent.includes('还剩')")
            line = page.text_content("#calc-wait-text")
            got = re.search(r"已下载 ([\d.]+) MB，共 ([\d.]+) MB，还剩 ([\d.]+) MB", line)
            assert got and "准备好就马上算出结果" in line, line
            loaded, total, left = map(float, got.groups())
            assert 0 < loaded < total and abs(loaded + left - total) <= 0.11, line
            assert page.get_attribute("#calc-progress", "max") is not None
            assert page.evaluate(IN_VIEW, "#calc-wait")
            for _ in range(100):
                if held:
                    break
                page.wait_for_timeout(100)
            assert held, "the wheel request was not seen"
            route = held.pop()
            if outcome == "ready":
                route.continue_()
                assert wait_result(page) == "done"
                assert page.is_hidden("#calc-wait")
                assert_year_matches(page, native_ok({"region": "yangcheng", "identities": ["dibao"],
                                                     "stays": [{"total": "52000"}]}))
            else:
                route.abort()
                page.wait_for_selector("#calc-failed:not([hidden])", timeout=BOOT_TIMEOUT_MS)
                assert page.evaluate(IN_VIEW, "#calc-failed")
                assert page.evaluate("document.activeElement.closest('#calc-failed') !== null")
                assert "打不开" in page.text_content("#calc-announce")
            page.close()
    finally:
        context.close()


def test_no_page_scrolls_sideways_at_360(browser, site_dir, server_url):
    context = browser.new_context(**PHONE_360)
    context.route("**/pyodide/**", lambda route: route.abort())  # no calculator needed here
    context.route("**/search/search_index.json", lambda route: route.abort())
    page = context.new_page()
    try:
        paths = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
        assert len(paths) > 20
        wide = {}
        for rel in paths:
            page.goto(server_url + rel)
            page.wait_for_load_state("load")
            w = page.evaluate("document.documentElement.scrollWidth")
            if w > 360:
                wide[rel] = w
        assert wide == {}
        # worked examples: every card fits, the resident's share is the first amount in it
        page.goto(server_url + "xianning/")
        cards = page.evaluate("""() => [...document.querySelectorAll('.ex-card')].map(c => ({
            right: c.getBoundingClientRect().right, scroll: c.scrollWidth - c.clientWidth,
            first: c.querySelector('[data-payer]').dataset.payer}))""")
        assert cards and all(c["right"] <= 360 and c["scroll"] <= 0 and c["first"] == "resident" for c in cards)
        assert page.evaluate("""() => [...document.querySelectorAll('table[data-kind="examples-summary"]')]
            .every(t => t.getBoundingClientRect().right <= 360)""")
    finally:
        context.close()


def test_read_aloud_and_own_picture(phone_page):
    page = phone_page(360, "xianning")
    fake = """(voices) => {
        window.__spoken = [];
        const listeners = [];
        Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
            speaking: false, getVoices: () => voices, cancel() {}, speak(u) { window.__spoken.push(u.text); },
            addEventListener: (t, f) => listeners.push(f)}});
    }"""
    page.evaluate(fake, [{"lang": "zh-CN", "name": "test voice", "localService": True}])
    inp = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}]}
    assert open_input(page, inp) == "done"
    native = native_ok(inp)
    assert page.is_visible("#calc-speak")
    page.click("#calc-speak")
    spoken = page.evaluate("window.__spoken")
    said = lambda t: re.sub(r"(\d),(?=\d{3})|\.00(?!\d)", r"\1", t)  # noqa: E731
    # short (test_read_aloud.py has the rest): the amount first, then the identity and the payers
    assert len(spoken) == 1 and spoken[0].startswith(said(f"您自己大约要付 {yuan(native['year']['resident'])} 元")), spoken
    assert native["identity"]["label"] in spoken[0] and said(yuan(native["year"]["basic"])) in spoken[0], spoken
    page.evaluate(fake, [{"lang": "en-US", "name": "english only"}])
    assert open_input(page, inp) == "done"
    assert page.is_hidden("#calc-speak")  # no Chinese voice: no button
    # the person's own picture: paychart/ through the worker, with a point at their bill
    see_chart(page)
    assert page.locator("#calc-chart svg title").count() == 1
    assert page.locator("#calc-chart svg circle.chart-point").count() == 1
    assert "您填的情况：总费用30,000元" in page.text_content("#calc-chart svg desc")
    # anything outside the allow-list is refused before it enters the page
    refused = page.evaluate("""async () => { const m = await import('/assets/resident/calc-chart.js');
        return [m.safeSvg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
                m.safeSvg('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
                m.safeSvg('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>'),
                m.safeSvg('<div>x</div>')].map(x => x === null); }""")
    assert refused == [True, True, True, True]
