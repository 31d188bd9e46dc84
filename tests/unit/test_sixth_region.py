"""A sixth region is a TOML file plus its cases: load a fixture region from tests/ and compute with it,
touching no Python."""
import json
import tomllib
from pathlib import Path

import pytest

from calc import params
from calc.api import estimate_dict, meta

from .cases import check

DATA = Path(__file__).parent / "data" / "sixth"


@pytest.fixture
def sixth():
    rid = params.register(DATA / "shiyan.toml")
    yield rid
    params.unregister(rid)


def test_a_sixth_region_is_data_only(sixth):
    assert sixth in params.region_ids()
    m = json.loads(meta())
    assert any(r["id"] == "shiyan" and r["name"] == "试验县" for r in m["regions"])
    assert "SY-AST-1" in m["rules"]
    for f in (DATA / "cases").glob("*.toml"):
        data = tomllib.loads(f.read_text("utf-8"))
        for case in data["case"]:
            out = check("shiyan", data["rule"], case)
            step = next(t for t in out["trace"] if t["rule"] == "SY-AST-1")
            assert step["cite"] == "试医保发〔2030〕1号 二（一）"
    bad = estimate_dict({"region": "shiyan", "identities": ["tekun"]})
    assert not bad["ok"] and "试验县" in bad["errors"][0]["message"]


def test_the_fixture_region_is_gone_after(sixth):
    pass


def test_unregistered():
    assert "shiyan" not in params.region_ids()
