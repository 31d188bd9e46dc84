"""The trimmed standard library (buildtools/stdlib_trim.py): bytecode only, derived from the
engine's tests, and a build that cannot pass when a module the engine needs is missing."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from buildtools import corpus, stdlib_trim  # noqa: E402


def manifest_files(site: Path) -> dict:
    return json.loads((site / "assets" / "calc-manifest.json").read_text())["files"]


def stdlib_imports_of_calc() -> set[str]:
    """Standard-library modules calc's modules import when they are imported (module level; not
    its CLI, __main__.py, which the browser never runs). Imports inside functions are reached only
    by the calls that run them: the corpus decides those."""
    names = set()
    for py in (ROOT / "calc").rglob("*.py"):
        if py.name == "__main__.py":
            continue
        for node in ast.parse(py.read_text("utf-8")).body:
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n in sys.stdlib_module_names}


def test_trimmed_stdlib_is_cpython_314_bytecode_of_what_calc_imports(built_site):
    files = manifest_files(built_site)
    # The worker boots from role "stdlib"; the stock zip is only its fallback, never fetched up front.
    assert files["stdlib"]["url"].endswith("python_stdlib_trim.zip") and not files["stdlib"].get("lazy")
    assert files["stdlib_full"]["url"].endswith("python_stdlib.zip") and files["stdlib_full"]["lazy"] is True
    assert files["lock"]["lazy"] is True  # no optional packages: the worker passes an empty lockfile
    assert files["stdlib_extra"]["lazy"] is True  # added before the first call other than estimate/meta
    extra = zipfile.ZipFile(built_site / files["stdlib_extra"]["url"]).namelist()
    trim = zipfile.ZipFile(built_site / files["stdlib"]["url"])
    full = zipfile.ZipFile(built_site / files["stdlib_full"]["url"])
    members = trim.namelist()
    assert members and all(m.endswith(".pyc") for m in members + extra)
    assert not set(members) & set(extra)
    # A package's modules all live in one zip (zipimport looks for submodules beside __init__).
    assert not {m.split("/")[0] for m in members if "/" in m} & {m.split("/")[0] for m in extra}
    full_sources = {m for m in full.namelist() if m.endswith(".py")}
    assert {m[:-1] for m in members} <= full_sources  # a subset of the stock library, nothing else
    assert len(members) < 0.4 * len(full_sources)
    magics = set()
    for m in members:
        head = trim.read(m)[:16]
        magics.add(head[:4])
        assert int.from_bytes(head[4:8], "little") == 0b01, m  # hash-based, unchecked: no source needed
    assert len(magics) == 1 and magics.pop()[2:4] == b"\r\n"
    # Every pure-Python stdlib module calc imports is there (decimal.py, json/, tomllib/ ...),
    # unless the interpreter has it frozen (io, os, ...: the build's report says which).
    report = next(json.loads(r.read_text()) for r in stdlib_trim.CACHE.glob("*/report.json")
                  if sorted(m + "c" for m in json.loads(r.read_text())["members"]) == sorted(members))
    for name in stdlib_imports_of_calc() - set(report["frozen"]):
        src = [f"{name}.py", f"{name}/__init__.py"]
        if any(s in full_sources for s in src):
            assert any(s + "c" in members + extra for s in src), name
    assert all(i.compress_type == zipfile.ZIP_STORED for i in trim.infolist())  # brotli on the wire instead


def test_build_fails_when_the_trimmed_set_misses_a_module(tmp_path):
    """Verification replays the corpus on the trimmed zip: leaving out a module calc needs
    (calc.params parses the region TOML with tomllib) must stop the build with its name."""
    wheels = sorted((ROOT / ".build" / "dist").glob("calc-*.whl"))
    assert wheels, "no calc wheel in .build/dist: build the site first"
    calls = tmp_path / "corpus.json"
    calls.write_text(json.dumps([{"fn": "meta", "args": []}]))
    proc = subprocess.run(["node", str(stdlib_trim.RUNNER), "--pyodide", str(stdlib_trim.PYODIDE),
                           "--wheels", str(wheels[-1]), "--corpus", str(calls), "--out", str(tmp_path / "out"),
                           "--drop", "tomllib._parser"], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "No module named 'tomllib._parser'" in proc.stderr, proc.stderr[-2000:]


def test_new_test_cases_join_the_corpus_without_edits(tmp_path):
    """A new case file under tests/cases is recorded by the corpus capture as it is."""
    for package in corpus.BROWSER_PACKAGES:
        (tmp_path / package).symlink_to(ROOT / package)
    (tmp_path / "buildtools").symlink_to(ROOT / "buildtools")
    cases = tmp_path / "tests" / "cases"
    cases.mkdir(parents=True)
    case = {"region": "yiyuan", "identities": ["tekun"],
            "stays": [{"total": "23456.78", "level": "1", "place": "county", "referral": True}]}
    (cases / "test_new_region_case.py").write_text(
        "import json\nfrom calc.api import estimate\n\n"
        f"CASE = {json.dumps(case)!r}\n\n"
        "def test_case():\n    assert json.loads(estimate(CASE))['ok']\n")
    calls = corpus.capture(tmp_path, tmp_path / "captured.json")
    assert {"module": "calc.api", "fn": "estimate", "args": [json.dumps(case)]} in calls
