"""Integers longer than anyone writes end in a Chinese message naming the field, never a ValueError
(Python refuses to turn an integer of over 4,300 digits into text)."""
import json

import pytest

from calc import api

BIG = 10 ** 5000
BASE = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}]}


@pytest.mark.parametrize("where, field", [
    ({"stays": [{"total": BIG}]}, "stays[0].total"),
    ({"stays": [{"total": 1000, "out_of_policy": BIG}]}, "stays[0].out_of_policy"),
    ({"stays": [{"total": 1000, "level": BIG}]}, "stays[0].level"),
    ({"stays": [{"total": 1000, "place": BIG}]}, "stays[0].place"),
    ({"outpatient": {"chronic": BIG}}, "outpatient.chronic"),
    ({"overrides": {"basic.level2.deductible": BIG}}, "overrides.basic.level2.deductible"),
    ({"year": BIG}, "year"),
    ({"tier": BIG}, "tier"),
])
def test_huge_integers_get_a_chinese_message(where, field):
    out = api.estimate_dict({**BASE, **where})
    assert out["ok"] is False
    assert any(e["field"] == field for e in out["errors"]), out["errors"]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in e["message"]) for e in out["errors"])
    json.dumps(out, ensure_ascii=False)   # the answer is text the page can show
    assert api.estimate_dict(BASE)["ok"]  # and the next one works
