"""What the service worker precaches: by role, not by size —
every page, everything a page loads, the search index, the engine; and every page names the
deploy it belongs to, the same one as the engine's manifest ("one version at a time")."""
from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser

import pytest


def precache_list(site) -> list[str]:
    text = (site / "sw.js").read_text("utf-8")
    m = re.search(r"const PRECACHE = (\[.*?\]);", text, re.S)
    assert m, "sw.js has no filled-in precache list"
    return json.loads(m.group(1))


def page_url(site, html) -> str:
    rel = html.relative_to(site).as_posix()
    return rel[: -len("index.html")] or "./" if rel.endswith("index.html") else rel


class Loads(HTMLParser):
    """What a page makes the browser load: stylesheets, scripts, module preloads, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href") and (a.get("rel") or "") in (
                "stylesheet", "modulepreload", "icon", "shortcut icon", "preload"):
            self.urls.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.urls.append(a["src"])


@pytest.fixture(scope="module")
def precached(built_site):
    return set(precache_list(built_site))


def test_every_page_is_precached_whatever_its_size(built_site, precached):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    missing = [page_url(built_site, p) for p in pages if page_url(built_site, p) not in precached]
    assert missing == []
    big = [p for p in pages if p.stat().st_size > 100_000]
    assert big, "the region pages are over 100 kB: the old size rule dropped them"
    for name in ("./", "404.html", "about/", "how-to-read/", "staff/", "staff/link/", "staff/roster/",
                 "staff/compare/", "xianning/", "chongqing/", "xianning/print/dibao/"):
        assert name in precached, name


def test_everything_a_page_loads_is_precached(built_site, precached):
    base = "http://h/"
    for html in built_site.rglob("*.html"):
        parser = Loads()
        parser.feed(html.read_text("utf-8"))
        page = base + page_url(built_site, html).replace("./", "")
        for ref in parser.urls:
            url = urllib.parse.urljoin(page, ref)
            if not url.startswith(base):
                continue
            rel = urllib.parse.urlsplit(url).path.lstrip("/")
            assert rel in precached, f"{html.relative_to(built_site)} loads {ref}, not precached"


def test_theme_search_and_engine_are_precached_and_fallbacks_are_not(built_site, precached):
    css = [u for u in precached if re.fullmatch(r"assets/stylesheets/main\.\w+\.min\.css", u)]
    js = [u for u in precached if re.fullmatch(r"assets/javascripts/bundle\.\w+\.min\.js", u)]
    assert css and js
    assert (built_site / css[0]).stat().st_size > 100_000  # the file the size rule left out
    assert "search/search_index.json" in precached
    assert any(u.startswith("assets/javascripts/workers/search.") for u in precached)
    assert "assets/javascripts/lunr/min/lunr.zh.min.js" in precached
    assert "assets/javascripts/lunr/wordcut.js" not in precached  # Thai: not this site's language
    man = json.loads((built_site / "assets" / "calc-manifest.json").read_text())
    for role, f in man["files"].items():
        wanted = not f.get("lazy") or role == "stdlib_extra"  # the chart and staff tools need it
        assert (f["url"] in precached) == wanted, role
    assert not any(u.endswith((".map", ".gz", ".br")) or u.startswith("sitemap") for u in precached)
    assert not any(u.startswith("screenshots/") for u in precached)  # no page shows them
    wheels = [w.relative_to(built_site).as_posix() for w in built_site.rglob("*.whl")]
    assert len(wheels) >= 2 and set(wheels) <= precached  # the engine's and the staff tools' (QR)
    for u in precached:
        assert (built_site / u).is_file() or (built_site / u / "index.html").is_file() or u == "./", u


def test_precache_size_is_reported_by_role(built_site, precached):
    report = json.loads((built_site / "assets" / "precache.json").read_text())
    assert report["urls"] == len(precached)
    sizes = {}
    for u in precached:
        f = built_site / u if (built_site / u).is_file() else built_site / u / "index.html"
        sizes[u] = f.stat().st_size
    assert report["bytes"] == sum(sizes.values())
    assert sum(r["bytes"] for r in report["roles"].values()) == report["bytes"]
    assert {"page", "theme", "runtime", "search"} <= set(report["roles"])


def test_every_page_names_the_deploy_of_its_engine(built_site):
    build = json.loads((built_site / "assets" / "calc-manifest.json").read_text())["build"]
    assert re.fullmatch(r"[0-9a-f]{16}", build)
    for html in built_site.rglob("*.html"):
        text = html.read_text("utf-8")
        assert f'<meta name="calc-build" content="{build}">' in text, html
        assert "__CALC_BUILD__" not in text


def test_asset_references_have_no_protocol_relative_urls(built_site):
    """`//assets/...` on the 404 page pointed at a host named "assets"."""
    for html in built_site.rglob("*.html"):
        text = html.read_text("utf-8")
        bad = re.findall(r"""(?:src|href)=["']//[^"']*""", text)
        bad += re.findall(r"""["']//assets/""", text)
        assert bad == [], (html, bad)
