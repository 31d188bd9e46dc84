"""the pictures' labels (paychart/) never overlap and never leave the picture on phones
from 320 to 414 px: measured in the browser on every region page (the build-time pictures) and on
the person's own picture."""
from __future__ import annotations

import json

import pytest

from calc.api import meta as native_meta

from .conftest import PHONE, wait_ready
from .test_calculator_ui import open_input, see_chart

REGIONS = [r["id"] for r in json.loads(native_meta())["regions"]]

OVERLAPS = """() => {
  const bad = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    if (!svg.checkVisibility()) continue;
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].map(t => ({t: t.textContent, r: t.getBoundingClientRect(),
                                                              mark: t.classList.contains('chart-mark-text')}));
    for (const a of texts) {
      if (a.r.left < box.left - 0.5 || a.r.right > box.right + 0.5 || a.r.top < box.top - 0.5 || a.r.bottom > box.bottom + 0.5)
        bad.push(`outside: ${a.t}`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].r, b = texts[j].r;
      if (texts[i].mark && texts[j].mark) continue;  // the numbered circles sit on the line itself
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left), y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 1 && y > 1) bad.push(`${texts[i].t} × ${texts[j].t}`);
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("width", [320, 360, 414])
def test_chart_labels_never_overlap(browser, server_url, width):
    context = browser.new_context(**{**PHONE, "viewport": {"width": width, "height": 800}})
    context.route("**/pyodide/**", lambda route: route.abort())
    try:
        page = context.new_page()
        for region in REGIONS:
            page.goto(f"{server_url}{region}/")
            assert page.locator("svg.chart").count() > 0
            bad = page.evaluate(OVERLAPS)
            assert bad == [], f"{region} at {width}px: {bad[:6]}"
    finally:
        context.close()


def test_own_chart_labels_never_overlap(calc_page):
    page = calc_page("xianning")
    try:
        for width in (320, 414):
            page.set_viewport_size({"width": width, "height": 800})
            for total in ("8000", "60000", "290000"):
                inp = {"region": "xianning", "identities": ["jiance"], "stays": [{"total": total}]}
                assert open_input(page, inp) == "done"
                see_chart(page)
                bad = page.evaluate(OVERLAPS.replace("svg.chart'", "#calc-chart svg.chart'"))
                assert bad == [], f"{total} at {width}px: {bad[:6]}"
    finally:
        page.set_viewport_size(PHONE["viewport"])
