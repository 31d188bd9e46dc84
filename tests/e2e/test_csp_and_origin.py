"""Every request stays on our origin (worker requests included), the recorder really sees worker
requests, the page works under its CSP, the built site loads nothing from a CDN, and no other
origin can frame our pages (clickjacking)."""
from __future__ import annotations

import contextlib
import http.server
import json
import re
import threading

import pytest

from .conftest import off_origin_requests, wait_ready, worker_call

REGIONS = ["xianning", "yangcheng", "dongzhi", "yiyuan", "chongqing"]


def test_recorder_sees_worker_off_origin_request(browser, browser_context_args, server_url):
    # Proof for the check below: a request made *inside a Web Worker* to another origin is recorded.
    # Our own pages forbid that (CSP), so the worker runs on a page of a made-up origin without one.
    context = browser.new_context(**browser_context_args)
    try:
        seen = off_origin_requests(context, server_url)
        context.route("http://recorder.test/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>recorder</title>"))
        page = context.new_page()
        page.goto("http://recorder.test/")
        page.evaluate("""() => new Promise((resolve) => {
            const src = 'fetch("http://example.invalid/x").catch(() => {}).finally(() => postMessage(1));';
            const w = new Worker(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
            w.onmessage = () => resolve(1);
        })""")
        page.wait_for_timeout(200)
        assert any(u.startswith("http://example.invalid/x") for u in seen), seen
    finally:
        context.close()


def test_region_page_requests_stay_on_origin_and_csp_holds(browser, browser_context_args, server_url):
    context = browser.new_context(**browser_context_args)
    try:
        seen = off_origin_requests(context, server_url)
        all_urls = []
        context.on("request", lambda r: all_urls.append(r.url))
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(server_url + "xianning/")
        wait_ready(page)
        csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
        assert csp and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
        assert "http" not in csp, "CSP must not allow any third-party origin"
        out = worker_call(page, "estimate", {
            "region": "xianning", "year": 2022, "identities": ["dibao"],
            "stays": [{"total": "50000", "out_of_policy": "5000", "level": "2", "place": "county", "referral": True}],
        })
        assert out["ok"] is True, out
        # Requests from the worker (runtime, stdlib, wheel) are part of what we saw.
        assert any(u.endswith("pyodide.asm.wasm") for u in all_urls)
        assert any(u.endswith(".whl") for u in all_urls)
        for region in REGIONS[1:]:
            page.goto(server_url + region + "/")
            page.wait_for_load_state("load")
        assert seen == [], f"requests left our origin: {seen}"
        csp_errors = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
        assert csp_errors == [], csp_errors
    finally:
        context.close()


URL_RE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]*(?:cdn|jsdelivr|unpkg|googleapis|gstatic)""", re.I)
IMPORT_RE = re.compile(r"""(?:import\s*\(|from\s+|importScripts\s*\(|fetch\s*\()\s*["'](?:https?:)?//""", re.I)


def test_built_site_loads_nothing_from_cdn(site_dir):
    """`grep -r "cdn\\|jsdelivr\\|unpkg" site/` may hit strings in material's bundles or Pyodide's
    own fallback code; none of them may be a URL a page or our worker actually loads."""
    hits = []
    for p in site_dir.rglob("*"):
        if not p.is_file() or p.suffix not in {".html", ".js", ".mjs", ".css", ".json"}:
            continue
        text = p.read_text("utf-8", errors="replace")
        if p.suffix == ".html":
            hits += [f"{p}: {m.group(0)}" for m in URL_RE.finditer(text)]
            hits += [f"{p}: external font" for _ in re.finditer(r"fonts\.(googleapis|gstatic)\.com", text)]
        if p.name in {"worker.js", "calc-client.js", "integrity.js", "update-banner.js", "sw.js", "calc-manifest.json"}:
            assert not re.search(r"cdn|jsdelivr|unpkg|https?://", text), p
        if p.suffix == ".css":
            hits += [f"{p}: {m.group(0)}" for m in re.finditer(r"@import\s+url\(\s*[\"']?https?://[^)]*", text)]
    assert hits == []


def test_no_cookies_or_storage_of_resident_data(calc_page, calc_context, server_url):
    calc_page("xianning")
    assert calc_context.cookies() == []


# What docs/security.md says the site keeps, exactly.
LOCAL_STORAGE_KEYS = {"/.__palette", "mbz-elder"}  # theme colour scheme; 长辈版 switch
DATABASES = {"calc-snapshot"}


def test_storage_holds_exactly_what_readme_says(browser, browser_context_args, server_url):
    """A share link with a bill and an identity, the answer, the colour switch: afterwards the
    phone holds only the two display preferences, the engine snapshot and the site's own files —
    nothing of the bill or the identity, and no cache key with a query or a fragment."""
    from .test_calculator_ui import share_code

    bill = {"region": "xianning", "identities": ["tekun"], "stays": [{"total": "37651.23", "out_of_policy": "4129.87"}]}
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(server_url + "xianning/#calc=" + share_code(bill))
        page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=120_000)
        page.click("form[data-md-component=palette] label:visible")
        page.evaluate("""() => Promise.race([navigator.serviceWorker.ready,
                                             new Promise((r) => setTimeout(r, 20000))])""")
        page.wait_for_timeout(1500)
        got = page.evaluate("""async () => {
            const local = Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));
            const session = Object.keys(sessionStorage);
            const dbs = (await indexedDB.databases()).map((d) => d.name);
            const caches_ = await caches.keys();
            const keys = [];
            for (const c of caches_) for (const r of await (await caches.open(c)).keys()) keys.push(r.url);
            return {local, session, dbs, caches: caches_, keys, url: location.href};
        }""")
        assert set(got["local"]) <= LOCAL_STORAGE_KEYS and "/.__palette" in got["local"], got["local"]
        assert got["session"] == []
        assert set(got["dbs"]) <= DATABASES, got["dbs"]
        assert all(c.startswith("mbz-") for c in got["caches"]), got["caches"]
        assert all("#" not in k and "?" not in k and k.startswith(server_url) for k in got["keys"])
        stored = json.dumps(got["local"], ensure_ascii=False)
        for secret in ("37651", "4129", "tekun", "特困"):
            assert secret not in stored
        assert "calc=" not in got["url"]  # the page forgot the link's data (the browser's history has not)
        assert context.cookies() == []
    finally:
        context.close()


@contextlib.contextmanager
def other_origin(pages: dict[str, str]):
    """A plain server on another port (another origin) without any policy of its own, serving
    `pages` {path: html} — what a page made to trick a resident into clicking would be."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0], "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


def frame_page(srcs):
    frames = "".join(f'<iframe id="{name}" src="{src}" onload="this.dataset.loaded=1" width="360" height="400"></iframe>'
                     for name, src in srcs.items())
    return f"<!doctype html><meta charset=utf-8><title>点这里领补贴</title>{frames}"


def test_another_origin_cannot_frame_our_pages(browser, browser_context_args, server_url):
    """A page on another port frames our calculator page and, as a control, a page of a third origin
    that sets no policy: the control shows, ours is refused because of frame-ancestors."""
    pages = {"/plain.html": "<!doctype html><meta charset=utf-8><h1 id=plain>别的网站的页面</h1>"}
    with other_origin(pages) as port:
        pages["/attack.html"] = frame_page({
            "ours": server_url + "xianning/",
            "staff": server_url + "staff/link/",
            "control": f"http://localhost:{port}/plain.html",  # localhost vs 127.0.0.1: another origin
        })
        context = browser.new_context(**browser_context_args)
        try:
            page = context.new_page()
            console = []
            page.on("console", lambda m: console.append(m.text))
            answered = []
            context.on("response", lambda r: answered.append((r.url, r.status)) if r.url.startswith(server_url) else None)
            page.goto(f"http://127.0.0.1:{port}/attack.html")
            page.wait_for_function("() => [...document.querySelectorAll('iframe')].every((f) => f.dataset.loaded)",
                                   timeout=30_000)
            control = page.query_selector("#control").content_frame()
            assert control.locator("#plain").inner_text() == "别的网站的页面"  # framing works in this browser
            for name in ("ours", "staff"):
                frame = page.query_selector(f"#{name}").content_frame()
                assert frame.url.startswith("chrome-error:"), frame.url  # the browser's own "refused" page
                assert frame.locator("#calculator, .md-content").count() == 0, name
                assert "医保明白账" not in frame.content(), name
            # Our server did answer (200): the browser refused to show it, for the reason we set.
            assert (server_url + "xianning/", 200) in answered, answered
            refused = [m for m in console if "frame-ancestors" in m]
            assert refused and all("'self'" in m for m in refused), console
        finally:
            context.close()


def test_our_own_pages_may_frame_ours(browser, browser_context_args, server_url):
    """frame-ancestors 'self' is not a blanket ban: a page of our origin can frame another."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(server_url + "about/")
        page.evaluate("""() => new Promise((resolve) => {
            const f = document.createElement('iframe');
            f.id = 'same'; f.src = '../xianning/'; f.onload = resolve;
            document.body.append(f);
        })""")
        frame = page.query_selector("#same").content_frame()
        assert frame.url == server_url + "xianning/"
        assert frame.locator("#calculator").count() == 1 and "医保明白账" in frame.content()
    finally:
        context.close()
