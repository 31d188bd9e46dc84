"""What stays on the phone, and how it is replaced: the service worker keeps only the site's own
files (never a share link's #calc= data), a corrected figure reaches a returning browser (update
prompt, old cache deleted), unknown URLs get our Chinese 404 page online and offline, and the
worker's loading progress is counted in real bytes against the build's manifest."""
from __future__ import annotations

import pytest

import build_site

from .conftest import wait_ready
from .delivery_helpers import RECORD_WORKER_MESSAGES, SAMPLE, copy_site, manifest, serving, share_code

FIGURE = 'tr[data-param="basic.level1.deductible"] td.value'


def controlled(page):
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)


@pytest.fixture(scope="module")
def returning(browser, browser_context_args, site_dir, tmp_path_factory):
    """A phone that has visited once (service worker installed), on a site copy we can redeploy."""
    site = copy_site(site_dir, tmp_path_factory.mktemp("returning") / "site")
    log = []
    with serving(site, request_log=log) as url:
        context = browser.new_context(**browser_context_args)
        context.add_init_script(RECORD_WORKER_MESSAGES)
        page = context.new_page()
        page.goto(url + "xianning/")
        wait_ready(page)
        controlled(page)
        yield {"site": site, "url": url, "context": context, "page": page, "log": log}
        context.close()


def test_progress_counts_the_bytes_that_really_travel(returning, site_dir):
    """the progress counts bytes on the wire (the compressed copies the server sent, as
    the browser's own Resource Timing measured them), not the 13 MB they unpack to."""
    from .delivery_helpers import engine_workers

    page = returning["page"]
    msgs = page.evaluate("() => window.__workerMessages")
    man = manifest(site_dir)
    [worker] = engine_workers(page)
    timing = {e[0]: e[1] for e in worker.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => [e.name, e.encodedBodySize])")}
    progress = [m for m in msgs if m.get("type") == "progress"]
    downloads = [m for m in progress if m["stage"] == "download"]
    assert downloads
    travelled = 0
    for role, f in man["files"].items():
        mine = [m for m in downloads if m["file"] == role]
        if f.get("lazy"):  # fetched only when needed (the stock stdlib fallback), not on a normal start
            assert not mine, role
            continue
        sent = timing[returning["url"] + f["url"]]
        assert 0 < sent <= f["bytes"], (role, sent)
        assert mine and mine[-1]["fileLoaded"] == mine[-1]["fileTotal"] == sent, (role, mine[-1], sent)
        travelled += sent
    last = progress[-1]
    assert last["loaded"] == last["total"] == travelled
    assert travelled < 0.6 * man["bytes"], "compressed on the wire, counted as such"
    loaded = [m["loaded"] for m in downloads]
    assert loaded == sorted(loaded)
    assert len({m["fileLoaded"] for m in downloads if m["file"] == "wasm"}) > 3, "the big file reports as it arrives"
    stages = [m["stage"] for m in progress]
    assert stages[-1] == "ready" and [s for s in ("boot", "wheel", "import", "ready") if s in stages] == [
        "boot", "wheel", "import", "ready"]
    percents = [m["percent"] for m in progress]
    assert percents == sorted(percents) and percents[-1] == 100
    assert msgs[-1] == {"type": "ready"} or {"type": "ready"} in msgs


def test_share_link_data_is_not_kept_in_caches_or_storage(returning):
    context, url = returning["context"], returning["url"]
    code = share_code(SAMPLE)
    page = context.new_page()
    page.goto(url + "xianning/#calc=" + code)  # a full navigation, answered by the service worker
    page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=60_000)
    stored = page.evaluate("""async () => {
        const keys = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const req of await cache.keys()) keys.push(req.url);
        }
        const dump = (s) => Object.keys(s).map((k) => k + "=" + s.getItem(k));
        const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
        return {keys, local: dump(localStorage), session: dump(sessionStorage), dbs, cookie: document.cookie};
    }""")
    assert stored["keys"], "the service worker cache is in use"
    # Cache Storage holds the site's own files, by their plain URLs, and nothing else.
    site = returning["site"]
    for key in stored["keys"]:
        assert key.startswith(url) and "#" not in key and "?" not in key and code not in key, key
        rel = key[len(url):]
        assert (site / rel).is_file() or (site / rel / "index.html").is_file(), key
    secrets = [code, "calc=", "37651", "4129", "dibao", "低保"]
    for where in ("local", "session", "dbs"):
        for value in stored[where]:
            assert not any(s in value for s in secrets), (where, value)
    assert stored["cookie"] == "" and context.cookies() == []
    returning["shared_page"] = page  # the history check below looks at the same visit


def test_share_link_data_is_not_kept_in_history(returning):
    page = returning.get("shared_page")
    if page is None:
        page = returning["context"].new_page()
        page.goto(returning["url"] + "xianning/#calc=" + share_code(SAMPLE))
        page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=60_000)
    history = returning["context"].new_cdp_session(page).send("Page.getNavigationHistory")
    urls = [e["url"] for e in history["entries"]]
    page.close()
    assert not any("calc=" in u for u in urls), urls


def test_unknown_url_gets_our_404_online_and_offline(returning):
    context, url = returning["context"], returning["url"]
    page = context.new_page()
    try:
        resp = page.goto(url + "no/such/page/")
        assert resp.status == 404 and "找不到这个页面" in page.text_content("h1")
        context.set_offline(True)
        page.goto(url + "also/not/here/")
        assert "找不到这个页面" in page.text_content("h1")  # from the service worker, not the browser's error
        page.goto(url + "xianning/")  # a saved page still opens
        assert page.locator(FIGURE).count() == 1
    finally:
        context.set_offline(False)
        page.close()


def test_corrected_figure_reaches_a_returning_browser_and_old_cache_goes(returning):
    site, page, log = returning["site"], returning["page"], returning["log"]
    page.reload()
    controlled(page)
    assert page.text_content(FIGURE).strip() == "200 元"
    old_caches = page.evaluate("() => caches.keys()")
    assert len(old_caches) == 1

    # Redeploy with one corrected figure of the same length (what a date-and-size check misses).
    html = site / "xianning" / "index.html"
    text = html.read_text("utf-8")
    assert text.count('data-value="200">200 元<') == 1
    html.write_text(text.replace('data-value="200">200 元<', 'data-value="300">300 元<'), "utf-8")
    build_site.refresh(site)  # new sw.js version, compressed copies, content dates
    log.clear()

    page.reload()  # the returning visit: the old version, coherent, and the prompt once the new one is ready
    page.wait_for_selector("#site-update-load", timeout=60_000)
    assert "本站内容已更新" in page.text_content("#site-update")
    with page.expect_navigation():
        page.click("#site-update-load")
    assert page.text_content(FIGURE).strip() == "300 元"
    new_caches = page.evaluate("() => caches.keys()")
    assert len(new_caches) == 1 and new_caches != old_caches, (old_caches, new_caches)
    # The never-changing runtime and wheel were carried over, not downloaded again.
    assert not any(p.startswith(("/pyodide/", "/wheels/")) for p, _ in log), log
    # The new version's calculator starts from the new cache and computes.
    wait_ready(page)
    out = page.evaluate("(p) => window.__calcReady.then((c) => c.estimate(p))", SAMPLE)
    assert out["ok"] is True
