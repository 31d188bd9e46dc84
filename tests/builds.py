"""Builds that several test files need, made once per test session.

A production build with the example settings (site-settings.example.toml) is checked by the site
tests (QR codes, og tags) and walked by the e2e tests (links to base_url): one build serves both.
DEPLOYED_SITE_DIR names one already built that way, to skip it while working on those tests."""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "site-settings.example.toml"


@cache
def production_site() -> Path:
    given = os.environ.get("DEPLOYED_SITE_DIR")
    if given:
        return Path(given)
    # One build per test run, shared by the workers of `pytest -n` (they inherit MBZ_TEST_RUN from
    # the run's first process, tests/conftest.py): the first to ask builds it, the other waits.
    run = os.environ.get("MBZ_TEST_RUN")
    base = Path(tempfile.gettempdir()) / f"mbz-deployed-{run}" if run else Path(tempfile.mkdtemp(prefix="mbz-deployed-"))
    base.mkdir(exist_ok=True)
    out = base / "site"
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "built").exists():
            shutil.rmtree(out, ignore_errors=True)
            env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_SETTINGS", "SITE_BUILD")}
            env["SITE_SETTINGS"] = str(EXAMPLE)
            r = subprocess.run([sys.executable, str(ROOT / "build_site.py"), "--production", "--out", str(out)],
                               cwd=ROOT, env=env, capture_output=True, text=True)
            assert r.returncode == 0, r.stderr[-3000:]
            (base / "built").write_text("", "utf-8")
    return out
