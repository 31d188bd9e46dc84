"""The engine's test corpus: every call the calc tests make into `calc.api`, plus meta and a sweep.

Used by stdlib_trim.py to find, by running it inside Pyodide, which standard-library modules the
browser worker needs. Nothing here is a hand list of cases:

- `capture(root)` runs the engine's tests (tests/unit, and tests/cases when it exists) natively
  under pytest with this module as a plugin. The plugin wraps every public function of
  `calc.api` before any test module imports it and records the outermost calls with their
  JSON-able arguments, so new tests and new case files are picked up without edits here.
  Test outcomes do not matter (the test run reports them); only the inputs are kept.
- `sweep()` adds `meta()` and, for every region / year / identity / scheme / tier that meta offers,
  one estimate whose stays cover every level, place and referral choice (marked "sweep": the
  snapshot round trip replays only these).

Hypothesis runs derandomized with no example database, so the corpus (and with it the trimmed
standard library) is the same on every build.
"""
from __future__ import annotations

import functools
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

OUT_ENV = "CALC_CORPUS_OUT"
TEST_DIRS = ("tests/unit", "tests/cases")


# ---------------------------------------------------------------- pytest plugin side
_calls: list[dict] = []
_depth = 0


def _jsonable(value) -> bool:
    try:
        json.dumps(value, allow_nan=True)
        return True
    except (TypeError, ValueError):
        return False


def _wrap(name, fn):
    @functools.wraps(fn)
    def recorder(*args, **kwargs):
        global _depth
        if _depth == 0:
            if kwargs or not _jsonable(list(args)):
                _calls.append({"fn": name, "skipped": True})
            else:
                _calls.append({"fn": name, "args": list(args)})
        _depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _depth -= 1

    return recorder


def pytest_configure(config):
    """Runs before collection, so `from calc.api import estimate_dict` in tests gets the wrapper."""
    try:
        from hypothesis import settings

        settings.register_profile("calc-corpus", derandomize=True, database=None, print_blob=False)
        settings.load_profile("calc-corpus")
    except ImportError:
        pass
    import calc.api as api

    for name, fn in list(vars(api).items()):
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != api.__name__:
            continue
        setattr(api, name, _wrap(name, fn))


def pytest_unconfigure(config):
    out = os.environ.get(OUT_ENV)
    if out:
        Path(out).write_text(json.dumps(_calls, ensure_ascii=False, allow_nan=True), "utf-8")


# ---------------------------------------------------------------- build side
def capture(root: Path, out: Path) -> list[dict]:
    """Run the engine's tests natively with the recorder; return the recorded calls."""
    dirs = [d for d in TEST_DIRS if (root / d).is_dir()]
    env = {**os.environ, OUT_ENV: str(out), "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "buildtools.corpus", "-p", "no:cacheprovider",
           "-p", "no:randomly", "--no-header", "-o", "addopts=", *dirs]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    # 0 = passed, 1 = some tests failed (the test run's business, inputs are still valid),
    # 5 = nothing collected. Anything else means pytest itself broke.
    if proc.returncode not in (0, 1, 5) or not out.is_file():
        raise SystemExit(f"capturing the calc test corpus failed (pytest exit {proc.returncode}):\n"
                         f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    if proc.returncode == 1:
        print("[stdlib_trim] note: some calc tests fail; their inputs are still used", flush=True)
    return json.loads(out.read_text("utf-8"))


def sweep() -> list[dict]:
    """meta() and one estimate per region/year/identity/scheme/tier offered by meta."""
    import calc.api

    calls = [{"fn": "meta", "args": [], "sweep": True}]
    meta = json.loads(calc.api.meta())
    for region in meta.get("regions", []):
        rid = region["id"]
        levels = [lv["id"] if isinstance(lv, dict) else lv for lv in region.get("levels") or ["2"]]
        places = [p["id"] if isinstance(p, dict) else p for p in region.get("places") or ["county"]]
        stays = [{"total": str(3000 + 7919 * i), "out_of_policy": str(150 * i), "level": levels[i % len(levels)],
                  "place": places[i % len(places)], "referral": i % 2 == 0}
                 for i in range(max(len(levels), len(places), 2))]
        stays.append({"total": "380000", "out_of_policy": "20000", "level": levels[-1], "place": places[-1],
                      "referral": True})
        identities = [i["id"] if isinstance(i, dict) else i for i in region.get("identities") or []] or [None]
        for year in region.get("years") or [None]:
            for ident in identities:
                for scheme in region.get("schemes") or ["resident"]:
                    for tier in ((1, 2) if region.get("tier") else (None,)):
                        d = {"region": rid, "stays": stays, "outpatient": {"chronic": "4000", "special_drugs": "2500"}}
                        if year is not None:
                            d["year"] = year
                        if ident is not None:
                            d["identities"] = [ident]
                        if scheme != "resident":
                            d["scheme"], d["wage"] = scheme, "4500"
                        if tier is not None:
                            d["tier"] = tier
                        calls.append({"fn": "estimate", "args": [json.dumps(d, ensure_ascii=False)], "sweep": True})
    return calls


def build(root: Path, workdir: Path) -> list[dict]:
    """The whole corpus, deduplicated, in a stable order."""
    captured = capture(root, workdir / "captured.json")
    skipped = sum(1 for c in captured if c.get("skipped"))
    if skipped:
        print(f"[stdlib_trim] note: {skipped} calc calls with non-JSON arguments not replayed", flush=True)
    seen, calls = set(), []
    for c in sweep() + [c for c in captured if not c.get("skipped")]:
        key = json.dumps(c, sort_keys=True, ensure_ascii=False, allow_nan=True)
        if key not in seen:
            seen.add(key)
            calls.append(c)
    return calls
