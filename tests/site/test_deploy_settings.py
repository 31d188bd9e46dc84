"""Deployment settings (site-settings.toml, sitegen/settings.py) and the staff parts they feed.

One production build with the example settings (base URL https://example.gov.cn/yibao/) into a
temp dir, shared by every check below: QR codes on region pages and 明白纸 decode to that base, no
built file mentions localhost, every 明白纸 prints the office, hotline and date. A production build
without settings stops at once, naming the setting. The local build (site/) says it is local.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from calc import api, share
from sitegen import settings as site_settings

from tests.builds import production_site

from .pngread import read_grey

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "site-settings.example.toml"
BASE = "https://example.gov.cn/yibao/"


def _env(**kw) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_SETTINGS", "SITE_BUILD")}
    env.update(kw)
    return env


def decode_qr(png: Path) -> str:
    import zxingcpp
    w, h, grey = read_grey(png)
    found = zxingcpp.read_barcodes(memoryview(grey).cast("B", (h, w)))
    assert found, f"no QR code found in {png}"
    return found[0].text


class Imgs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.qr = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and "qr" in (a.get("class") or "").split():
            self.qr.append(a["src"])


def qr_images(page: Path) -> list[Path]:
    p = Imgs()
    p.feed(page.read_text("utf-8"))
    return [(page.parent / src).resolve() for src in p.qr]


# ---- settings, without building ------------------------------------------------------------------
def test_production_needs_a_public_https_base_url_and_a_date(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", "utf-8")
    cases = [
        ({"SITE_SETTINGS": str(empty)}, "base_url is not set"),
        ({"SITE_SETTINGS": str(EXAMPLE), "SITE_URL": "http://localhost:8000/"}, "points to this computer"),
        ({"SITE_SETTINGS": str(EXAMPLE), "SITE_URL": "http://127.0.0.1/yibao/"}, "points to this computer"),
        ({"SITE_SETTINGS": str(EXAMPLE), "SITE_URL": "http://example.gov.cn/"}, "https"),
        ({"SITE_SETTINGS": str(EXAMPLE), "SITE_URL": "example.gov.cn"}, "absolute"),
    ]
    for env, words in cases:
        with pytest.raises(site_settings.SettingsError, match=words) as e:
            site_settings.load(production=True, env=dict(env), log=None)
        assert "base_url" in str(e.value)
    no_date = tmp_path / "no-date.toml"
    no_date.write_text(f'base_url = "{BASE}"\n', "utf-8")
    with pytest.raises(site_settings.SettingsError, match="figures_date"):
        site_settings.load(production=True, env={"SITE_SETTINGS": str(no_date)}, log=None)
    bad = tmp_path / "typo.toml"
    bad.write_text('base_ur = "x"\n', "utf-8")
    with pytest.raises(site_settings.SettingsError, match="base_ur"):
        site_settings.load(env={"SITE_SETTINGS": str(bad)}, log=None)


def test_local_build_needs_nothing_and_says_it_is_local(tmp_path):
    lines = []
    env = {"SITE_SETTINGS": str(tmp_path / "absent.toml")}
    s = site_settings.load(env=env, log=lines.append)
    assert s.base_url == "http://localhost:8000/" and s.preview and not s.production
    assert env["SITE_URL"] == s.base_url  # what mkdocs' site_url reads
    assert "LOCAL" in lines[0] and "本地预览" in lines[0]
    s = site_settings.load(env={"SITE_SETTINGS": str(EXAMPLE), "SITE_URL": "https://other.example.cn/x"}, log=None)
    assert s.base_url == "https://other.example.cn/x/"  # SITE_URL still overrides


def test_production_build_without_settings_stops_at_once_naming_the_setting(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("", "utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "build_site.py"), "--production", "--out", str(tmp_path / "o")],
                       cwd=ROOT, env=_env(SITE_SETTINGS=str(empty)), capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "empty.toml: 生产构建需要填写 base_url" in r.stderr and "base_url is not set" in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()  # refused before building anything


# ---- one production build with the example settings ---------------------------------------------
@pytest.fixture(scope="session")
def deployed() -> Path:
    return production_site()


def test_deployed_qr_codes_decode_to_the_base_url(deployed, regions):
    for r in regions:
        page = deployed / r["id"] / "index.html"
        codes = [decode_qr(p) for p in qr_images(page)]
        assert f"{BASE}{r['id']}/" in codes, (r["id"], codes)  # the staff part's QR of the page
        assert all(c.startswith(BASE) for c in codes), codes
        for ident in r["identities"]:
            sheet = deployed / r["id"] / "print" / ident["id"] / "index.html"
            [png] = qr_images(sheet)
            text = decode_qr(png)
            # the calculator of this region, pre-filled with the identity (no stays: nothing computed)
            assert text.startswith(f"{BASE}{r['id']}/#calc="), text
            inp, err = share.decode(text.split("#calc=", 1)[1])
            assert err is None and inp == {"region": r["id"], "year": r["default_year"], "identities": [ident["id"]]}


def test_no_built_file_mentions_localhost(deployed):
    # .br/.gz are the same files compressed; mkdocs-material's source map quotes `localhost` in a
    # comment of its own dev-server code, and the standard library's bytecode (the .zip archives of
    # the Python runtime, stored uncompressed) carries urllib's and http.client's own defaults —
    # nothing a browser loads as a link
    hits = [p.relative_to(deployed).as_posix() for p in deployed.rglob("*")
            if p.is_file() and p.suffix not in (".br", ".gz", ".map", ".zip") and b"localhost" in p.read_bytes()]
    assert hits == []
    sitemap = (deployed / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{BASE}" in sitemap  # mkdocs' site_url follows the same base


def test_deployed_sheets_print_office_hotline_and_date_and_no_preview_marker(deployed, regions):
    s = site_settings.load(env={"SITE_SETTINGS": str(EXAMPLE)}, log=None)
    for r in regions:
        for ident in r["identities"]:
            html = (deployed / r["id"] / "print" / ident["id"] / "index.html").read_text("utf-8")
            for words in (s.office_name, s.hotline, s.office_address, "2025年3月1日"):
                assert words in html, (r["id"], ident["id"], words)
            assert "本地预览" not in html
    assert not [p for p in deployed.rglob("*.html") if "local-preview" in p.read_text("utf-8")]


# ---- the local build (site/) ----------------------------------------------------------------------
def test_local_build_marks_printed_pages_as_preview(built_site, regions):
    for r in regions:
        sheet = built_site / r["id"] / "print" / r["identities"][0]["id"] / "index.html"
        assert 'class="local-preview"' in sheet.read_text("utf-8")
    assert 'class="local-preview"' in (built_site / "staff" / "link" / "index.html").read_text("utf-8")


def test_region_pages_have_the_staff_part(built_site, regions):
    for r in regions:
        html = (built_site / r["id"] / "index.html").read_text("utf-8")
        part = html[html.index('id="staff"'):]
        for ident in r["identities"]:
            assert f'href="print/{ident["id"]}/"' in part, (r["id"], ident["id"])
        for href in (f"../staff/link/?region={r['id']}", f"../staff/roster/?region={r['id']}", "../staff/compare/"):
            assert f'href="{href}"' in part.replace("&amp;", "&"), (r["id"], href)
        # the QR library and staff scripts stay off resident pages: the printed answer's QR names its
        # wheel in a data block (#calc-qr), fetched only when the person prints
        loaded = re.sub(r'<script type="application/json" id="calc-qr">.*?</script>', "", html, flags=re.S)
        assert "linkbuilder.js" not in loaded and "roster.js" not in loaded and "segno" not in loaded


def reassisted() -> list[str]:
    """沂源's 再救助 identities, as its region file lists them (源医保发〔2020〕8号 三（二）四是)."""
    from calc import params
    rp = params.load("yiyuan")
    return list(rp.get("reassist.identities", rp.default_year).value)


def test_yiyuan_sheets_show_re_assistance(built_site):
    assert reassisted()
    for ident in reassisted():
        html = (built_site / "yiyuan" / "print" / ident / "index.html").read_text("utf-8")
        assert "再救助：" in html and "三（二）四是" in html, ident


def test_sheets_put_what_the_resident_pays_first(built_site, regions):
    """Order on the sheet: the worked examples (自己付) before how to get it before the figures."""
    for r in regions:
        html = (built_site / r["id"] / "print" / r["identities"][0]["id"] / "index.html").read_text("utf-8")
        assert html.index("您自己付") < html.index("怎样享受") < html.index("政策数字和出处")


def test_comparison_is_calc_for_every_region(built_site, regions):
    html = (built_site / "staff" / "compare" / "index.html").read_text("utf-8")
    checked = 0
    for m in re.finditer(r'data-identity="(\w+)" data-total="(\d+)"(.*?)</table>', html, re.S):
        iid, total, body = m.groups()
        resident = re.search(r'data-payer="resident"[^>]*>(.*?)</tr>', body, re.S).group(1)
        cells = re.findall(r"<td>(.*?)</td>", resident)
        assert len(cells) == len(regions)
        for r, cell in zip(regions, cells):
            if iid not in {i["id"] for i in r["identities"]}:
                assert "文件未涉及" in cell
                continue
            res = api.estimate_dict({"region": r["id"], "year": r["default_year"], "identities": [iid],
                                     "stays": [{"total": total, "out_of_policy": str(int(total) // 10), "level": "2",
                                                "place": "county", "referral": True}]})
            assert cell.replace(",", "") == res["year"]["resident"], (iid, total, r["id"])
            checked += 1
    assert checked >= 60


# ---- the deployment's address in share cards, posters and pages -----------------------
def test_deployed_share_cards_posters_and_pages_use_the_base_url(deployed, regions):
    from .test_publish_pages import metas, png_size
    for r in regions:
        m = metas(deployed / r["id"] / "index.html")
        assert m["og:image"] == f"{BASE}share/{r['id']}.png" and m["og:url"] == f"{BASE}{r['id']}/"
        assert (deployed / "share" / f"{r['id']}.png").stat().st_size <= 200_000
        assert png_size(deployed / "share" / f"{r['id']}.png") == (1200, 630)
        assert m["mbz-site"] == BASE  # share.js / address.js read the deployment's address here
        poster = deployed / r["id"] / "poster" / "index.html"
        [png] = qr_images(poster)
        assert decode_qr(png) == f"{BASE}{r['id']}/"
        html = poster.read_text("utf-8")
        for words in ("示例县医疗保障局", "0000-0000000", "示例县示例路1号"):
            assert words in html
    assert 'data-production="production"' in (deployed / "staff" / "link" / "index.html").read_text("utf-8")
