"""scripts/serve.py behaves like a careful static host: stays inside its directory, closes idle
connections, honours Accept-Encoding q-values, validates by content (strong ETags), sends our own
Chinese 404 page and the security headers on every response."""
from __future__ import annotations

import gzip
import hashlib
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


# ---- hostile clients: bad paths, slow-loris, slow readers ---------------------------

def raw_request(server, request: bytes, timeout=5) -> bytes:
    """Send raw bytes, read the whole answer until the server closes (or `timeout`)."""
    s = socket.create_connection(server.server_address, timeout=timeout)
    try:
        s.sendall(request)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, body = out.partition(b"\r\n\r\n")
                n = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if n and len(body) >= n[0]:
                    break
        return out
    finally:
        s.close()


BAD_PATHS = [
    b"/%00", b"/index.html%00.js", b"/xianning%00/", b"/%0d%0aSet-Cookie:x=1", b"/%7f",
    b"/../secret.txt", b"/%2e%2e/secret.txt", b"/xianning/../../secret.txt", b"/a%2f..%2fsecret.txt",
    b"/xianning/%2E%2E/%2e%2e/secret.txt",
    b"/%ff", b"/%e5%92", b"/%c0%af", b"/%zz", b"/%", b"/abc%4", b"/\xff\xfe",
    b"*", b"secret.txt",
]


@pytest.mark.parametrize("path", BAD_PATHS, ids=lambda p: p.decode("latin-1"))
def test_a_bad_path_gets_400_in_chinese_never_a_traceback(tiny_site, capfd, path):
    _, server, _ = tiny_site
    for method in (b"GET", b"HEAD"):
        out = raw_request(server, method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 400 "), (method, out[:200])
        head, _, body = out.partition(b"\r\n\r\n")
        assert b"frame-ancestors 'self'" in head and b"X-Frame-Options: SAMEORIGIN" in head
        if method == b"GET":
            assert "请求的地址有误" in body.decode("utf-8"), body
            assert b"secret" not in body
    assert "Traceback" not in capfd.readouterr().err
    assert get(server, "/index.html")[0].status == 200  # and the server goes on serving


def test_malformed_requests_get_a_chinese_answer(tiny_site, capfd):
    _, server, _ = tiny_site
    for request, status, words in [
        (b"GET /index.html HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, "请求"),
        (b"GET / HTTP/9.9\r\n\r\n", 505, "HTTP"),
        (b"BREW /index.html HTTP/1.1\r\nHost: x\r\n\r\n", 501, "不支持"),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414, "地址太长"),
        (b"GET /index.html HTTP/1.1\r\nX: " + b"a" * 70000, 431, "请求头太大"),  # no end: not buffered on
    ]:
        out = raw_request(server, request)
        # A request line the stdlib cannot read is answered as HTTP/0.9: the text without headers.
        assert out.startswith((b"HTTP/1.1 %d " % status, b"%d " % status)), out[:200]
        assert words in out.decode("utf-8") and "Traceback" not in out.decode("utf-8")
        assert b"Python" not in out  # no version for a scanner to match
    assert "Traceback" not in capfd.readouterr().err


def test_keep_alive_and_pipelined_requests(tiny_site):
    _, server, _ = tiny_site
    s = socket.create_connection(server.server_address, timeout=5)
    s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /xianning/ HTTP/1.1\r\nHost: x\r\n\r\n")
    out = b""
    while out.count("咸宁".encode()) < 1 or out.count(b"HTTP/1.1 200") < 2:
        out += s.recv(65536)
    s.sendall(b"GET /sw.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")  # the same connection again
    while chunk := s.recv(65536):
        out += chunk
    s.close()
    assert out.count(b"HTTP/1.1 200") == 3 and "首页".encode() in out and b"// sw" in out


def test_a_trickled_head_is_cut_at_the_deadline_however_it_trickles(tmp_path):
    """One byte every 0.3 s never completes a head: the server closes it when the whole head's
    time is up (idle_timeout 2 s here), not when a gap between bytes is long."""
    (tmp_path / "index.html").write_text("<h1>首页</h1>", "utf-8")
    server, _ = serve.start(tmp_path, idle_timeout=2)
    try:
        s = socket.create_connection(server.server_address, timeout=10)
        started, closed = time.monotonic(), None
        for b in b"GET /index.html HTTP/1.1\r\nHost: " + b"x" * 100:
            try:
                s.sendall(bytes([b]))
                s.settimeout(0.3)
                if s.recv(1024) == b"":
                    closed = time.monotonic() - started
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = time.monotonic() - started
                break
        s.close()
        assert closed is not None and 1.5 < closed < 4, closed
    finally:
        server.shutdown()


def test_slow_loris_does_not_block_real_requests(tiny_site):
    """300 connections that send a byte now and then, against a cap of 50 open connections: the
    oldest unfinished head makes room, so every real request is answered at once."""
    site, _, _ = tiny_site
    server, _ = serve.start(site, max_connections=50)
    slow = []
    try:
        for _ in range(300):
            s = socket.create_connection(server.server_address, timeout=5)
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: ")  # never finished
            slow.append(s)
        for round_ in range(3):
            for s in slow:
                try:
                    s.send(b"x")
                except OSError:
                    pass  # evicted: that is the point
            for _ in range(10):
                t0 = time.monotonic()
                resp, body = get(server, "/index.html")
                assert resp.status == 200 and "首页" in body.decode()
                assert time.monotonic() - t0 < 2
        assert len(server.conns) <= 50
    finally:
        for s in slow:
            s.close()
        server.shutdown()


def test_1100_slow_connections_under_a_1024_file_limit(tiny_site):
    """The issue's case, as an office would run it: `python scripts/serve.py` in its own process with
    the usual 1,024-file limit, 1,100 connections each sending a byte now and then."""
    import resource
    import subprocess
    import sys

    site, _, _ = tiny_site
    need = 1100 + 200
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip(f"this process may open only {hard} files")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py"), "--dir", str(site), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    slow = []
    try:
        line = proc.stdout.readline()
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        for _ in range(1100):
            s = socket.socket()
            s.settimeout(5)
            s.connect(("127.0.0.1", port))
            s.send(b"G")
            slow.append(s)
        for round_ in range(2):
            for s in slow:
                try:
                    s.send(b"E")
                except OSError:
                    pass
            for _ in range(10):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/xianning/")
                resp = conn.getresponse()
                assert resp.status == 200 and "咸宁" in resp.read().decode()
                conn.close()
    finally:
        for s in slow:
            s.close()
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err, err[-2000:]


def test_300_slow_readers_of_a_big_file_take_bounded_memory(tmp_path):
    """Each body is read from disk a chunk at a time as the client takes it: 300 readers that
    take nothing of an 8 MB file cost the server a few chunks each, not 300 copies of the file."""
    import tracemalloc

    (tmp_path / "index.html").write_text("<h1>首页</h1>", "utf-8")
    big = os.urandom(1 << 20) * 8
    (tmp_path / "big.wasm").write_bytes(big)
    server, _ = serve.start(tmp_path)
    readers = []
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(5)
            s.connect(server.server_address)
            s.sendall(b"GET /big.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(s)
        deadline = time.monotonic() + 20  # a loaded machine: wait until every answer is under way
        while len(server.bodies) < 300 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        resp, body = get(server, "/index.html")  # a real request meanwhile
        assert resp.status == 200 and "首页" in body.decode()
        peak = tracemalloc.get_traced_memory()[1] - base
        first = readers[0].recv(65536)
        assert first.startswith(b"HTTP/1.1 200") and b"Content-Length: %d" % len(big) in first
        assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB for 300 slow readers"  # whole reads: 2.4 GB
        assert len(server.conns) >= 300 and len(server.bodies) >= 250, (len(server.conns), len(server.bodies))
        tracemalloc.stop()
        # Meanwhile a normal reader gets the whole file, byte for byte.
        resp, got = get(server, "/big.wasm")
        assert resp.status == 200 and hashlib.sha256(got).digest() == hashlib.sha256(big).digest()
    finally:
        tracemalloc.stop()
        for s in readers:
            s.close()
        server.shutdown()


def test_a_reader_that_stops_reading_is_dropped(tmp_path):
    (tmp_path / "index.html").write_text("<h1>首页</h1>", "utf-8")
    (tmp_path / "big.wasm").write_bytes(os.urandom(1 << 20) * 16)
    server, _ = serve.start(tmp_path, idle_timeout=1)
    try:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(server.server_address)
        s.sendall(b"GET /big.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
        deadline = time.monotonic() + 3
        while not server.bodies and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.bodies, "the body is being sent"
        started = time.monotonic()
        while server.conns and time.monotonic() < started + 6:
            time.sleep(0.1)
        assert not server.conns and 0.8 < time.monotonic() - started < 3
        s.close()
    finally:
        server.shutdown()


def test_frame_headers_on_every_answer(tiny_site):
    _, server, _ = tiny_site
    for path, status in [("/", 200), ("/xianning", 301), ("/nope/", 404), ("/%00", 400),
                         ("/pyodide/314.0.7-abc/pyodide.mjs", 200)]:
        resp, _ = get(server, path)
        assert resp.status == status, path
        assert resp.getheader("X-Frame-Options") == "SAMEORIGIN", path
        assert "frame-ancestors 'self'" in resp.getheader("Content-Security-Policy"), path
    etag = get(server, "/")[0].getheader("ETag")
    resp, _ = get(server, "/", {"If-None-Match": etag})
    assert resp.status == 304 and resp.getheader("X-Frame-Options") == "SAMEORIGIN"


def test_an_unreadable_file_is_a_500_in_chinese_not_a_dropped_connection(tiny_site, capfd, monkeypatch):
    """A file the server cannot read (permissions, a disk error): the request gets a 500 in Chinese
    (tests run as root, who reads anything, so the read is made to fail)."""
    _, server, _ = tiny_site

    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(serve, "strong_etag", unreadable)
    resp, body = get(server, "/index.html")
    assert resp.status == 500 and "服务器出错" in body.decode()
    assert resp.getheader("X-Frame-Options") == "SAMEORIGIN" and resp.getheader("Cache-Control") == "no-store"
    monkeypatch.undo()
    assert get(server, "/index.html")[0].status == 200
    assert "Traceback" not in capfd.readouterr().err


def test_when_every_connection_is_sending_a_body_a_new_one_hears_503(tmp_path):
    """Nothing to make room from (no unfinished head): the newcomer is told, in Chinese, at once."""
    (tmp_path / "index.html").write_text("<h1>首页</h1>", "utf-8")
    (tmp_path / "big.wasm").write_bytes(os.urandom(1 << 20) * 8)
    server, _ = serve.start(tmp_path, max_connections=4)
    readers = []
    try:
        for _ in range(4):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(server.server_address)
            s.sendall(b"GET /big.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(s)
        deadline = time.monotonic() + 10
        while len(server.bodies) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.bodies) == 4
        out = raw_request(server, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 5" in out
        assert "服务器忙" in out.decode("utf-8")
        for s in readers:
            s.close()
        deadline = time.monotonic() + 10
        while server.conns and time.monotonic() < deadline:
            time.sleep(0.05)
        assert get(server, "/index.html")[0].status == 200  # slots free again
    finally:
        for s in readers:
            s.close()
        server.shutdown()
