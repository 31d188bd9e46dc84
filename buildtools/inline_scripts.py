"""The inline scripts the build itself emits, as a list it knows: the theme's and ours.

The CSP allows an inline script by its hash. Hashing whatever a built page contains would also
allow a script that got into a page by accident or by a hostile setting (a base_url carrying
`"><script>`). So the allowed bodies come from the templates that write them: each
`<script>…</script>` without src in overrides/*.html and the theme's partials, with its Jinja
expressions (relative URLs such as "../assets/runtime/worker.js") matched by a narrow pattern that
cannot contain a quote or a tag. A page with any other executable inline script stops the build.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}", re.S)
# What a template expression inside a known script may render to: a relative or site URL path.
_EXPR = r"[A-Za-z0-9._~/:%-]*"


def template_files() -> list[Path]:
    import material
    theme = Path(material.__file__).resolve().parent / "templates"
    return sorted((ROOT / "overrides").rglob("*.html")) + sorted((theme / "partials" / "javascripts").glob("*.html"))


SENTINEL = "INLINE-SCRIPT-ARGUMENT"


def emitted_scripts() -> list[str]:
    """Inline scripts the build writes itself (not from a template), with SENTINEL where a page's
    own relative URL goes: the calculator's early start (sitegen/instant.py early_script)."""
    from sitegen.instant import early_script
    return [early_script(SENTINEL)]


def known_patterns(files=None) -> list[re.Pattern]:
    """One full-match pattern per inline script body written in the templates or by the build."""
    out = []
    for f in files if files is not None else template_files():
        for body in _SCRIPT.findall(f.read_text("utf-8")):
            parts = _JINJA.split(body)
            out.append(re.compile(_EXPR.join(re.escape(p) for p in parts), re.S))
    if files is None:
        for script in emitted_scripts():
            for body in _SCRIPT.findall(script):
                out.append(re.compile(_EXPR.join(re.escape(p) for p in body.split(SENTINEL)), re.S))
    return out


def unknown(bodies, patterns) -> list[str]:
    """The bodies no template writes."""
    return [b for b in bodies if not any(p.fullmatch(b) for p in patterns)]
