"""Staff pages for people with a phone in one hand: axe (no serious/critical violation) on the link
builder (with an error and with a result), the roster page, the comparison, the staff index and a
明白纸; none scrolls sideways on a 360-px phone."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from .conftest import BOOT_TIMEOUT_MS

AXE = Axe()
PAGES = ["staff/", "staff/compare/", "staff/roster/", "yiyuan/print/jianka/", "staff/link/"]  # link last: used below


def serious(page) -> list:
    res = AXE.run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in res.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def test_staff_pages_are_accessible_and_fit_a_360px_phone(browser, server_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    try:
        for path in PAGES:
            page.goto(server_url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{path}: {width}px wide"
            assert serious(page) == [], path
        # the link builder with a field error, then with a link, QR code and preview
        page.wait_for_selector('#lb-output[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
        page.fill("#lb-stay0-total", "很多钱")
        page.click("#lb-make")
        page.wait_for_selector('#lb-output[data-state="invalid"]', state="attached")
        assert serious(page) == []
        page.fill("#lb-stay0-total", "12000")
        page.click("#lb-make")
        page.wait_for_selector('#lb-qr[data-state="done"]', state="attached", timeout=60_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert serious(page) == []
    finally:
        context.close()
