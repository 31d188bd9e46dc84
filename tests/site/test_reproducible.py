"""Building twice gives byte-identical output: a second build (tests/builds.py) equals site/."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.builds import second_local_build

ROOT = Path(__file__).resolve().parents[2]


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_second_build_is_byte_identical():
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        pytest.fail("site/ is not built: run `python build_site.py` first")
    out = second_local_build()
    first, second = digests(site), digests(out)
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    differing = [k for k in first if first[k] != second[k]]
    assert differing == [], f"files differ between builds: {differing[:20]}"
    assert any(k.endswith(".whl") for k in first)  # the wheel itself is part of the comparison
