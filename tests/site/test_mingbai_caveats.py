"""明白纸: every sheet carries the calculator's year note for its region and year, and names
every assumed figure its sums use (calc's `figures` with provenance `assumption`), each marked 假设.
The figures are found by running calc on the sheet's own bills (sitegen.staff.bill_input), not copied."""
from __future__ import annotations

import html as htmllib
import re

from calc.api import estimate_dict
from sitegen import publish, settings, staff


def sheet_text(built_site, region, identity) -> str:
    page = (built_site / region / "print" / identity / "index.html").read_text("utf-8")
    article = re.search(r'<article class="mingbai".*?</article>', page, re.S).group(0)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", article))


def test_every_sheet_has_its_year_note(built_site, regions):
    with_note = 0
    for r in regions:
        note = (r.get("year_notes") or {}).get(str(r["default_year"]))
        for ident in r["identities"]:
            text = sheet_text(built_site, r["id"], ident["id"])
            if note:
                with_note += 1
                assert note in text, f"{r['id']}/{ident['id']}: year note missing"
            else:  # no note of its own: at most the line saying the site is past its latest year
                past = publish.year_line(r, settings.today())
                assert "请注意：" not in text.replace(f"请注意：{past}", "") if past else "请注意：" not in text
    assert with_note >= 29  # the issue counted 29 of 36 sheets without it


def test_every_sheet_names_each_assumed_figure_its_sums_use(built_site, regions):
    for r in regions:
        for ident in r["identities"]:
            text = sheet_text(built_site, r["id"], ident["id"])
            used = {}
            for total in staff.BILLS:
                res = estimate_dict(staff.bill_input(r["id"], r["default_year"], ident["id"], total))
                assert res["ok"]
                for path, f in res["figures"].items():
                    if f["provenance"] == "assumption" and staff._numeric(f["value"]):  # amounts and rates
                        used[path] = f
            assert used, f"{r['id']}/{ident['id']}: no assumed figure at all?"
            for path, f in used.items():
                assert f"{f['label']} {f['display']}（假设）" in text, f"{r['id']}/{ident['id']}: {path} not named"
