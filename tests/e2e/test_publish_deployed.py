"""Links from the deployment: a production build (base_url https://example.gov.cn/yibao/),
served here at 127.0.0.1 — an address that is not its base_url, as an intranet mirror would be.
The staff pages say so; the link builder and the resident's share button still make links (and QR
codes) to base_url; the share sends a readable line beside the link, computed by calc, and the
link carries no empty fields. Also: the poster prints on one A4 page."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calc import share
from calc.api import estimate_dict

from tests.builds import production_site

from .conftest import BOOT_TIMEOUT_MS, ROOT
from .test_staff_link import decode_png, wait_link
from .test_calculator_ui import pick_identities

BASE = "https://example.gov.cn/yibao/"
EXAMPLE = ROOT / "site-settings.example.toml"


@pytest.fixture(scope="session")
def deployed_url():
    """One production build with the example settings, shared with the site tests (tests/builds.py)."""
    out = production_site()
    from scripts.serve import start
    server, url = start(out)
    yield url
    server.shutdown()


def test_staff_pages_opened_elsewhere_say_so_and_links_use_base_url(calc_context, deployed_url, tmp_path):
    page = calc_context.new_page()
    page.goto(f"{deployed_url}staff/link/?region=yangcheng")
    note = page.locator(".other-address").first
    note.wait_for(state="visible")
    assert BASE in note.inner_text() and deployed_url.rstrip("/") in note.inner_text()
    page.wait_for_selector('#lb-output[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    page.select_option("#lb-identity", "dibao")
    page.fill("#lb-stay0-total", "3万")
    page.click("#lb-make")
    link = wait_link(page)
    assert link.startswith(f"{BASE}yangcheng/#calc="), link
    assert decode_png(page.locator("#lb-qr").screenshot(), tmp_path) == link
    inp, err = share.decode(link.split("#calc=", 1)[1])
    assert err is None and estimate_dict(inp)["ok"]
    # the staff index and the poster say so too; the poster's QR code stays on base_url
    for path in ("staff/", "yangcheng/poster/"):
        p = calc_context.new_page()
        p.goto(deployed_url + path)
        p.locator(".other-address").first.wait_for(state="visible")
        p.close()
    page.close()


def test_resident_share_uses_base_url_with_a_readable_line(calc_context, deployed_url):
    page = calc_context.new_page()
    page.goto(f"{deployed_url}yangcheng/")
    page.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    # the note sits in the staff part (its QR code and links), not on the resident's first screen
    assert page.locator("#staff .other-address").is_visible()
    assert page.locator(".other-address").count() == 1
    pick_identities(page, "dibao")  # identities are checkboxes
    page.fill("#calc-stay0-total", "3万")
    page.evaluate("document.querySelector('#calc-result').dataset.state = 'stale'")
    page.click("#calc-submit")
    page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#calc-share-privacy").is_visible()
    assert "浏览记录" in page.inner_text("#calc-share-privacy")
    page.click("#calc-share")
    url = page.input_value("#calc-share-url")
    assert url.startswith(f"{BASE}yangcheng/#calc="), url
    sent, err = share.decode(url.split("#calc=", 1)[1])
    assert err is None

    def empties(v):
        if isinstance(v, dict):
            return [k for k, x in v.items() if x in ("", None, [], {})] + [e for x in v.values() for e in empties(x)]
        return [e for x in v for e in empties(x)] if isinstance(v, list) else []
    assert empties(sent) == [], sent  # the link drops empty fields
    out = estimate_dict(sent)
    words = page.inner_text("#calc-share-text")
    assert words == share.text(out)  # share.js and calc/share.py say the same, from calc's answer
    assert words.startswith("阳城县 低保对象 住院3万元 自己约付") and words.endswith("元（估算）")
    page.close()


def test_poster_prints_on_one_a4_page(calc_context, server_url):
    page = calc_context.new_page()
    page.goto(f"{server_url}yangcheng/poster/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    box = page.locator(".poster-qr img").bounding_box()
    assert box["width"] >= 300  # large: ~11 cm on paper (96 px per inch)
    page.close()
