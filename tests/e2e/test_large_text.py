"""any text size, shown as a resident's phone shows it (360 px, real engine):

- a 阳城 share link with 低保 + 返贫致贫 shows both ticked, and the answer says which held identity
  each payer used (calc's `payers`);
- with the root font doubled (html{font-size:200%}, how WeChat's and Android's large-text settings
  act) and at 200 % zoom, on every region: every amount sits on one line, the big figure fits, no
  sideways scroll, nothing sticks out of the screen; the same for every 明白纸 on screen;
- every control in the calculator is >= 44 px, except links inside a sentence;
- print media shows no null, undefined or NaN.
"""
from __future__ import annotations

import json

import pytest

from calc.api import estimate_dict, meta as native_meta

from .conftest import BOOT_TIMEOUT_MS, PHONE, wait_ready
from .test_calculator_ui import decode_code, held_identities, native_ok, open_input, open_more, share_code, wait_result, yuan

META = json.loads(native_meta())
REGIONS = [r["id"] for r in META["regions"]]
SHEETS = [(r["id"], i["id"]) for r in META["regions"] for i in r["identities"]]
PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
DOUBLE_ROOT = "html { font-size: 200% !important; }"


def several(region: str) -> list[str]:
    """Two identities the region offers (低保 and one more), as a person holding both ticks them."""
    ids = [i["id"] for i in next(r for r in META["regions"] if r["id"] == region)["identities"]]
    first = "dibao" if "dibao" in ids else ids[0]
    second = next(i for i in ("fanpin", "tekun", "dibao_edge", "jianka") if i in ids and i != first)
    return [first, second]


# What breaks the reading at a large text size, measured in the page:
#  - an amount (calc-result's [data-amount], .calc-num units) drawn on more than one line;
#  - the page wider than the screen (sideways scroll);
#  - an element of the calculator sticking out of the screen, or cut off by its own box.
LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const lines = (e) => { const tops = new Set([...e.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                         return tops.size; };
  const amounts = [...document.querySelectorAll('#calc-result [data-amount], #calc-result .calc-num, .calc-amount-line, .mingbai td')]
    .filter(e => e.checkVisibility());
  const broken = amounts.filter(e => lines(e) > 1).map(e => e.textContent.trim());
  const scope = document.querySelector('#calculator-section, .mingbai');
  const out = [...scope.querySelectorAll('*')].filter(e => e.checkVisibility() && !e.closest('svg, .visually-hidden'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 1 || r.left < -1); })
    .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 20)}`);
  const clipped = [...scope.querySelectorAll('*')].filter(e => e.checkVisibility() && !e.closest('svg'))
    .filter(e => { const cs = getComputedStyle(e); return /hidden|clip/.test(cs.overflowX) && e.scrollWidth > e.clientWidth + 1
                   && !e.classList.contains('visually-hidden') && e.getBoundingClientRect().width > 1; })
    .map(e => `${e.tagName}.${e.className}`);
  const big = document.querySelector('.calc-amount-line');
  return {scroll: document.documentElement.scrollWidth, vw, broken, out: out.slice(0, 5), clipped: clipped.slice(0, 5),
          bigLines: big ? lines(big) : null, count: amounts.length};
}"""


@pytest.fixture(scope="module")
def big_text(browser, server_url):
    """A 360-px phone whose root font is doubled; the engine boots once per region page."""
    context = browser.new_context(**PHONE_360)
    context.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => {{
        const s = document.createElement('style'); s.textContent = {json.dumps(DOUBLE_ROOT)}; document.head.append(s); }});""")
    pages = {}

    def get(region):
        if region not in pages:
            page = context.new_page()
            page.goto(f"{server_url}{region}/")
            wait_ready(page, BOOT_TIMEOUT_MS)
            pages[region] = page
        return pages[region]

    yield get
    context.close()


def assert_readable(page, what):
    m = page.evaluate(LAYOUT)
    if m["scroll"] > m["vw"]:
        wide = page.evaluate("""(vw) => [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > vw + 1)
            .map(e => `${e.tagName}#${e.id}.${e.className?.baseVal ?? e.className} ${e.closest("figure")?.id || e.closest("figure")?.className || ""} ${e.textContent.slice(0, 12)} ${Math.round(e.getBoundingClientRect().right)}`).sort((a, b) => Number(b.split(' ').pop()) - Number(a.split(' ').pop())).slice(0, 6)""", m["vw"])
        raise AssertionError(f"{what}: page {m['scroll']}px wide on a {m['vw']}px screen: {wide}")
    assert m["broken"] == [], f"{what}: amounts split across lines: {m['broken'][:5]}"
    assert m["out"] == [], f"{what}: sticks out of the screen: {m['out']}"
    assert m["clipped"] == [], f"{what}: cut off: {m['clipped']}"
    return m


def test_yangcheng_link_with_two_identities_shows_both_and_who_used_which(calc_page):
    page = calc_page("yangcheng")
    page.set_viewport_size(PHONE_360["viewport"])
    try:
        inp = {"region": "yangcheng", "identities": ["dibao", "fanpin"], "stays": [{"total": "30000"}]}
        assert open_input(page, inp) == "done"
        assert held_identities(page) == ["dibao", "fanpin"]
        native = native_ok(inp)
        assert page.text_content('#calc-result [data-amount="year.resident"]').strip() == yuan(native["year"]["resident"])
        # each identity is offered in the document's words, with its plain gloss beside it
        r = next(x for x in META["regions"] if x["id"] == "yangcheng")
        for ident in r["identities"]:
            label = page.text_content(f'label[for="calc-id-{ident["id"]}"]')
            assert ident["label"] in label and ident["plain"] in label
        # which identity each payer used: calc's payers, for the payers that paid something
        used = page.text_content("#calc-payers-used")
        labels = {p["id"]: p["label"] for p in META["vocab"]["payers"]}
        paid = [k for k, v in native["payers"].items() if k in labels and float(native["year"].get(k) or 0) != 0]
        assert paid
        for k in paid:
            assert labels[k] in used and native["payers"][k]["label"] in used, (k, used)
        # the share link made from this answer carries the whole list
        page.click("#calc-share")
        code = page.input_value("#calc-share-url").split("#calc=")[1]
        assert decode_code(code)["identities"] == ["dibao", "fanpin"]
    finally:
        page.set_viewport_size(PHONE["viewport"])


def test_payers_sentence_names_different_identities_where_calc_uses_them(calc_page):
    """沂源 特困 + 建档立卡: calc takes 大病保险 from one and the rest from the other."""
    page = calc_page("yiyuan")
    inp = {"region": "yiyuan", "identities": ["tekun", "jianka"], "stays": [{"total": "50000"}]}
    native = native_ok(inp)
    by = {v["label"] for k, v in native["payers"].items() if float(native["year"].get(k) or 0) != 0}
    if len(by) < 2:
        pytest.skip("calc uses one identity for every payer here")
    assert open_input(page, inp) == "done"
    used = page.text_content("#calc-payers-used")
    for label in by:
        assert f"按{label}算" in used, used


@pytest.mark.parametrize("region", REGIONS)
def test_doubled_root_font_every_region(big_text, region):
    page = big_text(region)
    ids = several(region)
    inp = {"region": region, "identities": ids, "stays": [{"total": "123456.78"}]}
    assert open_input(page, inp) == "done"
    native = native_ok(inp)
    assert page.text_content('#calc-result [data-amount="year.resident"]').strip() == yuan(native["year"]["resident"])
    page.evaluate("window.scrollTo(0, 0)")
    assert_readable(page, f"{region} answer")
    m = page.evaluate(LAYOUT)
    assert m["bigLines"] == 1 and m["count"] > 5
    # the rest of the calculator unfolded: 更多情况, 高级, the 算账单, a comparison
    open_more(page)
    page.click("#calc-add-stay")
    page.click("#calc-trace > summary")
    page.click("#calc-advanced > summary")
    page.click("#calc-compare-identity-go")
    page.wait_for_selector('#calc-compare-out[data-state="done"]', state="attached", timeout=60_000)
    assert_readable(page, f"{region} unfolded")


@pytest.mark.parametrize("region", ["xianning", "chongqing"])
def test_200_percent_zoom(browser, server_url, region):
    """200 % zoom on a 360-px phone = a 180-CSS-px-wide layout drawn at twice the scale."""
    context = browser.new_context(**{**PHONE, "viewport": {"width": 180, "height": 370}, "device_scale_factor": 4})
    try:
        page = context.new_page()
        inp = {"region": region, "identities": several(region), "stays": [{"total": "88888"}]}
        page.goto(f"{server_url}{region}/#calc={share_code(inp)}")
        wait_ready(page, BOOT_TIMEOUT_MS)
        assert wait_result(page) == "done"
        assert_readable(page, f"{region} at 200 % zoom")
    finally:
        context.close()


def test_mingbai_on_screen_with_doubled_root_font(browser, server_url):
    context = browser.new_context(**PHONE_360)
    context.route("**/pyodide/**", lambda route: route.abort())
    context.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => {{
        const s = document.createElement('style'); s.textContent = {json.dumps(DOUBLE_ROOT)}; document.head.append(s); }});""")
    page = context.new_page()
    try:
        for region, ident in SHEETS:
            page.goto(f"{server_url}{region}/print/{ident}/")
            m = assert_readable(page, f"明白纸 {region}/{ident}")
            assert m["count"] >= 9  # the three bills' cells were measured
    finally:
        context.close()


TARGETS = """(min) => {
  // a link inside a sentence: its parent also holds running text of its own
  const inSentence = (a) => a.localName === 'a' && [...a.parentElement.childNodes]
      .some(n => n !== a && n.nodeType === 3 && n.textContent.trim().length > 1);
  const target = (e) => e.closest('label') || e;
  return [...document.querySelectorAll('#calculator-section :is(a[href], button, input, select, summary, textarea)')]
    .filter(e => e.checkVisibility() && !(e.localName === 'a' && inSentence(e)))
    .map(e => { const r = target(e).getBoundingClientRect(); return {what: e.id || e.textContent.trim().slice(0, 16) || e.outerHTML.slice(0, 40),
                                                                       h: r.height, w: r.width}; })
    .filter(t => t.h < min - 0.5 || t.w < min - 0.5);
}"""


def test_every_control_is_at_least_44px(calc_page):
    page = calc_page("xianning")
    inp = {"region": "xianning", "identities": ["dibao", "fanpin"],
           "stays": [{"total": "50000"}, {"total": "20000", "place": "city"}], "outpatient": {"chronic": "3000"}}
    assert open_input(page, inp) == "done"
    open_more(page)
    page.click("#calc-trace > summary")
    page.click("#calc-advanced > summary")
    more = page.locator("#calc-notes-more")
    if more.count():
        more.click()
    small = page.evaluate(TARGETS, 44)
    assert small == [], small


def test_print_shows_no_null_undefined_or_nan(calc_page):
    page = calc_page("xianning")
    for inp in ({"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}]},
                {"region": "xianning", "identities": ["dibao", "fanpin"], "year": 2023,
                 "stays": [{"total": "300000", "place": "province"}] * 4, "outpatient": {"chronic": "9000"}}):
        assert open_input(page, inp) == "done"
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        try:
            shown = page.evaluate("""() => [...document.querySelectorAll('#calculator *')].filter(e => e.checkVisibility())
                .map(e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')).join(' ')""")
            assert shown.strip()
            for bad in ("null", "undefined", "NaN"):
                assert bad not in shown, (bad, shown[:300])
        finally:
            page.emulate_media(media="null")
            page.evaluate("window.dispatchEvent(new Event('afterprint'))")
