"""Hypothesis soak of the engine: python -m benchmarks.fuzz --count 100000.

Valid inputs (every region, year, identity mix, stays, outpatient, overrides): every payment >= 0;
payers + resident == bill to the fen (per stay and for the year); yearly caps hold; the resident's
share never falls when the last stay's cost rises.
Hostile inputs (wrong types, unicode digits — ², ①, ⁵0, 1², ٣ — in amounts and in overrides,
exponents, amounts below a fen and absurdly large, huge and nested values, markup, mangled share
links): estimate() never raises, always answers {"ok": ...} JSON, and no answer exceeds OUTPUT_LIMIT.
Worker entry points (docs/assets/runtime/worker.js): estimate, meta, paychart.chart and, where the
roster package is present, its *_json calls, each sent payloads of any JSON type (non-objects,
bare numbers, lists, strings, nothing): they answer JSON text and raise nothing.

The soak counts uncaught exceptions per entry point instead of stopping at the first, and reports
them; invariant breaks on valid input still stop it. tests/unit/test_properties.py runs both with a
few hundred examples.
"""
import argparse
import collections
import importlib
import sys
import time
import traceback
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

import json

from calc import fields, params
from calc.api import estimate, estimate_dict

PAYERS = ("hospital_bears", "basic", "critical", "assistance", "tilt", "re_assistance", "other", "resident")
LEVELS = ("1", "2", "3")


def fen_amount(lo, hi):
    return st.integers(lo, hi).map(lambda f: str(Decimal(f) / 100))


@st.composite
def stays(draw, region):
    total_f = draw(st.integers(1, 200_000_000))  # up to 2,000,000 yuan, in fen
    oop_f = draw(st.integers(0, total_f))
    s = {"total": str(Decimal(total_f) / 100),
         "out_of_policy": draw(st.sampled_from([str(Decimal(oop_f) / 100), ""])),
         "level": draw(st.sampled_from(LEVELS)), "place": draw(st.sampled_from(list(params.load(region).places))),
         "referral": draw(st.booleans()), "transferred": draw(st.booleans())}
    if region == "yiyuan" and draw(st.booleans()):
        w = draw(st.integers(0, total_f // 4))
        s["hospital_waiver"] = str(Decimal(w) / 100)
        s["tehuibao"] = str(Decimal(draw(st.integers(0, total_f // 4))) / 100)
    return s


@st.composite
def inputs(draw):
    region = draw(st.sampled_from(params.region_ids()))
    rp = params.load(region)
    meta = rp.meta
    d = {"region": region, "year": draw(st.sampled_from(rp.years)),
         "identities": draw(st.lists(st.sampled_from(list(rp.identities)), min_size=1, max_size=3, unique=True)),
         "stays": draw(st.lists(stays(region), max_size=4)),
         "outpatient": {"chronic": draw(fen_amount(0, 5_000_000)), "special_drugs": draw(fen_amount(0, 5_000_000))}}
    if meta.get("tier"):
        d["tier"] = draw(st.sampled_from([1, 2]))
    if draw(st.booleans()):
        d["overrides"] = {"basic.level2.ratio": f"{draw(st.integers(0, 100))}%",
                          "critical.ordinary.threshold": str(draw(st.integers(0, 50000)))}
    if "employee" in meta["schemes"] and draw(st.booleans()):
        d["scheme"], d["wage"] = "employee", draw(fen_amount(100_000, 5_000_000))
    return d


OUTPUT_LIMIT = 120_000  # bytes; calc.api.MAX_OUTPUT: no answer is longer, whatever the input
UNICODE_DIGITS = st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4)
# Overrides and amounts as a share link could carry them: ASCII digits mixed with any Unicode digit.
DIGITISH = st.one_of(
    st.sampled_from(["²", "①", "⁵0", "1²", "٣٠٠", "１２%", "0.001", "0.004", "1e12", "1E3", "12.5e-9", "7.", ".5",
                     "99999999999", "1e400", "Ⅻ", "〇", "5²%", "10000000.01"]),
    st.builds(lambda a, b, c: a + b + c, st.text("0123456789.", max_size=4), UNICODE_DIGITS,
              st.sampled_from(["", "%", "0", "元", "万"])))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), DIGITISH, st.sampled_from(["²", "１２", "٣", "1e999", "1E-999999", "-0", "3万", "三万五",
                                                    "<script>", "NaN", "Infinity", "9" * 400, "0x10", "1_000", " ",
                                                    "元", "万万"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=12)
KEYS = list(fields.TOP)          # calc/fields.py: every declared field gets hostile values
STAY_KEYS = list(fields.STAY)


@st.composite
def hostile(draw):
    """A mostly-plausible input with a few fields replaced by anything at all."""
    d = draw(inputs())
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(KEYS + ["stay", "override", "junk"]))
        if key == "stay" and isinstance(d.get("stays"), list) and d["stays"] and isinstance(d["stays"][0], dict):
            d["stays"][0][draw(st.sampled_from(STAY_KEYS))] = draw(VALUES)
        elif key == "override":
            d["overrides"] = {draw(st.sampled_from(["basic.level2.ratio", "basic.level2.deductible", "x" * 90,
                                                    "critical.ordinary.threshold", "assistance.cap",
                                                    "split.default_oop_share", "basic.annual_limit"])):
                              draw(st.one_of(VALUES, DIGITISH))}
        else:
            d[key] = draw(VALUES)
    return d


def check_hostile(d):
    text = json.dumps(d, ensure_ascii=False, default=str)
    out = estimate(text)
    parsed = json.loads(out)
    assert parsed["ok"] in (True, False)
    if not parsed["ok"]:
        assert parsed["errors"] and all(e["message"] for e in parsed["errors"])
        assert not any("Traceback" in e["message"] or "Error" in e["message"] for e in parsed["errors"])
    assert len(out.encode()) <= OUTPUT_LIMIT, (len(out), text[:200])
    return parsed


# ---- worker entry points: payloads of any JSON type -------------------------------------------------
PAYLOAD = st.one_of(
    st.none(), st.text(max_size=60), st.builds(json.dumps, VALUES),
    st.builds(lambda v: json.dumps(v, default=str), st.lists(VALUES, max_size=3)),
    st.sampled_from(["", "null", "1", "[]", "{}", '"x"', "true", "1e999", "[{}]", '{"input": 1}',
                     '{"input": {}, "identities": ["dibao"]}', '{"input": null}', '{"jobs": "x"}',
                     '{"jobs": [1, null, {}]}', '{"text": 5}', '{"rows": {}}', "\r\n", "a,b\r\n1,2\r"]))


def _roster_entries():
    """The roster's worker calls, wherever the roster lives on this branch (roster/ or calc.roster)."""
    for name in ("roster.worker", "roster", "calc.roster"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        fns = {f"{name}.{fn}": getattr(mod, fn) for fn in dir(mod) if fn.endswith("_json") and callable(getattr(mod, fn))}
        if fns:
            return fns
    return {}


def entry_points(chart_every=50, roster=True):
    """name -> (function of one payload, how often to call it: every nth input)."""
    import paychart
    from calc import api

    calls = {"calc.api.estimate": (api.estimate, 1), "calc.api.meta": (lambda _p: api.meta(), 2000),
             "paychart.chart": (paychart.chart, chart_every)}
    if roster:
        calls.update({k: (f, 1) for k, f in _roster_entries().items()})
    return calls


def check_entry(fn, payload):
    out = fn(payload)
    assert isinstance(out, str), type(out)
    json.loads(out)
    assert len(out.encode()) <= max(OUTPUT_LIMIT, 2_000_000), len(out)   # meta() is the one long answer


def check(d):
    out = estimate_dict(d)
    assert out["ok"], (d, out)
    rp = params.load(d["region"])
    y = out["year"]
    for part in out["stays"] + [y]:
        vals = {k: Decimal(part[k]) for k in PAYERS}
        assert all(v >= 0 for v in vals.values()), (d, part)
        assert sum(vals.values()) == Decimal(part["total"]), (d, part)
    o = out["outpatient"]
    assert Decimal(o["basic"]) + Decimal(o["critical"]) + Decimal(o["assistance"]) + Decimal(o["resident"]) == Decimal(o["total"])
    assert all(Decimal(o[k]) >= 0 for k in o)
    # caps: basic yearly limit (on stays) and the chosen identity's shared assistance cap
    limit = rp.get("basic.annual_limit", d["year"]).value
    assert sum(Decimal(s["basic"]) for s in out["stays"]) <= limit
    cap = None
    for path, f in out["figures"].items():
        if path.endswith(".cap") and path.startswith("assistance"):
            cap = Decimal(f["value"])
    topup = any(path.endswith(".topup") for path in out["figures"])
    oop_assist = any(path.startswith("oop_assist") for path in out["figures"])
    if cap is not None and not topup and not oop_assist:
        assert Decimal(y["assistance"]) <= cap, (d, y)
    # monotone: a dearer *last* stay never lowers the resident's share. (A dearer earlier stay can: with
    # YC-AST-2's 90% top-up its own share is fixed at 10% while its self-pay still moves the yearly 大病
    # accumulation, so a later stay gets more 大病 — found by this fuzz, a property of the documents.)
    # Each payer step rounds to the fen once; the tolerance allows a fen per rounded step.
    if d["stays"]:
        tol = Decimal("0.01") * 3 * (len(d["stays"]) + 1)
        d2 = {**d, "stays": [dict(s) for s in d["stays"]]}
        d2["stays"][-1]["total"] = str(Decimal(d2["stays"][-1]["total"]) + 1000)
        out2 = estimate_dict(d2)
        assert Decimal(out2["year"]["resident"]) >= Decimal(y["resident"]) - tol, (d, y, out2["year"])
    return out


def soak(count, chart_every=50, valid_every=1, progress=0, roster=True):
    """Returns (inputs tried per entry point, {entry: uncaught exceptions}, first failure per entry)."""
    calls = entry_points(chart_every, roster)
    tried, failed, first = collections.Counter(), collections.Counter(), {}
    n = [0]

    def guard(name, fn, *args):
        tried[name] += 1
        try:
            fn(*args)
        except Exception as e:  # counted, not raised: the soak reports every kind it finds
            failed[name] += 1
            first.setdefault(name, (repr(args)[:300], "".join(traceback.format_exception_only(e)).strip()))

    @settings(max_examples=count, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(inputs(), hostile(), PAYLOAD)
    def run(d, h, payload):
        n[0] += 1
        if n[0] % valid_every == 0:
            tried["valid (invariants)"] += 1
            check(d)
        if progress and n[0] % progress == 0:
            print(f"  … {n[0]} examples, {sum(tried.values())} inputs, {sum(failed.values())} uncaught", flush=True)
        guard("hostile estimate", check_hostile, h)
        for name, (fn, every) in calls.items():
            if n[0] % every == 0:
                guard(name, check_entry, fn, payload)
    run()
    return tried, failed, first


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--chart-every", type=int, default=50, help="call paychart.chart on every nth input")
    ap.add_argument("--valid-every", type=int, default=1, help="check the invariants on every nth valid input")
    ap.add_argument("--progress", type=int, default=0, help="print a line every n examples")
    ap.add_argument("--no-roster", action="store_true", help="leave the roster's calls out")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    tried, failed, first = soak(a.count, a.chart_every, a.valid_every, a.progress, not a.no_roster)
    dt = time.perf_counter() - t
    total = sum(tried.values())
    print(f"fuzz: {a.count} examples, {total} inputs in all ({tried['valid (invariants)']} valid ones with their "
          f"invariants held) in {dt:.1f} s; uncaught exceptions: {sum(failed.values())}")
    for name in sorted(tried):
        print(f"  {name}: {tried[name]} inputs, {failed[name]} uncaught exceptions")
        if name in first:
            print(f"    first: {first[name][1]}\n    input: {first[name][0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
