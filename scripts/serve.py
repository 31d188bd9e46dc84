"""Static file server for the built site, behaving like a well-configured static host.

- headers from scripts/http_rules.py (the rules the shipped nginx / _headers configs are rendered
  from): MIME types, Cache-Control (immutable runtime + wheel, no-cache for the rest), one CSP
  for pages, the worker and the service worker
- strong ETags from the sha256 of the bytes sent; If-None-Match first, If-Modified-Since only
  on an exact date match — never "not modified" because a date is old enough
- serves the pre-compressed `<file>.br` / `<file>.gz` written by build_site.py when the client
  accepts that encoding with q > 0 (Content-Encoding + Vary), never compresses on the fly
- stays inside its directory: `..`, and symlinks leading out of it, give 404
- idle or half-sent requests are closed after IDLE_TIMEOUT seconds
- unknown paths get the site's own 404.html (Chinese), with status 404
- usable in-process from tests/benchmarks: `start(site_dir, port=0) -> (server, url)`

    python scripts/serve.py [--port 8000] [--dir site] [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import email.utils
import hashlib
import http.server
import os
import posixpath
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts import http_rules  # noqa: E402

IDLE_TIMEOUT = 15  # seconds a connection may sit without completing a request (or one send)
CHUNK = 16 * 1024  # one send: the timeout applies to each, so only a reader slower than ~9 kbit/s is cut
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # server preference when q-values tie


def accepted_encodings(header: str) -> dict[str, float]:
    """Accept-Encoding -> {coding: q}; `br;q=0` means brotli is not acceptable."""
    out: dict[str, float] = {}
    for item in header.split(","):
        name, *params = [p.strip() for p in item.split(";")]
        if not name:
            continue
        q = 1.0
        for p in params:
            k, _, v = p.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        out[name.lower()] = q
    return out


def choose_encoding(header: str, available: list[str]) -> str | None:
    acc = accepted_encodings(header or "")
    best, best_q = None, 0.0
    for enc in available:
        q = acc.get(enc, acc.get("*", 0.0))
        if q > best_q:
            best, best_q = enc, q
    return best


_etag_cache: dict[tuple, str] = {}
_etag_lock = threading.Lock()


def strong_etag(path: Path) -> str:
    """sha256 of the file's bytes; cached by a stat key that includes ctime (changes on any write)."""
    st = path.stat()
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    with _etag_lock:
        tag = _etag_cache.get(key)
    if tag is None:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        tag = '"' + h.hexdigest()[:32] + '"'
        with _etag_lock:
            _etag_cache[key] = tag
    return tag


def etag_matches(header: str, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == tag for t in header.split(","))


class Handler(http.server.BaseHTTPRequestHandler):
    site_dir: Path = Path("site")
    policy: str = http_rules.csp()
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    # Benchmark hooks: server-side link shaping (applies to worker requests too, which DevTools
    # network emulation of the page does not) and a count of body bytes sent.
    shaper = None  # Shaper or None
    stats = None  # dict with "bytes", "requests" or None
    # Test hooks: faults = {url path suffix: "abort" | "500" | "truncate" | "short" | "stall" | "trickle"};
    # request_log = list that gets (url path, fault or None) of every request.
    faults = None
    request_log = None

    def log_message(self, fmt, *args):  # quiet: tests and benchmark run many requests
        if os.environ.get("SERVE_VERBOSE"):
            super().log_message(fmt, *args)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away mid-answer: nothing to tell it

    def _resolve(self) -> tuple[str, Path | None]:
        """(url path, file or directory inside site_dir) — None when outside or missing."""
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        parts = [p for p in posixpath.normpath(url_path).split("/") if p and p not in (".", "..")]
        target = self.site_dir.joinpath(*parts)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return url_path, None
        if real != self.site_dir and self.site_dir not in real.parents:
            return url_path, None  # a symlink leading out of the served directory
        return url_path, target

    def _inside(self, p: Path) -> bool:
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        return self.site_dir in real.parents and real.is_file()

    def do_HEAD(self):
        self._send(head=True)

    def do_GET(self):
        self._send(head=False)

    def _send(self, head: bool):
        url_path, target = self._resolve()
        requested = url_path
        if target is not None and target.is_dir():
            if not url_path.endswith("/"):
                loc = urllib.parse.urlsplit(self.path)
                self.send_response(301)
                self.send_header("Location", loc.path + "/" + (("?" + loc.query) if loc.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
            url_path += "index.html"
        status = 200
        if target is None or not self._inside(target):
            status, target, url_path = 404, self.site_dir / "404.html", "/404.html"
            if not self._inside(target):
                return self._plain_404(head)
        fault = self._fault(url_path) if status == 200 else None
        if self.request_log is not None:
            self.request_log.append((requested, fault))
        available = [enc for enc, ext in ENCODINGS
                     if target.suffix != ext and self._inside(target.with_name(target.name + ext))]
        encoding = None if fault else choose_encoding(self.headers.get("Accept-Encoding", ""), available)
        body_file = target.with_name(target.name + dict(ENCODINGS)[encoding]) if encoding else target
        etag = strong_etag(body_file)
        last_modified = email.utils.formatdate(target.stat().st_mtime, usegmt=True)
        common = {"Vary": "Accept-Encoding", "ETag": etag, "Last-Modified": last_modified,
                  **http_rules.headers_for(url_path, self.policy)}
        if status == 200 and not fault and self._not_modified(etag, last_modified):
            self.send_response(304)
            for k, v in common.items():
                self.send_header(k, v)
            self.end_headers()
            self._account(0)
            return
        if fault:
            return self._faulty(fault, url_path, target, common, head)
        data = body_file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", http_rules.mime_type(target.name))
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        for k, v in common.items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self._write(data)
        self._account(0 if head else len(data))

    def _not_modified(self, etag: str, last_modified: str) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag_matches(inm, etag)
        # Only an exact date: a file replaced by one with an *older* date is still new to the client.
        return self.headers.get("If-Modified-Since", "").strip() == last_modified

    def _plain_404(self, head: bool):
        body = "404 找不到这个页面".encode()
        self.send_response(404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in http_rules.headers_for("/", self.policy).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _fault(self, url_path: str) -> str | None:
        for suffix, mode in (self.faults or {}).items():
            if url_path.endswith(suffix):
                return mode
        return None

    def _faulty(self, mode, url_path, target, common, head):
        """Test hook: the failures a phone's network or a broken host produce."""
        self.close_connection = True
        if mode == "abort":
            return  # connection closed without any response
        data = target.read_bytes()
        if mode == "500":
            data, status = "服务器出错".encode(), 500
        else:
            status = 200
        declared = len(data)
        if mode == "short":
            data = data[: len(data) // 2]
            declared = len(data)  # a complete response of a cut-off file
        self.send_response(status)
        self.send_header("Content-Type", http_rules.mime_type(target.name))
        self.send_header("Content-Length", str(declared))
        for k, v in common.items():
            if k == "Cache-Control" and status != 200:
                v = "no-store"  # an error must never be kept (a cached 500 would outlive the fix)
            if k != "ETag":
                self.send_header(k, v)
        self.end_headers()
        if head:
            return
        if mode == "truncate":
            self.wfile.write(data[: len(data) // 2])  # then the connection drops
        elif mode == "stall":  # (a small file: its first half, so that it never completes)
            self.wfile.write(data[:min(CHUNK, len(data) // 2)])
            self.wfile.flush()
            time.sleep(40)  # nothing more arrives; the client must give up on its own
        elif mode == "trickle":  # a link that drips: a little, then 1 kB every 3 s
            start = min(CHUNK, len(data) // 2)
            self.wfile.write(data[:start])
            self.wfile.flush()
            for at in range(start, min(len(data), start + 40 * 1024), 1024):
                time.sleep(3)
                try:
                    self.wfile.write(data[at:at + 1024])
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up, as it should
        else:
            self.wfile.write(data)

    def _account(self, n):
        if self.stats is not None:
            with _stats_lock:
                self.stats["bytes"] += n
                self.stats["requests"] += 1

    def _write(self, data: bytes):
        view = memoryview(data)
        if self.shaper is not None:
            self.shaper.delay_first_byte()
        for i in range(0, len(view), CHUNK):
            chunk = view[i:i + CHUNK]
            if self.shaper is not None:
                self.shaper.take(len(chunk))
            self.wfile.write(chunk)


_stats_lock = threading.Lock()


class Shaper:
    """One shared downlink: `bps` bits/s for all connections together, `latency` s before each
    response body (request round trip). Used by the benchmark's phone profile."""

    def __init__(self, bps: float, latency: float):
        self.rate = bps / 8.0
        self.latency = latency
        self.lock = threading.Lock()
        self.next_free = 0.0

    def delay_first_byte(self):
        time.sleep(self.latency)

    def take(self, n: int):
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + n / self.rate
            wait = self.next_free - now
        time.sleep(wait)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a page opens many connections at once (the default backlog is 5)


def make_server(site_dir, host="127.0.0.1", port=0, shaper=None, stats=None, faults=None,
                request_log=None) -> Server:
    site = Path(site_dir).resolve()
    policy = http_rules.csp(http_rules.inline_script_hashes(site))
    handler = type("SiteHandler", (Handler,), {"site_dir": site, "policy": policy, "shaper": shaper,
                                               "stats": stats, "faults": faults, "request_log": request_log})
    return Server((host, port), handler)


def start(site_dir, host="127.0.0.1", port=0, **hooks):
    """Serve in a daemon thread; returns (server, base_url). Call server.shutdown() to stop.
    hooks: shaper=, stats= (benchmark), faults=, request_log= (tests)."""
    server = make_server(site_dir, host, port, **hooks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="site")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if not Path(args.dir, "index.html").is_file():
        raise SystemExit(f"{args.dir}/index.html not found — build the site first: python build_site.py")
    server = make_server(args.dir, args.host, args.port)
    print(f"Serving {args.dir} at http://{args.host}:{server.server_address[1]}/  (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
