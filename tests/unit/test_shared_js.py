"""One place for the browser's DOM helper and number formats (docs/assets/shared/dom.js): no other
script defines its own el() or yuan(), and the one yuan() shows a missing amount as "—" everywhere."""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest

ASSETS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "assets"
OWN = re.compile(r"^\s*(?:export\s+)?(?:function\s+(el|yuan)\s*\(|const\s+(el|yuan)\s*=)", re.M)


def test_no_script_has_its_own_el_or_yuan():
    found = [f"{js.relative_to(ASSETS)}: {m.group(0).strip()}" for js in ASSETS.rglob("*.js")
             if js.relative_to(ASSETS).as_posix() != "shared/dom.js" for m in OWN.finditer(js.read_text("utf-8"))]
    assert found == []
    assert len(OWN.findall((ASSETS / "shared" / "dom.js").read_text("utf-8"))) == 2


def test_yuan_formats_once():
    if not shutil.which("node"):
        pytest.fail("node is needed (npm ci)")
    code = ("import(process.argv[1]).then((m) => process.stdout.write(JSON.stringify("
            "[null, undefined, '', '1234.50', '-1234567.00', '0.00', 'abc'].map(m.yuan))))")
    proc = subprocess.run(["node", "-e", code, (ASSETS / "shared" / "dom.js").as_uri()], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["—", "—", "—", "1,234.50", "-1,234,567.00", "0.00", "abc"]
