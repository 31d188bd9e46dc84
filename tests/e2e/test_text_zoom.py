"""The answer at any text size, as a resident's phone makes it (360 px, touch, real Chromium):

- WeChat's 字体大小 on Android is a text zoom: the WebView multiplies every computed font size,
  which is what `html{-webkit-text-size-adjust:200%}` does in a mobile Chromium (checked here: a
  10-px probe computes to 20 px); the root font at 250 % is the other way large text arrives;
- for every region, both ways, in 长辈版 and in 普通字: no sideways scroll, the big amount on one
  line inside the screen, the sentence and the header inside the screen; targets >= 60 px in 长辈版;
- the answer (amount, sentence, caveats) within 2 screens of 算一算 at normal size and 4 in 长辈版;
- the year note one folded line; "still on last year's figures" shown in 长辈版, in the answer;
- no sentence pointing at 高级 where 高级 is hidden; a 依据 link opens its rule in 长辈版;
- ticking another identity after an answer flashes the new amount and brings it into view.

The answers are the ones calc computed at build time (the engine is blocked: nothing to wait for),
except where an identity is ticked after the answer (the engine computes the pair).
"""
from __future__ import annotations

import json
import unicodedata

import pytest

from calc.api import estimate_dict, meta as native_meta
from sitegen.instant import AMOUNTS, form_input

from .conftest import BOOT_TIMEOUT_MS, PHONE, wait_ready
from .test_calculator_ui import share_code, wait_result, yuan
from .test_large_text import LAYOUT, TARGETS

META = json.loads(native_meta())
REGIONS = {r["id"]: r for r in META["regions"]}
PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}, "device_scale_factor": 3}
ZOOMS = {
    "wechat-200": "html { -webkit-text-size-adjust: 200% !important; text-size-adjust: 200% !important; }",
    "root-250": "html { font-size: 250% !important; }",
}


def biggest(rid: str) -> tuple[dict, dict]:
    """The precomputed case with the longest amount to show: the largest bill, the identity paying most."""
    rm = REGIONS[rid]
    total = max(AMOUNTS)
    cases = [(estimate_dict(form_input(rm, i["id"], total)), form_input(rm, i["id"], total)) for i in rm["identities"]]
    out, inp = max(cases, key=lambda c: float(c[0]["year"]["resident"]))
    assert out["ok"]
    return inp, out


_held = []


def _hold(route):
    """Never answered: the request stays pending while the test looks at the page."""
    _held.append(route)


def phone(browser, zoom: str | None, elder: str | None, engine: bool = False):
    context = browser.new_context(**PHONE_360)
    if not engine:  # the engine still on its way (not failed): the page shows the answer calc computed at build time
        context.route("**/pyodide/**", _hold)
    script = ""
    if elder:
        script += f"try {{ localStorage.setItem('mbz-elder', {json.dumps(elder)}); }} catch (e) {{}}\n"
    if zoom:
        # before the first layout, as the WebView's setting is (the init script runs before <html> exists)
        script += f"""(() => {{ const put = () => {{ const s = document.createElement('style'); s.textContent = {json.dumps(ZOOMS[zoom])};
            document.documentElement.append(s); }};
            if (document.documentElement) put();
            else new MutationObserver((m, o) => {{ if (document.documentElement) {{ o.disconnect(); put(); }} }}).observe(document, {{childList: true}}); }})();"""
    if script:
        context.add_init_script(script)
    return context


HEADER = """() => {
  const vw = document.documentElement.clientWidth;
  const head = document.querySelector('.md-header');
  const hb = head.getBoundingClientRect();
  return [...head.querySelectorAll('*')].filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 0)
    .filter(e => { const r = e.getBoundingClientRect(); return r.right > vw + 1 || r.left < -1 || r.bottom > hb.bottom + 1; })
    .filter(e => !e.closest('.md-search, [hidden], .md-header__topic + .md-header__topic'))
    .map(e => `${e.tagName}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}x${Math.round(e.getBoundingClientRect().bottom)} > ${Math.round(hb.bottom)}`);
}"""

BIG = """() => {
  const line = document.querySelector('#calc-result .calc-amount-line');
  const r = line.getBoundingClientRect();
  const tops = new Set([...line.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
  return {right: r.right, left: r.left, lines: tops.size, over: line.scrollWidth - line.clientWidth,
          px: parseFloat(getComputedStyle(line.querySelector('.calc-amount')).fontSize), vw: document.documentElement.clientWidth};
}"""


def test_wechat_text_zoom_takes_effect_in_this_chromium(browser, server_url):
    context = phone(browser, "wechat-200", "off")
    try:
        page = context.new_page()
        page.goto(f"{server_url}xianning/")
        px = page.evaluate("""() => { const s = document.createElement('span'); s.style.fontSize = '10px'; document.body.append(s);
            const v = parseFloat(getComputedStyle(s).fontSize); s.remove(); return v; }""")
        assert px == pytest.approx(20), "text-size-adjust is not applied: the test would not show WeChat's zoom"
    finally:
        context.close()


def assert_fits(page, what: str, elder: bool):
    m = page.evaluate(LAYOUT)
    assert m["scroll"] <= m["vw"], f"{what}: page {m['scroll']} px wide on a {m['vw']} px screen"
    assert m["broken"] == [], f"{what}: amounts split across lines: {m['broken'][:5]}"
    assert m["out"] == [], f"{what}: sticks out of the screen: {m['out']}"
    assert m["clipped"] == [], f"{what}: cut off: {m['clipped']}"
    big = page.evaluate(BIG)
    assert big["lines"] == 1 and big["over"] <= 1 and big["right"] <= big["vw"] + 1 and big["left"] >= -1, (what, big)
    assert big["px"] >= 24, (what, big)  # still the big figure
    assert page.evaluate(HEADER) == [], f"{what}: header spills: {page.evaluate(HEADER)}"
    if elder:
        assert page.evaluate(TARGETS, 60) == [], f"{what}: targets under 60 px"


@pytest.mark.parametrize("zoom", list(ZOOMS))
@pytest.mark.parametrize("rid", list(REGIONS))
def test_answer_fits_360px_at_large_text_every_region(browser, server_url, rid, zoom):
    inp, out = biggest(rid)
    for elder in ("on", "off"):
        context = phone(browser, zoom, elder)
        try:
            page = context.new_page()
            page.goto(f"{server_url}{rid}/#calc={share_code(inp)}")
            assert wait_result(page) == "done"
            assert page.text_content('#calc-result [data-amount="year.resident"]').strip() == yuan(out["year"]["resident"])
            assert page.evaluate("document.documentElement.classList.contains('calc-elder')") == (elder == "on")
            page.evaluate("window.scrollTo(0, 0)")
            assert_fits(page, f"{rid} {zoom} 长辈版={elder}", elder == "on")
            # the form before it too: the year note one line, the bill field's hint whole
            note = page.locator("#calc-year-notice")
            if note.is_visible():
                h = page.evaluate("() => document.querySelector('#calc-year-notice-title').getClientRects().length")
                assert h == 1
            hint = page.evaluate("""() => { const i = document.querySelector('#calc-stay0-total'); const v = i.value; i.value = '';
                const c = document.createElement('canvas').getContext('2d'); const cs = getComputedStyle(i); c.font = `${cs.fontSize} ${cs.fontFamily}`;
                const w = c.measureText(i.placeholder).width; i.value = v;
                return w <= i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) + 1; }""")
            assert hint, f"{rid} {zoom}: the bill field's hint is cut"
        finally:
            context.close()


def test_wechat_text_zoom_turns_large_text_on_and_tapping_daz_keeps_it(browser, server_url):
    context = phone(browser, "wechat-200", None)
    try:
        page = context.new_page()
        page.goto(f"{server_url}dongzhi/")
        page.wait_for_selector("#calc-elder:not([hidden])")
        assert page.get_attribute("#calc-elder-on", "aria-pressed") == "true"
        # the switch names both positions; the chosen one is marked by more than colour
        assert page.inner_text("#calc-elder-off").strip() == "普通字"
        assert "大字" in page.inner_text("#calc-elder-on")
        assert page.get_attribute("#calc-elder", "role") == "group"
        page.click("#calc-elder-on")  # "点大字"
        assert page.evaluate("document.documentElement.classList.contains('calc-elder')")
        assert page.evaluate("localStorage.getItem('mbz-elder')") == "on"
    finally:
        context.close()


SCREENS = """() => {
  const go = document.querySelector('#calc-submit').getBoundingClientRect().top;
  const end = document.querySelector('#calc-summary, #calc-big').getBoundingClientRect().bottom;
  return (end - go) / innerHeight;
}"""


@pytest.mark.parametrize("rid", list(REGIONS))
def test_answer_within_the_first_screens_after_suanyisuan(browser, server_url, rid):
    """The amount and its sentence (who pays what): within 2 screens of 算一算 at normal size, 4 in
    长辈版 with WeChat's largest text."""
    inp, _ = biggest(rid)
    for zoom, elder, most in ((None, "off", 2), ("wechat-200", "on", 4)):
        context = phone(browser, zoom, elder)
        try:
            page = context.new_page()
            page.goto(f"{server_url}{rid}/#calc={share_code(inp)}")
            assert wait_result(page) == "done"
            screens = page.evaluate(SCREENS)
            assert screens <= most, f"{rid} 长辈版={elder}: the answer ends {screens:.1f} screens below 算一算"
        finally:
            context.close()


def test_elder_mode_says_the_year_and_hides_what_it_cannot_offer(browser, server_url, site_dir):
    rid = "yangcheng"
    page_html = (site_dir / rid / "index.html").read_text("utf-8")
    inp, out = biggest(rid)
    context = phone(browser, "wechat-200", "on")
    try:
        page = context.new_page()
        page.goto(f"{server_url}{rid}/#calc={share_code(inp)}")
        assert wait_result(page) == "done"
        past = page.locator(".year-past")
        if 'class="year-past"' in page_html:
            # the "still on last year's figures" line: above the calculator and in the answer, in 长辈版
            assert past.is_visible()
            assert page.locator("#calc-year-past").is_visible()
            assert page.text_content("#calc-year-past").strip() == past.text_content().strip()
        # no visible sentence points at 高级, which 长辈版 hides
        visible = page.evaluate("""() => [...document.querySelectorAll('#calculator-section *')].filter(e => e.checkVisibility())
            .flatMap(e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent)).join('')""")
        assert "高级" not in visible
        assert not page.locator('[data-action="advanced"]').first.is_visible()
        # a 依据 link opens its rule, on screen, in 长辈版
        page.click("#calc-trace > summary")
        cite = page.locator("#calc-trace .calc-cite").first
        target = cite.get_attribute("href")
        cite.click()
        page.wait_for_function("(id) => location.hash === id", arg=target)
        rule = page.locator(target)
        assert rule.is_visible()
        box = rule.bounding_box()
        assert box and box["y"] < 740 and box["y"] + box["height"] > 0, box
    finally:
        context.close()


def test_ticking_another_identity_after_an_answer_shows_the_change(browser, server_url):
    rid = "xianning"
    rm = REGIONS[rid]
    first = form_input(rm, "dibao", 50000)
    context = phone(browser, None, "off", engine=True)
    try:
        page = context.new_page()
        page.goto(f"{server_url}{rid}/#calc={share_code(first)}")
        wait_ready(page, BOOT_TIMEOUT_MS)
        assert wait_result(page) == "done"
        before = page.text_content('#calc-result [data-amount="year.resident"]').strip()
        page.locator("#calc-id-tekun").scroll_into_view_if_needed()
        page.check("#calc-id-tekun")
        page.wait_for_selector("#calc-big.calc-just-changed", timeout=60_000)
        after = page.text_content('#calc-result [data-amount="year.resident"]').strip()
        native = estimate_dict({**first, "identities": page.evaluate(
            "[...document.querySelectorAll('input[name=identity]:checked')].map(i => i.value)")})
        assert after == yuan(native["year"]["resident"]) and after != before
        where = page.evaluate("""() => { const r = document.querySelector('#calc-big').getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, h: innerHeight, y: scrollY}; }""")
        assert where["top"] >= 0 and where["bottom"] <= where["h"] + 1, f"the changed amount is not on screen: {where}"
    finally:
        context.close()


@pytest.mark.parametrize("zoom,elder", [(None, "off"), (None, "on"), ("root-250", "on"), ("wechat-200", "on")],
                         ids=["normal", "elder", "elder-root-250", "elder-wechat-200"])
def test_printed_answer_is_one_a4_page_in_every_mode(browser, server_url, zoom, elder):
    from pypdf import PdfReader
    import io
    rid = "xianning"
    inp, out = biggest(rid)
    context = phone(browser, zoom, elder)
    try:
        page = context.new_page()
        page.goto(f"{server_url}{rid}/#calc={share_code(inp)}")
        assert wait_result(page) == "done"
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        pdf = page.pdf(format="A4", print_background=True)
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1, f"{zoom} 长辈版={elder}: {len(reader.pages)} pages"
        text = "".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
        assert yuan(out["year"]["resident"]) in text
        from sitegen.settings import load
        office = load(log=None)
        assert "".join(unicodedata.normalize("NFKC", office.hotline).split()) in text
        # no long address to type: before the engine has made this calculation's QR code, the region
        # page's own code (and its short address)
        assert "calc=" not in text and page.locator("#calc-print-sheet img.qr").count() == 1
    finally:
        context.close()
