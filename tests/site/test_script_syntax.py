"""The site's own scripts run on the engines residents have (Chromium 86+, Safari 14+).

Every own script parses as ES2020 and uses no later built-in (npm es-check, pinned in
package-lock.json, with its feature detection). The tiny classic scripts inline in the theme
override run before anything else and decide what an old phone is told, so they are ES5:
they must parse even where the modules cannot (Chromium 78 has no `?.`) — all but the one line
that holds `import()` (ES2020 syntax, alone in its script so that the others still run).
Source files only: no build needed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ES_CHECK = ROOT / "node_modules" / "es-check" / "lib" / "cli" / "index.js"
MODULES = sorted((ROOT / "docs" / "assets").rglob("*.js"))
CLASSIC = [ROOT / "docs" / "sw.js"]
TEMPLATES = sorted([*(ROOT / "overrides").rglob("*.html"), *(ROOT / "templates").rglob("*.html"),
                    *(ROOT / "templates").rglob("*.j2")])

# Built-ins and web APIs newer than the engines above (es-check's feature list covers the ES ones;
# the web APIs are ours): a use is fine only behind a typeof guard, which this test cannot see, so
# such a use must say `typeof X` on the same line.
LATER = re.compile(r"Object\.hasOwn\b|\.at\(-?\d|\.replaceAll\(|\.findLast(Index)?\(|structuredClone\("
                   r"|AbortSignal\.(timeout|any)\(|crypto\.randomUUID\(|\?\?=|\|\|=|&&=|\b\d+_\d+\b"
                   r"|\bstatic\s*\{|Promise\.any\(|\bWeakRef\b|Array\.fromAsync|Object\.groupBy|\.toSorted\(")


def es_check(version: str, files: list[Path], module: bool, features: bool = True) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if not node or not ES_CHECK.is_file():
        pytest.fail("node and node_modules/es-check are needed: run `make node` (npm ci)")
    args = [node, str(ES_CHECK), version, *map(str, files), "--noColor", *(["--checkFeatures"] if features else [])]
    return subprocess.run(args + (["--module"] if module else []), capture_output=True, text=True, timeout=120)


def inline_scripts(path: Path) -> list[str]:
    """The executable inline scripts of a template (no src, not a JSON data block), Jinja filled."""
    text = path.read_text(encoding="utf-8")
    out = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S):
        if "src=" in attrs or "application/json" in attrs or not body.strip():
            continue
        body = re.sub(r"\{\{.*?\}\}", "x", body, flags=re.S)
        out.append(re.sub(r"\{[%#].*?[%#]\}", "", body, flags=re.S))
    return out


def test_there_are_scripts_to_check():
    assert len(MODULES) > 20 and CLASSIC[0].is_file()
    assert any(inline_scripts(p) for p in TEMPLATES), "the head's inline gate scripts were not found"


def test_modules_are_es2020():
    r = es_check("es2020", MODULES, module=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_service_worker_is_es2020():
    r = es_check("es2020", CLASSIC, module=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_inline_scripts_are_es5(tmp_path):
    from sitegen.instant import early_script  # the head's early engine start, inlined by the build
    files = {"es5": [tmp_path / "early-start.js"], "es2020": []}
    files["es5"][0].write_text(early_script("x")[len("<script>"):-len("</script>")], encoding="utf-8")
    for path in TEMPLATES:
        for i, body in enumerate(inline_scripts(path)):
            f = tmp_path / f"{path.stem}-{i}.js"
            f.write_text(body, encoding="utf-8")
            files["es2020" if "import(" in body else "es5"].append(f)
    assert len(files["es2020"]) == 1 and len(files["es2020"][0].read_text()) < 80, "import() alone in its script"
    for version, group in files.items():
        # syntax only: the ES5 gates use Promise or Uint8Array only where WebAssembly exists
        r = es_check(version, group, module=False, features=False)
        assert r.returncode == 0, r.stdout + r.stderr


def test_es_check_catches_a_later_built_in(tmp_path):
    """The check can fail: Object.hasOwn (ES2022) and `??=` (ES2021) are refused."""
    for src in ("export const f = (o) => Object.hasOwn(o, 'a');\n", "let a; a ??= 1; export { a };\n"):
        f = tmp_path / "later.js"
        f.write_text(src, encoding="utf-8")
        assert es_check("es2020", [f], module=True).returncode != 0, src


@pytest.mark.parametrize("path", [*MODULES, *CLASSIC], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_later_built_ins(path):
    bad = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if LATER.search(re.sub(r"//.*$", "", line)) and "typeof" not in line]
    assert not bad, "\n".join(bad)
