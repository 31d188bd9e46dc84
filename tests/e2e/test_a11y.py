"""Accessibility on a phone: axe-core (no serious/critical violation, colour contrast AA
included) on every page kind and the calculator's parts in light and dark mode, keyboard-only
use with visible focus, 200 % text without horizontal overflow, touch targets >= 44 px and
text >= 16 px."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .test_calculator_ui import FULL_YEAR, open_input, open_more, reset_form, see_chart, wait_result

AXE = Axe()


def serious(page, context=None):
    """Serious/critical axe violations (colour-contrast AA included) of the page or one part."""
    res = AXE.run(page, context=context)
    bad = [v for v in res.response["violations"] if v.get("impact") in ("serious", "critical")]
    return [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in bad]


# Page kinds without the calculator: Pyodide is not needed (its requests are refused).
PAGE_KINDS = ["", "how-to-read/", "about/", "yiyuan/print/dibao/", "404.html"]


@pytest.fixture(scope="module")
def plain_context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    context.route("**/pyodide/**", lambda route: route.abort())
    yield context
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_every_page_kind(plain_context, server_url, scheme):
    page = plain_context.new_page()
    page.emulate_media(color_scheme=scheme)
    try:
        found = {}
        for path in PAGE_KINDS:
            page.goto(server_url + path)
            page.wait_for_load_state("load")
            found[path or "home"] = serious(page)
        # a region page: the question, the form (built from the embedded meta), pictures, cards
        page.goto(server_url + "chongqing/")
        page.wait_for_selector('#calculator[data-form="ready"]', state="attached")
        found["chongqing/"] = serious(page)
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        page.close()


def test_axe_region_page_and_form(calc_page):
    page = calc_page("xianning")
    reset_form(page)
    open_more(page)
    page.click("#calc-add-stay")
    assert serious(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_calculator_with_result(calc_page, scheme):
    page = calc_page("xianning")
    page.emulate_media(color_scheme=scheme)
    try:
        assert open_input(page, FULL_YEAR) == "done"
        see_chart(page)
        page.locator("#calc-trace > summary").click()
        page.locator("#calc-advanced > summary").click()
        page.click("#calc-share")
        assert serious(page, "#calculator-section") == []
    finally:
        page.emulate_media(color_scheme="light")


def test_axe_calculator_with_errors(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.locator("#calc-advanced > summary").click()
    page.locator("#calc-advanced [data-override]").first.fill("abc")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-apply-overrides")
    assert wait_result(page) == "error"
    assert serious(page, "#calculator-section") == []
    inp = {**FULL_YEAR, "stays": [{"total": "abc"}]}
    assert open_input(page, inp) == "error"
    assert serious(page, "#calculator-section") == []


def test_axe_print_view(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    try:
        assert serious(page, "#calculator") == []
    finally:
        page.emulate_media(media="null")  # "screen" would stick and make page.pdf print screen CSS
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")


def test_keyboard_only_reaches_every_control(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.locator("#calc-advanced > summary").click()
    controls = page.evaluate("""() => [...document.querySelectorAll(
        '#calculator input, #calculator select, #calculator button, #calculator summary, #calculator a[href]')]
        .filter(e => e.checkVisibility() && !e.disabled).map(e => e.id || e.textContent.trim().slice(0, 20))""")
    page.focus("#calc-stay0-total")  # the form's first control
    reached, outlines = set(), []
    for _ in range(600):
        info = page.evaluate("""() => { const e = document.activeElement;
            if (!e || !e.closest('#calculator')) return null;
            const cs = getComputedStyle(e);
            return {key: e.id || e.textContent.trim().slice(0, 20), outline: cs.outlineStyle, width: cs.outlineWidth}; }""")
        if info is None:
            break
        reached.add(info["key"])
        outlines.append(info)
        page.keyboard.press("Tab")
    missing = [c for c in controls if c not in reached]
    assert missing == [], missing
    assert all(o["outline"] != "none" and o["width"] != "0px" for o in outlines), outlines[:3]


def test_keyboard_fills_and_submits(calc_page):
    page = calc_page("xianning")
    reset_form(page)
    page.focus('#calc-identity input[value="dibao"]')
    page.keyboard.press("Space")  # a checkbox: Space ticks it
    assert page.is_checked('#calc-identity input[value="dibao"]')
    page.focus("#calc-stay0-total")
    page.keyboard.type("30000")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.keyboard.press("Enter")  # Enter in a field submits, as on a phone keyboard's 前往
    assert wait_result(page) == "done"
    assert page.evaluate("document.activeElement.id") == "calc-big"  # the answer gets focus
    page.focus("#calc-trace > summary")
    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('#calc-trace').open")


def test_text_200_percent_no_horizontal_overflow(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    try:
        page.locator("#calc-trace > summary").click()
        open_more(page)
        over = page.evaluate("""() => [...document.querySelectorAll('#calculator-section *')]
            .filter(e => e.checkVisibility() && !e.closest('svg') && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.id || e.className || e.tagName).slice(0, 10)""")
        assert over == []
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    finally:
        page.evaluate("document.documentElement.style.fontSize = ''")


def test_touch_targets_and_text_size(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    open_more(page)
    page.locator("#calc-advanced > summary").click()
    page.click("#calc-share")
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#calculator input[type=text], #calculator select, #calculator button, #calculator summary, #calculator .calc-checkbox,'
        + ' .md-header__button, .region-toc a, .ex-card a, .identity-links a')]
        .filter(e => e.checkVisibility())
        .map(e => ({id: e.id || e.textContent.trim().slice(0, 15), h: e.getBoundingClientRect().height}))
        .filter(x => x.h < 44)""")
    assert small == []
    fonts = page.evaluate("""() => [...document.querySelectorAll('#calculator input[type=text], #calculator select')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert fonts and min(fonts) >= 16
    # running text on the page and in the answer (paragraphs, list items, the 算账单) >= 16 px
    body = page.evaluate("""() => [...document.querySelectorAll(
        '.region-page > p, .identity > p, .rule > p, .calc-summary, .calc-sub, .calc-trace-text, .calc-notes li, .ex-you')]
        .filter(e => e.checkVisibility()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert body and min(body) >= 16, min(body)
