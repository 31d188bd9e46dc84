"""Builds that test files need, made once per test run (and started early, tests/conftest.py).

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


_running: list = []  # build processes under way (stopped when the run ends before they do)


def _run_dir() -> Path:
    """This test run's folder for its builds: shared by the workers of `pytest -n` (they inherit
    MBZ_TEST_RUN from the run's first process, tests/conftest.py), else a new one."""
    run = os.environ.get("MBZ_TEST_RUN")
    base = Path(tempfile.gettempdir()) / f"mbz-builds-{run}" if run else Path(tempfile.mkdtemp(prefix="mbz-builds-"))
    base.mkdir(exist_ok=True)
    return base


def _once(name: str, args: list[str], env: dict) -> Path:
    """build_site.py `args` into <run dir>/<name>, once per run: the first to ask builds it (holding a
    lock), whoever asks meanwhile waits for it and then uses it."""
    base = _run_dir()
    out = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / f"{name}.built").exists():
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.Popen([sys.executable, str(ROOT / "build_site.py"), *args, "--out", str(out)],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            _running.append(proc)
            try:
                _, err = proc.communicate()
            finally:
                _running.remove(proc)
            assert proc.returncode == 0, err[-3000:]
            (base / f"{name}.built").write_text("", "utf-8")
    return out


def _env(**more) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_SETTINGS", "SITE_BUILD")}
    return {**env, **more}


@cache
def production_site() -> Path:
    given = os.environ.get("DEPLOYED_SITE_DIR")
    if given:
        return Path(given)
    return _once("deployed", ["--production"], _env(SITE_SETTINGS=str(EXAMPLE)))


@cache
def second_local_build() -> Path:
    """The local build (as `make build` made site/) once more, for the reproducibility check."""
    return _once("second", [], _env())


def start_in_background() -> None:
    """Start both builds now, one after the other, while the first tests run (they take minutes of
    one core; a test that needs one waits for it)."""
    import threading

    def both():
        try:
            production_site()
            second_local_build()
        except AssertionError:
            pass  # the test that asks for the build reports it
    threading.Thread(target=both, name="prebuild", daemon=True).start()


def stop_background() -> None:
    for proc in list(_running):
        proc.terminate()
