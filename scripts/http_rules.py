"""The HTTP rules the built site needs from any host — the one place for them.

scripts/serve.py applies them to every response; build_site.py renders them into the host
configs shipped with the site: `site/_headers` (Netlify, Cloudflare Pages) and, checked in,
`deploy/_headers` and `deploy/nginx.conf` (tests/site/test_host_configs.py fails when those
drift from what this module renders for the current build).

- MIME types: application/wasm is required (else loadPyodide hangs); .mjs is JavaScript.
- Cache: URLs whose content can never change (the runtime under pyodide/<version>-<hash>/, the
  wheel under wheels/<hash>/) are immutable for a year; everything else, sw.js included, is
  `no-cache` — stored, but revalidated with a strong content-hash ETag before every use.
- Security: one Content-Security-Policy for the pages, the calculator's worker and the service
  worker (workers take their policy from their own script's response headers, not from the
  page), plus nosniff and no-referrer. Only our own pages may frame ours (clickjacking):
  `frame-ancestors 'self'` in the CSP *header* (a `<meta>` policy cannot carry it, so the pages'
  meta copy leaves it out) and `X-Frame-Options: SAMEORIGIN` for browsers that predate it.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import re
from pathlib import Path

MIME = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".map": "application/json",
    ".gz": "application/gzip",
}
DEFAULT_MIME = "application/octet-stream"

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# URL prefixes whose files are never rewritten in place: a new content gets a new directory.
IMMUTABLE_PREFIXES = ("/pyodide/", "/wheels/")

# The policy without the per-site inline-script hashes (mkdocs-material's small inline scripts,
# found by inline_script_hashes). 'wasm-unsafe-eval': WebAssembly. blob: in script-src: the
# worker imports the Pyodide modules from blob: URLs of the bytes it has just checked against
# the build's sha256 (import() has no integrity option); only script already running on our
# origin can create such a URL. No 'unsafe-inline' or 'unsafe-eval' for scripts.
CSP_DIRECTIVES = [
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval' blob:"),
    ("worker-src", "'self'"),
    ("connect-src", "'self'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("font-src", "'self'"),
    ("media-src", "'none'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
]

# Directives a browser takes only from a response header (a <meta> policy ignores them, with a
# console error): added to the header policy by header_csp(), never to the pages' meta copy.
HEADER_ONLY_DIRECTIVES = [
    ("frame-ancestors", "'self'"),
]
FRAME_OPTIONS = "SAMEORIGIN"

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)


def csp(script_hashes=()) -> str:
    """The site's Content-Security-Policy as a page's <meta> carries it; header_csp() adds the
    header-only directives for every response."""
    parts = []
    for name, value in CSP_DIRECTIVES:
        if name == "script-src" and script_hashes:
            value += " " + " ".join(f"'{h}'" for h in script_hashes)
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def header_csp(policy: str) -> str:
    """The policy as a response header sends it: the meta policy plus HEADER_ONLY_DIRECTIVES."""
    return "; ".join([policy, *(f"{name} {value}" for name, value in HEADER_ONLY_DIRECTIVES)])


def inline_scripts_of(html: str) -> list[str]:
    """The body of each executable inline script of one page, in order of appearance."""
    return [body for attrs, body in INLINE_SCRIPT.findall(html)
            if not re.search(r"type=[\"']?application/(ld\+)?json", attrs)]  # data blocks do not run


def script_hash(body: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()


def script_hashes_of(html: str) -> list[str]:
    """`sha256-…` of each executable inline script of one page, in order of appearance."""
    out = []
    for body in inline_scripts_of(html):
        h = script_hash(body)
        if h not in out:
            out.append(h)
    return out


def inline_script_hashes(site_dir) -> list[str]:
    """Union over every page of the site, sorted: one policy serves all pages and workers."""
    hashes = set()
    for page in Path(site_dir).rglob("*.html"):
        hashes.update(script_hashes_of(page.read_text("utf-8", errors="replace")))
    return sorted(hashes)


def security_headers(policy: str) -> dict[str, str]:
    """Sent with every response (errors, redirects and 304s included). `policy` is csp()'s."""
    return {
        "Content-Security-Policy": header_csp(policy),
        "X-Frame-Options": FRAME_OPTIONS,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def cache_control(url_path: str) -> str:
    return IMMUTABLE if url_path.startswith(IMMUTABLE_PREFIXES) else REVALIDATE


def mime_type(name: str) -> str:
    return MIME.get(Path(name).suffix, DEFAULT_MIME)


def headers_for(url_path: str, policy: str) -> dict[str, str]:
    """Headers serve.py sends for a file at `url_path` (besides Content-*, ETag, Vary)."""
    return {"Cache-Control": cache_control(url_path), **security_headers(policy)}


# ---- host configs -----------------------------------------------------------------------------

GENERATED = "Generated from the built site by `python -m scripts.http_rules` — do not edit; the rules scripts/serve.py applies."


def _under(base: str, prefix: str) -> str:
    """A site-root URL path moved under the site's base path ("/yibao/" + "/pyodide/")."""
    return "/" + (base.strip("/") + "/" if base.strip("/") else "") + prefix.lstrip("/")


def render_headers_file(policy: str, base: str = "/") -> str:
    """Netlify / Cloudflare Pages `_headers` (in the published directory).

    Both hosts join the values of one header set by two matching rules with a comma, so
    Cache-Control is set only where it differs from their default (`public, max-age=0,
    must-revalidate`, which means the same as no-cache); both send content-hash ETags."""
    lines = [f"# {GENERATED}", "# Netlify / Cloudflare Pages: publish site/ with this file at its root.",
             _under(base, "/*")]
    lines += [f"  {k}: {v}" for k, v in security_headers(policy).items()]
    for prefix in IMMUTABLE_PREFIXES:
        lines += [f"{_under(base, prefix)}*", f"  Cache-Control: {IMMUTABLE}"]
    return "\n".join(lines) + "\n"


def render_nginx(policy: str, base: str = "/") -> str:
    """nginx: include inside the site's `server { }` block. `base` is the URL path the site is
    published under ("/" or e.g. "/yibao/", served with `alias` to site/)."""
    sec = security_headers(policy)

    def add_headers(cache: str, indent: str) -> list[str]:
        # add_header in a location replaces every inherited add_header: repeat them all. Security
        # headers on every answer ("always"); Cache-Control only on successful ones, so an error
        # under /pyodide/ is never kept for a year.
        return [f'{indent}add_header Cache-Control "{cache}";',
                *[f'{indent}add_header {k} "{v}" always;' for k, v in sec.items()]]

    types = {}
    for ext, mime in MIME.items():
        types.setdefault(mime.split(";")[0], []).append(ext[1:])
    out = [
        f"# {GENERATED}",
        ("# Usage, inside server { }:   root /srv/yibao/site;   include /srv/yibao/deploy/nginx.conf;" if base == "/"
         else f"# Usage, inside server {{ }}:   location {_under(base, '/')} {{ alias /srv/yibao/site/; }}"
              "   include this file;"),
        "types {",
        *[f"    {mime} {' '.join(exts)};" for mime, exts in types.items()],
        "}",
        f"default_type {DEFAULT_MIME};",
        "charset utf-8;",
        "charset_types text/css text/javascript application/json;",
        "# build_site.py writes <file>.gz and <file>.br next to each text file: serve them as they are.",
        "gzip_static on;",
        "# brotli_static on;   # with the ngx_brotli module",
        "# Strong validators follow content: build_site.py derives every file's date from its sha256,",
        "# so nginx's ETag (date + size) and an exact If-Modified-Since change whenever content does.",
        "etag on;",
        "if_modified_since exact;",
        "server_tokens off;",
        f"error_page 404 {_under(base, '/404.html')};",
        *add_headers(REVALIDATE, ""),
    ]
    for prefix in IMMUTABLE_PREFIXES:
        where = _under(base, prefix)
        alias = "" if base == "/" else f"    alias /srv/yibao/site{prefix};"
        out += [f"location ^~ {where} {{", *([alias] if alias else []), *add_headers(IMMUTABLE, "    "), "}"]
    return "\n".join(out) + "\n"


def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    """(pattern, headers) rules of a `_headers` file, for checking it against serve.py."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        else:
            k, _, v = line.strip().partition(":")
            rules[-1][1][k.strip()] = v.strip()
    return rules


def headers_from_file(rules, url_path: str) -> dict[str, str]:
    """Headers a `_headers` host would add for url_path (host default Cache-Control included)."""
    out = {"Cache-Control": REVALIDATE}
    for pattern, headers in rules:
        if fnmatch.fnmatchcase(url_path, pattern):
            out.update(headers)
    return out


def write_deploy(site_dir, deploy_dir, base="/") -> None:
    """Render the checked-in host configs for a built site: `python -m scripts.http_rules`
    (`--base /yibao/` for a site published under a subpath)."""
    policy = csp(inline_script_hashes(site_dir))
    deploy = Path(deploy_dir)
    deploy.mkdir(exist_ok=True)
    (deploy / "_headers").write_text(render_headers_file(policy, base), "utf-8")
    (deploy / "nginx.conf").write_text(render_nginx(policy, base), "utf-8")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write deploy/_headers and deploy/nginx.conf for a built site")
    ap.add_argument("--site", default="site")
    ap.add_argument("--out", default="deploy")
    ap.add_argument("--base", default="/", help="URL path the site is published under, e.g. /yibao/")
    a = ap.parse_args()
    write_deploy(a.site, a.out, a.base)
