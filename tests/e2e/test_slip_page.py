"""核对结算单 as a village cadre walks it with a resident on a 360 px phone, text doubled (WeChat's text
zoom): the link is on every region page within its first two screens; the form takes the slip's
lines; the table shows calc's verdict per payer (the same as calc natively); a share link opened in a
new tab shows the same table; the printed "what to ask" sheet is one A4 page with the hotline."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from pypdf import PdfReader

from calc.api import estimate_dict, meta

from .conftest import BOOT_TIMEOUT_MS, PHONE

REGIONS = [r["id"] for r in json.loads(meta())["regions"]]
PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 740}}
DOUBLED = "html { -webkit-text-size-adjust: 200% !important; text-size-adjust: 200% !important; }"
YUBEI = {"total": "52000", "in_policy": "50000", "basic": "34790", "critical": "0", "assistance": "8000"}


@pytest.fixture(scope="module")
def phone(browser, server_url):
    context = browser.new_context(**PHONE_360)
    context.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => {{
        const s = document.createElement('style'); s.textContent = {json.dumps(DOUBLED)}; document.head.append(s); }});""")
    yield context
    context.close()


def no_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("region", REGIONS)
def test_slip_link_within_two_screens(phone, server_url, region):
    page = phone.new_page()
    page.route("**/pyodide/**", lambda route: route.abort())   # the link needs no engine
    page.goto(f"{server_url}{region}/")
    link = page.locator(".calc-slip-link a")
    assert link.is_visible()
    top = link.evaluate("(a) => a.getBoundingClientRect().top + window.scrollY")
    assert top < 2 * 740, f"{region}: 核对结算单 at {top}px"
    assert "核对结算单" in link.inner_text()
    link.click()
    page.wait_for_url(f"{server_url}{region}/slip/")
    assert page.locator("#slip-form").is_visible() and no_sideways(page)
    page.close()


def fill_yubei(page):
    page.locator("input[name=identity][value=dibao_edge]").check()
    page.select_option("#slip-year", "2023")
    page.select_option("#slip-level", "2")
    page.select_option("#slip-place", "county")
    for key, value in YUBEI.items():
        page.fill(f"#slip-{key}", value)


def table(page):
    return page.eval_on_selector_all("#slip-table tbody tr", """(trs) => trs.map((tr) => ({payer: tr.dataset.payer,
        status: tr.dataset.status, text: tr.innerText}))""")


def test_walk_yubei_slip_at_360_doubled(browser, phone, server_url):
    page = phone.new_page()
    page.goto(f"{server_url}chongqing/")
    page.locator(".calc-slip-link a").click()
    page.wait_for_url(f"{server_url}chongqing/slip/")
    # each line says where it is on a typical slip
    for key in ("in_policy", "basic", "critical", "assistance", "tilt", "resident"):
        assert page.locator(f"#slip-{key}-where").inner_text().strip()
    assert "医保经办机构" in page.locator(".slip-decide").inner_text()
    fill_yubei(page)
    page.click("#slip-go")
    page.wait_for_selector("#slip-table tbody tr", timeout=BOOT_TIMEOUT_MS)
    rows = {r["payer"]: r for r in table(page)}
    native = estimate_dict({"region": "chongqing", "year": 2023, "identities": ["dibao_edge"],
                            "stays": [{"total": "52000", "level": "2", "place": "county", "referral": False,
                                       "slip": {k: v for k, v in YUBEI.items() if k != "total"}}]})
    for r in native["check"]:
        assert rows[r["payer"]]["status"] == r["status"]
    assert rows["assistance"]["status"] == "less" and "9,126.00" in rows["assistance"]["text"]
    assert "问题七" in rows["assistance"]["text"] and "少给了" in rows["assistance"]["text"]
    ask = next(r["ask"] for r in native["check"] if r["payer"] == "assistance")
    assert f"医疗救助支付：{ask}" in page.locator("#slip-asks").inner_text()
    assert no_sideways(page)
    # the result cells stay inside the screen at doubled text
    out = page.evaluate("""() => [...document.querySelectorAll('#slip-result *')].filter((e) => e.checkVisibility())
        .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1); })
        .map((e) => e.tagName + '.' + e.className).slice(0, 5)""")
    assert out == []
    # a share link only when asked; opened in a new tab it shows the same table
    assert page.locator("#slip-share-box").is_hidden()
    page.click("#slip-share")
    link = page.locator("#slip-share-link").get_attribute("href")
    assert "#calc=" in link
    other = phone.new_page()
    other.goto(link)
    other.wait_for_selector("#slip-table tbody tr", timeout=BOOT_TIMEOUT_MS)
    assert [(r["payer"], r["status"]) for r in table(other)] == [(r["payer"], r["status"]) for r in table(page)]
    assert "#calc=" not in other.url     # read once, kept nowhere
    # printed (from a computer, as a cadre prints it): one A4 "what to ask" sheet with the office's hotline
    desk = browser.new_context(locale="zh-CN")
    sheet = desk.new_page()
    sheet.goto(link)
    sheet.wait_for_selector("#slip-table tbody tr", timeout=BOOT_TIMEOUT_MS)
    sheet.emulate_media(media="print")
    pdf = sheet.pdf(format="A4", print_background=True)
    desk.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages"
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text()).replace("\n", "").replace(" ", "")
    assert "到医保窗口可以问" in text and "电话" in text and "医保经办机构" in text
    assert "34,790.00元" in text and "9,126.00元" in text     # amounts unbroken
    other.close()
    page.close()


def test_bad_slip_line_message_next_to_field(phone, server_url):
    page = phone.new_page()
    page.goto(f"{server_url}chongqing/slip/")
    fill_yubei(page)
    page.fill("#slip-basic", "好多钱")
    page.click("#slip-go")
    page.wait_for_selector("#slip-basic-err:not([hidden])", timeout=BOOT_TIMEOUT_MS)
    assert "基本医保支付" in page.locator("#slip-basic-err").inner_text()
    assert page.locator("#slip-basic").get_attribute("aria-invalid") == "true"
    assert page.locator("#slip-result").is_hidden()
    page.close()


def test_slip_check_offline_in_a_new_tab(browser, server_url):
    """One online visit to a region page (engine ready, service worker ready), then no network: the
    核对结算单 page opens in a new tab and checks the slip."""
    context = browser.new_context(**PHONE_360)
    page = context.new_page()
    page.goto(f"{server_url}chongqing/")
    page.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.close()
    context.set_offline(True)
    try:
        tab = context.new_page()
        tab.goto(f"{server_url}chongqing/slip/")
        fill_yubei(tab)
        tab.click("#slip-go")
        tab.wait_for_selector("#slip-table tbody tr", timeout=BOOT_TIMEOUT_MS)
        rows = {r["payer"]: r for r in table(tab)}
        assert rows["assistance"]["status"] == "less"
    finally:
        context.close()
