"""scripts/serve.py behaves like a careful static host: stays inside its directory, closes idle
connections, honours Accept-Encoding q-values, validates by content (strong ETags), sends our own
Chinese 404 page and the security headers on every response."""
from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from scripts import http_rules, serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def tiny_site(tmp_path):
    """A small site: pages, a pre-compressed asset, our 404 page, and a secret outside it."""
    site = tmp_path / "site"
    (site / "xianning").mkdir(parents=True)
    (site / "xianning" / "index.html").write_text("<h1>咸宁</h1><td>200 元</td>", "utf-8")
    (site / "index.html").write_text("<h1>首页</h1>", "utf-8")
    (site / "404.html").write_text("<h1>找不到这个页面</h1>", "utf-8")
    (site / "sw.js").write_text("// sw", "utf-8")
    (site / "pyodide" / "314.0.7-abc").mkdir(parents=True)
    data = b"console.log('runtime');" * 100
    (site / "pyodide" / "314.0.7-abc" / "pyodide.mjs").write_bytes(data)
    (site / "pyodide" / "314.0.7-abc" / "pyodide.mjs.gz").write_bytes(gzip.compress(data))
    (site / "pyodide" / "314.0.7-abc" / "pyodide.mjs.br").write_bytes(b"brotli-bytes")
    (tmp_path / "secret.txt").write_text("top secret", "utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("outside", "utf-8")
    server, url = serve.start(site)
    yield site, server, url
    server.shutdown()


def get(server, path, headers=None, method="GET"):
    conn = http.client.HTTPConnection(*server.server_address, timeout=10)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_symlinks_out_of_the_directory_give_404(tiny_site):
    site, server, _ = tiny_site
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "leakdir").symlink_to(site.parent / "outside", target_is_directory=True)
    (site / "inside.html").symlink_to(site / "index.html")  # a link that stays inside is fine
    for path in ("/leak.txt", "/leakdir/", "/leakdir/index.html"):
        resp, body = get(server, path)
        assert resp.status == 404, path
        assert b"secret" not in body and b"outside" not in body, path
        assert "找不到这个页面" in body.decode(), path  # our page, not a bare English text
    resp, body = get(server, "/inside.html")
    assert resp.status == 200 and "首页" in body.decode()


def test_idle_and_half_sent_connections_are_closed_within_30_s(tiny_site):
    _, server, _ = tiny_site
    socks = []
    for i in range(40):
        s = socket.create_connection(server.server_address, timeout=35)
        if i % 2:
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n")  # never finished
        socks.append(s)
    # The server keeps answering others meanwhile.
    resp, _ = get(server, "/index.html")
    assert resp.status == 200
    started = time.monotonic()
    closed_after = []

    def wait_closed(s):
        try:
            while s.recv(1024):
                pass
        except OSError:
            pass
        closed_after.append(time.monotonic() - started)

    threads = [threading.Thread(target=wait_closed, args=(s,)) for s in socks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    for s in socks:
        s.close()
    assert len(closed_after) == len(socks)
    assert max(closed_after) < 30, max(closed_after)
    assert serve.IDLE_TIMEOUT < 30


@pytest.mark.parametrize("accept, expected", [
    ("br, gzip", "br"),
    ("br;q=0, gzip", "gzip"),
    ("gzip;q=0.5, br;q=0.9", "br"),
    ("gzip;q=1, br;q=0.5", "gzip"),
    ("br;q=0, gzip;q=0", None),
    ("*;q=0", None),
    ("identity", None),
    ("", None),
    ("*", "br"),
])
def test_accept_encoding_q_values(tiny_site, accept, expected):
    _, server, _ = tiny_site
    resp, body = get(server, "/pyodide/314.0.7-abc/pyodide.mjs", {"Accept-Encoding": accept})
    assert resp.status == 200
    assert resp.getheader("Content-Encoding") == expected
    if expected is None:
        assert body.startswith(b"console.log")
    assert "Accept-Encoding" in resp.getheader("Vary")


def test_strong_etag_follows_content_not_dates(tiny_site):
    site, server, _ = tiny_site
    page = site / "xianning" / "index.html"
    os.utime(page, (1735689600, 1735689600))
    resp, _ = get(server, "/xianning/")
    etag, last_modified = resp.getheader("ETag"), resp.getheader("Last-Modified")
    assert etag and not etag.startswith("W/")
    assert get(server, "/xianning/", {"If-None-Match": etag})[0].status == 304
    # A corrected figure: same size, same date — what a date-and-size validator cannot see.
    page.write_text(page.read_text("utf-8").replace("200 元", "300 元"), "utf-8")
    os.utime(page, (1735689600, 1735689600))
    resp, body = get(server, "/xianning/", {"If-None-Match": etag, "If-Modified-Since": last_modified})
    assert resp.status == 200 and "300 元" in body.decode()
    assert resp.getheader("ETag") != etag
    # If-Modified-Since alone counts only as an exact match: an older date is not "not modified".
    os.utime(page, (1735000000, 1735000000))
    resp, _ = get(server, "/xianning/", {"If-Modified-Since": last_modified})
    assert resp.status == 200
    # Different encodings of one URL are different representations: different strong ETags.
    plain = get(server, "/pyodide/314.0.7-abc/pyodide.mjs")[0].getheader("ETag")
    gz = get(server, "/pyodide/314.0.7-abc/pyodide.mjs", {"Accept-Encoding": "gzip"})[0].getheader("ETag")
    assert plain != gz


def test_unknown_url_gets_our_chinese_404_page_with_headers(tiny_site):
    _, server, _ = tiny_site
    resp, body = get(server, "/no/such/page/")
    assert resp.status == 404
    assert resp.getheader("Content-Type").startswith("text/html")
    assert "找不到这个页面" in body.decode()
    assert resp.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    assert get(server, "/no/such/page/", method="HEAD")[0].status == 404


def test_headers_cache_and_csp_on_every_kind_of_file(tiny_site):
    _, server, _ = tiny_site
    policy = None
    for path, cache in [("/", "no-cache"), ("/sw.js", "no-cache"), ("/xianning/", "no-cache"),
                        ("/pyodide/314.0.7-abc/pyodide.mjs", "public, max-age=31536000, immutable")]:
        resp, _ = get(server, path)
        assert resp.status == 200, path
        assert resp.getheader("Cache-Control") == cache, path
        assert resp.getheader("X-Content-Type-Options") == "nosniff"
        assert resp.getheader("Referrer-Policy") == "no-referrer"
        policy = policy or resp.getheader("Content-Security-Policy")
        assert resp.getheader("Content-Security-Policy") == policy, "one policy for every response"
    assert "connect-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_built_site_mime_types_and_no_bare_english_404(built_site):
    server, _ = serve.start(built_site)
    try:
        import json

        man = json.loads((built_site / "assets" / "calc-manifest.json").read_text())
        wasm = "/" + man["files"]["wasm"]["url"]
        assert get(server, wasm, method="HEAD")[0].getheader("Content-Type") == "application/wasm"
        assert get(server, "/" + man["files"]["loader"]["url"], method="HEAD")[0].getheader(
            "Content-Type").startswith("text/javascript")
        resp, body = get(server, "/nope/")
        assert resp.status == 404 and "找不到这个页面" in body.decode()
    finally:
        server.shutdown()
