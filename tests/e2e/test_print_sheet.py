"""明白纸: every region × identity sheet prints to exactly one A4 page in Chromium, with the office,
hotline and date from the deployment settings (沂源's sheets show its 再救助); region pages print
without navigation/search."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from pypdf import PdfReader

from calc import api
from sitegen import settings as site_settings
from tests.site.test_deploy_settings import reassisted

REGIONS = json.loads(api.meta())["regions"]
SHEETS = [(r["id"], i["id"]) for r in REGIONS for i in r["identities"]]
REASSISTED = reassisted()
assert REASSISTED, "沂源's 再救助 identities are missing from its region file"


@pytest.fixture(scope="module")
def print_page(browser, server_url):
    # Printing needs no calculator: keep Pyodide from booting on every sheet.
    context = browser.new_context(locale="zh-CN")
    context.route("**/pyodide/**", lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("region,identity", SHEETS, ids=[f"{r}-{i}" for r, i in SHEETS])
def test_mingbai_sheet_is_one_a4_page(print_page, server_url, region, identity):
    print_page.goto(f"{server_url}{region}/print/{identity}/")
    assert print_page.locator(".mingbai").count() == 1
    pdf = print_page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, f"{region}/{identity}: {len(reader.pages)} pages"
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    # NFKC: the PDF's text layer uses compatibility ideographs (⾃ for 自)
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text()).replace("\n", "").replace(" ", "")
    assert "以医保经办机构结算为准" in text
    settings = site_settings.load(env={}, log=None)  # the local build's settings (site-settings.toml)
    for words in (settings.hotline, settings.office_name):
        assert unicodedata.normalize("NFKC", words).replace(" ", "") in text, words
    assert text.index("您自己付") < text.index("怎样享受") < text.index("政策数字和出处")
    if region == "yiyuan" and identity in REASSISTED:  # 源医保发〔2020〕8号 三（二）四是
        assert "再救助" in text, text


def test_region_page_prints_without_navigation(print_page, server_url):
    print_page.set_viewport_size({"width": 718, "height": 1000})  # A4 width minus 12 mm margins, 96 dpi
    print_page.goto(f"{server_url}xianning/")
    print_page.emulate_media(media="print")
    for sel in (".md-header", ".md-sidebar--primary", ".md-search", ".linkbuilder"):
        loc = print_page.locator(sel).first
        if loc.count():
            assert not loc.is_visible(), f"{sel} visible in print"
    # tables are not clipped: no wrapper scrolls when printing
    clipped = print_page.evaluate("""() => [...document.querySelectorAll('.table-wrap, table')]
        .filter(w => w.scrollWidth > w.clientWidth + 1 || w.getBoundingClientRect().right > 719).length""")
    assert clipped == 0, f"{clipped} tables wider than the printed page"
    print_page.emulate_media(media="screen")
    print_page.set_viewport_size({"width": 1280, "height": 720})
    pdf = print_page.pdf(format="A4")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_tables_scroll_inside_their_wrapper_on_a_360px_phone(browser, server_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="zh-CN")
    context.route("**/pyodide/**", lambda route: route.abort())
    page = context.new_page()
    try:
        for region in [r["id"] for r in REGIONS]:
            page.goto(f"{server_url}{region}/")
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= 360, f"{region}: page is {overflow}px wide on a 360px phone"
    finally:
        context.close()
