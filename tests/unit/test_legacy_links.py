"""Share links already in people's phones keep opening: every override path, identity and place the
first version offered is still accepted (migrated where the data renamed it), with a note."""
import json
from pathlib import Path

import pytest

from calc import params, share
from calc.api import estimate_dict

V1 = json.loads((Path(__file__).parent / "data" / "legacy_v1_inputs.json").read_text("utf-8"))


@pytest.mark.parametrize("region", sorted(V1))
def test_v1_override_paths_still_open(region):
    info = V1[region]
    for path in info["override_paths"]:
        year = info["years"][-1]
        value = "0.5" if any(w in path for w in ("ratio", "cut", "tilt.")) else "500"
        out = estimate_dict({"region": region, "year": year, "identities": ["putong"],
                             "stays": [{"total": "50000"}], "overrides": {path: value}})
        assert out["ok"], (region, path, out.get("errors"))
        assert out["input"]["overrides"], (region, path)


@pytest.mark.parametrize("region", sorted(V1))
def test_v1_identities_still_open(region):
    for ident in V1[region]["identities"]:
        out = estimate_dict({"region": region, "identities": [ident], "stays": [{"total": "50000"}]})
        assert out["ok"], (region, ident, out.get("errors"))
        if ident not in params.load(region).identities:
            assert any(n["kind"] == "migrated" for n in out["notes"]), (region, ident)


def test_v1_link_with_province_in_chongqing_and_old_yangcheng_tilt_override():
    code = share.encode({"region": "chongqing", "year": 2022, "identities": ["dibao"],
                         "stays": [{"total": "50000", "place": "province", "referral": True}]})
    data, err = share.decode(code)
    out = estimate_dict(data)
    assert err is None and out["ok"] and out["input"]["stays"][0]["place"] == "city"
    old = estimate_dict({"region": "yangcheng", "year": 2022, "identities": ["dibao"],
                         "stays": [{"total": "50000", "out_of_policy": "0"}], "overrides": {"tilt.dibao": "0.5"}})
    assert old["ok"] and old["stays"][0]["tilt"] == "1398.05"
    assert old["input"]["overrides"] == {"tilt.dibao.ratio": "0.5"}
