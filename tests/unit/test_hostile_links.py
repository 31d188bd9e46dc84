"""Hostile share links end in one Chinese message, natively and in share.js, and the next
calculation works: a 12.7 KB link whose 600 keys are lone surrogates, a link nested 3,000 deep.
The limits are checked before parsing (calc/jsonguard.py, assets/resident/share.js)."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from calc import api, share

ROOT = Path(__file__).resolve().parents[2]
SHARE_JS = ROOT / "docs" / "assets" / "resident" / "share.js"
GOOD = {"region": "yangcheng", "year": 2025, "identities": ["dibao"], "stays": [{"total": "30000"}]}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def code_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def surrogate_keys_text(n=600) -> str:
    keys = {f"@@{i:03d}": "<b>" for i in range(n)}
    text = json.dumps({**GOOD, "stays": [{"total": "30000", **keys}]})
    return text.replace('"@@', '"\\ud800')  # a lone surrogate escape opens every key


def deep_text(depth=3000) -> str:
    return '{"region":"yangcheng","stays":' + "[" * depth + "]" * depth + "}"


HOSTILE = {"surrogate_keys": surrogate_keys_text(), "nested_3000": deep_text(),
           "surrogate_in_override": json.dumps({**GOOD, "overrides": {"@@x": "1"}}).replace('"@@', '"\\udfff'),
           "many_items": json.dumps({**GOOD, "stays": [{"total": "1"}] * 3000})}


def test_the_surrogate_link_is_the_size_that_broke_the_page():
    assert 12_000 < len(code_of(HOSTILE["surrogate_keys"])) < share.MAX_CODE


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_native_answer_is_one_chinese_message_then_the_next_calculation_works(name):
    text = HOSTILE[name]
    data, message = share.decode(code_of(text))
    assert data is None and CHINESE.search(message) and "Traceback" not in message
    out = json.loads(api.estimate(text))
    assert out["ok"] is False and len(out["errors"]) == 1
    error = out["errors"][0]
    assert CHINESE.search(error["message"]) and "\\ud" not in json.dumps(error) and "@@" not in error["message"]
    api.estimate(text).encode("utf-8")  # the answer itself is valid UTF-8
    after = json.loads(api.estimate(json.dumps(GOOD)))
    assert after["ok"] is True and after["year"]["resident"]


def test_errors_never_echo_unknown_keys():
    text = json.dumps({**GOOD, "stays": [{"total": "30000", "KEY<script>": "<b>"}],
                       "overrides": {"evil.path.KEYX": "1"}})
    out = api.estimate(text)
    assert "KEY" not in out and "evil" not in out


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_share_js_refuses_the_same_links_with_the_same_message(name):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    code = code_of(HOSTILE[name])
    script = (f"import {{ decodeShare }} from {json.dumps(SHARE_JS.as_uri())};"
              f"console.log(JSON.stringify(decodeShare({json.dumps(code)})))")
    r = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["ok"] is False
    assert got["message"] == share.decode(code)[1]
