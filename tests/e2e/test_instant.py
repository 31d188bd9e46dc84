"""Answer first: on a weak phone the first screen answers before the engine arrives, and
without WebAssembly at all — from the answers calc computed at build time (sitegen/instant.py).

Every walk runs at 360 px with DevTools throttling (200 KB/s, 150 ms latency, 4x CPU). The engine
is made late: every request under /pyodide/ is held by a context-level route that never answers
(context routing sees the worker's own requests: the test checks it saw the loader, which only
the worker fetches). Each figure on screen is compared with calc run natively on the same input.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from calc.api import estimate_dict, meta_dict
from calc.share import fragment
from sitegen.instant import form_input
from .conftest import BOOT_TIMEOUT_MS
from .test_calculator_ui import pick_identities

NARROW = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
          "has_touch": True, "locale": "zh-CN"}
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 200 * 1024, "uploadThroughput": 200 * 1024}
# How long a walk may wait. Not a speed budget: the engine is held, so an answer at all proves it
# came from the page's precomputed answers; how fast is measured by `make bench` (first answer row).
WAIT_MS = 30_000
REGIONS = [r["id"] for r in meta_dict()["regions"]]
REGION_META = {r["id"]: r for r in meta_dict()["regions"]}

from benchmarks.load import ANSWER_CLOCK  # when the answer appears: one clock for the test and make bench
NO_WASM = "delete globalThis.WebAssembly;"


@pytest.fixture(scope="module")
def logged_server(site_dir):
    """A server of its own whose request log shows every path a browser (page, worker, service
    worker) asked for."""
    from scripts.serve import start

    log: list = []
    server, url = start(site_dir, request_log=log)
    yield url, log
    server.shutdown()


def yuan(s) -> str:
    return f"{Decimal(s):,.2f}"


class Held(list):
    """Routes of /pyodide/ requests, held unanswered until release()."""
    released = False

    def __call__(self, route):
        if self.released:
            route.continue_()
        else:
            self.append(route)

    @property
    def urls(self):
        return [r.request.url for r in self]

    def release(self):
        self.released = True
        for r in self:
            r.continue_()


def open_phone(browser, url, *, no_wasm=False, throttle=True):
    """A new 360-px phone context, /pyodide/ held, throttled; returns (context, page, held)."""
    ctx = browser.new_context(**NARROW)
    held = Held()
    ctx.route(re.compile(r".*/pyodide/.*"), held)
    ctx.add_init_script(ANSWER_CLOCK)
    if no_wasm:
        ctx.add_init_script(NO_WASM)
    page = ctx.new_page()
    if throttle:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url, wait_until="commit")
    return ctx, page, held


def assert_answer_is_calcs(page, expected: dict):
    """The big number, the sentence, who pays what and the 算账单 are calc's, to the fen."""
    y = expected["year"]
    assert page.text_content('#calc-big [data-amount="year.resident"]').strip() == yuan(y["resident"])
    assert page.text_content("#calc-summary").strip() == expected["summary"]
    for k, v in y.items():
        if k == "total" or Decimal(v) == 0:
            continue
        cell = page.query_selector(f'.calc-who [data-amount="year.{k}"]')
        assert cell is not None, k
        assert cell.text_content().strip() == f"{yuan(v)} 元", k
    steps = page.query_selector_all("#calc-trace .calc-trace-text")
    assert [s.text_content() for s in steps] == [s["text"] for s in expected["trace"]]
    notes = page.query_selector_all("#calc-notes .calc-note-item > span")
    assert [n.text_content() for n in notes] == [n["text"] for n in expected["notes"] if n.get("text")]


@pytest.mark.parametrize("rid", REGIONS)
def test_share_link_answers_at_once_while_the_engine_is_late(browser, logged_server, rid):
    base, _ = logged_server
    rm = REGION_META[rid]
    ident = "dibao" if any(i["id"] == "dibao" for i in rm["identities"]) else rm["identities"][0]["id"]
    inp = form_input(rm, ident, 30000)  # what the form's share button puts in a link
    expected = estimate_dict(inp)
    ctx, page, held = open_phone(browser, f"{base}{rid}/{fragment(inp)}")
    try:
        page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=WAIT_MS)
        at = page.evaluate("window.__answerAt")
        boot = page.evaluate("performance.getEntriesByName('calc-boot')[0]?.startTime ?? -1")
        print(f"{rid}: answer {at:.0f} ms after navigation start (calculator started at {boot:.0f} ms)")
        assert page.evaluate("window.__answerSource") == "instant"
        assert page.get_attribute("#calculator", "data-ready") != "true"  # the engine really is not there
        assert_answer_is_calcs(page, expected)
        # the held route saw the worker's own requests (only the worker fetches the loader)
        page.wait_for_function("() => true")
        assert any(u.endswith("/pyodide.mjs") or u.endswith("/pyodide.asm.mjs") for u in held.urls), held.urls
    finally:
        ctx.close()


def test_no_webassembly_answers_and_downloads_nothing_of_the_runtime(browser, logged_server):
    base, log = logged_server
    for rid in REGIONS:
        rm = REGION_META[rid]
        ident = rm["identities"][-1]["id"]
        inp = form_input(rm, ident, 30000)
        expected = estimate_dict(inp)
        log.clear()
        ctx, page, held = open_phone(browser, f"{base}{rid}/{fragment(inp)}", no_wasm=True)
        try:
            assert page.evaluate("typeof WebAssembly") == "undefined"
            page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=WAIT_MS)
            at = page.evaluate("window.__answerAt")
            print(f"{rid}: answer {at:.0f} ms after navigation start, without WebAssembly")
            assert_answer_is_calcs(page, expected)
            # one plain message: what works, what does not, whom to call; no 重试 that cannot help
            page.wait_for_selector("#calc-failed:not([hidden])", timeout=10_000)
            msg = page.text_content("#calc-failed")
            assert "WebAssembly" in msg and "能做的" in msg and "不能做的" in msg
            office = page.evaluate("JSON.parse(document.getElementById('calc-instant').textContent).office")
            assert (office["hotline"] in msg) if office else ("医保窗口" in msg), msg  # the office's line when set
            assert page.query_selector("#calc-retry") is None
            assert page.eval_on_selector_all('[role="alert"]:not([hidden])', "els => els.map((e) => e.id)") == ["calc-failed"]
            page.wait_for_load_state("load")
            page.wait_for_timeout(500)  # anything the page would still start after load
            paths = [p for p, _ in log]
            assert paths, "the request log must see the page"
            assert not held and not [p for p in paths if "/pyodide/" in p], (held.urls, paths)
            assert not [p for p in paths if "/assets/runtime/worker.js" in p or "calc-client.js" in p or "/wheels/" in p], paths
        finally:
            ctx.close()


def test_chips_and_typed_amounts(browser, logged_server):
    base, _ = logged_server
    rid = "xianning"
    rm = REGION_META[rid]
    ctx, page, held = open_phone(browser, f"{base}{rid}/")
    try:
        page.wait_for_selector("#calc-chips:not([hidden]) .calc-chip", timeout=15_000)
        chips = page.query_selector_all("#calc-chips .calc-chip")
        assert [c.get_attribute("data-total") for c in chips] == ["5000", "10000", "20000", "30000", "50000", "100000", "200000"]
        for c in chips:  # tappable and readable at 360 px, on the first screen
            box = c.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360
            assert float(c.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 16
        assert chips[0].bounding_box()["y"] < 740
        # the chips sit under the bill field
        assert page.evaluate("document.getElementById('calc-chips').previousElementSibling.contains(document.getElementById('calc-stay0-total'))")

        pick_identities(page, "tekun")  # identities are checkboxes
        page.click('#calc-chips .calc-chip[data-total="50000"]')
        page.wait_for_selector('#calc-result[data-state="done"][data-source="instant"]', timeout=WAIT_MS)
        assert_answer_is_calcs(page, estimate_dict(form_input(rm, "tekun", 50000)))
        assert page.get_attribute('.calc-chip[data-total="50000"]', "aria-pressed") == "true"

        # typed as people write it, with another identity: the same lookup
        pick_identities(page, "putong")  # identities are checkboxes
        page.fill("#calc-stay0-total", "2万")
        page.click("#calc-submit")
        page.wait_for_function("() => document.querySelector('#calc-result [data-amount=\"year.resident\"]')?.textContent"
                               f" === '{yuan(estimate_dict(form_input(rm, 'putong', 20000))['year']['resident'])}'", timeout=WAIT_MS)
        assert_answer_is_calcs(page, estimate_dict(form_input(rm, "putong", 20000)))
    finally:
        ctx.close()


def while_loading(browser, url, walk):
    """`walk(page)` on a new phone page whose engine is still on its way. The held runtime stalls,
    and after the stall window the page rightly says so (test_delivery_failures); when a slow,
    shared machine gets there first, the walk starts again on a new page."""
    for _ in range(3):
        ctx, page, held = open_phone(browser, url)
        try:
            # a 4x-throttled page on a loaded machine: the chips, or the stall told, whichever is first
            page.wait_for_selector('#calc-chips:not([hidden]) .calc-chip, #calculator[data-failed="true"]',
                                   timeout=BOOT_TIMEOUT_MS)
            if page.get_attribute("#calculator", "data-failed") == "true":
                continue
            walk(page)
            return
        except PlaywrightTimeout:
            if page.get_attribute("#calculator", "data-failed") != "true":
                raise
        finally:
            ctx.close()
    pytest.fail("the engine's stall window passed before every walk could end")


def test_not_precomputed_shows_the_wait_and_only_a_checked_range(browser, logged_server):
    base, _ = logged_server
    rm = REGION_META["xianning"]
    lo = estimate_dict(form_input(rm, "putong", 20000))["year"]["resident"]
    hi = estimate_dict(form_input(rm, "putong", 30000))["year"]["resident"]

    def between_chips(page):
        """not precomputed: the plain waiting message with the checked range, and no figure of its own"""
        pick_identities(page, "putong")
        page.fill("#calc-stay0-total", "25000")
        page.click("#calc-submit")
        page.wait_for_selector("#calc-wait:not([hidden]) #calc-range", timeout=WAIT_MS)
        assert page.text_content("#calc-wait-text").startswith("计算器正在准备…")
        assert page.get_attribute("#calc-result", "data-state") == "busy"
        assert page.text_content('#calc-range [data-range="low"]') == yuan(lo)
        assert page.text_content('#calc-range [data-range="high"]') == yuan(hi)

    def other_detail(page):
        """another detail (a 三级 hospital) is not any precomputed case: no range, no answer"""
        pick_identities(page, "putong")
        page.click("#calc-more summary")
        page.select_option("#calc-stay0-level", "3")
        page.fill("#calc-stay0-total", "30000")
        page.click("#calc-submit")
        page.wait_for_selector("#calc-wait:not([hidden])", timeout=WAIT_MS)
        assert page.query_selector("#calc-range") is None
        assert page.get_attribute("#calc-result", "data-state") == "busy"

    while_loading(browser, f"{base}xianning/", between_chips)
    while_loading(browser, f"{base}xianning/", other_detail)


def test_engine_replaces_the_instant_answer(browser, logged_server):
    """The engine, once it arrives, recomputes the instant answer and puts its own in place."""
    base, _ = logged_server
    rm = REGION_META["yangcheng"]
    inp = form_input(rm, "wending", 100000)
    ctx, page, held = open_phone(browser, f"{base}yangcheng/{fragment(inp)}", throttle=False)
    try:
        page.wait_for_selector('#calc-result[data-state="done"][data-source="instant"]', timeout=10_000)
        page.click("#calc-trace summary")  # the resident reads the 算账单 meanwhile
        held.release()
        page.wait_for_selector('#calc-result[data-state="done"][data-source="engine"]', timeout=120_000)
        assert page.get_attribute("#calculator", "data-ready") == "true"
        assert_answer_is_calcs(page, estimate_dict(inp))
        assert page.evaluate("document.getElementById('calc-trace').open")  # still open after the swap
        # now every input is the engine's: a total no chip has
        page.fill("#calc-stay0-total", "12345")
        page.click("#calc-submit")
        page.wait_for_function("() => document.querySelector('#calc-result [data-amount=\"year.resident\"]')?.textContent === "
                               f"'{yuan(estimate_dict(form_input(rm, 'wending', 12345))['year']['resident'])}'", timeout=10_000)
        assert page.get_attribute("#calc-result", "data-source") == "engine"
    finally:
        ctx.close()
