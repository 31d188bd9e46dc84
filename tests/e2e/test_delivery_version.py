"""One version at a time: a returning visitor, after a figure changed
and the site was really rebuilt (a second build from a copy of the sources with one region
parameter changed), never sees the page of one deploy with the answer of the other — whether the
phone's cache is complete (the old version, coherent, then the update), lacks the page (the new
page from the network: its engine must be the new one too), or lacks the engine's manifest (the
old page, an engine of the new deploy: refused, the page says it is updating and switches)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buildtools import stdlib_trim

from .conftest import ROOT, wait_ready
from .delivery_helpers import copy_site, serving, share_code

PARAM = "assistance.dibao_fanpin.ratio"
FIGURE = f'tr[data-param="{PARAM}"] td.value'
# An amount no page precomputes: the engine computes what the page shows.
CASE = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "37651"}]}
IGNORE = shutil.ignore_patterns("site", ".git", ".build", "__pycache__", ".pytest_cache", "build", "*.egg-info")


def native(src: Path) -> dict:
    code = "import json,sys; from calc.api import estimate_dict; print(json.dumps(estimate_dict(json.loads(sys.argv[1]))))"
    out = subprocess.run([sys.executable, "-c", code, json.dumps(CASE)], cwd=src, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def figure_of(site: Path) -> str:
    html = (site / "xianning" / "index.html").read_text("utf-8")
    m = re.search(r'<tr[^>]*data-param="' + re.escape(PARAM) + r'"[^>]*>.*?<td class="value"[^>]*>(.*?)</td>', html, re.S)
    assert m, "the region page shows the parameter"
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


@pytest.fixture(scope="module")
def versions(site_dir, tmp_path_factory):
    """v1: the site under test. v2: a real rebuild, one figure changed in calc/regions."""
    reuse = os.environ.get("REDEPLOY_BUILD")  # a directory a previous run left (src/ + v2/): faster
    if reuse and (Path(reuse) / "v2" / "sw.js").is_file():
        return versions_of(site_dir, Path(reuse))
    tmp = tmp_path_factory.mktemp("redeploy")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE, symlinks=True)
    for cache in ("br", "gz"):  # compression caches, keyed by content: same bytes, faster (never
        if (ROOT / ".build" / cache).is_dir():  # .build/dist: the other build's wheel would land there)
            (src / ".build").mkdir(exist_ok=True)
            (src / ".build" / cache).symlink_to(ROOT / ".build" / cache)
    toml = src / "calc" / "regions" / "xianning.toml"
    text = toml.read_text("utf-8")
    old = 'ratio = { value = "0.70", unit = "ratio", label = "大病起付线以下部分的救助比例"'
    assert text.count(old) == 1
    toml.write_text(text.replace(old, old.replace('"0.70"', '"0.80"')), "utf-8")
    # Only a figure changes (data): the copy reuses this tree's trimmed standard library rather than
    # replaying the whole test corpus in Pyodide again (buildtools/stdlib_trim.py STDLIB_TRIM_FROM).
    trim = stdlib_trim.finished()
    env = {**os.environ, **({"STDLIB_TRIM_FROM": str(trim)} if trim else {})}
    subprocess.run([sys.executable, "build_site.py", "--out", str(tmp / "v2")], cwd=src, check=True,
                   timeout=1200, capture_output=True, env=env)
    return versions_of(site_dir, tmp)


def versions_of(site_dir, tmp):
    v1 = {"site": site_dir, "answer": native(ROOT)["year"], "figure": figure_of(site_dir)}
    v2 = {"site": tmp / "v2", "answer": native(tmp / "src")["year"], "figure": figure_of(tmp / "v2")}
    assert v1["figure"] != v2["figure"] and v1["answer"] != v2["answer"], (v1, v2)
    return {"v1": v1, "v2": v2, "tmp": tmp}


def deploy(live: Path, build: Path) -> None:
    """What a host does on redeploy: the directory's content replaced by the new build."""
    for p in list(live.iterdir()):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    for p in build.iterdir():
        (shutil.copytree if p.is_dir() else shutil.copy2)(p, live / p.name)


def seen(page, versions, timeout=90, shown=True) -> str:
    """Wait until the page shows the engine's answer (shown=False: once its engine is ready — a
    reloaded page has no share link any more); -> "v1" | "v2", asserting page and answer are of
    the same deploy. The page may switch itself to the new version meanwhile."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            state = page.evaluate("""() => {
                const fig = document.querySelector(%r);
                const el = document.querySelector('#calc-result[data-state="done"] [data-amount="year.assistance"]');
                const ready = document.querySelector('#calculator[data-ready="true"]');
                return {figure: fig && fig.textContent.trim(), shown: el && el.textContent, ready: !!ready,
                        failed: (document.querySelector('#calc-failed:not([hidden])') || {}).textContent || null,
                        banner: (document.querySelector('#site-update') || {}).textContent || null};
            }""" % FIGURE)
        except Exception:  # navigating (the page switched itself to the new version)
            time.sleep(0.3)
            continue
        last = state
        if state["ready"] and (state["shown"] or not shown):
            answer = page.evaluate("(c) => window.__calcReady.then((calc) => calc.estimate(c))", CASE)
            for name in ("v1", "v2"):
                v = versions[name]
                if state["figure"] == v["figure"]:
                    assert answer["year"] == v["answer"], f"page of {name}, answer of the other: {answer['year']}"
                    if state["shown"]:
                        on_screen = state["shown"].replace(",", "").replace("元", "").strip()
                        assert on_screen == v["answer"]["assistance"], (name, state)
                    return name
            raise AssertionError(f"unknown figure {state['figure']!r}")
        time.sleep(0.3)
    raise AssertionError(f"no answer within {timeout} s: {last}")


@pytest.fixture()
def returning(browser, browser_context_args, versions, tmp_path):
    """A phone that visited the v1 site once (answer shown, service worker ready); then the host
    is redeployed with v2."""
    live = copy_site(versions["v1"]["site"], tmp_path / "live")
    with serving(live) as url:
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        page.goto(f"{url}xianning/#calc={share_code(CASE)}")
        assert seen(page, versions) == "v1"
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
        page.close()
        deploy(live, versions["v2"]["site"])
        try:
            yield {"context": context, "url": url}
        finally:
            context.close()


def visit(returning):
    page = returning["context"].new_page()
    page.goto(f"{returning['url']}xianning/#calc={share_code(CASE)}")
    return page


def evict(returning, path):
    page = returning["context"].new_page()
    page.goto(returning["url"] + "about/")
    n = page.evaluate("""async (url) => {
        let n = 0;
        for (const k of await caches.keys()) if (await (await caches.open(k)).delete(url)) n++;
        return n;
    }""", returning["url"] + path)
    page.close()
    assert n == 1, f"{path} was cached"


def test_complete_cache_keeps_the_old_version_coherent_then_updates(returning, versions):
    page = visit(returning)
    assert seen(page, versions) == "v1"  # from the cache: the old page with the old engine
    page.wait_for_selector("#site-update-load", timeout=60_000)
    with page.expect_navigation():
        page.click("#site-update-load")
    assert seen(page, versions, shown=False) == "v2"


def test_page_not_in_the_cache_gets_the_engine_of_its_own_deploy(returning, versions):
    evict(returning, "xianning/")  # as a page added by the new deploy would be
    page = visit(returning)
    assert seen(page, versions) == "v2"  # the new page from the host, and its own engine


def test_old_page_with_a_new_engine_says_it_is_updating_and_switches(returning, versions):
    evict(returning, "assets/calc-manifest.json")  # the engine's files would come from the new deploy
    old_build = json.loads((versions["v1"]["site"] / "assets" / "calc-manifest.json").read_text())["build"]
    page = visit(returning)
    assert seen(page, versions, shown=False) == "v2"
    # It got there by the engine's refusal (update-banner.js marks the history entry it reloads).
    assert page.evaluate("() => history.state && history.state.mbzReloadedFor") == old_build
