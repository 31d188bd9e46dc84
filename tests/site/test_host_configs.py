"""The host configs shipped with the site (deploy/_headers, deploy/nginx.conf, site/_headers) say
exactly what scripts/serve.py does, one CSP covers pages and workers, and file dates follow content."""
from __future__ import annotations

import hashlib
import http.client
import json
import re

from scripts import http_rules, serve

from .conftest import ROOT

REGEN = "regenerate with `python -m scripts.http_rules` (after `python build_site.py`) and commit deploy/"


def site_policy(site):
    return http_rules.csp(http_rules.inline_script_hashes(site))


def test_checked_in_configs_match_the_built_site(built_site):
    policy = site_policy(built_site)
    assert (ROOT / "deploy" / "_headers").read_text("utf-8") == http_rules.render_headers_file(policy), REGEN
    assert (ROOT / "deploy" / "nginx.conf").read_text("utf-8") == http_rules.render_nginx(policy), REGEN
    assert (built_site / "_headers").read_text("utf-8") == http_rules.render_headers_file(policy)


def test_pages_carry_the_same_policy_as_the_headers(built_site):
    policy = site_policy(built_site)
    for page in list(built_site.rglob("*.html"))[:400]:
        metas = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page.read_text("utf-8"))
        assert metas == [policy.replace("&", "&amp;")] or metas == [policy], page
    # No inline script of any page falls outside the policy.
    for page in built_site.rglob("*.html"):
        for h in http_rules.script_hashes_of(page.read_text("utf-8")):
            assert f"'{h}'" in policy, page


def test_served_headers_equal_the_headers_file(built_site):
    """What a Netlify / Cloudflare host would send (from site/_headers) is what serve.py sends."""
    rules = http_rules.parse_headers_file((built_site / "_headers").read_text("utf-8"))
    man = json.loads((built_site / "assets" / "calc-manifest.json").read_text())
    paths = ["/", "/xianning/", "/sw.js", "/assets/runtime/worker.js", "/assets/calc-manifest.json", "/404.html",
             "/" + man["files"]["wheel"]["url"], *("/" + f["url"] for f in man["files"].values())]
    server, _ = serve.start(built_site)
    try:
        for path in paths:
            conn = http.client.HTTPConnection(*server.server_address, timeout=10)
            conn.request("HEAD", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            assert resp.status == 200, path
            expected = http_rules.headers_from_file(rules, path)
            sent = {k: resp.getheader(k) for k in expected}
            assert sent == expected, path
            assert resp.getheader("ETag", "").startswith('"'), path
    finally:
        server.shutdown()
    assert http_rules.headers_from_file(rules, "/sw.js")["Cache-Control"] == "no-cache"
    assert "immutable" in http_rules.headers_from_file(rules, "/" + man["files"]["wasm"]["url"])["Cache-Control"]


def test_nginx_config_covers_every_rule(built_site):
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    assert "application/wasm wasm;" in conf and re.search(r"text/javascript js mjs;", conf)
    assert "if_modified_since exact;" in conf and "etag on;" in conf and "gzip_static on;" in conf
    assert "error_page 404 /404.html;" in conf
    for prefix in http_rules.IMMUTABLE_PREFIXES:
        block = conf.split(f"location ^~ {prefix} {{", 1)[1].split("}", 1)[0]
        # add_header inside a location drops the inherited ones: the CSP must be repeated there.
        assert site_policy(built_site) in block and "immutable" in block


def test_runtime_lives_under_a_versioned_content_addressed_path(built_site):
    man = json.loads((built_site / "assets" / "calc-manifest.json").read_text())
    assert re.fullmatch(r"pyodide/\d+\.\d+\.\d+-[0-9a-f]{10}/", man["runtime"]), man["runtime"]
    assert man["runtime"].startswith(f"pyodide/{man['pyodide']}-")
    assert not (built_site / "pyodide" / "pyodide.mjs").exists()
    for role, f in man["files"].items():
        data = (built_site / f["url"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], role
    # "bytes" is what a start downloads: lazy roles (the stock stdlib fallback) are fetched only when needed.
    assert man["bytes"] == sum(f["bytes"] for f in man["files"].values() if not f.get("lazy"))


def test_file_dates_follow_content(built_site):
    """nginx's ETag is date + size: different content must mean a different date, even at equal size."""
    by_date = {}
    for p in built_site.rglob("*"):
        if p.is_file():
            by_date.setdefault(int(p.stat().st_mtime), set()).add(hashlib.sha256(p.read_bytes()).hexdigest())
    clashes = {d: h for d, h in by_date.items() if len(h) > 1}
    assert not clashes, f"{len(clashes)} dates shared by different contents"
    assert len(by_date) > 100


def test_host_configs_for_a_site_under_a_subpath():
    """A site published at https://example.gov.cn/yibao/: the immutable runtime rules, the 404 page
    and the headers file all sit under /yibao/ (python -m scripts.http_rules --base /yibao/)."""
    from scripts import http_rules

    nginx = http_rules.render_nginx("P", "/yibao/")
    assert "location ^~ /yibao/pyodide/ {" in nginx and "error_page 404 /yibao/404.html;" in nginx
    rules = http_rules.parse_headers_file(http_rules.render_headers_file("P", "/yibao/"))
    got = http_rules.headers_from_file(rules, "/yibao/pyodide/314.0.7-abc/pyodide.asm.wasm")
    assert got["Cache-Control"] == http_rules.IMMUTABLE and got["Content-Security-Policy"] == "P; frame-ancestors 'self'"
    assert http_rules.headers_from_file(rules, "/yibao/xianning/")["Cache-Control"] == http_rules.REVALIDATE
    assert http_rules.render_nginx("P") == http_rules.render_nginx("P", "/")


def test_only_our_own_pages_may_frame_ours_on_every_host(built_site):
    """Clickjacking: `frame-ancestors 'self'` rides in the CSP *header* of every host config (a
    <meta> policy cannot carry it — Chromium ignores it there with a console error — so the pages'
    copy leaves it out), with X-Frame-Options SAMEORIGIN for browsers that predate it."""
    policy = site_policy(built_site)
    assert "frame-ancestors" not in policy
    header = http_rules.security_headers(policy)
    assert header["Content-Security-Policy"] == policy + "; frame-ancestors 'self'"
    assert header["X-Frame-Options"] == "SAMEORIGIN"
    for page in list(built_site.rglob("*.html"))[:50]:
        assert "frame-ancestors" not in page.read_text("utf-8"), page
    rules = http_rules.parse_headers_file((ROOT / "deploy" / "_headers").read_text("utf-8"))
    for path in ("/", "/xianning/", "/assets/runtime/worker.js", "/pyodide/314.0.7-abc/pyodide.asm.wasm", "/nope/"):
        got = http_rules.headers_from_file(rules, path)
        assert got["X-Frame-Options"] == "SAMEORIGIN" and got["Content-Security-Policy"].endswith(
            "; frame-ancestors 'self'"), path
    conf = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    blocks = [conf.split("location", 1)[0], *conf.split("location")[1:]]  # server level + each location
    for block in blocks:
        assert "add_header X-Frame-Options \"SAMEORIGIN\" always;" in block, block[:80]
        assert "frame-ancestors 'self'\" always;" in block, block[:80]
