import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from decimal import Decimal

from calc.api import estimate_dict


def stay(total, oop="0", level="2", place="county", referral=False, **kw):
    return {"total": str(total), "out_of_policy": str(oop), "level": level, "place": place,
            "referral": referral, **kw}


def run(region, ids, stays=(), year=None, outpatient=None, **kw):
    d = {"region": region, "identities": list(ids), "stays": list(stays), **kw}
    if year is not None:
        d["year"] = year
    if outpatient:
        d["outpatient"] = outpatient
    out = estimate_dict(d)
    assert out["ok"], out
    return out


def D(x):
    return Decimal(x)


def rules_in(out):
    return [t["rule"] for t in out["trace"]]


def steps_of(out, tier):
    return [t for t in out["trace"] if t["tier"] == tier]
