"""Service worker: after one visit the region page and the calculator work offline."""
from __future__ import annotations

from .conftest import wait_ready, worker_call


def test_offline_visit_computes_estimate(browser, browser_context_args, server_url):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(server_url + "xianning/")
        wait_ready(page)
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # the SW claims clients on activate; a reload makes sure it controls the page
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
        wait_ready(page)
        context.set_offline(True)
        page.reload()
        wait_ready(page)
        out = worker_call(page, "estimate", {
            "region": "xianning", "year": 2022, "identities": ["tekun"],
            "stays": [{"total": "20000", "out_of_policy": "1000", "level": "2", "place": "county", "referral": True}],
        })
        assert out["ok"] is True, out
        keys = page.evaluate("() => caches.keys()")
        assert len(keys) == 1 and keys[0].startswith("mbz-"), keys
    finally:
        context.close()
