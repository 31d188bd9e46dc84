"""Build the static site into site/ (or --out DIR).

1. calc wheel with the standard build backend (python -m build --wheel; pyodide-build 0.25.1
   cannot target Pyodide 314 — see README), SOURCE_DATE_EPOCH pinned so the zip is reproducible
2. sitegen.generate(docs/)  — generated markdown pages
3. mkdocs build
4. post-processing: Pyodide runtime files from node_modules/pyodide into pyodide/, the wheel into
   wheels/<hash>/, assets/calc-manifest.json, CSP script hashes, external fonts removed,
   service worker version + precache list, deterministic sitemap.xml.gz, pre-compressed .br/.gz

Building twice gives byte-identical output (tests/site/test_reproducible.py).
"""
from __future__ import annotations

import argparse
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
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
PYODIDE_SRC = ROOT / "node_modules" / "pyodide"
# Only what loadPyodide actually fetches (no packages from the lockfile are used).
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
CACHE = ROOT / ".build"
# Fixed build time: wheel zip entries, mkdocs dates, gzip headers. Override via env if wanted.
SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
COMPRESS_EXT = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".zip", ".svg", ".xml", ".txt", ".map"}
COMPRESS_MIN = 1024
CSP_PLACEHOLDER = "__CSP_SCRIPT_HASHES__"


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
    run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--site-dir", str(out)])


def sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
EXTERNAL_FONT = re.compile(
    r"<link[^>]*(?:fonts\.googleapis\.com|fonts\.gstatic\.com)[^>]*>\s*", re.I)


def process_html(path: Path) -> None:
    html = path.read_text("utf-8")
    html = EXTERNAL_FONT.sub("", html)
    hashes = []
    for attrs, body in INLINE_SCRIPT.findall(html):
        if re.search(r"type=[\"']?application/(ld\+)?json", attrs):
            continue  # data blocks are not executed, CSP does not apply
        h = f"'sha256-{sha256_b64(body)}'"
        if h not in hashes:
            hashes.append(h)
    if CSP_PLACEHOLDER in html:
        html = html.replace(CSP_PLACEHOLDER, " ".join(hashes))
    elif hashes and "Content-Security-Policy" not in html:
        log(f"warning: {path} has inline scripts but no CSP meta (overrides/main.html not used?)")
    path.write_text(html, "utf-8")


def copy_runtime(out: Path, wheel: Path) -> str:
    dst = out / "pyodide"
    dst.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        src = PYODIDE_SRC / name
        if not src.is_file():
            raise SystemExit(f"{src} missing — run `npm ci` first")
        shutil.copyfile(src, dst / name)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()[:12]
    rel = f"wheels/{digest}/{wheel.name}"
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(wheel, out / rel)
    (out / "assets").mkdir(exist_ok=True)
    manifest = {"wheel": rel, "wheel_bytes": wheel.stat().st_size, "pyodide": pyodide_version()}
    (out / "assets" / "calc-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return rel


def pyodide_version() -> str:
    return json.loads((PYODIDE_SRC / "package.json").read_text())["version"]


def fix_sitemap(out: Path) -> None:
    xml = out / "sitemap.xml"
    gz = out / "sitemap.xml.gz"
    if xml.is_file():
        gz.write_bytes(gzip_bytes(xml.read_bytes()))


def gzip_bytes(data: bytes) -> bytes:
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


def write_service_worker(out: Path) -> None:
    sw = out / "sw.js"
    if not sw.is_file():
        return
    files = [p.relative_to(out).as_posix() for p in site_files(out)]
    precache = []
    for rel in files:
        if rel == "sw.js" or rel.endswith((".gz", ".br", ".map")) or rel.startswith(("search/", "assets/javascripts/lunr/")):
            continue
        if rel.startswith("sitemap") or rel == "404.html":
            continue
        # Big media (screenshots etc.) are not needed offline; the runtime and wheel always are.
        if not rel.startswith(("pyodide/", "wheels/")) and (out / rel).stat().st_size > 100_000:
            continue
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")] or "./"
        precache.append(rel)
    h = hashlib.sha256()
    for p in site_files(out):
        if p.name != "sw.js":
            h.update(p.relative_to(out).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    version = h.hexdigest()[:16]
    text = sw.read_text("utf-8")
    text = text.replace("__SW_VERSION__", version)
    text = text.replace("/*__SW_PRECACHE__*/ []", json.dumps(precache, indent=0))
    sw.write_text(text, "utf-8")
    log(f"service worker version {version}, {len(precache)} precached URLs")


def precompress(out: Path) -> None:
    for p in site_files(out):
        if p.suffix not in COMPRESS_EXT or p.stat().st_size < COMPRESS_MIN:
            continue
        data = p.read_bytes()
        p.with_name(p.name + ".gz").write_bytes(gzip_bytes(data))
        p.with_name(p.name + ".br").write_bytes(brotli_bytes(data))


def normalise_mtimes(out: Path) -> None:
    t = int(SOURCE_DATE_EPOCH)
    for p in site_files(out):
        os.utime(p, (t, t))


def build(out: Path) -> Path:
    out = Path(out).resolve()
    log("building calc wheel")
    wheel = build_wheel()
    log(f"wheel {wheel.name}: {wheel.stat().st_size} bytes")
    log("generating pages (sitegen)")
    run_sitegen()
    log(f"mkdocs build -> {out}")
    run_mkdocs(out)
    log("post-processing")
    copy_runtime(out, wheel)
    for html in out.rglob("*.html"):
        process_html(html)
    fix_sitemap(out)
    write_service_worker(out)
    precompress(out)
    normalise_mtimes(out)
    log("done")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Build the static site")
    ap.add_argument("--out", default=str(ROOT / "site"), help="output directory (default site/)")
    # --- staff toolkit hook: deployment settings (sitegen/settings.py, site-settings.toml) ---
    ap.add_argument("--production", action="store_true",
                    help="deployable build: refuses a missing/local base_url or figures_date in site-settings.toml")
    args = ap.parse_args(argv)
    if args.production:
        os.environ["SITE_BUILD"] = "production"
    sys.path.insert(0, str(ROOT))
    from sitegen import settings as site_settings
    site_settings.load(log=None)  # fail fast, naming the setting, before the ~60 s build
    # --- end staff toolkit hook ---
    build(Path(args.out))


if __name__ == "__main__":
    main()
