"""核对结算单 pages in the built site: one per region, linked from the top of the calculator, the form's
lines in the slip's order (calc.slip.FIELDS) each with where it is on a slip, the one line that the
hospital and the 医保经办机构 decide, the office's hotline for the printed sheet; no inline script."""
import re

from calc import slip
from sitegen import settings as site_settings


def test_every_region_has_a_slip_page(built_site, regions):
    hotline = site_settings.load(env={}, log=None).hotline
    for r in regions:
        region_html = (built_site / r["id"] / "index.html").read_text("utf-8")
        link = region_html.find('href="slip/"')
        assert link != -1, r["id"]
        assert link < region_html.find('id="calc-form"'), "the link comes before the form"
        html = (built_site / r["id"] / "slip" / "index.html").read_text("utf-8")
        ids = re.findall(r'<input id="slip-([a-z_]+)"', html)
        assert ids == ["total", *(k for k, _, _ in slip.FIELDS)], ids
        for _, word, where in slip.FIELDS:
            assert f">{word}</label>" in html and where in html
        assert slip.DECIDE in html and hotline in html
        body = html[html.index('<article class="slip-page"'):html.index("</article>")]
        assert re.search(r"<script(?![^>]*(type=\"application/json\"|src=))[^>]*>", body) is None
        for ident in r["identities"]:
            if ident["id"] != "putong":
                assert f'value="{ident["id"]}"' in html
