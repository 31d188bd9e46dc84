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


# The worker answers only the calls of its allow-list (worker.js CALLS / STAFF_CALLS),
# never a generic module.fn into Python.
REFUSED_CALLS = [
    ("call", {"module": "pyodide.code", "fn": "eval_code", "arg": "__import__('os').getcwd()"}),
    ("call", {"module": "os", "fn": "getcwd", "arg": ""}),
    ("call", {"module": "calc.api", "fn": "estimate", "arg": "{}"}),  # a real function, not allowed this way
    ("call", None),
    ("call", 7),
    ("exec", "1+1"),
    ("__proto__", "{}"),
    ("wheel", {"url": "/assets/runtime/worker.js", "sha256": "0" * 64, "bytes": 10}),
]


def test_worker_refuses_calls_outside_its_allow_list(calc_page):
    import calc.api
    from .delivery_helpers import engine_workers

    page = calc_page("xianning")
    [worker] = engine_workers(page)
    for type_, payload in REFUSED_CALLS:
        # The message as any script of the page could post it (delivered to the worker's own
        # handler); its answer is caught before it reaches the page.
        out = worker.evaluate("""([type, payload]) => new Promise((resolve) => {
            const id = 'probe-' + Math.random();
            const post = self.postMessage.bind(self);
            self.postMessage = (m, ...rest) => {
                if (m && m.id === id && m.payload !== undefined) { self.postMessage = post; resolve(m); }
                else if (!(m && m.id === id)) post(m, ...rest);
            };
            self.onmessage({data: {id, type, payload: typeof payload === 'string' ? payload : JSON.stringify(payload)}});
        })""", [type_, payload])
        body = json.loads(out["payload"])
        assert body["ok"] is False, (type_, payload, body)
        message = body.get("message") or body["errors"][0]["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
        assert "Traceback" not in message and "getcwd" not in message
    # The engine is still there, answering what it may.
    assert worker_call(page, "meta") == json.loads(calc.api.meta())
