"""Helpers for the delivery tests: site copies that can be changed like a redeploy,
servers with faults, and a record of what the calculator's worker said."""
from __future__ import annotations

import base64
import gzip
import json
import shutil
from contextlib import contextmanager
from pathlib import Path

from scripts.serve import start

# Every message any Worker of the page posts to it, in window.__workerMessages (the worker's own
# progress/ready/error messages; installed before the page's scripts run).
RECORD_WORKER_MESSAGES = """(() => {
  const Native = window.Worker;
  window.__workerMessages = [];
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => window.__workerMessages.push(e.data));
    }
  };
})();"""

SAMPLE = {"region": "xianning", "year": 2022, "identities": ["dibao"],
          "stays": [{"total": "37651", "out_of_policy": "4129", "level": "2", "place": "county", "referral": True}]}


def manifest(site: Path) -> dict:
    return json.loads((site / "assets" / "calc-manifest.json").read_text())


def copy_site(site: Path, dst: Path) -> Path:
    """A real copy (no links): tests rewrite files in it the way a redeploy would."""
    shutil.copytree(site, dst)
    return dst


def rewrite(path: Path, data: bytes) -> None:
    """Replace a file and its pre-compressed copies, as a host serving a changed file would."""
    path.write_bytes(data)
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        gz.write_bytes(gzip.compress(data))
    br = path.with_name(path.name + ".br")
    if br.exists():
        import brotli

        br.write_bytes(brotli.compress(data, quality=4))  # fast; only its consistency matters


@contextmanager
def plain_server(directory: Path):
    """A bare static server without any of our headers (no CSP): controls for the CSP tests."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextmanager
def serving(site: Path, **hooks):
    server, url = start(site, **hooks)
    try:
        yield url
    finally:
        server.shutdown()


def share_code(input_: dict) -> str:
    raw = json.dumps(input_, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def calc_outcome(page, payload=None, timeout_ms=20_000) -> dict:
    """{'ok': result} or {'kind', 'message', 'file'} of the current client's start (and estimate)."""
    return page.evaluate("""async ([payload, ms]) => {
        const timeout = new Promise((_, rej) => setTimeout(() => rej({kind: 'test-timeout', message: 'no answer'}), ms));
        try {
            const calc = await Promise.race([window.__calcReady, timeout]);
            if (!payload) return {ok: true};
            return {ok: await Promise.race([calc.estimate(payload), timeout])};
        } catch (e) {
            return {kind: e.kind, message: e.message, file: e.file || null};
        }
    }""", [payload, timeout_ms])


def engine_workers(page):
    return [w for w in page.workers if w.url.split("?")[0].endswith("/assets/runtime/worker.js")]


def kill_engine(page) -> None:
    """The worker dies silently (as when a phone's browser ends it): self.close() inside it."""
    workers = engine_workers(page)
    assert workers, "no engine worker to kill"
    for w in workers:
        try:
            w.evaluate("() => { setTimeout(() => close(), 0); return 1; }")
        except Exception:
            pass
