"""calc.fields declares each input field once; calc's parser and the roster read it from there."""
import copy
import json

import pytest

from calc import fields
from calc.api import estimate_dict, meta
from calc.input import parse
import roster
from roster import header

BASE = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "200000"}]}


def _norm(inp):
    return parse(inp)[4]


def _put(inp, f, value):
    out = copy.deepcopy(inp)
    target = {"top": out, "stay": out["stays"][0], "outpatient": out.setdefault("outpatient", {})}[f.where]
    target[f.key] = value
    return out


@pytest.mark.parametrize("f", [f for f in fields.FIELDS if f.default not in (None, "") and f.kind in
                               ("amount", "flag", "level", "place", "scheme", "tier", "ids")], ids=lambda f: f.path)
def test_a_field_left_out_is_read_as_its_declared_default(f):
    default = list(f.default) if isinstance(f.default, tuple) else f.default
    if f.key == "identities":
        assert _norm({**BASE, "identities": None})["identities"] == default
        return
    assert _norm(BASE) == _norm(_put(BASE, f, default)), f.path


def test_empty_flags_mean_the_default_not_no():
    for value in ("", None):
        n = _norm(_put(BASE, fields.STAY["referral"], value))
        assert n["stays"][0]["referral"] is fields.STAY["referral"].default


def test_referral_left_out_equals_the_ticked_form_box_in_xianning():
    """The form ticks 规范转诊 by default; a link or roster row without it must give the same amount."""
    ticked = estimate_dict(_put(BASE, fields.STAY["referral"], True))
    left_out = estimate_dict(BASE)
    assert ticked["year"] == left_out["year"]
    assert left_out["year"]["tilt"] != "0.00"       # in-county 低保 at 200,000: 倾斜救助 applies
    unticked = estimate_dict(_put(BASE, fields.STAY["referral"], False))
    assert unticked["year"]["tilt"] == "0.00" and unticked["year"]["resident"] != left_out["year"]["resident"]


def test_stay_limit_is_one_number():
    over = {**BASE, "stays": [{"total": "1000"}] * (fields.MAX_STAYS + 1)}
    out = estimate_dict(over)
    assert not out["ok"] and str(fields.MAX_STAYS) in out["errors"][0]["message"]
    assert estimate_dict({**BASE, "stays": [{"total": "1000"}] * fields.MAX_STAYS})["ok"]
    m = json.loads(meta())
    assert m["limits"]["stays"] == fields.MAX_STAYS
    assert {d["path"] for d in m["fields"]} == {f.path for f in fields.FIELDS}


@pytest.mark.parametrize("f", [f for f in fields.FIELDS if f.kind == "amount"], ids=lambda f: f.path)
def test_error_wording_names_the_declared_field(f):
    out = estimate_dict(_put(BASE, f, "abc"))
    assert not out["ok"]
    msg = [e["message"] for e in out["errors"] if e["field"].endswith(f.key)]
    assert msg and f.name in msg[0], (f.path, out["errors"])
    big = estimate_dict(_put(BASE, f, str(f.ceiling * 10)))
    msg = [e["message"] for e in big["errors"] if e["field"].endswith(f.key)]
    assert msg and f.fill in msg[0] and f"{int(f.ceiling):,}" in msg[0], (f.path, big["errors"])


def test_every_field_is_a_roster_column_or_says_why_not():
    cols = roster.columns(1)
    for f in fields.FIELDS:
        if f.roster is None:
            assert f.roster_why, f"{f.path}: a roster column, or roster_why saying why not"
            continue
        if f.where == "stay":
            assert roster.STAY.format(n=1, what=f.roster) in cols, f.path
            for word in f.roster_words:   # staff spellings in a header are read as this field
                assert header.classify(f"住院1{word}") == ("stay", 0, f.key), (f.path, word)
        elif f.where == "outpatient":
            assert f.roster in cols and header.classify(f.roster) == ("outpatient", 0, f.key), f.path
            for word in f.roster_words:
                assert header.classify(word) == ("outpatient", 0, f.key), (f.path, word)
        else:
            assert f.roster in cols, f.path
            for word in f.roster_words:
                assert header.classify(word)[0] == "identity", word


def test_roster_help_states_the_declared_defaults():
    helps = dict(roster.HELP)
    for word, key in roster.STAY_FIELDS.items():
        f = fields.STAY[key]
        text = helps[roster.STAY.format(n=1, what=word)]
        if f.kind == "flag":
            assert ("空着按“是”" if f.default else "空着按“否”") in text


def test_every_control_field_has_its_words():
    for f in fields.FIELDS:
        if f.form and f.where != "top":
            assert f.label and f.name, f.path


def test_calc_reads_every_declared_field():
    """A field declared here but not parsed by calc.input (or parsed but not declared) fails here."""
    n = _norm({**BASE, "outpatient": {}})
    stay_keys = set(n["stays"][0]) - {"out_of_policy_assumed"}
    assert stay_keys == set(fields.STAY), stay_keys ^ set(fields.STAY)
    assert set(n["outpatient"]) == set(fields.OUTPATIENT)
    assert set(n) == {k for k, f in fields.TOP.items() if f.kind != "version"}, set(n) ^ set(fields.TOP)
