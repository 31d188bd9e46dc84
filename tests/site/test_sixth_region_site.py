"""A sixth region is data alone on the site too. In a copy of the tree as committed (tracked files
only), the fixture region tests/unit/data/sixth/shiyan.toml is copied into calc/regions/ and the pages
are generated and built with mkdocs (not the engine's runtime, which a region does not change): the
region reaches its page with the calculator's early engine start, every page's navigation, its 明白纸
and the comparison, the wording counts six regions, and git sees no generated file to commit.
Separately, a page that is in no navigation fails the mkdocs build (buildtools/mkdocs_hooks.py)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from sitegen.instant import early_start

ROOT = Path(__file__).resolve().parents[2]
SIXTH = ROOT / "tests" / "unit" / "data" / "sixth" / "shiyan.toml"


def _run(cmd, cwd, timeout=900):
    env = {**os.environ, "PYTHONPATH": str(cwd), "SITE_URL": "", "SITE_BUILD": ""}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, f"{cmd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def six(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("sixth") / "tree"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        src = ROOT / name
        if src.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, tree / name)
    shutil.copy2(SIXTH, tree / "calc" / "regions" / "shiyan.toml")
    if (ROOT / ".build" / "wheels").is_dir():  # the locked staff wheels, fetched once (sitegen/staff.py)
        shutil.copytree(ROOT / ".build" / "wheels", tree / ".build" / "wheels")
    _git(tree, "init", "-q")
    (tree / ".git" / "info" / "exclude").write_text("/.build/\n/out/\n")  # the staff wheels; the built site
    _git(tree, "add", "-A")
    _git(tree, "commit", "-qm", "tree")
    _run([sys.executable, "-c", "import sitegen; sitegen.generate('docs')"], tree)
    _run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "out"], tree)
    return tree


def test_the_sixth_region_reaches_its_page_with_the_early_engine_start(six):
    page = (six / "out" / "shiyan" / "index.html").read_text("utf-8")
    assert 'id="calculator" data-region="shiyan"' in page
    # overrides/main.html, from the page's front matter; the build inlines protocol.js's early start
    assert "<!--CALC-EARLY" in page and 'id="calc-preloads"' in page
    assert "window.__calcEarly" in early_start(page)
    home = (six / "out" / "index.html").read_text("utf-8")
    assert "<!--CALC-EARLY" not in home  # only calculator pages start the engine


def test_every_page_with_a_navigation_links_the_sixth_region(six):
    out = six / "out"
    pages = list(out.rglob("*.html"))
    with_nav = [p for p in pages if "md-nav--primary" in p.read_text("utf-8")]
    assert len(with_nav) >= 8
    for p in with_nav:
        text = p.read_text("utf-8")
        nav = text[text.index("md-nav--primary"):]
        url = "http://x/" + p.relative_to(out).as_posix()
        targets = {urljoin(url, m[1]) for m in re.finditer(r'href="([^"]*)"[^>]*>\s*(?:<span[^>]*>\s*)?试验县', nav)}
        assert "http://x/shiyan/" in targets, p.relative_to(six)


def test_the_sixth_region_has_its_mingbai_and_is_compared(six):
    for ident in ("dibao", "putong"):
        sheet = (six / "out" / "shiyan" / "print" / ident / "index.html").read_text("utf-8")
        assert "试验县医保明白纸" in sheet and 'class="mb-pay"' in sheet
    compare = (six / "out" / "staff" / "compare" / "index.html").read_text("utf-8")
    assert "试验县" in compare and "六地对比" in compare and "五地" not in compare
    staff = (six / "out" / "staff" / "index.html").read_text("utf-8")
    assert "六地对比" in staff and "六个地区" in staff


def test_git_sees_no_generated_file(six):
    assert _git(six, "status", "--porcelain") == ""


def test_a_page_in_no_navigation_fails_the_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# home\n")
    (tmp_path / "docs" / "stray.md").write_text("# stray\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - 首页: index.md\n  - REGIONS\n"
        f"hooks:\n  - {ROOT / 'buildtools' / 'mkdocs_hooks.py'}\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode != 0 and "stray.md" in proc.stderr, proc.stderr[-2000:]
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - 首页: index.md\n  - REGIONS\nnot_in_nav: |\n  /stray.md\n"
        f"hooks:\n  - {ROOT / 'buildtools' / 'mkdocs_hooks.py'}\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "咸宁市" in (tmp_path / "out" / "index.html").read_text("utf-8")  # the regions, from calc
