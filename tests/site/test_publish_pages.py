"""Published pages, over the built site/: share cards on every page and a built share
image per region; a notice-board poster per region whose QR code opens the region page; the staff
pages link the posters; each year's document and the "past the latest year" line."""
from __future__ import annotations

import datetime
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen import publish, settings as site_settings

from .test_deploy_settings import decode_qr, qr_images

OG = ("og:title", "og:description", "og:image")


class Meta(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), a.get("content") or "")


def metas(page: Path) -> dict:
    p = Meta()
    p.feed(page.read_text("utf-8"))
    return p.meta


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def image_file(site: Path, og_image: str) -> Path:
    s = site_settings.load(log=None)
    assert og_image.startswith(s.base_url), og_image  # absolute, on the deployment's address
    return site / og_image[len(s.base_url):]


def test_every_page_has_a_share_card(built_site):
    pages = [p for p in built_site.rglob("*.html") if p.name == "index.html"]
    assert len(pages) > 40
    for page in pages:
        m = metas(page)
        for key in OG:
            assert m.get(key, "").strip(), (page.relative_to(built_site), key)
        assert m.get("twitter:card") == "summary_large_image", page
        assert image_file(built_site, m["og:image"]).is_file(), (page, m["og:image"])


def test_every_region_page_has_its_own_built_image(built_site, regions):
    seen = set()
    for r in regions:
        m = metas(built_site / r["id"] / "index.html")
        img = image_file(built_site, m["og:image"])
        assert img.name == f"{r['id']}.png" and img not in seen
        seen.add(img)
        assert img.stat().st_size <= 200_000, (img, img.stat().st_size)
        assert png_size(img) == (1200, 630)
        assert r["name"] in m["og:title"] and r["name"] in m["og:description"]
        poster = metas(built_site / r["id"] / "poster" / "index.html")
        assert poster["og:image"] == m["og:image"]


def test_the_share_image_shows_the_region_name():
    """The card is drawn from the region's data: two regions' cards differ where the name is."""
    pytest.importorskip("PIL")
    from PIL import Image, ImageChops
    from sitegen import ogimage
    a = ogimage.draw("阳城县", "同一行字", "山西省", "底部")
    b = ogimage.draw("东至县", "同一行字", "山西省", "底部")
    import io
    # the palette is chosen per image: compare ink against paper, not exact shades
    ia, ib = (Image.open(io.BytesIO(x)).convert("L").point(lambda v: 255 if v > 160 else 0) for x in (a, b))
    diff = ImageChops.difference(ia, ib)
    title = diff.crop((0, 140, ogimage.WIDTH, 300)).histogram()[255]
    rest = diff.histogram()[255] - title
    assert title > 2000 and rest < title / 20, (title, rest)  # the name's band differs, little else
    assert ogimage.find_font("bold"), "the build machine has a CJK font (fonts-noto-cjk)"


def test_a_poster_per_region_with_a_qr_code_to_the_region_page(built_site, regions):
    s = site_settings.load(log=None)
    for r in regions:
        page = built_site / r["id"] / "poster" / "index.html"
        html = page.read_text("utf-8")
        [png] = qr_images(page)
        assert decode_qr(png) == f"{s.base_url}{r['id']}/"
        w, _ = png_size(png)
        assert w >= 600  # large enough for a notice board
        lines = re.findall(r"<li>(.*?)</li>", html[html.index('class="poster-lines"'):], re.S)
        assert len(lines) == 3 and all(len(l) < 60 for l in lines)
        for words in (s.office_name, s.hotline, r["name"]):
            assert words in html, (r["id"], words)
        assert 'class="local-preview"' in html  # a local build's poster says so


def test_staff_pages_link_the_posters(built_site, regions):
    index = (built_site / "staff" / "index.html").read_text("utf-8")
    for r in regions:
        assert f'href="../{r["id"]}/poster/"' in index
        region = (built_site / r["id"] / "index.html").read_text("utf-8")
        assert 'href="poster/"' in region[region.index('id="staff"'):]


def test_pages_and_sheets_name_the_document_of_the_year(built_site, regions):
    for r in regions:
        docs = publish.year_documents(r["id"])
        doc = docs[r["default_year"]]["document"]
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        assert f"按 {doc}（{r['default_year']}年度）估算" in html
        assert "各年数字的依据：" in html
        sheet = (built_site / r["id"] / "print" / r["identities"][0]["id"] / "index.html").read_text("utf-8")
        assert f"按{doc}（{r['default_year']}年度）" in sheet


def test_past_the_latest_year_the_first_screen_says_so(built_site, regions):
    rm = regions[0]
    latest = max(rm["years"])
    assert publish.year_line(rm, datetime.date(latest, 12, 31)) == ""
    line = publish.year_line(rm, datetime.date(latest + 1, 1, 2))
    assert f"按{latest}年计算" in line and f"{latest + 1}年" in line
    now = site_settings.today()
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        expected = publish.year_line(r, now)
        first_screen = html[:html.index('id="calculator"')]
        if expected:
            assert expected in first_screen
        else:
            assert "year-past" not in first_screen
        # ... and every 明白纸 of the region says it too (a sheet is read without the page)
        for ident in r["identities"]:
            sheet = (built_site / r["id"] / "print" / ident["id"] / "index.html").read_text("utf-8")
            assert not expected or expected in sheet, (r["id"], ident["id"])
