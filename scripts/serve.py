"""Static file server for the built site, behaving like a real static host.

- correct MIME types (application/wasm is required or loadPyodide hangs; .mjs as JavaScript)
- serves the pre-compressed `<file>.br` / `<file>.gz` written by build_site.py when the
  client accepts that encoding (Content-Encoding + Vary), never compresses on the fly
- Cache-Control: immutable for the versioned Pyodide runtime and wheel, no-cache for the rest
- usable in-process from tests/benchmarks: `start(site_dir, port=0) -> (server, url)`

    python scripts/serve.py [--port 8000] [--dir site] [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import email.utils
import http.server
import os
import posixpath
import threading
import urllib.parse
from pathlib import Path

MIME = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".map": "application/json",
    ".gz": "application/gzip",
}

# Files whose URL changes when their content changes (runtime pinned by version dir / wheel by hash).
IMMUTABLE_PREFIXES = ("/pyodide/",)
IMMUTABLE_SUFFIXES = (".whl",)


class Handler(http.server.BaseHTTPRequestHandler):
    site_dir: Path = Path("site")
    protocol_version = "HTTP/1.1"
    # Benchmark hooks: server-side link shaping (applies to worker requests too, which DevTools
    # network emulation of the page does not) and a count of body bytes sent.
    shaper = None  # Shaper or None
    stats = None  # dict with "bytes", "requests" or None

    def log_message(self, fmt, *args):  # quiet: tests and benchmark run many requests
        if os.environ.get("SERVE_VERBOSE"):
            super().log_message(fmt, *args)

    def _resolve(self) -> Path | None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        path = posixpath.normpath(path)
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        target = self.site_dir.joinpath(*parts)
        if target.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return target  # caller redirects
            target = target / "index.html"
        return target

    def do_HEAD(self):
        self._send(head=True)

    def do_GET(self):
        self._send(head=False)

    def _send(self, head: bool):
        target = self._resolve()
        if target is not None and target.is_dir():
            self.send_response(301)
            loc = urllib.parse.urlsplit(self.path)
            self.send_header("Location", loc.path + "/" + (("?" + loc.query) if loc.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None or not target.is_file():
            body = b"404 Not Found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        accept = self.headers.get("Accept-Encoding", "")
        accepted = {a.split(";")[0].strip() for a in accept.split(",")}
        body_file, encoding = target, None
        for enc, ext in (("br", ".br"), ("gzip", ".gz")):
            cand = target.with_name(target.name + ext)
            if enc in accepted and cand.is_file() and target.suffix != ext:
                body_file, encoding = cand, enc
                break
        url_path = urllib.parse.urlsplit(self.path).path
        mtime = int(target.stat().st_mtime)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                if int(email.utils.parsedate_to_datetime(ims).timestamp()) >= mtime:
                    self.send_response(304)
                    self.send_header("Vary", "Accept-Encoding")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    self._account(0)
                    return
            except (TypeError, ValueError):
                pass
        data = body_file.read_bytes()
        url_path = urllib.parse.urlsplit(self.path).path
        self.send_response(200)
        self.send_header("Content-Type", MIME.get(target.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        if url_path.startswith(IMMUTABLE_PREFIXES) or url_path.endswith(IMMUTABLE_SUFFIXES):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Last-Modified", email.utils.formatdate(target.stat().st_mtime, usegmt=True))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self._write(data)
        self._account(0 if head else len(data))

    def _account(self, n):
        if self.stats is not None:
            with _stats_lock:
                self.stats["bytes"] += n
                self.stats["requests"] += 1

    def _write(self, data: bytes):
        if self.shaper is None:
            self.wfile.write(data)
            return
        self.shaper.delay_first_byte()
        for i in range(0, len(data), 16384):
            chunk = data[i:i + 16384]
            self.shaper.take(len(chunk))
            self.wfile.write(chunk)


_stats_lock = threading.Lock()


class Shaper:
    """One shared downlink: `bps` bits/s for all connections together, `latency` s before each
    response body (request round trip). Used by the benchmark's phone profile."""

    def __init__(self, bps: float, latency: float):
        import time

        self._time = time
        self.rate = bps / 8.0
        self.latency = latency
        self.lock = threading.Lock()
        self.next_free = 0.0

    def delay_first_byte(self):
        self._time.sleep(self.latency)

    def take(self, n: int):
        with self.lock:
            now = self._time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + n / self.rate
            wait = self.next_free - now
        self._time.sleep(wait)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(site_dir, host="127.0.0.1", port=0, shaper=None, stats=None) -> Server:
    handler = type("SiteHandler", (Handler,), {"site_dir": Path(site_dir).resolve(), "shaper": shaper,
                                               "stats": stats})
    return Server((host, port), handler)


def start(site_dir, host="127.0.0.1", port=0, shaper=None, stats=None):
    """Serve in a daemon thread; returns (server, base_url). Call server.shutdown() to stop."""
    server = make_server(site_dir, host, port, shaper, stats)
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
