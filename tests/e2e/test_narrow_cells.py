"""Captions and tables readable at 360 px on every page: no caption, heading or cell holding text
is narrower than 120 px (a table turned into blocks on a phone kept its <caption> a table caption:
one character a line). The measure is tests/engines/look.js's, the one the other engines' walks
use (tests/e2e/test_other_engines.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PHONE

LOOK = (Path(__file__).resolve().parents[1] / "engines" / "look.js").read_text(encoding="utf-8")


def pages(site_dir: Path) -> list[str]:
    """Every page of the site that has a table or a figure caption (the others have only headings,
    in the page's full width)."""
    out = []
    for p in sorted(site_dir.rglob("index.html")):
        rel = p.relative_to(site_dir).parent.as_posix()
        if rel.split("/")[0] in ("assets", "pyodide", "wheels", "search"):
            continue
        html = p.read_text(encoding="utf-8")
        if "<table" in html or "<figcaption" in html:
            out.append("" if rel == "." else rel + "/")
    return out


def test_the_check_sees_a_squeezed_caption(browser, server_url):
    """The measure can fail: a caption of a table that has become a block is found."""
    page = browser.new_page(**{**PHONE, "viewport": {"width": 360, "height": 740}})
    try:
        page.set_content("<table style='display:block'><caption>住一次院：县域内二级医院、规范转诊</caption>"
                         "<tr style='display:block'><td style='display:block'>一</td></tr></table>")
        assert page.evaluate(LOOK)["narrow"]
    finally:
        page.close()


def test_no_narrow_caption_heading_or_cell_at_360_px(browser, server_url, site_dir):
    urls = pages(site_dir)
    assert len(urls) > 10 and "xianning/" in urls
    ctx = browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 740}}, service_workers="block")
    # the runtime is not needed to lay out a page: nothing under /pyodide/ is served here
    ctx.route("**/pyodide/**", lambda route: route.abort())
    bad = {}
    try:
        page = ctx.new_page()
        for u in urls:
            page.goto(server_url + u, wait_until="load")
            narrow = page.evaluate(LOOK)["narrow"]
            if narrow:
                bad[u] = narrow[:5]
    finally:
        ctx.close()
    assert not bad, bad
