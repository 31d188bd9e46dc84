"""Accessibility of the calculator on a phone: axe-core (no serious/critical violation, colour
contrast AA included), keyboard-only use with visible focus, 200 % text without horizontal
overflow, touch targets >= 44 px and 16 px+ input text."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .test_calculator_ui import FULL_YEAR, open_input, reset_form, wait_result

AXE = Axe()


def serious(page, context=None):
    """Serious/critical axe violations (colour-contrast AA included) of the page or one part."""
    res = AXE.run(page, context=context)
    bad = [v for v in res.response["violations"] if v.get("impact") in ("serious", "critical")]
    return [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in bad]


def test_axe_home_page(calc_context, server_url):
    page = calc_context.new_page()
    try:
        page.goto(server_url)
        assert serious(page) == []
    finally:
        page.close()


def test_axe_region_page_and_form(calc_page):
    page = calc_page("xianning")
    reset_form(page)
    assert serious(page) == []


def test_axe_calculator_with_result(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.locator("#calc-trace > summary").click()
    page.locator("#calc-advanced > summary").click()
    assert serious(page, "#calculator") == []


def test_axe_calculator_with_errors(calc_page):
    page = calc_page("xianning")
    inp = {**FULL_YEAR, "stays": [{"total": "abc"}]}
    assert open_input(page, inp) == "error"
    assert serious(page, "#calculator") == []


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
    controls = page.evaluate("""() => [...document.querySelectorAll(
        '#calculator input:not([type=radio]), #calculator select, #calculator button, #calculator summary, #calculator a[href]')]
        .filter(e => e.checkVisibility() && !e.disabled).map(e => e.id || e.textContent.trim().slice(0, 20))""")
    page.focus("#calc-year")
    reached, outlines = set(), []
    for _ in range(400):
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
    page.focus('input[name="identity"]:checked')
    page.keyboard.press("ArrowDown")  # radio group: arrows move the choice
    page.focus("#calc-stay0-total")
    page.keyboard.type("30000")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.focus("#calc-submit")
    page.keyboard.press("Enter")
    assert wait_result(page) == "done"
    page.focus("#calc-trace > summary")
    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('#calc-trace').open")


def test_text_200_percent_no_horizontal_overflow(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    try:
        page.locator("#calc-trace > summary").click()
        over = page.evaluate("""() => [...document.querySelectorAll('#calculator *')]
            .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.id || e.className || e.tagName).slice(0, 10)""")
        assert over == []
        assert page.evaluate("(() => { const c = document.querySelector('#calculator'); return c.scrollWidth <= c.clientWidth + 1; })()")
    finally:
        page.evaluate("document.documentElement.style.fontSize = ''")


def test_touch_targets_and_input_font(calc_page):
    page = calc_page("xianning")
    assert open_input(page, FULL_YEAR) == "done"
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#calculator input[type=text], #calculator select, #calculator button, #calculator summary, #calculator .calc-radio, #calculator .calc-checkbox')]
        .filter(e => e.offsetParent !== null)
        .map(e => ({id: e.id || e.textContent.trim().slice(0, 15), h: e.getBoundingClientRect().height}))
        .filter(x => x.h < 44)""")
    assert small == []
    fonts = page.evaluate("""() => [...document.querySelectorAll('#calculator input[type=text], #calculator select')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert fonts and min(fonts) >= 16
