"""serve.py against clients that never read, a full connection cap and odd HTTP versions:
a blocked writer holds no answering thread, a full cap answers 503 (not a reset), and only
HTTP/1.0 and HTTP/1.1 are answered as such."""
from __future__ import annotations

import http.client
import socket
import time

import pytest

from scripts import serve
from tests.site.test_serve import tiny_site  # noqa: F401  (fixture)


def raw(server, data: bytes, timeout=5) -> bytes:
    with socket.create_connection(server.server_address, timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out


def test_pipelined_heads_from_clients_that_never_read_hold_no_thread(tiny_site):  # noqa: F811
    site, server, url = tiny_site
    (site / "big.html").write_bytes(b"x" * 300_000)  # large headers answer set: many per connection
    hogs = []
    head = b"HEAD /xianning/ HTTP/1.1\r\nHost: x\r\n\r\n" * 2000
    for _ in range(3 * serve.WORKERS):
        s = socket.create_connection(server.server_address, timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            s.sendall(head)
        except OSError:
            pass
        hogs.append(s)  # never read
    time.sleep(6)  # every hog's send buffer fills up
    try:
        started = time.monotonic()
        conn = http.client.HTTPConnection(*server.server_address, timeout=10)
        conn.request("GET", "/xianning/")
        resp = conn.getresponse()
        assert resp.status == 200 and "咸宁" in resp.read().decode()
        assert time.monotonic() - started < 3
    finally:
        for s in hogs:
            s.close()


def test_a_full_cap_answers_503_not_a_reset(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>首页</h1>", "utf-8")
    (site / "404.html").write_text("找不到", "utf-8")
    (site / "big.bin").write_bytes(b"x" * 4_000_000)
    server, url = serve.start(site, max_connections=8)
    readers = []
    try:
        for _ in range(8):  # slow readers: each holds a connection with a body in flight
            s = socket.create_connection(server.server_address, timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(s)
        time.sleep(0.5)
        for _ in range(5):
            conn = http.client.HTTPConnection(*server.server_address, timeout=10)
            conn.request("GET", "/")
            resp = conn.getresponse()  # a reset would raise ConnectionResetError here
            assert resp.status == 503 and resp.getheader("Retry-After")
            assert "忙" in resp.read().decode()
            conn.close()
    finally:
        for s in readers:
            s.close()
        server.shutdown()


@pytest.mark.parametrize("line", [b"GET /", b"GET / HTTP/0.9", b"GET / HTTP/2.0", b"GET / HTTP/1.2", b"GET / HTTP/3"])
def test_only_http_1_0_and_1_1_are_answered(tiny_site, line):  # noqa: F811
    site, server, url = tiny_site
    out = raw(server, line + b"\r\nHost: x\r\n\r\n")
    status = out.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 ") and (b" 505 " in status or b" 400 " in status), out[:200]
    assert b"Content-Security-Policy" in out


@pytest.mark.parametrize("version", [b"HTTP/1.0", b"HTTP/1.1"])
def test_http_1_0_and_1_1_still_work(tiny_site, version):  # noqa: F811
    site, server, url = tiny_site
    out = raw(server, b"GET /xianning/ " + version + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.") and b" 200 " in out.split(b"\r\n", 1)[0] and "咸宁".encode() in out
