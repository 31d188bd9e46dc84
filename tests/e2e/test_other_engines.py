"""The resident's main path in the engines residents have, beyond the project's own Chromium:
Chromium 92 (npm @sparticuz/chromium@92.0.0, as in older WeChat kernels: no WebAssembly exception
handling, no class static blocks), Firefox ESR (WebDriver BiDi) and WebKitGTK (the iPhone's engine
family; W3C WebDriver). One page load each (two where the engine runs), at 360 px:
share link to a precomputed case → calc's whole answer; a typed amount → the engine's answer where
the engine can run; where it cannot, the plain message and nothing of the runtime downloaded.
Every figure is compared with calc run natively on the same input. Captions, headings and text
cells are at least 120 px wide on the page walked.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from calc.api import estimate_dict, meta_dict
from calc.share import fragment
from sitegen.instant import form_input

from . import webkit_driver

ROOT = Path(__file__).resolve().parents[2]
WALK = ROOT / "tests" / "engines" / "walk.mjs"
REGION = "xianning"
RM = next(r for r in meta_dict()["regions"] if r["id"] == REGION)
IDENT = "dibao"
LINKED = form_input(RM, IDENT, 30000)   # a chip amount: its answer is in the page (computed at build time)
TYPED = form_input(RM, IDENT, 41234)    # not one: only the engine answers it


def yuan(s) -> str:
    return f"{Decimal(s):,.2f}"


@pytest.fixture(scope="module")
def logged_server(site_dir):
    from scripts.serve import start

    log: list = []
    server, url = start(site_dir, request_log=log)
    yield url, log
    server.shutdown()


def node_walk(engine: str, url: str, amount: str | None = None) -> dict:
    node = shutil.which("node")
    if not node or not (ROOT / "node_modules" / "puppeteer-core").is_dir():
        pytest.fail("node and the engines' drivers are needed: run `make node` (npm ci)")
    r = subprocess.run([node, str(WALK), engine, url, *([amount] if amount else [])],
                       capture_output=True, text=True, timeout=400, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def assert_whole_answer(look: dict, expected: dict):
    """The big amount, calc's sentence and every step of the 算账单, to the fen; on one screen width."""
    assert look["state"] == "done" and not look["stale"], look
    assert look["amount"] == yuan(expected["year"]["resident"]), look
    assert look["summary"] == expected["summary"], look
    assert look["steps"] == [s["text"] for s in expected["trace"]], look
    assert look["share"], "the share box is part of the answer"
    assert look["scrollWidth"] <= look["width"] and look["amountRight"] <= look["width"], look


def test_chromium_92_share_link_answers_and_downloads_nothing_of_the_runtime(logged_server):
    base, log = logged_server
    log.clear()
    out = node_walk("chromium92", f"{base}{REGION}/{fragment(LINKED)}")
    assert out["version"].split("/")[1].startswith("92."), out["version"]
    assert out["errors"] == [], out["errors"]
    look = out["look"]
    assert_whole_answer(look, estimate_dict(LINKED))
    assert look["source"] == "instant"
    # the probe failed (no WebAssembly exception handling): the plain can-do message, no 重试
    assert look["failed"] and "异常处理" in look["failed"] and "能做的" in look["failed"], look["failed"]
    assert not look["retry"]
    asked = out["requests"] + [p for p, _ in log]
    assert not [u for u in asked if "/pyodide/" in u or "/wheels/" in u or "worker.js" in u], asked
    assert look["narrow"] == [], look["narrow"]


def test_firefox_share_link_then_typed_amount(logged_server):
    base, _ = logged_server
    out = node_walk("firefox", f"{base}{REGION}/{fragment(LINKED)}", "41234")
    assert out["errors"] == [], out["errors"]
    assert_whole_answer(out["linked"], estimate_dict(LINKED))
    assert out["engineReady"], (out.get("startFailed"), out["look"])
    assert_whole_answer(out["look"], estimate_dict(TYPED))
    assert out["look"]["source"] == "engine" and out["look"]["narrow"] == []


def test_webkit_share_link_then_typed_amount(logged_server):
    base, _ = logged_server
    out = webkit_driver.walk(f"{base}{REGION}/{fragment(LINKED)}", "41234")
    assert_whole_answer(out["linked"], estimate_dict(LINKED))
    assert out["engineReady"], out["look"]
    assert_whole_answer(out["look"], estimate_dict(TYPED))
    assert out["look"]["source"] == "engine" and out["look"]["narrow"] == [], out["look"]
