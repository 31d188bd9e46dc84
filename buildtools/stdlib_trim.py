"""The trimmed, precompiled standard library the browser worker boots from.

    trimmed_stdlib(wheel) -> (python_stdlib_trim.zip, python_stdlib_extra.zip, report)  (cached)

Pyodide's python_stdlib.zip is 2.5 MB of deflated .py source, and CPython compiles every module it
imports on each boot. The worker needs about 150 of its ~560 modules. Which ones is not a hand
list: corpus.py collects every call the engine's tests make into calc.api (plus meta and a sweep
over every region), and pyodide_corpus.mjs replays them in the real Pyodide under Node, keeps the
modules imported, compiles them to CPython bytecode with that same Pyodide, and fails the build
unless the trimmed zip (and a memory snapshot of it) gives every corpus answer unchanged.

The Node step takes ~15 s, so its output is cached in .build/stdlib/<key>/ where key hashes the
corpus itself, the wheel, the Pyodide runtime files it ran on and these build scripts: a new test,
case file or engine change makes a new key; an unchanged tree reuses the zip.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import corpus

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / ".build" / "stdlib"
RUNNER = Path(__file__).with_name("pyodide_corpus.mjs")
ZIP_NAME = "python_stdlib_trim.zip"
EXTRA_NAME = "python_stdlib_extra.zip"
# Inputs of the Node step besides the corpus and the wheel.
KEY_FILES = [PYODIDE / "package.json", PYODIDE / "python_stdlib.zip", PYODIDE / "pyodide.asm.wasm",
             PYODIDE / "pyodide.asm.mjs", PYODIDE / "pyodide.mjs", RUNNER, Path(__file__), Path(corpus.__file__)]


def log(msg: str) -> None:
    print(f"[stdlib_trim] {msg}", flush=True)


def _key(calls_json: bytes, wheels: list[Path]) -> str:
    h = hashlib.sha256()
    for blob in [calls_json, *(w.read_bytes() for w in wheels), *(p.read_bytes() for p in KEY_FILES)]:
        h.update(hashlib.sha256(blob).digest())
    return h.hexdigest()[:20]


def reused(entry: Path) -> tuple[Path, Path, dict]:
    """A finished cache entry named by STDLIB_TRIM_FROM: a test that rebuilds a copy of the tree with
    one figure changed (data, not code) reuses the tree's own trimmed library instead of replaying
    the whole corpus again. Never used by `make build` or `make dist`."""
    if not ((entry / "report.json").is_file() and (entry / ZIP_NAME).is_file()):
        raise SystemExit(f"STDLIB_TRIM_FROM={entry} is not a finished trimmed standard library")
    log(f"reusing {entry.name} (STDLIB_TRIM_FROM)")
    return entry / ZIP_NAME, entry / EXTRA_NAME, json.loads((entry / "report.json").read_text())


def finished() -> Path | None:
    """The newest finished cache entry (the build keeps one)."""
    done = [d for d in CACHE.glob("*") if (d / "report.json").is_file()] if CACHE.is_dir() else []
    return max(done, key=lambda d: d.stat().st_mtime, default=None)


def trimmed_stdlib(wheel: Path) -> tuple[Path, Path, dict]:
    """(trimmed zip, extra zip for the staff pages' calls, report) — built, verified and cached."""
    if os.environ.get("STDLIB_TRIM_FROM"):
        return reused(Path(os.environ["STDLIB_TRIM_FROM"]))
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        calls, extra_wheels = corpus.build(ROOT, Path(tmp), cache=CACHE)
        wheels = [wheel, *extra_wheels]  # the engine's first: the others are unpacked after it
        calls_json = json.dumps(calls, ensure_ascii=False, allow_nan=True, sort_keys=True).encode()
        key = _key(calls_json, wheels)
        done = CACHE / key
        if (done / "report.json").is_file() and (done / ZIP_NAME).is_file():
            log(f"cached {key} ({len(calls)} corpus calls)")
            return done / ZIP_NAME, done / EXTRA_NAME, json.loads((done / "report.json").read_text())
        corpus_file = Path(tmp) / "corpus.json"
        corpus_file.write_bytes(calls_json)
        work = CACHE / (key + ".tmp")
        shutil.rmtree(work, ignore_errors=True)
        log(f"running {len(calls)} corpus calls in Pyodide (Node) to trim the standard library")
        proc = subprocess.run(["node", str(RUNNER), "--pyodide", str(PYODIDE), "--wheels", ",".join(map(str, wheels)),
                               "--corpus", str(corpus_file), "--out", str(work)], cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit("trimming the standard library failed (see [pyodide_corpus] above)")
    shutil.rmtree(done, ignore_errors=True)
    work.rename(done)
    for old in CACHE.iterdir():  # keep the cache to the newest build
        if old.is_dir() and old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    return done / ZIP_NAME, done / EXTRA_NAME, json.loads((done / "report.json").read_text())


if __name__ == "__main__":  # python -m buildtools.stdlib_trim WHEEL
    import sys

    z, extra, rep = trimmed_stdlib(Path(sys.argv[1]))
    print(z, rep["zip_bytes"], len(rep["modules"]), "modules;", extra, rep["extra_bytes"], len(rep["extra_modules"]))
