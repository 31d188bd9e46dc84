"""Failures are told, in Chinese, in bounded time, with a retry: a broken download of the runtime's
largest file (aborted, 500, cut off, short, stalled), and an engine worker that dies after start-up
(restarted once, then the page says so and points to the worked examples)."""
from __future__ import annotations

import re
import time

import pytest

from .conftest import wait_ready
from .delivery_helpers import SAMPLE, calc_outcome, kill_engine, manifest, serving

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("fault, kind", [
    ("abort", "network"),       # connection closed without an answer
    ("500", "network"),         # the host answers with an error
    ("truncate", "network"),    # the connection drops half-way through the body
    ("short", "integrity"),     # a complete answer, but of a cut-off file
    ("stall", "timeout"),       # headers and a little data, then nothing
])
def test_broken_wasm_download_gives_chinese_message_and_retry_within_15_s(
        browser, browser_context_args, site_dir, fault, kind):
    wasm = "/" + manifest(site_dir)["files"]["wasm"]["url"]
    faults, log = {wasm: fault}, []
    with serving(site_dir, faults=faults, request_log=log) as url:
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            started = time.monotonic()
            page.goto(url + "xianning/", wait_until="commit")
            page.wait_for_selector("#calc-failed:not([hidden]) #calc-retry", timeout=15_000)
            elapsed = time.monotonic() - started
            assert elapsed < 15, elapsed
            why = page.text_content("#calc-failed")
            assert CHINESE.search(why) and "undefined" not in why and "Error" not in why, why
            assert page.get_attribute("#calculator", "data-failed") == "true"
            # The failure is the worker's own wasm request (not only the page's preload of it).
            out = calc_outcome(page)
            assert out["kind"] == kind and out["file"].endswith(wasm), out
            assert out["message"] in why
            assert any(path == wasm and f == fault for path, f in log), log
            if fault == "500":
                # The host is fixed: the retry button brings the calculator up without a reload.
                faults.clear()
                page.click("#calc-retry")
                wait_ready(page, timeout=60_000)
                assert calc_outcome(page, SAMPLE)["ok"]["ok"] is True
                assert page.is_hidden("#calc-failed")
        finally:
            context.close()


def test_dead_worker_is_restarted_once_then_the_page_says_so(browser, browser_context_args, server_url):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(server_url + "xianning/")
        wait_ready(page)
        assert calc_outcome(page, SAMPLE)["ok"]["ok"] is True

        # Killed after start-up: the next estimate recovers (a fresh worker) within 10 s.
        kill_engine(page)
        started = time.monotonic()
        out = calc_outcome(page, SAMPLE, timeout_ms=10_000)
        assert out.get("ok", {}).get("ok") is True, out
        assert time.monotonic() - started < 10

        # Killed again: no second automatic restart — the page says so within 10 s, with a retry
        # and the way to the static worked examples.
        kill_engine(page)
        started = time.monotonic()
        out = calc_outcome(page, SAMPLE, timeout_ms=10_000)
        assert out["kind"] == "crashed" and CHINESE.search(out["message"]), out
        page.wait_for_selector("#calc-failed:not([hidden]) #calc-retry", timeout=10_000)
        assert time.monotonic() - started < 10
        box = page.locator("#calc-failed")
        assert out["message"] in box.text_content()
        assert box.locator('a[href="#examples"]').count() == 1
        assert page.locator("#examples").count() == 1

        page.click("#calc-retry")
        page.wait_for_function("() => document.querySelector('#calculator').dataset.ready === 'true'", timeout=60_000)
        assert calc_outcome(page, SAMPLE)["ok"]["ok"] is True
        assert page.is_hidden("#calc-failed")
    finally:
        context.close()


# Every message the page posts to any worker, in window.__posted (installed before its scripts).
RECORD_POSTED = """(() => {
  window.__posted = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (m, ...rest) {
    window.__posted.push(JSON.stringify(m));
    return post.call(this, m, ...rest);
  };
})();"""
BOMB = "COLUMN-BOMB-MARK"


def test_a_call_that_kills_the_worker_is_never_sent_again(browser, browser_context_args, server_url):
    """a call the worker had when it died (a column-bomb .xlsx that runs it out of
    memory) is rejected with a Chinese message, never replayed into the restarted worker; the
    engine stays usable for other calls — also after a second such call."""
    from .delivery_helpers import engine_workers

    context = browser.new_context(**browser_context_args)
    context.add_init_script(RECORD_POSTED)
    try:
        page = context.new_page()
        page.goto(server_url + "xianning/")
        wait_ready(page)
        for round_ in (1, 2):
            [worker] = engine_workers(page)
            # The worker dies while it works on the marked call, as an out-of-memory kill does:
            # it has acknowledged the call, and ends before its answer leaves.
            worker.evaluate("""(mark) => {
                const handle = self.onmessage;
                const post = self.postMessage.bind(self);
                let bomb = null;
                self.postMessage = (m, ...rest) => {
                    if (bomb !== null && m && m.id === bomb && m.payload !== undefined) { close(); return; }
                    return post(m, ...rest);
                };
                self.onmessage = (ev) => {
                    if (String(ev.data && ev.data.payload).includes(mark)) bomb = ev.data.id;
                    return handle(ev);
                };
            }""", BOMB)
            bomb = {**SAMPLE, "stays": [{**SAMPLE["stays"][0], "out_of_policy": BOMB}]}
            started = time.monotonic()
            out = calc_outcome(page, bomb, timeout_ms=15_000)
            assert out.get("kind") == "crashed", out
            assert CHINESE.search(out["message"]) and "没有再算" in out["message"], out
            assert time.monotonic() - started < 10
            posted = page.evaluate("() => window.__posted")
            assert sum(BOMB in m for m in posted) == round_, "the killing call was sent again"
            # Another call works, on a fresh worker.
            assert calc_outcome(page, SAMPLE, timeout_ms=60_000)["ok"]["ok"] is True
        assert page.get_attribute("#calculator", "data-failed") != "true"
    finally:
        context.close()


@pytest.mark.parametrize("target, fault", [
    ("wasm", "trickle"),                      # 1 kB every 3 s: never a 10 s silence
    ("assets/calc-manifest.json", "stall"),   # the first thing the worker waits on
    ("assets/runtime/worker.js", "stall"),    # the worker's own script
    ("assets/runtime/integrity.js", "stall"), # one of its imports
])
def test_stall_or_trickle_is_told_with_retry_within_15_s(browser, browser_context_args, site_dir, target, fault):
    path = "/" + (manifest(site_dir)["files"][target]["url"] if target == "wasm" else target)
    with serving(site_dir, faults={path: fault}) as url:
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            started = time.monotonic()
            page.goto(url + "xianning/", wait_until="commit")
            page.wait_for_selector("#calc-failed:not([hidden]) #calc-retry", timeout=15_000)
            assert time.monotonic() - started < 15
            why = page.text_content("#calc-failed")
            assert CHINESE.search(why) and "undefined" not in why and "Error" not in why, why
            if fault == "trickle":
                assert "太慢" in why, why
        finally:
            context.close()
