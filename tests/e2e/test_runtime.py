"""The real Pyodide runtime in Chromium, served by our server, gives the same answer as native calc."""
from __future__ import annotations

import json

from .conftest import worker_call

XIANNING_STAY = {
    "region": "xianning", "year": 2022, "identities": ["dibao"],
    "stays": [{"total": "50000", "out_of_policy": "5000", "level": "2", "place": "county",
               "referral": True, "hospital_waiver": "0", "tehuibao": "0"}],
}


def test_worker_estimate_equals_native(calc_page):
    import calc.api

    page = calc_page("xianning")
    browser_out = worker_call(page, "estimate", XIANNING_STAY)
    native_out = json.loads(calc.api.estimate(json.dumps(XIANNING_STAY)))
    assert browser_out["ok"] is True, browser_out
    assert browser_out == native_out


def test_worker_meta_equals_native(calc_page):
    import calc.api

    assert worker_call(calc_page("xianning"), "meta") == json.loads(calc.api.meta())


def test_bad_input_gets_chinese_error_through_worker(calc_page):
    out = worker_call(calc_page("xianning"), "estimate", {**XIANNING_STAY, "stays": [{"total": ""}]})
    assert out["ok"] is False
    assert out["errors"] and all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in out["errors"])


def test_runtime_is_python_314_from_our_origin(calc_page, server_url):
    page = calc_page("xianning")
    entries = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(server_url) for u in entries), entries
