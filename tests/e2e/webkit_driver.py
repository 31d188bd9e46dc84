"""WebKitGTK (Debian webkit2gtk-driver: WebKitWebDriver, the iPhone's engine family) driven over
plain W3C WebDriver HTTP, in a private Xvfb display: one walk of a resident's path, the same
checks as tests/engines/walk.mjs (what is on screen: tests/engines/look.js)."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

LOOK = (Path(__file__).resolve().parents[1] / "engines" / "look.js").read_text(encoding="utf-8")
DRIVER = "WebKitWebDriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _xvfb():
    """A display of its own (-displayfd: Xvfb picks a free number and tells it)."""
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1024x900x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        with os.fdopen(r) as f:
            display = f.readline().strip()
        yield f":{display}"
    finally:
        proc.terminate()
        proc.wait(10)


class Session:
    def __init__(self, base: str):
        self.base = base
        self.sid = self._req("POST", "/session", {"capabilities": {"alwaysMatch": {
            "webkitgtk:browserOptions": {"args": ["--automation"]}}}})["sessionId"]

    def _req(self, method, path, body=None, timeout=180):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as f:
                return json.load(f)["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError(f"WebDriver {method} {path}: {e.read()[:400]!r}") from None

    def cmd(self, method, path, body=None):
        return self._req(method, f"/session/{self.sid}{path}", body)

    def js(self, script: str, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, selector: str, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.js("return !!document.querySelector(arguments[0])", selector):
                return True
            time.sleep(0.25)
        return False


def walk(url: str, amount: str | None = None) -> dict:
    """Open url in a 360-px wide window, optionally type amount and tap 算一算: what is on screen.
    (Classic WebDriver cannot listen from the page's start: script errors are seen by their effect.)"""
    if not shutil.which(DRIVER) or not shutil.which("Xvfb"):
        raise AssertionError("WebKitWebDriver and Xvfb are needed: `make chromium` installs webkit2gtk-driver and xvfb")
    with _xvfb() as display:
        port = _free_port()
        drv = subprocess.Popen([DRIVER, f"--port={port}"], env={**os.environ, "DISPLAY": display},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(base + "/status", timeout=2).read()
                    break
                time.sleep(0.1)
            s = Session(base)
            try:
                s.cmd("POST", "/window/rect", {"width": 360, "height": 740})
                s.cmd("POST", "/url", {"url": url})
                out = {"version": s.js("return navigator.userAgent")}
                s.wait('#calc-result[data-state="done"], #calc-failed:not([hidden])', 30)
                if amount:
                    out["linked"] = s.js("return (\n" + LOOK + "\n);")  # the share link's answer, before typing
                    out["engineReady"] = s.wait('#calculator[data-ready="true"]', 150)
                    s.js("""const e = document.querySelector('#calc-stay0-total'); e.value = arguments[0];
                            e.dispatchEvent(new Event('input', {bubbles: true}));
                            document.querySelector('#calc-result').dataset.state = 'stale';
                            document.querySelector('#calc-submit').click();""", amount)
                    s.wait('#calc-result[data-state="done"], #calc-result[data-state="error"], #calc-failed:not([hidden])', 30)
                time.sleep(1.5)
                out["look"] = s.js("return (\n" + LOOK + "\n);")
                return out
            finally:
                with contextlib.suppress(Exception):
                    s.cmd("DELETE", "")
        finally:
            drv.terminate()
            drv.wait(10)
