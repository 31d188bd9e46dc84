"""The service worker stores only complete, non-redirected answers to URLs without a query, under
their exact URL, and precaches only files whose size and sha256 match the build's list: a query
URL is not stored as the plain one, "/yangcheng" (a redirect to "/yangcheng/") is not stored, and a
page cut short during install is never precached (the install fails; the phone keeps going online)."""
from __future__ import annotations

from .delivery_helpers import serving

CACHED = """async (path) => {
  const url = new URL(path, location.href).href;
  for (const name of await caches.keys()) {
    const hit = await (await caches.open(name)).match(url, { ignoreSearch: false });
    if (hit) return { name, status: hit.status, redirected: hit.redirected, size: (await hit.arrayBuffer()).byteLength };
  }
  return null;
}"""


INSTALL_OUTCOME = """async () => {
  const done = (w) => w.state === "activated" || w.state === "redundant";
  for (;;) {
    const r = await navigator.serviceWorker.getRegistration();
    const w = r && (r.installing || r.waiting || r.active);
    if (w) {
      while (!done(w)) await new Promise((res) => w.addEventListener("statechange", res, { once: true }));
      return w.state;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}"""


def controlled(page):
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)


def test_query_and_redirected_answers_are_not_stored(browser, browser_context_args, site_dir):
    with serving(site_dir) as url:
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        page.goto(url + "about/")
        controlled(page)
        assert page.evaluate(CACHED, "sitemap.xml") is None  # not precached: only fetching could store it
        page.evaluate("() => fetch('../sitemap.xml?x=1').then((r) => r.text())")
        page.evaluate("() => fetch('../yangcheng').then((r) => r.text())")  # followed redirect
        page.wait_for_timeout(500)
        assert page.evaluate(CACHED, "../sitemap.xml") is None
        assert page.evaluate(CACHED, "../sitemap.xml?x=1") is None
        assert page.evaluate(CACHED, "../yangcheng") is None
        page.evaluate("() => fetch('../sitemap.xml').then((r) => r.text())")  # the plain URL is stored
        page.wait_for_function("""async () => !!(await caches.match(new URL('../sitemap.xml', location.href).href))""")
        context.close()


def test_a_page_cut_short_during_install_is_never_precached(browser, browser_context_args, site_dir):
    full = (site_dir / "dongzhi" / "index.html").stat().st_size
    with serving(site_dir, faults={"/dongzhi/index.html": "short"}) as url:
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        page.goto(url + "about/")
        # the install tries each file three times, then gives up: the worker ends redundant
        outcome = page.evaluate(INSTALL_OUTCOME)
        hit = page.evaluate(CACHED, "../dongzhi/")
        assert hit is None or hit["size"] == full, hit
        assert outcome == "redundant"
        assert page.evaluate("() => navigator.serviceWorker.controller") is None
        context.close()
