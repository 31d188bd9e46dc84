"""The link builder (/staff/link/): two stays, a bad amount refused next to its field by calc's own
message, a link whose QR code (segno in the worker) decodes to it, and which reproduces the same
estimate in a new browser context."""
from __future__ import annotations

import time

from calc import share
from calc.api import estimate_dict

from tests.site.pngread import read_grey

from .conftest import BOOT_TIMEOUT_MS


def yuan(s: str) -> str:
    whole, frac = s.split(".")
    return f"{int(whole):,}.{frac}"


def decode_png(png: bytes, tmp_path) -> str:
    import zxingcpp
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    w, h, grey = read_grey(path)
    found = zxingcpp.read_barcodes(memoryview(grey).cast("B", (h, w)))
    assert found, "no QR code in the link builder's image"
    return found[0].text


def wait_link(page, timeout=60):
    """The link is made and its QR code drawn for that same link."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = page.get_attribute("#lb-output", "data-state")
        link = page.input_value("#lb-link")
        if state == "done" and link and page.get_attribute("#lb-qr", "data-text") == link \
                and page.get_attribute("#lb-qr", "data-state") == "done":
            return link
        time.sleep(0.1)
    raise AssertionError(f"no link/QR: state={page.get_attribute('#lb-output', 'data-state')}, "
                         f"qr={page.get_attribute('#lb-qr', 'data-state')} {page.inner_text('#lb-output')}")


def test_link_builder_two_stays_checked_by_calc_with_qr_reproduces_in_new_context(
        browser, browser_context_args, calc_context, server_url, tmp_path):
    page = calc_context.new_page()
    page.goto(f"{server_url}staff/link/?region=xianning")
    page.wait_for_selector('#lb-output[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    assert page.input_value("#lb-region") == "xianning"
    page.select_option("#lb-identity", "dibao")
    page.fill("#lb-stay0-total", "3万")
    page.fill("#lb-stay0-out_of_policy", "3000")
    page.click("#lb-add-stay")
    page.fill("#lb-stay1-total", "三万多点")
    page.select_option("#lb-stay1-level", "3")
    page.select_option("#lb-stay1-place", "city")
    page.click("#lb-make")
    page.wait_for_selector('#lb-output[data-state="invalid"]', state="attached")
    # refused next to the field, in calc's own words
    bad = {"region": "xianning", "year": int(page.input_value("#lb-year")), "identities": ["dibao"],
           "stays": [{"total": "3万", "out_of_policy": "3000", "level": "2", "place": "county", "referral": True},
                     {"total": "三万多点", "level": "3", "place": "city", "referral": True}]}
    want = [e["message"] for e in estimate_dict(bad)["errors"] if e["field"] == "stays[1].total"]
    err = page.locator("[id='lb-err-stays[1].total']")
    assert err.is_visible() and err.inner_text() == want[0]
    assert page.get_attribute("#lb-stay1-total", "aria-invalid") == "true"
    assert page.locator("#lb-stay1-total").evaluate(
        "(i) => i.closest('fieldset').contains(document.getElementById('lb-err-stays[1].total'))")
    assert page.locator("#lb-result").is_hidden()  # no link for input calc refuses

    page.fill("#lb-stay1-total", "8.5万")
    page.fill("#lb-chronic", "2000")
    page.click("#lb-make")
    link = wait_link(page)
    assert link.startswith(f"{server_url}xianning/#calc=")
    inp, err_text = share.decode(link.split("#calc=", 1)[1])
    assert err_text is None and len(inp["stays"]) == 2 and inp["stays"][1]["total"] == "8.5万"
    res = estimate_dict(inp)
    assert res["ok"]
    resident = yuan(res["year"]["resident"])
    assert page.inner_text('#lb-preview tr[data-payer="resident"] td') == f"{resident} 元"
    # the QR image on the page is the link
    assert decode_png(page.locator("#lb-qr").screenshot(), tmp_path) == link
    # copy puts the link on the clipboard
    calc_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url.rstrip("/"))
    page.click("#lb-copy")
    assert page.evaluate("() => navigator.clipboard.readText()") == link

    other = browser.new_context(**browser_context_args)
    try:
        p2 = other.new_page()
        p2.goto(link)
        p2.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
        assert resident in p2.inner_text("#calc-result")
    finally:
        other.close()
    page.close()


def test_link_builder_carries_every_identity_chosen(calc_context, server_url):
    """A person holding 低保 and 返贫致贫 at once: the link carries both, and the calculator
    it opens has both ticked."""
    page = calc_context.new_page()
    page.goto(f"{server_url}staff/link/?region=yangcheng")
    page.wait_for_selector('#lb-output[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    page.select_option("#lb-identity", ["dibao", "fanpin"])
    page.fill("#lb-stay0-total", "3万")
    page.click("#lb-make")
    link = wait_link(page)
    inp, err_text = share.decode(link.split("#calc=", 1)[1])
    assert err_text is None and sorted(inp["identities"]) == ["dibao", "fanpin"]
    resident = calc_context.new_page()
    resident.goto(link)
    resident.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    assert resident.is_checked("#calc-id-dibao") and resident.is_checked("#calc-id-fanpin")
