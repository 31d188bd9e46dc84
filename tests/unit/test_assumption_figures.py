"""A step that states an assumed figure lists it (and so says 假设), in every region, year and identity.

How a step "states" a figure is found by changing it: each assumption parameter the answer used is
overridden with an odd value no bill produces (400 → 400.37, 75% → 73.63%); every step whose text
then shows that value must list the parameter in its `figures`. A figure listed is shown with its
provenance, and a document step that rests on one says "（部分数字是假设）".
"""
import re
from decimal import Decimal

import pytest

from calc import params
from calc.api import estimate_dict
from calc.money import pct

from .conftest import stay


def _scenarios(rp):
    """A plain stay; a transfer with referral to a higher level; outpatient care; a stay outside."""
    places = list(rp.places)
    up = "province" if "province" in places else "city"
    extra = {"hospital_waiver": "123", "tehuibao": "45"} if "other.tehuibao" in rp.paths() else {}
    return [
        {"stays": [stay("23456.78", "1234.56", referral=True, **extra)],
         "outpatient": {"chronic": "6789.12", "special_drugs": "3456.78"}},
        {"stays": [stay("8765.43", "", level="2", place="county"),
                   stay("123456.78", "5432.10", level="3", place=up, referral=True, transferred=True),
                   stay("34567.89", "2345.67", level="1", place="outside")]},
    ]


def _cases():
    for rid in params.region_ids():
        rp = params.load(rid)
        for year in rp.years:
            for ident in rp.identities:
                for i, sc in enumerate(_scenarios(rp)):
                    yield pytest.param(rid, year, ident, sc, id=f"{rid}-{year}-{ident}-{i}")
        # the other schemes and tiers a region offers, and two identities held at once
        extra = [{"identities": list(rp.identities)[:2]}]
        if "employee" in rp.meta["schemes"]:
            extra.append({"scheme": "employee", "wage": "5432.10"})
        if rp.meta.get("tier"):
            extra.append({"tier": 2})
        for j, more in enumerate(extra):
            for i, sc in enumerate(_scenarios(rp)):
                ids = more.get("identities", ["dibao"] if "dibao" in rp.identities else list(rp.identities)[:1])
                yield pytest.param(rid, rp.default_year, ids, {**sc, **more}, id=f"{rid}-extra{j}-{i}")


def _odd(a):
    """An odd value for assumption `a` and the pattern its rendering makes in a sentence."""
    v = Decimal(a["value"])
    if a["unit"] == "ratio":
        new = v + Decimal("0.0137") if v + Decimal("0.0137") <= 1 else v - Decimal("0.0137")
        shown = pct(new)[:-1]
    else:
        new = v + Decimal("0.37")
        shown = f"{new:,.2f}"
    return str(new), re.compile(r"(?<![\d.,])" + re.escape(shown) + r"(?![\d])")


@pytest.mark.parametrize("rid,year,ident,scenario", list(_cases()))
def test_a_step_stating_an_assumed_figure_lists_it(rid, year, ident, scenario):
    d = {"region": rid, "year": year, "identities": ident if isinstance(ident, list) else [ident], **scenario}
    base = estimate_dict(d)
    assert base["ok"], base
    for a in base["assumptions"]:
        new, shown = _odd(a)
        out = estimate_dict({**d, "overrides": {a["param"]: new}})
        assert out["ok"], out
        for st in out["trace"]:
            if shown.search(st["text"]):
                assert a["param"] in st["figures"], (a["param"], new, st["text"], st["figures"])
                assert out["figures"][a["param"]]["provenance"] == "assumption"
                assert st["basis"] == "assumption" or "假设" in st["text"], st


def test_the_scan_finds_a_figure_stated_without_listing_it(monkeypatch):
    """The check can fail: a step that quotes the deductible without listing it is caught."""
    from calc.tiers import resident

    real = resident.admission

    def forgetful(ctx, s, y):
        s.deductible_params = ()
        return real(ctx, s, y)

    unwrapped = lambda f: getattr(f, "__wrapped__", f)  # the build's corpus recorder wraps calc's functions
    monkeypatch.setattr("calc.engine.STAY_STEPS", tuple(forgetful if unwrapped(f) is unwrapped(real) else f
                                                         for f in __import__("calc.engine").engine.STAY_STEPS))
    d = {"region": "xianning", "year": 2022, "identities": ["dibao"], "stays": [stay("6000")],
         "overrides": {"basic.level2.deductible": "400.37"}}
    out = estimate_dict(d)
    step = next(t for t in out["trace"] if t["tier"] == "admission")
    assert "400.37" in step["text"] and "basic.level2.deductible" not in step["figures"]
