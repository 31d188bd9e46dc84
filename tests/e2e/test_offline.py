"""Offline after one visit, as a resident does it: one online visit to one region page
(the answer shown, the service worker ready), then no network, and every page opened in a NEW
tab — never a reload of a page that was open — opens styled by the theme, search finds pages,
an unknown address gets our 404 page, and every region's calculator computes the answer calc
computes natively."""
from __future__ import annotations

import json
import re

import pytest

from calc.api import estimate_dict, meta

from .conftest import wait_ready
from .delivery_helpers import share_code

REGIONS = ["xianning", "yangcheng", "dongzhi", "yiyuan", "chongqing"]
PAGES = ["", "about/", "how-to-read/", "staff/", "staff/link/", "staff/roster/", "staff/compare/",
         *[f"{r}/" for r in REGIONS], "xianning/print/dibao/", "dongzhi/print/tekun/"]
# The theme's stylesheet sets these; an unstyled page has position static, display block.
STYLED = """() => {
    const header = document.querySelector('.md-header');
    const sheets = [...document.styleSheets].filter((s) => /stylesheets\\/main\\./.test(s.href || ''));
    let rules = 0;
    for (const s of sheets) { try { rules += s.cssRules.length; } catch (e) {} }
    return {header: header ? getComputedStyle(header).position : null, rules,
            themeJs: typeof window.component$ === 'object'};
}"""


def amount(s: str) -> str:
    whole, _, frac = s.partition(".")
    return f"{int(whole):,}" + ("." + frac if frac else "")


@pytest.fixture(scope="module")
def offline(browser, browser_context_args, server_url):
    """A phone that visited /yangcheng/ once, saw an answer, and then lost its network."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(server_url + "yangcheng/")
    wait_ready(page)
    out = page.evaluate("""() => window.__calcReady.then((c) => c.estimate(
        {region: 'yangcheng', identities: ['dibao'], stays: [{total: '20000'}]}))""")
    assert out["ok"] is True
    # The service worker is active once every precached file is in its cache.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.close()  # the resident leaves; nothing of this tab is reused
    context.set_offline(True)
    yield context
    context.close()


def new_tab(context, url):
    page = context.new_page()
    page.goto(url)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_styled_in_a_new_tab_offline(offline, server_url, path):
    page = new_tab(offline, server_url + path)
    try:
        assert page.locator("h1").count() >= 1
        assert "找不到这个页面" not in page.text_content("h1")
        style = page.evaluate(STYLED)
        assert style["header"] == "sticky" and style["rules"] > 100, style
        assert style["themeJs"], "the theme's JavaScript ran"
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    finally:
        page.close()


def test_unknown_address_offline_gets_our_styled_404_page(offline, server_url):
    page = new_tab(offline, server_url + "no/such/page/here/")
    try:
        assert "找不到这个页面" in page.text_content("h1")
        style = page.evaluate(STYLED)
        assert style["header"] == "sticky" and style["rules"] > 100, style
        links = page.eval_on_selector_all("article a", "els => els.map((a) => a.href)")
        assert any(h.endswith("/xianning/") for h in links), links
    finally:
        page.close()


def test_search_finds_pages_offline(offline, server_url):
    page = new_tab(offline, server_url)
    try:
        page.click('label.md-header__button[for="__search"]')
        page.locator("input.md-search__input").wait_for(state="visible")
        page.keyboard.insert_text("倾斜救助")
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item a", timeout=20_000)
        hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map((a) => a.href)")
        assert any("/xianning/" in h for h in hrefs), hrefs
    finally:
        page.close()


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_calculator_answers_offline(offline, server_url, region):
    info = next(r for r in json.loads(meta())["regions"] if r["id"] == region)
    # An amount no page precomputes, so the engine itself must compute it, offline.
    case = {"region": region, "identities": [info["identities"][1]["id"]], "stays": [{"total": "37651"}]}
    want = estimate_dict(case)
    assert want["ok"] is True
    page = new_tab(offline, f"{server_url}{region}/#calc={share_code(case)}")
    try:
        wait_ready(page, timeout=60_000)
        page.wait_for_function(
            """(want) => {
                const el = document.querySelector('#calc-result[data-state="done"] [data-amount="year.resident"]');
                return el && el.textContent.includes(want);
            }""", arg=amount(want["year"]["resident"]), timeout=30_000)
        got = page.evaluate("(c) => window.__calcReady.then((calc) => calc.estimate(c))", case)
        assert got["year"] == want["year"]
    finally:
        page.close()


def test_nothing_was_fetched_from_the_network_offline(offline, server_url, site_dir):
    """The context is offline: every page above came from the service worker's cache (a request
    that reached the network would have failed). Here: the cache is one version, complete."""
    page = new_tab(offline, server_url + "about/")
    try:
        keys = page.evaluate("() => caches.keys()")
        assert len(keys) == 1 and keys[0].startswith("mbz-"), keys
        n = page.evaluate("(k) => caches.open(k).then((c) => c.keys()).then((r) => r.length)", keys[0])
        precached = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", (site_dir / "sw.js").read_text(), re.S).group(1))
        assert n >= len(precached) > 100
    finally:
        page.close()
