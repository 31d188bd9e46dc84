"""One worker protocol (docs/assets/runtime/protocol.js): the page's first engine started from <head>
(the build inlines protocol.js's early-start part), calc-client.js's engines and the roster's extra
engines are all named "<role>-…@<build>" with the page's build, so every engine makes the one-version
check (worker.js reads the build back with the same buildOf); no module makes a worker another way."""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest

from sitegen.instant import early_script

ROOT = pathlib.Path(__file__).resolve().parents[2]
ASSETS = ROOT / "docs" / "assets"


def test_every_engine_is_named_with_the_page_build(tmp_path):
    if not shutil.which("node"):
        pytest.fail("node is needed (npm ci)")
    html = early_script("../assets/runtime/worker.js")
    body = re.fullmatch(r"<script>(.*)</script>", html, re.S).group(1)
    (tmp_path / "early.js").write_text(body, "utf-8")
    proc = subprocess.run(["node", str(ROOT / "tests" / "unit" / "protocol_check.mjs"), str(tmp_path / "early.js"),
                           str(ASSETS / "runtime" / "protocol.js")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    early, roster = out["made"]
    assert early["url"] == "../assets/runtime/worker.js" and early["type"] == "module"
    assert re.fullmatch(r"calc-engine-0-[0-9a-z]+@b1d", early["name"]) and out["early"]["name"] == early["name"]
    assert re.fullmatch(r"roster-engine-2-[0-9a-z]+@b1d", roster["name"]) and roster["type"] == "module"
    assert out["builds"] == ["b1d", "b1d"]
    assert out["request"] == {"id": 3, "type": "call", "payload": '{"a":1}'}
    assert out["isAck"] is False and out["isReply"] is True
    _deadlines_fit_the_calls(out["answerMs"])


def _deadlines_fit_the_calls(answer_ms: dict) -> None:
    """Every call the page's engine takes has a deadline; a staff call's leaves room for many reading
    steps (a phone is several times slower than this machine, and the roster's extra engines start
    beside it); the roster's extra engines wait as long for the same calls."""
    from roster import worker

    client = (ASSETS / "runtime" / "calc-client.js").read_text("utf-8")
    types = set(re.findall(r'\bcall\("(\w+)"', client))
    assert types == set(answer_ms) == {"estimate", "meta", "chart", "wheel", "call"}
    assert "ANSWER_MS[type]" in client and not re.search(r"setTimeout\([^;]*\b\d{4,}\)", client)
    assert answer_ms["call"] >= 10 * worker.STEP_SECONDS * 1000
    assert min(answer_ms[t] for t in ("estimate", "meta", "chart")) >= 4000
    pool = (ASSETS / "staff" / "roster-pool.js").read_text("utf-8")
    assert "ANSWER_MS.call" in pool and not re.search(r"\b\d{5}\b", pool)


def test_workers_are_made_only_through_the_protocol():
    users = {"runtime/calc-client.js", "staff/roster-pool.js", "runtime/worker.js"}
    for rel in users:
        text = (ASSETS / rel).read_text("utf-8")
        assert 'from "./protocol.js"' in text or 'from "../runtime/protocol.js"' in text, rel
    for js in ASSETS.rglob("*.js"):
        rel = js.relative_to(ASSETS).as_posix()
        if rel == "runtime/protocol.js":
            continue
        text = js.read_text("utf-8")
        for m in re.finditer(r"new Worker\(([^)]*)\)", text):
            # only the snapshot helper (not an engine) is started directly
            assert "snapshot-reader" in m.group(1) or "SNAPSHOT" in m.group(1).upper(), f"{rel}: {m.group(0)}"
    main = (ROOT / "overrides" / "main.html").read_text("utf-8")
    assert "new Worker" not in main and "<!--CALC-EARLY" in main
