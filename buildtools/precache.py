"""What the service worker keeps after one visit: chosen by
role, never by size. Every page of the site, everything those pages load (the theme's CSS, JS,
fonts and images, our own assets), the search index and the search worker's files for the site's
language, the engine's runtime and wheels. Left out: source maps, the sitemap, host files,
compressed copies (the server picks one; the cache stores the response), the runtime's fallback
files (stock standard library, Pyodide's package list: fetched only when needed), lunr's files
for other languages, and media no page refers to (the README's screenshots).

precache_entries(out, manifest) -> [(url, role, bytes)] is the one list: build_site.py writes it
into sw.js and logs its size; tests/site/test_precache.py checks it.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

PAGE, THEME, SEARCH, ASSET, RUNTIME, WHEEL, MEDIA = "page", "theme", "search", "asset", "runtime", "wheel", "media"
# Runtime roles kept although lazy: the chart and the staff tools need them on the first call.
LAZY_KEPT = ("stdlib_extra",)
REFERENCE = re.compile(r"""(?:src|href|content)\s*=\s*["']([^"'#?]+)""", re.I)
SKIP_SUFFIX = (".map", ".gz", ".br")
SKIP_FILES = {"sw.js", "_headers", "assets/precache.json"}  # the last: build_site.PRECACHE_REPORT


def search_languages(mkdocs_yml: Path) -> set[str]:
    """The `lang:` of the search plugin in mkdocs.yml (mkdocs-material loads lunr.<lang>.min.js)."""
    text = mkdocs_yml.read_text("utf-8") if mkdocs_yml.is_file() else ""
    m = re.search(r"^\s*-\s*search:\s*\n((?:\s{4,}.*\n)*)", text, re.M)
    langs = re.findall(r"lang:\s*\[?([\w, ]+)\]?", m.group(1)) if m else []
    return {w.strip() for part in langs for w in part.split(",") if w.strip()} or {"en"}


def referenced_files(out: Path) -> set[str]:
    """Site-relative paths of the files any page refers to (src/href/content attributes)."""
    refs = set()
    for page in out.rglob("*.html"):
        base = page.parent.relative_to(out).as_posix()
        for ref in REFERENCE.findall(page.read_text("utf-8", errors="replace")):
            if "://" in ref or ref.startswith(("data:", "mailto:", "tel:", "javascript:")):
                continue
            path = ref.lstrip("/") if ref.startswith("/") else posixpath.normpath(posixpath.join(base, ref))
            refs.add(path)
    return refs


def role_of(rel: str, *, lazy: set[str], kept: set[str], refs: set[str], langs: set[str]) -> str | None:
    if rel in SKIP_FILES or rel.endswith(SKIP_SUFFIX) or rel.startswith("sitemap"):
        return None
    if rel.endswith(".html"):
        return PAGE
    if rel.startswith("pyodide/"):
        return RUNTIME if rel not in lazy or rel in kept else None
    if rel.startswith("wheels/") or ("/wheels/" in rel and rel.endswith(".whl")):  # staff/wheels/: segno, staff_qr
        return WHEEL
    if rel.startswith("search/"):
        return SEARCH
    if rel.startswith("assets/javascripts/lunr/"):
        name = rel.rsplit("/", 1)[-1]
        wanted = {"lunr.stemmer.support.min.js", "lunr.multi.min.js"} | {f"lunr.{lang}.min.js" for lang in langs}
        return SEARCH if name in wanted else None
    if rel.startswith("assets/javascripts/workers/"):
        return SEARCH
    if rel.startswith(("assets/javascripts/", "assets/stylesheets/", "assets/images/", "assets/fonts/")):
        return THEME
    if rel.startswith("assets/"):
        return ASSET
    if rel in refs:
        return MEDIA
    return None


def url_of(rel: str) -> str:
    """The URL a page is asked for (a directory, not its index.html)."""
    if rel.endswith("index.html"):
        return rel[: -len("index.html")] or "./"
    return rel


def precache_entries(out: Path, manifest: dict, mkdocs_yml: Path) -> list[tuple[str, str, int]]:
    files = manifest["files"]
    lazy = {f["url"] for f in files.values() if f.get("lazy")}
    kept = {files[r]["url"] for r in LAZY_KEPT if r in files}
    refs = referenced_files(out)
    langs = search_languages(mkdocs_yml)
    entries = []
    for p in sorted(q for q in out.rglob("*") if q.is_file()):
        rel = p.relative_to(out).as_posix()
        role = role_of(rel, lazy=lazy, kept=kept, refs=refs, langs=langs)
        if role:
            entries.append((url_of(rel), role, p.stat().st_size))
    return entries
