"""The engine's test corpus: every call the calc tests make into calc, plus meta and a sweep.

Used by stdlib_trim.py to find, by running it inside Pyodide, which standard-library modules the
browser worker needs. Nothing here is a hand list of cases:

- `capture(root)` runs the engine's tests (tests/unit, and tests/cases when it exists) natively
  under pytest with this module as a plugin (one pytest per core, each on a share of the files).
  The plugin wraps every public function of every module the worker may call (calc.api, paychart,
  calc.roster ... BROWSER_PACKAGES) before any test module imports it and records the outermost
  calls with their JSON-able arguments, so new tests, new case files and new engine modules are
  picked up without edits here. Test outcomes do not matter (the test run reports them); only the
  inputs are kept.
- `sweep()` adds `meta()` and, for every region / year / identity / scheme / tier that meta offers,
  one estimate whose stays cover every level, place and referral choice; and, when the site has a
  staff link builder (sitegen.staff), what it asks the worker: a QR code for a share link of each
  region, from the same two wheels (segno, staff_qr) the page loads; and what the roster page asks:
  real files in every encoding and format staff save (`roster_files()`: UTF-8, UTF-8 with BOM, GBK,
  GB18030, UTF-16, CR line ends, .xlsx through the openpyxl wheels), so that every codec and module
  those paths import ships. Sweep calls are marked "sweep": the snapshot round trip replays only these.

Hypothesis runs derandomized with no example database, so the corpus (and with it the trimmed
standard library) is the same on every build.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

OUT_ENV = "CALC_CORPUS_OUT"
# Everything the captured calls can depend on: a change to any file here captures again (~10 s);
# otherwise the last capture is reused (.build/stdlib/capture-<hash>.json).
CAPTURE_INPUTS = ("calc", "paychart", "roster", "tests/unit", "tests/cases", "tests/agreement", "benchmarks", "buildtools", "sitegen",
                  "pyproject.toml", "requirements-site.lock")
# What the first answer needs: estimate and meta (calc.api). The modules these calls import make
# the trimmed standard library every page boots from; what any other call imports (the chart,
# drawn when the resident scrolls to it; the staff pages' roster and QR code; calc's internals the
# tests call directly) goes into an extra zip the worker adds before the first such call. A wrong
# guess here costs speed, never an answer: the worker adds the extra zip, then the stock
# library, when an import fails.
CORE_MODULES = ("calc.api",)
# The packages the worker may call into (the wheels the browser unpacks): their calls are recorded.
BROWSER_PACKAGES = ("calc", "paychart", "roster")
TEST_DIRS = ("tests/unit", "tests/cases")
CAPTURE_PROCESSES = 4  # at most: one pytest per core


# ---------------------------------------------------------------- pytest plugin side
_calls: list[dict] = []
_depth = 0


def _jsonable(value) -> bool:
    try:
        json.dumps(value, allow_nan=True)
        return True
    except (TypeError, ValueError):
        return False


def _wrap(module, name, fn):
    @functools.wraps(fn)
    def recorder(*args, **kwargs):
        global _depth
        if _depth == 0:
            if kwargs or not _jsonable(list(args)):
                _calls.append({"module": module, "fn": name, "skipped": True})
            else:
                _calls.append({"module": module, "fn": name, "args": list(args)})
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
    import importlib
    import pkgutil

    modules = []
    for top in map(importlib.import_module, BROWSER_PACKAGES):
        modules.append(top)
        if hasattr(top, "__path__"):
            modules += [importlib.import_module(m.name) for m in pkgutil.walk_packages(top.__path__, top.__name__ + ".")
                        if not m.name.endswith("__main__")]  # the CLI: the browser never runs it
    wrapped = {}
    for mod in modules:  # re-exports (calc.estimate is calc.api.estimate) get the same wrapper
        for name, fn in list(vars(mod).items()):
            if (name.startswith("_") or not inspect.isfunction(fn)
                    or fn.__module__.split(".")[0] not in BROWSER_PACKAGES):
                continue
            if fn not in wrapped:
                wrapped[fn] = _wrap(fn.__module__, fn.__name__, fn)
            setattr(mod, name, wrapped[fn])


def pytest_unconfigure(config):
    out = os.environ.get(OUT_ENV)
    if out:
        Path(out).write_text(json.dumps(_calls, ensure_ascii=False, allow_nan=True), "utf-8")


# ---------------------------------------------------------------- build side
def _inputs_hash(root: Path) -> str:
    h = hashlib.sha256()
    for entry in CAPTURE_INPUTS:
        p = root / entry
        files = sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:20]


def capture_cached(root: Path, cache: Path, workdir: Path) -> list[dict]:
    key = _inputs_hash(root)
    hit = cache / f"capture-{key}.json"
    if hit.is_file():
        return json.loads(hit.read_text("utf-8"))
    calls = capture(root, workdir / "captured.json")
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("capture-*.json"):
        old.unlink()
    hit.write_text(json.dumps(calls, ensure_ascii=False, allow_nan=True), "utf-8")
    return calls


def _shards(root: Path, n: int) -> list[list[str]]:
    """The engine's test files in at most n groups of about the same size (the largest file first,
    each into the smallest group so far)."""
    files = sorted((f for d in TEST_DIRS if (root / d).is_dir() for f in (root / d).rglob("test_*.py")),
                   key=lambda f: (-f.stat().st_size, f.as_posix()))
    groups, sizes = [[] for _ in range(n)], [0] * n
    for f in files:
        i = sizes.index(min(sizes))
        groups[i].append(f.relative_to(root).as_posix())
        sizes[i] += f.stat().st_size
    return [sorted(g) for g in groups if g]


def capture(root: Path, out: Path) -> list[dict]:
    """Run the engine's tests natively with the recorder, one pytest per core on its share of the
    files; return the recorded calls, sorted (the same set in the same order however they ran)."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "buildtools.corpus", "-p", "no:cacheprovider",
           "-p", "no:randomly", "--no-header", "-o", "addopts="]
    runs = []
    for i, files in enumerate(_shards(root, max(1, min(CAPTURE_PROCESSES, os.cpu_count() or 1)))):
        part = out.with_name(f"{out.name}.{i}")
        runs.append((part, subprocess.Popen(cmd + files, cwd=root, env={**env, OUT_ENV: str(part)},
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    calls, failed = [], False
    for part, proc in runs:
        stdout, stderr = proc.communicate()
        # 0 = passed, 1 = some tests failed (the test run's business, inputs are still valid),
        # 5 = nothing collected. Anything else means pytest itself broke.
        if proc.returncode not in (0, 1, 5) or not part.is_file():
            raise SystemExit(f"capturing the calc test corpus failed (pytest exit {proc.returncode}):\n"
                             f"{stdout[-3000:]}\n{stderr[-3000:]}")
        failed |= proc.returncode == 1
        calls += json.loads(part.read_text("utf-8"))
    if failed:
        print("[stdlib_trim] note: some calc tests fail; their inputs are still used", flush=True)
    return sorted(calls, key=lambda c: json.dumps(c, sort_keys=True, ensure_ascii=False, allow_nan=True))


def sweep() -> list[dict]:
    """meta() and one estimate per region/year/identity/scheme/tier offered by meta."""
    import calc.api
    from calc import fields

    flags = [k for k, f in fields.STAY.items() if f.kind == "flag"]   # every declared yes/no, both ways
    calls = [{"module": "calc.api", "fn": "meta", "args": [], "sweep": True}]
    meta = json.loads(calc.api.meta())
    for region in meta.get("regions", []):
        rid = region["id"]
        levels = [lv["id"] if isinstance(lv, dict) else lv for lv in region.get("levels") or ["2"]]
        places = [p["id"] if isinstance(p, dict) else p for p in region.get("places") or ["county"]]
        stays = [{"total": str(3000 + 7919 * i), "out_of_policy": str(150 * i), "level": levels[i % len(levels)],
                  "place": places[i % len(places)], **{k: i % 2 == 0 for k in flags}}
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
                        calls.append({"module": "calc.api", "fn": "estimate",
                                      "args": [json.dumps(d, ensure_ascii=False)], "sweep": True})
    return calls


def roster_files() -> list[tuple[str, bytes]]:
    """(kind, file bytes) of the roster template saved every way staff save it."""
    import io

    import roster
    from roster.export import stable_xlsx
    text = roster.template_csv().lstrip("\ufeff")
    files = [("utf-8", text.encode("utf-8")), ("utf-8-sig", ("\ufeff" + text).encode("utf-8")),
             ("gbk", text.encode("gbk")), ("gb18030", (text + "张㐀,低保,1\r\n").encode("gb18030")),
             ("utf-16", text.replace(",", "\t").encode("utf-16")), ("utf-16-le", text.encode("utf-16-le")),
             ("utf-16-be", text.encode("utf-16-be")), ("cr", text.replace("\r\n", "\r").encode("utf-8"))]
    try:
        import openpyxl
    except ImportError:
        return files
    import csv
    wb = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(text)):
        wb.active.append([int(c) if c.isdigit() else c for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = stable_xlsx(buf.getvalue())  # no save-time clock: the same corpus, the same cache key
    return files + [("xlsx", xlsx), ("broken-xlsx", xlsx[:2000])]


def staff_wheels_and_calls():
    """([(file name, bytes)], calls): the staff pages' wheels (QR module, segno, openpyxl) and the
    calls they make, if any."""
    try:
        from sitegen import staff
    except ImportError:
        return [], []
    import base64

    import calc.api
    from calc.share import fragment

    wheels = [staff.segno_wheel(), (f"{staff.QR_MODULE}-1.0-py3-none-any.whl", staff.qr_wheel()), *staff.xlsx_wheels()]
    calls = []
    for region in json.loads(calc.api.meta()).get("regions", []):
        inp = {"region": region["id"], "identities": [region["identities"][0]["id"]],
               "stays": [{"total": "23456.78", "level": "2", "place": "county", "referral": True}]}
        text = "https://example.org/" + region["id"] + "/" + fragment(inp)
        calls.append({"module": staff.QR_MODULE, "fn": "call", "args": [json.dumps({"text": text})], "sweep": True})
    for kind, data in roster_files():
        payload = {"region": "yiyuan", "base64": base64.b64encode(data).decode("ascii"), "kind": kind}
        calls.append({"module": "roster.worker", "fn": "prepare_json", "args": [json.dumps(payload)], "sweep": True})
    import roster
    out = roster.run(roster.template_csv(), "yiyuan")
    calls.append({"module": "roster.worker", "fn": "xlsx_json", "sweep": True, "args": [json.dumps(
        {"rows": out["rows"], "columns": out["columns"], "with_group": out["with_group"], "footer": "x"},
        ensure_ascii=False)]})
    calls.append({"module": "roster.worker", "fn": "sheets_json", "sweep": True, "args": [json.dumps(
        {"rows": out["rows"], "region": "yiyuan", "base_url": "https://example.org/"}, ensure_ascii=False)]})
    return wheels, calls


def build(root: Path, workdir: Path, cache: Path | None = None) -> tuple[list[dict], list[Path]]:
    """The whole corpus, deduplicated, in a stable order, and the extra wheels it needs."""
    captured = capture_cached(root, cache, workdir) if cache else capture(root, workdir / "captured.json")
    wheels, staff_calls = staff_wheels_and_calls()
    paths = []
    for name, data in wheels:
        paths.append(workdir / name)
        paths[-1].write_bytes(data)
    skipped = sum(1 for c in captured if c.get("skipped"))
    if skipped:
        print(f"[stdlib_trim] note: {skipped} calc calls with non-JSON arguments not replayed", flush=True)
    seen, calls = set(), []
    for c in sweep() + staff_calls + [c for c in captured if not c.get("skipped")]:
        c = {**c, "extra": c["module"] not in CORE_MODULES}
        key = json.dumps(c, sort_keys=True, ensure_ascii=False, allow_nan=True)
        if key not in seen:
            seen.add(key)
            calls.append(c)
    return calls, paths
