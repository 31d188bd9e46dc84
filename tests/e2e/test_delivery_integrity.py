"""Nothing runs that the build did not publish, and nothing leaves our origin: a tampered runtime
file or wheel is refused before it runs (the worker checks sha256 from calc-manifest.json), and
the page's worker and service worker cannot fetch another origin under the headers we serve."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from .conftest import wait_ready
from .delivery_helpers import calc_outcome, copy_site, engine_workers, manifest, plain_server, rewrite, serving

PROBE = "/__tampered_code_ran__"


@pytest.fixture(scope="module")
def spare_site(site_dir, tmp_path_factory):
    return copy_site(site_dir, tmp_path_factory.mktemp("tamper") / "site")


def refused(browser, browser_context_args, site, changed_url):
    log = []
    with serving(site, request_log=log) as url:
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            page.goto(url + "xianning/")
            page.wait_for_selector("#calc-failed:not([hidden]) #calc-retry", timeout=30_000)
            out = calc_outcome(page)
            text = page.text_content("#calc-failed")
        finally:
            context.close()
    assert out["kind"] == "integrity" and out["file"].endswith(changed_url), out
    assert "不一致" in out["message"] and out["message"] in text, text
    assert any(path == "/" + changed_url for path, _ in log), "the changed file was requested"
    return log


def test_code_appended_to_the_runtime_is_refused_and_never_runs(browser, browser_context_args, spare_site):
    asm = manifest(spare_site)["files"]["asm"]["url"]
    original = (spare_site / asm).read_bytes()
    # What an injecting proxy or a compromised mirror would do: add code to the module.
    rewrite(spare_site / asm, original + f'\n;fetch("{PROBE}");\n'.encode())
    try:
        log = refused(browser, browser_context_args, spare_site, asm)
        assert not any(path == PROBE for path, _ in log), "the appended code ran"
    finally:
        rewrite(spare_site / asm, original)


def test_wheel_with_a_changed_module_is_refused(browser, browser_context_args, spare_site):
    wheel = manifest(spare_site)["files"]["wheel"]["url"]
    original = (spare_site / wheel).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        assert "calc/api.py" in names
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "calc/api.py":
                data = data.replace(b"def estimate(", b"TAMPERED = True\n\n\ndef estimate(", 1)
            dst.writestr(info, data)
    rewrite(spare_site / wheel, out.getvalue())
    try:
        refused(browser, browser_context_args, spare_site, wheel)
    finally:
        rewrite(spare_site / wheel, original)


FETCH_OTHER = """async (u) => {
    // The real fetch (worker.js replaces its global fetch with one answering only checked files).
    const f = (self.WorkerGlobalScope ? WorkerGlobalScope.prototype.fetch : fetch).bind(self);
    try { await f(u, {mode: 'no-cors'}); return 'went'; } catch (e) { return 'refused'; }
}"""


def test_worker_and_service_worker_cannot_fetch_another_origin(
        browser, browser_context_args, server_url, site_dir, tmp_path):
    other_log = []
    (tmp_path / "index.html").write_text("<!doctype html><title>control</title>")
    with serving(site_dir, request_log=other_log) as other, plain_server(tmp_path) as plain:
        context = browser.new_context(**browser_context_args)
        try:
            # Control: on a page served without our headers (no CSP), a worker's no-cors fetch to
            # the other origin does go out — so "refused" below is the served CSP's doing.
            control = context.new_page()
            control.goto(plain)
            control.evaluate("""(u) => new Promise((resolve) => {
                const src = `fetch(${JSON.stringify(u)}, {mode: 'no-cors'}).then(() => postMessage('went'), () => postMessage('refused'))`;
                const w = new Worker(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
                w.onmessage = (e) => resolve(e.data);
            })""", other + "control-probe")
            assert any(p == "/control-probe" for p, _ in other_log), other_log

            page = context.new_page()
            page.goto(server_url + "xianning/")
            wait_ready(page)
            [worker] = engine_workers(page)
            assert worker.evaluate(FETCH_OTHER, other + "worker-probe") == "refused"
            assert worker.evaluate(FETCH_OTHER, server_url + "assets/calc-manifest.json") == "went"

            sw = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
            assert sw.url.endswith("/sw.js")
            assert sw.evaluate(FETCH_OTHER, other + "sw-probe") == "refused"
            assert sw.evaluate(FETCH_OTHER, server_url + "assets/calc-manifest.json") == "went"
            assert not any(re.search(r"(worker|sw)-probe", p) for p, _ in other_log), other_log
        finally:
            context.close()


def test_a_changed_runtime_file_never_enters_the_offline_cache(browser, browser_context_args, spare_site):
    """The service worker checks the engine's files against the manifest as they enter its cache:
    with one file altered on the host, its install fails and nothing of that version is kept."""
    asm = manifest(spare_site)["files"]["asm"]["url"]
    original = (spare_site / asm).read_bytes()
    rewrite(spare_site / asm, original + f'\n;fetch("{PROBE}");\n'.encode())
    log = []
    try:
        with serving(spare_site, request_log=log) as url:
            context = browser.new_context(**browser_context_args)
            try:
                page = context.new_page()
                page.goto(url + "about/")  # any page registers the service worker
                state = page.evaluate("""async () => {
                    const reg = await navigator.serviceWorker.register('../sw.js', {scope: '/'}).catch(() => null)
                        || await navigator.serviceWorker.getRegistration();
                    const sw = reg && (reg.installing || reg.waiting || reg.active);
                    if (sw && sw.state !== 'activated' && sw.state !== 'redundant') {
                        await new Promise((resolve) => sw.addEventListener('statechange', () =>
                            (sw.state === 'activated' || sw.state === 'redundant') && resolve()));
                    }
                    const kept = [];
                    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) kept.push(r.url);
                    return {state: sw && sw.state, kept};
                }""")
            finally:
                context.close()
    finally:
        rewrite(spare_site / asm, original)
    assert state["state"] == "redundant", state["state"]
    assert not any(u.endswith(asm) for u in state["kept"]), "the altered file was cached"
    assert any(path == "/" + asm for path, _ in log), "the altered file was requested"
    assert not any(path == PROBE for path, _ in log)
