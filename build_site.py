"""Build the static site into site/ (or --out DIR).

1. calc wheel with the standard build backend (python -m build --wheel; pyodide-build 0.25.1
   cannot target Pyodide 314 — see ARCHITECTURE.md "Build notes"), SOURCE_DATE_EPOCH pinned so the zip is reproducible
2. sitegen.generate(docs/)  — generated markdown pages
3. mkdocs build
4. post-processing (postprocess): the Pyodide runtime into pyodide/<version>-<hash>/, the wheel
   into wheels/<hash>/, assets/calc-manifest.json (sha256 + size of each file the worker checks),
   one CSP for every page (meta) and the host configs (_headers; scripts/http_rules.py), external
   fonts removed, service worker version + precache list, deterministic sitemap.xml.gz,
   pre-compressed .br/.gz, file dates derived from content (see normalise_mtimes)

Building twice gives byte-identical output (tests/site/test_reproducible.py).
"""
from __future__ import annotations

import argparse
import contextlib
import base64
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from buildtools import stdlib_trim
from scripts import http_rules

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
PYODIDE_SRC = ROOT / "node_modules" / "pyodide"
# The runtime the worker loads, by role — the one list: the copy into pyodide/<version>-<hash>/,
# the manifest the worker checks every byte against, the pages' preload hints and the service
# worker's precache all come from it. Only what loadPyodide needs (no lockfile packages are used).
# A derived file (a trimmed stdlib, a snapshot) replaces or joins an entry here; the worker finds
# files by role ("loader", "asm", "wasm", "stdlib", "lock"). Pyodide itself requires the names
# pyodide.asm.wasm next to the loader; other names are free.
RUNTIME = {
    "loader": PYODIDE_SRC / "pyodide.mjs",
    "asm": PYODIDE_SRC / "pyodide.asm.mjs",
    "wasm": PYODIDE_SRC / "pyodide.asm.wasm",
    "stdlib_full": PYODIDE_SRC / "python_stdlib.zip",
    "lock": PYODIDE_SRC / "pyodide-lock.json",
}
# Role "stdlib" is the trimmed, precompiled standard library (buildtools/stdlib_trim.py)
# and "stdlib_extra" what only later calls import (the chart, the staff tools), each in a
# content-addressed directory of its own so an engine change does not move the stock runtime (and
# its 2.7 MB wasm) to a new URL. Lazy roles are fetched only when needed and not precached: the
# extra zip before the first call that is not estimate/meta; the stock zip ("stdlib_full") as the
# fallback on an import error; the lockfile lists Pyodide's 357 optional packages, none of which
# the engine loads, so the worker passes loadPyodide one with no packages, built from its "info"
# (copied into the manifest).
LAZY_ROLES = ("stdlib_full", "lock", "stdlib_extra")
PRELOAD_ROLES = ("wasm", "stdlib")  # the big ones: the page starts them before the worker runs
CACHE = ROOT / ".build"
# Fixed build time: wheel zip entries, mkdocs dates, gzip headers. Override via env if wanted.
SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
COMPRESS_EXT = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".zip", ".svg", ".xml", ".txt", ".map"}
COMPRESS_MIN = 1024
CSP_PLACEHOLDER = "__CSP__"
PRELOAD_PLACEHOLDER = re.compile(r"<!--RUNTIME-PRELOAD (\S*)-->")
BUILD_PLACEHOLDER = "__CALC_BUILD__"  # overrides/main.html: the deploy a page belongs to (manifest "build")
PRECACHE_REPORT = "assets/precache.json"  # what sw.js precaches, by role (write_service_worker)


def log(msg: str) -> None:
    print(f"[build_site] {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONHASHSEED": "0"}
    subprocess.run(cmd, check=True, cwd=ROOT, env=env, **kw)


def build_wheel() -> Path:
    out = CACHE / "dist"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # stale setuptools build dir would leak files
    # --no-isolation: the pinned setuptools from requirements-site.txt, no download per build.
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        stdout=subprocess.DEVNULL)
    wheels = sorted(out.glob("calc-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one calc wheel in {out}, found {wheels}")
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    shutil.rmtree(ROOT / "calc.egg-info", ignore_errors=True)
    return wheels[0]


def run_sitegen() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import sitegen
    except ImportError as e:
        raise SystemExit(f"sitegen is not available yet ({e}); the site helper is writing it — retry later")
    sitegen.generate(DOCS)


def run_mkdocs(out: Path) -> None:
    if not (ROOT / "mkdocs.yml").is_file():
        raise SystemExit("mkdocs.yml not found (owned by the site helper) — cannot build yet")
    # not --quiet: it hides warnings from mkdocs.yml's `strict: true` too, and the build would pass them
    run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(out)])


EXTERNAL_FONT = re.compile(
    r"<link[^>]*(?:fonts\.googleapis\.com|fonts\.gstatic\.com)[^>]*>\s*", re.I)


def process_html(path: Path, manifest: dict) -> None:
    """External fonts out; runtime preload hints (from RUNTIME) in."""
    html = path.read_text("utf-8")
    html = EXTERNAL_FONT.sub("", html)

    def preloads(m):
        base = m.group(1).rstrip("/")
        return "".join(
            f'<link rel="preload" href="{base}/{manifest["files"][role]["url"]}" as="fetch" crossorigin="anonymous">'
            for role in PRELOAD_ROLES)

    html = PRELOAD_PLACEHOLDER.sub(preloads, html)
    from sitegen.instant import early_start, module_preloads  # the calculator's modules, preloaded
    html = early_start(module_preloads(html))  # and its first engine, started from <head> (protocol.js)
    html = html.replace(BUILD_PLACEHOLDER, manifest["build"])
    path.write_text(html, "utf-8")


def apply_csp(out: Path) -> str:
    """One policy for the whole site (pages, worker, service worker): the hashes of the inline
    scripts the build itself writes (buildtools/inline_scripts.py, from the templates), never of
    whatever a page contains: a page with any other inline script stops the build."""
    from buildtools import inline_scripts
    patterns = inline_scripts.known_patterns()
    hashes, strangers = set(), []
    pages = sorted(out.rglob("*.html"))
    for path in pages:
        bodies = http_rules.inline_scripts_of(path.read_text("utf-8"))
        strangers += [(path, b) for b in inline_scripts.unknown(bodies, patterns)]
        hashes.update(http_rules.script_hash(b) for b in bodies)
    if strangers:
        path, body = strangers[0]
        raise SystemExit(f"构建停止：{path.relative_to(out)} 里有一段不是构建写的内联脚本（检查 site-settings.toml 里"
                         f"的网址和文字） (build stopped: {len(strangers)} inline script(s) the build did not write, "
                         f"first in {path.relative_to(out)}: {body[:80]!r})")
    policy = http_rules.csp(sorted(hashes))
    for path in pages:
        html = path.read_text("utf-8")
        if CSP_PLACEHOLDER in html:
            path.write_text(html.replace(CSP_PLACEHOLDER, policy), "utf-8")
        elif http_rules.script_hashes_of(html):
            log(f"warning: {path} has inline scripts but no CSP meta (overrides/main.html not used?)")
    return policy


def write_host_configs(out: Path, policy: str) -> None:
    """Netlify / Cloudflare Pages read _headers from the published directory. The nginx config
    and a copy of _headers are checked in under deploy/ (tests/site/test_host_configs.py)."""
    (out / "_headers").write_text(http_rules.render_headers_file(policy), "utf-8")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_runtime(out: Path, wheel: Path, derived: dict[str, Path]) -> dict:
    """Runtime + wheel into content-addressed directories; assets/calc-manifest.json lists each
    file the worker loads with its sha256 and size (the worker refuses anything else)."""
    digests = {}
    for role, src in RUNTIME.items():
        if not src.is_file():
            raise SystemExit(f"{src} missing — run `npm ci` first")
        digests[role] = sha256_file(src)
    combined = hashlib.sha256("".join(f"{RUNTIME[r].name}:{digests[r]}\n" for r in sorted(RUNTIME)).encode())
    runtime_dir = f"pyodide/{pyodide_version()}-{combined.hexdigest()[:10]}/"
    (out / runtime_dir).mkdir(parents=True, exist_ok=True)
    files = {}
    for role, src in RUNTIME.items():
        shutil.copyfile(src, out / runtime_dir / src.name)
        files[role] = {"url": runtime_dir + src.name, "sha256": digests[role], "bytes": src.stat().st_size}
    wheel_sha = sha256_file(wheel)
    rel = f"wheels/{wheel_sha[:12]}/{wheel.name}"
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(wheel, out / rel)
    files["wheel"] = {"url": rel, "sha256": wheel_sha, "bytes": wheel.stat().st_size}
    for role, src in derived.items():  # the trimmed standard library
        sha = sha256_file(src)
        rel_path = f"pyodide/stdlib-{sha[:12]}/{src.name}"
        (out / rel_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / rel_path)
        files[role] = {"url": rel_path, "sha256": sha, "bytes": src.stat().st_size}
    for role in LAZY_ROLES:
        files[role]["lazy"] = True
    for f in files.values():  # what travels (progress counts these)
        f["wire"] = wire_sizes(out / f["url"])
    # "build": which deploy's engine this is. Every page carries the same id (overrides/main.html);
    # the worker refuses to compute for a page of another deploy.
    # It covers what an answer depends on: the runtime, the standard library and the wheel (calc
    # and the region data, from which the pages' figures are made too).
    build = hashlib.sha256("|".join(files[r]["sha256"] for r in sorted(files)).encode()).hexdigest()[:16]
    manifest = {"pyodide": pyodide_version(), "build": build, "runtime": runtime_dir, "files": files,
                "bytes": sum(f["bytes"] for f in files.values() if not f.get("lazy")),
                "lockfile_info": json.loads(RUNTIME["lock"].read_text("utf-8"))["info"]}
    (out / "assets").mkdir(exist_ok=True)
    (out / "assets" / "calc-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return manifest


def pyodide_version() -> str:
    return json.loads((PYODIDE_SRC / "package.json").read_text())["version"]


def fix_sitemap(out: Path) -> None:
    xml = out / "sitemap.xml"
    gz = out / "sitemap.xml.gz"
    if xml.is_file():
        gz.write_bytes(gzip_bytes(xml.read_bytes()))


def wire_sizes(path: Path) -> dict:
    """Bytes on the wire for each encoding precompress() will offer for this file ({} if none)."""
    if path.suffix not in COMPRESS_EXT or path.stat().st_size < COMPRESS_MIN:
        return {}
    data = path.read_bytes()
    return {"br": len(brotli_bytes(data)), "gzip": len(gzip_bytes(data))}


def gzip_bytes(data: bytes) -> bytes:
    if len(data) > 256_000:  # the runtime's big files: compressed once per content (like brotli_bytes)
        cached = CACHE / "gz" / hashlib.sha256(data).hexdigest()
        if cached.is_file():
            return cached.read_bytes()
        out = _gzip(data)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(out)
        return out
    return _gzip(data)


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buf, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def brotli_bytes(data: bytes) -> bytes:
    import brotli

    # q11 on the 9.6 MB wasm takes ~27 s: cache by content hash so rebuilds stay fast.
    key = hashlib.sha256(data).hexdigest()
    cached = CACHE / "br" / key
    if cached.is_file():
        return cached.read_bytes()
    out = brotli.compress(data, quality=11)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(out)
    return out


def site_files(out: Path):
    return sorted(p for p in out.rglob("*") if p.is_file())


def is_derived(rel: str) -> bool:
    """Files made from others (compressed copies) or read only by hosts (_headers)."""
    return rel.endswith((".gz", ".br")) or rel == "_headers"


def write_service_worker(out: Path) -> None:
    """sw.js from the docs/sw.js template: a version that changes with any file of the site (so a
    corrected figure means a new worker and a new cache), the precache list (by role, not by size:
    buildtools/precache.py), and the URL prefixes whose files never change (reused from the
    previous cache instead of downloaded again). The precache size is logged and kept in
    assets/precache.json for docs/benchmarks.md."""
    from buildtools import precache as precache_roles

    template = (DOCS / "sw.js").read_text("utf-8")
    manifest = json.loads((out / "assets" / "calc-manifest.json").read_text("utf-8"))
    h = hashlib.sha256(template.encode())
    for p in site_files(out):
        rel = p.relative_to(out).as_posix()
        if rel in ("sw.js", PRECACHE_REPORT) or is_derived(rel):
            continue
        h.update(rel.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    entries = precache_roles.precache_entries(out, manifest, ROOT / "mkdocs.yml")
    precache = [url for url, _, _ in entries]
    version = h.hexdigest()[:16]
    text = template.replace("__SW_VERSION__", version)
    text = text.replace("/*__SW_PRECACHE__*/ []", json.dumps(precache, indent=0))
    expected = {}
    for url in precache:  # size and sha256 of each, checked by sw.js as it precaches
        f = out / (url + "index.html" if url.endswith("/") else url) if url != "./" else out / "index.html"
        expected[url] = [f.stat().st_size, sha256_file(f)]
    text = text.replace("/*__SW_EXPECTED__*/ {}", json.dumps(expected, separators=(",", ":")))
    text = text.replace("/*__SW_IMMUTABLE__*/ []", json.dumps([p.lstrip("/") for p in http_rules.IMMUTABLE_PREFIXES]))
    (out / "sw.js").write_text(text, "utf-8")
    by_role: dict[str, list[int]] = {}
    for _, role, size in entries:
        by_role.setdefault(role, [0, 0])
        by_role[role][0] += 1
        by_role[role][1] += size
    report = {"version": version, "urls": len(entries), "bytes": sum(s for _, _, s in entries),
              "roles": {r: {"urls": n, "bytes": b} for r, (n, b) in sorted(by_role.items())}}
    (out / PRECACHE_REPORT).write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    log(f"service worker version {version}, {len(precache)} precached URLs, {report['bytes']:,} bytes")


def precompress(out: Path) -> None:
    for p in site_files(out):
        if is_derived(p.relative_to(out).as_posix()):
            continue
        if p.suffix not in COMPRESS_EXT or p.stat().st_size < COMPRESS_MIN:
            continue
        data = p.read_bytes()
        p.with_name(p.name + ".gz").write_bytes(gzip_bytes(data))
        p.with_name(p.name + ".br").write_bytes(brotli_bytes(data))


CONTENT_DATE_SPAN = 10 * 365 * 86400


def normalise_mtimes(out: Path) -> None:
    """Every file's date is derived from its sha256 (a fixed date within the ten years before
    SOURCE_DATE_EPOCH): reproducible, yet different whenever the content differs, so hosts that
    validate by date and size (nginx's ETag, an exact If-Modified-Since) revalidate correctly.
    A single fixed date made a corrected page of the same size look unchanged."""
    base = int(SOURCE_DATE_EPOCH)
    for p in site_files(out):
        t = base - int(sha256_file(p)[:12], 16) % CONTENT_DATE_SPAN
        os.utime(p, (t, t))


def postprocess(out: Path, manifest: dict) -> None:
    for html in out.rglob("*.html"):
        process_html(html, manifest)
    policy = apply_csp(out)
    write_host_configs(out, policy)
    fix_sitemap(out)
    refresh(out)


def refresh(out: Path) -> None:
    """The steps that follow from the files' content: rerun after changing a built site (tests)."""
    write_service_worker(out)
    precompress(out)
    normalise_mtimes(out)


def build(out: Path) -> Path:
    out = Path(out).resolve()
    log("building calc wheel")
    wheel = build_wheel()
    log(f"wheel {wheel.name}: {wheel.stat().st_size} bytes")
    trimmed, extra, trim_report = stdlib_trim.trimmed_stdlib(wheel)
    log(f"trimmed standard library: {len(trim_report['modules'])} modules, {trimmed.stat().st_size} bytes "
        f"(+ {len(trim_report['extra_modules'])} for later calls, {extra.stat().st_size} bytes)")
    log("generating pages (sitegen)")
    run_sitegen()
    log(f"mkdocs build -> {out}")
    run_mkdocs(out)
    log("post-processing")
    manifest = copy_runtime(out, wheel, {"stdlib": trimmed, "stdlib_extra": extra})
    postprocess(out, manifest)
    log("done")
    return out


@contextlib.contextmanager
def one_build_at_a_time():
    """Builds of one tree share it (staged notices in calc/regions/, generated pages in docs/,
    setuptools' build/): a second build started meanwhile (two test workers, two terminals) waits."""
    import fcntl
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Build the static site")
    ap.add_argument("--out", default=str(ROOT / "site"), help="output directory (default site/)")
    # --- staff toolkit hook: deployment settings (sitegen/settings.py, site-settings.toml) ---
    ap.add_argument("--production", action="store_true",
                    help="deployable build: refuses a missing/local base_url or figures_date in site-settings.toml")
    ap.add_argument("--check-settings", action="store_true",
                    help="only validate site-settings.toml (with --production: as for deploying) and exit")
    args = ap.parse_args(argv)
    if args.production:
        os.environ["SITE_BUILD"] = "production"
    sys.path.insert(0, str(ROOT))
    from sitegen import settings as site_settings
    if args.check_settings:
        sys.exit(site_settings.check_main(args.production))
    from sitegen import overlays
    settings = site_settings.load(log=None)  # fail fast, naming the setting (before waiting for another build)
    try:
        with one_build_at_a_time():
            overlays.stage(settings)  # local notices into calc
            # --- end staff toolkit hook ---
            build(Path(args.out))
    except ModuleNotFoundError as e:  # run with a Python without the site's packages (the system one)
        target = "make dist" if args.production else "make build"
        raise SystemExit(f"缺少 Python 包 {e.name}：请用 `{target}`（它先建 .venv 并装好 requirements-site.lock），"
                         f"或用 .venv/bin/python build_site.py (missing Python package {e.name}; run `{target}` "
                         "or .venv/bin/python build_site.py)") from None


if __name__ == "__main__":
    main()
