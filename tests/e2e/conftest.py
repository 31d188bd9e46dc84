"""Shared e2e fixtures (Playwright in the Debian Chromium, phone viewport).

Names other test files rely on:
  site_dir                 session: Path of the built site (fails clearly if not built)
  server_url               session: "http://127.0.0.1:PORT/" — scripts/serve.py in a thread
  browser_type_launch_args / browser_context_args   pytest-playwright overrides
  calc_context             session: one BrowserContext reused so Pyodide boots once
  calc_page(region)        session factory: a page of calc_context already on /<region>/ with
                           the calculator ready (#calculator[data-ready="true"]); cached per region
  worker_call(page, type, payload_dict) -> dict   estimate/meta through the page's worker
  off_origin_requests(context, base_url) -> list  recorder of every request (page, worker,
                           service worker) not going to base_url's origin; live list
"""
from __future__ import annotations

import json
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
BOOT_TIMEOUT_MS = 120_000  # Pyodide cold boot is ~4.4 s CPU; generous for a loaded 2-core CI box


@pytest.fixture(scope="session")
def site_dir() -> Path:
    site = ROOT / "site"
    if not (site / "index.html").is_file() or not (site / "assets" / "calc-manifest.json").is_file():
        pytest.fail("site/ is not built (or has no calc-manifest.json): run `python build_site.py` or `make test`")
    return site


@pytest.fixture(scope="session")
def server_url(site_dir):
    from scripts.serve import start

    server, url = start(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


def off_origin_requests(context, base_url: str) -> list[str]:
    """Record every request of `context` whose origin is not base_url's.

    Context-level `request` events include requests made by dedicated/module Web Workers and
    service workers in Chromium (page-level events miss them); test_csp_and_origin proves it.
    data:/blob: URLs are local and ignored.
    """
    origin = urllib.parse.urlsplit(base_url)
    seen: list[str] = []

    def on_request(request):
        u = urllib.parse.urlsplit(request.url)
        if u.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if (u.scheme, u.netloc) != (origin.scheme, origin.netloc):
            seen.append(request.url)

    context.on("request", on_request)
    return seen


def wait_ready(page, timeout=BOOT_TIMEOUT_MS):
    page.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=timeout)


def worker_call(page, type_: str, payload=None) -> dict:
    """Send {type, payload} through the page's calc client (window.__calc, set by calc-client.js)."""
    text = page.evaluate(
        """async ([type, payload]) => {
            const calc = await window.__calcReady;
            const out = type === 'meta' ? await calc.meta() : await calc.estimate(payload);
            return JSON.stringify(out);
        }""",
        [type_, payload],
    )
    return json.loads(text)


@pytest.fixture(scope="session")
def calc_context(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture(scope="session")
def calc_page(calc_context, server_url):
    pages = {}

    def get(region: str = "xianning"):
        page = pages.get(region)
        if page is None or page.is_closed():
            page = calc_context.new_page()
            page.goto(f"{server_url}{region}/")
            wait_ready(page)
            pages[region] = page
        return page

    yield get
