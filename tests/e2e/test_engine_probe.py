"""Before anything of the runtime is downloaded, the page probes what Pyodide needs (overrides/
main.html): WebAssembly exception handling, module workers, class static blocks. A browser that
lacks one gets the build's answers and the plain "what this phone can and cannot do" message,
naming what is missing, with no 重试 — and asks for nothing under /pyodide/ or /wheels/, no
worker.js, and registers the service worker as sw.js?engine=0 (pages offline, no runtime). A browser too old even for the
calculator's modules (Chromium 78: `?.` does not parse) gets a plain message with the office's
hotline instead of an endless "正在准备计算表…".

Each lack is made in the project's Chromium by the init script below, at the exact spot the probe
looks (the real old engines: tests/e2e/test_other_engines.py, Chromium 92).
"""
from __future__ import annotations

import json

import pytest

from calc.api import estimate_dict, meta_dict
from calc.share import fragment
from sitegen.instant import form_input

from .conftest import PHONE

REGION = "yangcheng"
RM = next(r for r in meta_dict()["regions"] if r["id"] == REGION)
LACKS = {
    # validate() is what the probe asks about the exception-handling module
    "WebAssembly 异常处理": "WebAssembly.validate = () => false;",
    # a Worker whose options are never read: no module workers
    "模块化 Web Worker": "window.Worker = function () { throw new TypeError('no'); };",
    # the blob: module holding a static block does not import (a SyntaxError there)
    "JavaScript 类静态块": """Object.defineProperty(window, '__calcImport', { configurable: true,
        get() { return () => Promise.reject(new SyntaxError('static block')); }, set() {} });""",
}


@pytest.fixture(scope="module")
def logged_server(site_dir):
    from scripts.serve import start

    log: list = []
    server, url = start(site_dir, request_log=log)
    yield url, log
    server.shutdown()


@pytest.mark.parametrize("missing", list(LACKS))
def test_a_failed_probe_downloads_nothing_of_the_runtime(browser, logged_server, missing):
    base, log = logged_server
    ident = RM["identities"][0]["id"]
    inp = form_input(RM, ident, 30000)
    expected = estimate_dict(inp)
    log.clear()
    ctx = browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 740}})
    ctx.add_init_script(LACKS[missing])
    asked: list[str] = []
    ctx.on("request", lambda r: asked.append(r.url))
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}{REGION}/{fragment(inp)}")
        page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=20_000)
        assert page.text_content('#calc-big [data-amount="year.resident"]').strip() == f"{float(expected['year']['resident']):,.2f}"
        page.wait_for_selector("#calc-failed:not([hidden])", timeout=10_000)
        msg = page.text_content("#calc-failed")
        assert f"缺少 {missing}" in msg and "能做的" in msg and "不能做的" in msg, msg
        assert page.query_selector("#calc-retry") is None
        page.wait_for_load_state("load")
        page.wait_for_timeout(1500)  # anything the page would still start after load
        paths = [p for p, _ in log] + asked
        assert not [p for p in paths if "/pyodide/" in p or "/wheels/" in p or "/assets/runtime/worker.js" in p], paths
        # the pages still work offline: the service worker that caches no runtime
        sw = page.evaluate("""navigator.serviceWorker.getRegistration().then((r) => r &&
            (r.installing || r.waiting || r.active || {}).scriptURL)""")
        assert sw and sw.endswith("/sw.js?engine=0"), sw
        assert errors == [], errors
    finally:
        ctx.close()


def test_a_probe_that_passes_starts_the_engine(browser, logged_server):
    """The probe can pass: in the project's Chromium the runtime is asked for and the engine answers."""
    base, log = logged_server
    log.clear()
    ctx = browser.new_context(**PHONE)
    try:
        page = ctx.new_page()
        page.goto(f"{base}{REGION}/")
        assert page.evaluate("window.__calcProbe().then((r) => r)") == {"ok": True, "missing": ""}
        page.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=120_000)
        assert any("/pyodide/" in p for p, _ in log)
    finally:
        ctx.close()


def test_modules_that_do_not_parse_get_a_plain_message_with_the_hotline(browser, server_url):
    """Chromium 78 cannot parse the calculator's modules (`?.`): made here by serving calculator.js
    with a syntax error only such an engine would see."""
    ctx = browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 740}})
    ctx.route("**/assets/resident/calculator.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="const a = {}; a?.b.c = ;"))
    try:
        page = ctx.new_page()
        page.goto(f"{server_url}{REGION}/", wait_until="load")
        page.wait_for_selector("#calc-failed:not([hidden])", timeout=10_000)
        msg = page.text_content("#calc-failed")
        office = json.loads(page.text_content("#calc-instant")).get("office")
        assert "太旧" in msg and ((office["hotline"] in msg) if office and office.get("hotline") else "医保窗口" in msg), msg
        assert "正在准备" not in page.text_content("#calculator")
        assert page.is_visible("#calc-failed")
    finally:
        ctx.close()
