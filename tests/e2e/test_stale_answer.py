"""An answer for other numbers is never shown as current: while new numbers are computed the
previous answer is marked as the previous one, and after the engine has failed for good it stays
only under a line saying it is not for the numbers now in the form (amounts struck through)."""
from __future__ import annotations

from .conftest import wait_ready
from .delivery_helpers import SAMPLE, calc_outcome, kill_engine
from .test_calculator_ui import pick_identities, submit

# Every state #calc-result goes through, with what the stale line says at that moment.
WATCH = """() => {
  window.__states = [];
  const box = document.querySelector('#calc-result');
  new MutationObserver(() => {
    const s = document.querySelector('#calc-stale');
    window.__states.push({ state: box.dataset.state, stale: box.dataset.stale || '',
      visible: !!s && !s.hidden && s.getClientRects().length > 0, text: s ? s.textContent : '' });
  }).observe(box, { attributes: true, attributeFilter: ['data-state', 'data-stale'] });
}"""
STRUCK = "() => getComputedStyle(document.querySelector('#calc-big')).textDecorationLine"


def test_previous_answer_is_marked_while_recomputing_and_after_a_failure(browser, browser_context_args, server_url):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(server_url + "xianning/")
        wait_ready(page)
        pick_identities(page, "dibao")
        page.fill("#calc-stay0-total", "30000")
        assert submit(page) == "done"
        assert page.is_hidden("#calc-stale") and "line-through" not in page.evaluate(STRUCK)

        # recomputing: the moment the form's new numbers go to the engine, the old answer is marked
        page.evaluate(WATCH)
        page.fill("#calc-stay0-total", "41234")
        assert submit(page) == "done"
        states = page.evaluate("window.__states")
        busy = [s for s in states if s["state"] == "busy"]
        assert busy and all(s["stale"] == "busy" and s["visible"] and "不是现在填的数" in s["text"] for s in busy), states
        assert page.is_hidden("#calc-stale") and page.get_attribute("#calc-result", "data-stale") is None
        assert "41,234" in page.text_content("#calc-result")

        # the engine dies for good (one automatic restart, then no more)
        kill_engine(page)
        assert calc_outcome(page, SAMPLE, timeout_ms=30_000).get("ok", {}).get("ok") is True
        kill_engine(page)
        calc_outcome(page, SAMPLE, timeout_ms=10_000)
        page.wait_for_selector("#calc-failed:not([hidden])", timeout=10_000)
        before = page.text_content("#calc-big")

        # new numbers after the failure: the 41,234 answer is not shown as theirs
        page.fill("#calc-stay0-total", "52345")
        assert submit(page) == "error"
        assert page.get_attribute("#calc-result", "data-stale") == "failed"
        assert page.is_visible("#calc-stale") and "不是现在填的数" in page.text_content("#calc-stale")
        assert "line-through" in page.evaluate(STRUCK)
        assert page.text_content("#calc-big") == before and "52,345" not in page.text_content("#calc-result")
    finally:
        context.close()
