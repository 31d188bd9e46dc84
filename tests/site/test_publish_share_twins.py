"""share.js and calc/share.py are twins: the same link code (empty fields dropped) and the same
readable line from the same calc answer. share.js runs in Node (the project's own Node)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from calc import share
from calc.api import estimate_dict

ROOT = Path(__file__).resolve().parents[2]
SHARE_JS = ROOT / "docs" / "assets" / "resident" / "share.js"

INPUTS = [
    {"region": "yangcheng", "identities": ["dibao"], "stays": [{"total": "3万", "out_of_policy": "", "level": "2",
                                                                 "place": "county"}], "outpatient": {"chronic": ""}},
    {"region": "xianning", "year": 2022, "identities": ["tekun", "fanpin"], "overrides": {},
     "stays": [{"total": "12345.5", "out_of_policy": "0"}, {"total": "8.5万", "level": "3", "place": "city"}],
     "outpatient": {"chronic": "3000", "special_drugs": ""}, "wage": ""},
    {"region": "chongqing", "identities": ["putong"], "stays": [], "outpatient": {"chronic": "2000"}},
    {"region": "dongzhi", "identities": ["dibao"], "stays": [{"total": "100000"}]},
]


def empties(v, at="") -> list[str]:
    if isinstance(v, dict):
        return [f"{at}.{k}" for k, x in v.items() if x in ("", None, [], {})] + \
            [e for k, x in v.items() for e in empties(x, f"{at}.{k}")]
    return [e for n, x in enumerate(v) for e in empties(x, f"{at}[{n}]")] if isinstance(v, list) else []


def node_run(script: str) -> str:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    r = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_link_code_and_share_line_agree():
    outs = [estimate_dict(i) for i in INPUTS]
    assert all(o["ok"] for o in outs), [o.get("errors") for o in outs]
    script = f"""
import {{ encodeShare, shareText, amountWords }} from {json.dumps(SHARE_JS.as_uri())};
const inputs = {json.dumps(INPUTS, ensure_ascii=False)};
const outs = {json.dumps(outs, ensure_ascii=False)};
const amounts = ["30000", "35000", "100000", "123000", "8234.50", "8234.49", "0.00", "999.5", "10500"];
console.log(JSON.stringify({{codes: inputs.map(encodeShare), texts: outs.map(shareText),
                            amounts: amounts.map(amountWords)}}));
"""
    got = json.loads(node_run(script))
    assert got["codes"] == [share.encode(i) for i in INPUTS]
    assert got["texts"] == [share.text(o) for o in outs]
    assert got["amounts"] == [share.amount_words(a) for a in
                              ["30000", "35000", "100000", "123000", "8234.50", "8234.49", "0.00", "999.5", "10500"]]
    for i, code in zip(INPUTS, got["codes"]):
        back, err = share.decode(code)
        assert err is None and empties(back) == [], back  # the link drops empty fields
        assert estimate_dict(back)["year"] == estimate_dict(i)["year"]  # dropping empties changes nothing
    assert got["texts"][0].startswith("阳城县 低保对象 住院3万元 自己约付") and got["texts"][0].endswith("元（估算）")
    assert "住院2次共" in got["texts"][1] and "门诊3,000元" in got["texts"][1]
    assert got["amounts"][:4] == ["3万元", "3.5万元", "10万元", "12.3万元"]
