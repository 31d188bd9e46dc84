"""Static file server for the built site, behaving like a well-configured static host.

- headers from scripts/http_rules.py (the rules the shipped nginx / _headers configs are rendered
  from): MIME types, Cache-Control (immutable runtime + wheel, no-cache for the rest), one CSP
  for pages, the worker and the service worker
- strong ETags from the sha256 of the bytes sent; If-None-Match first, If-Modified-Since only
  on an exact date match — never "not modified" because a date is old enough
- serves the pre-compressed `<file>.br` / `<file>.gz` written by build_site.py when the client
  accepts that encoding with q > 0 (Content-Encoding + Vary), never compresses on the fly
- stays inside its directory: symlinks leading out of it give 404; a path that is not a plain
  path (`..` segments, NUL or other control characters, bad %-escapes or UTF-8) gives 400 —
  every error is a short Chinese answer, never a traceback or a dropped connection
- survives slow clients (an office may run it on its own network): one event loop reads request
  heads and streams file bodies without a thread per connection; each head must arrive whole within
  IDLE_TIMEOUT seconds (a byte every few seconds does not extend it) and a body that makes no
  progress for IDLE_TIMEOUT seconds is dropped; open connections are capped below the process's
  file limit, the oldest unfinished head making room for a new connection, so real requests get
  through 1,100 slow-loris connections under the usual 1,024-file limit; bodies are read from disk
  CHUNK by CHUNK, never whole (bounded memory with hundreds of slow readers of the 9.6 MB wasm);
  a bounded pool of threads answers complete requests
- unknown paths get the site's own 404.html (Chinese), with status 404
- usable in-process from tests/benchmarks: `start(site_dir, port=0) -> (server, url)`

    python scripts/serve.py [--port 8000] [--dir site] [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import collections
import email.utils
import hashlib
import http.server
import io
import os
import queue
import re
import selectors
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts import http_rules  # noqa: E402

IDLE_TIMEOUT = 15  # seconds for a whole request head, and the most a body may go without progress
CHUNK = 16 * 1024  # one read from disk / one send: the most a connection holds of a file in memory
SEND_BUFFER = 128 * 1024  # kernel send buffer per connection: autotuning would let each slow reader
#                          hold megabytes of the file in kernel memory (loopback: 2 MB each)
MAX_HEAD = 64 * 1024  # bytes of request head; more is answered 431
LINGER = 2.0  # seconds a refused connection is read from before it is closed
MAX_LINGERING = 32  # refused connections read from at once (within FD_RESERVE)
WORKERS = 32  # threads answering complete requests (headers; bodies go to the event loop)
FD_RESERVE = 64 + 2 * WORKERS  # file descriptors kept free of connections (files being hashed, the runtime)
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # server preference when q-values tie
HEAD_END = re.compile(rb"\r?\n\r?\n")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

# The short Chinese answer of each error status (plain text, same security headers as pages).
ERROR_TEXT = {
    400: "400 请求的地址有误",
    404: "404 找不到这个页面",
    408: "408 请求超时",
    414: "414 请求的地址太长",
    431: "431 请求头太大",
    500: "500 服务器出错，请稍后再试",
    501: "501 不支持这种请求",
    503: "503 服务器忙，请稍后再试",
    505: "505 不支持这个 HTTP 版本",
}


def error_text(code: int) -> str:
    return ERROR_TEXT.get(code, f"{code} 请求无法处理")


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
    server_version, sys_version = "serve.py", ""  # no Python version in the Server header
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

    # The server hands over one connection whose request head has arrived whole (`request` is a
    # Connection); the handler answers that one request. A file body is left in `self.body` for
    # the server's event loop to stream; bytes after the head (a pipelined request) in `leftover`.
    def setup(self):
        self.connection = self.request.sock
        self.connection.settimeout(getattr(self.server, "idle_timeout", self.timeout))  # bounds each send
        self.rfile = io.BytesIO(bytes(self.request.buf))
        # The answer's head (and any short error body) is collected here and sent by the event loop
        # without blocking: a client that never reads (pipelined HEADs) cannot hold this thread.
        # The test and benchmark hooks write in this thread on purpose (timed faults, shaping).
        self.wfile = _SocketWriter(self.connection) if (self.faults or self.shaper) else io.BytesIO()
        self.body = None  # (open file, bytes to send) for the event loop
        self.leftover = b""
        self._answered = False

    def handle(self):
        self.close_connection = True
        try:
            self.handle_one_request()
        except (ConnectionError, TimeoutError):  # the client went away or stalled: nothing to tell it
            self._drop_body()
            self.close_connection = True
        except Exception as exc:  # a bug or an unreadable file: a 500, never a traceback or silence
            sys.stderr.write(f"serve.py: {type(exc).__name__}: {exc} ({getattr(self, 'requestline', '')!r})\n")
            self._drop_body()
            self.close_connection = True
            if not self._answered:
                self._headers_buffer = []
                try:
                    self.send_error(500)
                except OSError:
                    pass
        self.leftover = self.rfile.read()
        self.head_bytes = self.wfile.getvalue() if isinstance(self.wfile, io.BytesIO) else b""

    def parse_request(self):
        """The stdlib's, accepting HTTP/1.0 and 1.1 only: an HTTP/0.9 line ("GET /") would get a
        body without status line or headers, and HTTP/2.0 text is no HTTP/2 at all."""
        if not super().parse_request():
            return False
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.send_error(505)
            return False
        return True

    def finish(self):
        pass  # the server decides what happens to the connection next

    def _drop_body(self):
        if self.body is not None:
            self.body[0].close()
            self.body = None

    def end_headers(self):
        super().end_headers()
        self._answered = True

    def send_error(self, code, message=None, explain=None):
        """Every error the stdlib or we raise: a short Chinese text, our headers, then close."""
        body = b"" if code in (204, 304) or code < 200 else error_text(code).encode()
        self.close_connection = True
        if getattr(self, "request_version", "") not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = "HTTP/1.1"  # HTTP/0.9 would get the body without status line or headers
        self.send_response(code, message)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in http_rules.headers_for("/", self.policy).items():
            self.send_header(k, "no-store" if k == "Cache-Control" else v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def url_path(self) -> str | None:
        """The decoded path of the request, or None when it is not a plain path: not starting with
        "/", a `..` segment, a NUL or other control character, a bad %-escape, or bytes that are
        not UTF-8. Browsers never send such paths (they resolve dot segments themselves)."""
        try:
            raw = urllib.parse.urlsplit(self.path).path
            raw_bytes = raw.encode("latin-1")  # the request line was decoded as latin-1
        except (ValueError, UnicodeEncodeError):
            return None
        if not raw.startswith("/") or BAD_ESCAPE.search(raw):
            return None
        try:
            path = urllib.parse.unquote_to_bytes(raw_bytes).decode("utf-8")
        except UnicodeDecodeError:
            return None
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path) or ".." in path.split("/"):
            return None
        return path

    def _resolve(self) -> tuple[str, Path | None]:
        """(url path, file or directory inside site_dir) — None when outside or missing."""
        url_path = self.url_path()
        parts = [p for p in url_path.split("/") if p and p != "."]
        target = self.site_dir.joinpath(*parts)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return url_path, None
        if real != self.site_dir and self.site_dir not in real.parents:
            return url_path, None  # a symlink leading out of the served directory
        return url_path, target

    def _inside(self, p: Path) -> bool:
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return False
        return self.site_dir in real.parents and real.is_file()

    def do_HEAD(self):
        self._send(head=True)

    def do_GET(self):
        self._send(head=False)

    def _send(self, head: bool):
        if self.url_path() is None:
            return self.send_error(400)
        url_path, target = self._resolve()
        requested = url_path
        if target is not None and target.is_dir():
            if not url_path.endswith("/"):
                loc = urllib.parse.urlsplit(self.path)
                self.send_response(301)
                self.send_header("Location", loc.path + "/" + (("?" + loc.query) if loc.query else ""))
                self.send_header("Content-Length", "0")
                for k, v in http_rules.headers_for(url_path, self.policy).items():
                    self.send_header(k, v)
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
        f = body_file.open("rb")
        try:
            size = os.fstat(f.fileno()).st_size
            self.send_response(status)
            self.send_header("Content-Type", http_rules.mime_type(target.name))
            self.send_header("Content-Length", str(size))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            for k, v in common.items():
                self.send_header(k, v)
            self.end_headers()
            if head or not size:
                self._account(0)
            elif self.shaper is not None:  # benchmark: shaped in this thread, chunk by chunk
                self._account(self._write_file(f, size))
            else:
                self.body, f = (f, size), None  # streamed by the event loop (it accounts the bytes)
        finally:
            if f is not None:
                f.close()

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
        account(self.stats, n)

    def _write_file(self, f, size: int) -> int:
        """Send `size` bytes of an open file CHUNK by CHUNK through the shaper; returns bytes sent."""
        self.shaper.delay_first_byte()
        sent = 0
        while sent < size:
            chunk = f.read(min(CHUNK, size - sent))
            if not chunk:
                self.close_connection = True  # the file shrank: the client must not wait for more
                break
            self.shaper.take(len(chunk))
            self.wfile.write(chunk)
            sent += len(chunk)
        return sent


_stats_lock = threading.Lock()


def account(stats, n: int) -> None:
    if stats is not None:
        with _stats_lock:
            stats["bytes"] += n
            stats["requests"] += 1


class _SocketWriter(io.RawIOBase):
    """Unbuffered writes straight to the socket (sendall under the socket's timeout)."""

    def __init__(self, sock):
        self._sock = sock

    def writable(self):
        return True

    def write(self, b):
        self._sock.sendall(b)
        return len(b)


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


class Connection:
    """One client connection as the event loop tracks it."""
    __slots__ = ("sock", "addr", "buf", "state", "deadline", "file", "to_read", "pending", "sent",
                 "keep", "stats", "registered", "head_len")

    def __init__(self, sock, addr):
        self.sock, self.addr = sock, addr
        self.buf = bytearray()
        self.state = "head"  # head (reading a request) | busy (a thread answers) | body (streaming)
        self.deadline = 0.0
        self.file = None
        self.to_read = self.sent = self.head_len = 0
        self.pending = b""
        self.keep = False
        self.stats = None
        self.registered = 0  # selector events currently watched


class Pool:
    """A fixed set of daemon threads (a stalled answer must never keep the process alive)."""

    def __init__(self, size: int):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.size = size
        for _ in range(size):
            threading.Thread(target=self._work, daemon=True, name="serve-worker").start()

    def submit(self, fn):
        self.jobs.put(fn)

    def _work(self):
        while (fn := self.jobs.get()) is not None:
            fn()

    def stop(self):
        for _ in range(self.size):
            self.jobs.put(None)


def connection_cap() -> int:
    """Open connections allowed: each may hold a socket and an open file, below the file limit."""
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft == resource.RLIM_INFINITY:
            soft = 1 << 16
    except (ImportError, OSError, ValueError):
        soft = 1024
    return max(16, min(4096, (soft - FD_RESERVE) // 2))


class Server:
    """Event loop for accepting, reading request heads and streaming bodies; a bounded pool of
    threads for answering complete requests. The same surface as socketserver's servers:
    server_address, RequestHandlerClass, serve_forever(), shutdown(), server_close()."""

    request_queue_size = 1024  # a page opens many connections at once; a flood must not fill it

    def __init__(self, address, handler_class, max_connections=None, workers=WORKERS, idle_timeout=IDLE_TIMEOUT):
        self.RequestHandlerClass = handler_class
        self.idle_timeout = idle_timeout
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET  # --host :: for IPv6
        self.socket = socket.create_server(address, family=family, backlog=self.request_queue_size)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()[:2]
        self.max_connections = max_connections or connection_cap()
        self.pool = Pool(workers)
        self.conns: set[Connection] = set()
        self.heads: collections.OrderedDict[Connection, None] = collections.OrderedDict()  # by deadline
        self.bodies: set[Connection] = set()
        self.lingering: dict = {}  # refused sockets read until closed: {sock: deadline}
        self.handoffs: queue.SimpleQueue = queue.SimpleQueue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._stop = False
        self._stopped = threading.Event()
        self._stopped.set()
        self.sel = None

    # ---- public surface
    def serve_forever(self, poll_interval=0.25):
        self._stopped.clear()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.socket, selectors.EVENT_READ, "listen")
        self.sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        try:
            while not self._stop:
                for key, mask in self.sel.select(timeout=poll_interval):
                    if key.data == "listen":
                        self._accept()
                    elif key.data == "wake":
                        try:
                            while self._wake_r.recv(4096):
                                pass
                        except (BlockingIOError, InterruptedError):
                            pass
                    elif isinstance(key.data, tuple):  # ("linger", sock): a refused connection
                        if key.data[1] in self.lingering:
                            self._drain(key.data[1])
                    elif key.data not in self.conns:
                        continue  # closed by an earlier event of this round
                    elif key.data.state == "head":
                        self._read(key.data)
                    elif key.data.state == "body":
                        self._write_body(key.data)
                    self._take_handoffs()
                self._take_handoffs()
                self._sweep()
        finally:
            for conn in list(self.conns):
                self._close(conn)
            for sock in list(self.lingering):
                self._unlinger(sock)
            self.sel.close()
            self.pool.stop()
            self._stopped.set()

    def shutdown(self):
        self._stop = True
        self._wake()
        self._stopped.wait()
        self.server_close()

    def server_close(self):
        for s in (self.socket, self._wake_r, self._wake_w):
            try:
                s.close()
            except OSError:
                pass

    # ---- event loop
    def _wake(self):
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _watch(self, conn, events):
        if events == conn.registered:
            return
        if not conn.registered:
            self.sel.register(conn.sock, events, conn)
        elif not events:
            self.sel.unregister(conn.sock)
        else:
            self.sel.modify(conn.sock, events, conn)
        conn.registered = events

    def _accept(self):
        for _ in range(256):  # then let the other connections have a turn
            try:
                sock, addr = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of file descriptors: make room from the oldest unfinished head
                if not self._evict_oldest_head():
                    time.sleep(0.01)
                return
            if len(self.conns) >= self.max_connections and not self._evict_oldest_head():
                self._refuse(sock)
                continue
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            except OSError:
                pass
            conn = Connection(sock, addr)
            self.conns.add(conn)
            self._enter_head(conn, b"")

    def _evict_oldest_head(self) -> bool:
        if not self.heads:
            return False
        self._close(next(iter(self.heads)))
        return True

    def _raw_answer(self, sock, code: int, reason: str):
        """An answer from the loop itself (no handler): Chinese text, our headers, then close."""
        body = error_text(code).encode()
        policy = getattr(self.RequestHandlerClass, "policy", http_rules.csp())
        headers = {**http_rules.security_headers(policy), "Cache-Control": "no-store", "Connection": "close",
                   "Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
        if code == 503:
            headers["Retry-After"] = "5"
        head = f"HTTP/1.1 {code} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        try:
            sock.setblocking(False)
            sock.send(head.encode("latin-1") + body)  # small: fits any empty send buffer
        except OSError:
            pass

    def _refuse(self, sock):
        """Every connection is busy sending a body: say so and close (never hang the client). The
        close lingers: the request the client is still sending is read and dropped until it closes
        (or LINGER seconds), since closing with it unread resets the connection, and the reset can
        reach the client before the 503 it was sent."""
        self._raw_answer(sock, 503, "Service Unavailable")
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if len(self.lingering) >= MAX_LINGERING:
            self._unlinger(next(iter(self.lingering)))
        self.lingering[sock] = time.monotonic() + LINGER
        self.sel.register(sock, selectors.EVENT_READ, ("linger", sock))

    def _drain(self, sock):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._unlinger(sock)

    def _unlinger(self, sock):
        self.lingering.pop(sock, None)
        try:
            self.sel.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass
        try:
            sock.close()
        except OSError:
            pass

    def _enter_head(self, conn, buf):
        conn.state = "head"
        conn.buf = bytearray(buf)
        conn.deadline = time.monotonic() + self.idle_timeout  # for the whole head: trickling does not extend it
        self.heads[conn] = None
        if HEAD_END.search(conn.buf):
            self._dispatch(conn)
        else:
            self._watch(conn, selectors.EVENT_READ)

    def _read(self, conn):
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return self._close(conn)
        if not data:
            return self._close(conn)
        start = max(0, len(conn.buf) - 3)
        conn.buf += data
        if HEAD_END.search(conn.buf, start):
            self._dispatch(conn)
        elif len(conn.buf) > MAX_HEAD:
            self._raw_answer(conn.sock, 431, "Request Header Fields Too Large")
            self._close(conn)

    def _dispatch(self, conn):
        self.heads.pop(conn, None)
        self._watch(conn, 0)
        conn.state = "busy"
        conn.sock.settimeout(self.idle_timeout)
        self.pool.submit(lambda: self._answer(conn))

    def _answer(self, conn):
        """In a pool thread: answer the request, then give the connection back to the loop."""
        try:
            h = self.RequestHandlerClass(conn, conn.addr, self)
        except Exception as exc:
            sys.stderr.write(f"serve.py: {type(exc).__name__}: {exc}\n")
            self.handoffs.put((conn, "close", None))
        else:
            conn.keep = not h.close_connection
            conn.stats = h.stats
            conn.pending = memoryview(h.head_bytes)
            if h.body is not None:
                conn.file, conn.to_read = h.body
            if h.body is not None or h.head_bytes:
                self.handoffs.put((conn, "body", h.leftover))
            else:
                self.handoffs.put((conn, "head" if conn.keep else "close", h.leftover))
        self._wake()

    def _take_handoffs(self):
        while True:
            try:
                conn, what, leftover = self.handoffs.get_nowait()
            except queue.Empty:
                return
            if conn not in self.conns:
                continue
            try:
                conn.sock.setblocking(False)
            except OSError:
                what = "close"
            if what == "close":
                self._close(conn)
            elif what == "head":
                self._enter_head(conn, leftover)
            else:  # the answer's head (conn.pending), then the file's bytes if any
                conn.buf = bytearray(leftover)
                conn.state, conn.sent = "body", 0
                conn.head_len = len(conn.pending)
                conn.deadline = time.monotonic() + self.idle_timeout
                self.bodies.add(conn)
                self._write_body(conn)

    def _write_body(self, conn):
        for _ in range(64):  # up to 1 MB, then the other connections get a turn
            if not conn.pending:
                if not conn.to_read:
                    return self._body_done(conn)
                chunk = conn.file.read(min(CHUNK, conn.to_read))
                if not chunk:  # the file shrank under us: the promised length cannot be kept
                    return self._close(conn)
                conn.to_read -= len(chunk)
                conn.pending = memoryview(chunk)
            try:
                n = conn.sock.send(conn.pending)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                return self._close(conn)
            conn.pending = conn.pending[n:]
            conn.sent += n
            conn.deadline = time.monotonic() + self.idle_timeout
        self._watch(conn, selectors.EVENT_WRITE)

    def _body_done(self, conn):
        if conn.file is not None:  # (a head-only answer was accounted by its handler)
            account(conn.stats, conn.sent - conn.head_len)
            conn.file.close()
            conn.file = None
        self.bodies.discard(conn)
        if conn.keep:
            self._enter_head(conn, conn.buf)
        else:
            self._close(conn)

    def _sweep(self):
        now = time.monotonic()
        while self.heads:
            conn = next(iter(self.heads))
            if conn.deadline > now:
                break
            self._close(conn)
        for conn in [c for c in self.bodies if c.deadline <= now]:
            self._close(conn)
        for sock in [s for s, t in self.lingering.items() if t <= now]:
            self._unlinger(sock)

    def _close(self, conn):
        if conn.registered:
            try:
                self.sel.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
            conn.registered = 0
        self.heads.pop(conn, None)
        self.bodies.discard(conn)
        self.conns.discard(conn)
        if conn.file is not None:
            conn.file.close()
            conn.file = None
        try:
            conn.sock.close()
        except OSError:
            pass


def make_server(site_dir, host="127.0.0.1", port=0, shaper=None, stats=None, faults=None,
                request_log=None, max_connections=None, idle_timeout=IDLE_TIMEOUT) -> Server:
    site = Path(site_dir).resolve()
    policy = http_rules.csp(http_rules.inline_script_hashes(site))
    handler = type("SiteHandler", (Handler,), {"site_dir": site, "policy": policy, "shaper": shaper,
                                               "stats": stats, "faults": faults, "request_log": request_log})
    return Server((host, port), handler, max_connections=max_connections, idle_timeout=idle_timeout)


def start(site_dir, host="127.0.0.1", port=0, **hooks):
    """Serve in a daemon thread; returns (server, base_url). Call server.shutdown() to stop.
    hooks: shaper=, stats= (benchmark), faults=, request_log= (tests), max_connections= and
    idle_timeout= (tests: the cap otherwise derived from the file limit, and IDLE_TIMEOUT)."""
    server = make_server(site_dir, host, port, **hooks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="site")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--max-connections", type=int, default=None,
                    help="open connections at most (default: from the file limit, %d now)" % connection_cap())
    args = ap.parse_args(argv)
    if not Path(args.dir, "index.html").is_file():
        raise SystemExit(f"{args.dir}/index.html not found — build the site first: python build_site.py")
    server = make_server(args.dir, args.host, args.port, max_connections=args.max_connections)
    print(f"Serving {args.dir} at http://{args.host}:{server.server_address[1]}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
