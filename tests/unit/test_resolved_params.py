"""Parameters are resolved once per region, year and overrides (RegionParams.view), trial runs keep
amounts only, and the answers stay exactly what reading every parameter afresh on every step gives."""
import random
from dataclasses import replace

import pytest

from benchmarks.roster import sample
from calc import api, engine, params
from calc.context import Ctx
from calc.engine import PAYERS, compute
from calc.input import parse
from calc.vocab import PRIORITY


def _reference_read(self, path):
    """Every read looked up again in the region's tables, overrides applied on the spot."""
    p = self.rp.lookup(path, self.year)
    if p is not None and self.ov and path in self.ov:
        return replace(p, value=self.ov[path], overridden=True)
    return p


def _reference_choose(rp, person, care, overrides, trace=True, hook=None):
    """The choice of identities as first written: every trial traced, every payer tried."""
    held = sorted(person.identities, key=PRIORITY.index)
    runs = [compute(rp, person, care, overrides, dict.fromkeys(PAYERS, i), hook=hook) for i in held]
    best = min(runs, key=lambda r: r.year["resident"])
    if len(held) == 1:
        return best
    for _ in range(3):
        improved = False
        for payer in PAYERS:
            for cand in held:
                if cand == best.ctx.schedule[payer]:
                    continue
                trial = compute(rp, person, care, overrides, {**best.ctx.schedule, payer: cand}, hook=hook)
                if trial.year["resident"] < best.year["resident"]:
                    best, improved = trial, True
        if not improved:
            break
    return best


def corpus(per_region=40):
    out = []
    for rid in params.region_ids():
        rp = params.load(rid)
        rng = random.Random(rid)
        _, people = sample(per_region, rid, seed=11, max_stays=4)
        for i, person in enumerate(people):
            inp = {**person["input"], "year": rng.choice(rp.years)}
            if i % 4 == 0:
                inp["identities"] = rng.sample(list(rp.identities), min(3, len(rp.identities)))
            if i % 5 == 0:
                assumed = [p for p in rp.parameters(inp["year"]) if p.provenance == "assumption"
                           and p.unit in ("yuan", "ratio")]
                q = rng.choice(assumed)
                inp["overrides"] = {q.path: "40%" if q.unit == "ratio" else "321"}
            if i % 6 == 0:
                inp["outpatient"] = {"chronic": "6000", "special_drugs": "9000"}
            out.append(inp)
    return out


def test_answers_equal_reading_every_parameter_on_every_step(monkeypatch):
    cases = corpus()
    fast = [api.estimate_dict(c) for c in cases]
    monkeypatch.setattr(Ctx, "p", _reference_read)
    monkeypatch.setattr(api, "choose", _reference_choose)
    slow = [api.estimate_dict(c) for c in cases]
    assert sum(1 for a in fast if a["ok"]) > 150
    for c, a, b in zip(cases, fast, slow):
        assert a == b, c


def test_quiet_runs_give_the_traced_amounts():
    for c in corpus(15):
        try:
            rp, person, care, ov, _, _ = parse(c)
        except Exception:
            continue
        quiet = engine.choose(rp, person, care, ov, trace=False)
        loud = engine.choose(rp, person, care, ov)
        assert quiet.year == loud.year and quiet.ctx.schedule == loud.ctx.schedule
        assert quiet.ctx.steps == [] and (loud.ctx.steps or not care.stays)


@pytest.mark.parametrize("rid", params.region_ids())
def test_a_payer_not_tried_cannot_change_an_amount(rid):
    """engine.choose skips payers without identity-dependent data (IDENTITY_READS) in a year: check it."""
    rp = params.load(rid)
    ids = list(rp.identities)
    for year in rp.years:
        skipped = [p for p in PAYERS if p not in engine.payers_to_try(rp, year)]
        rp_, person, care, ov, _, _ = parse({"region": rid, "year": year, "identities": ids[:2], "stays": [
            {"total": "80000", "level": "2", "place": "county", "referral": True},
            {"total": "150000", "level": "3", "place": "city", "referral": True, "transferred": True}],
            "outpatient": {"chronic": "5000", "special_drugs": "8000"}})
        for payer in skipped:
            for a in ids:
                base = compute(rp, person, care, ov, dict.fromkeys(PAYERS, a))
                for b in ids:
                    other = compute(rp, person, care, ov, {**dict.fromkeys(PAYERS, a), payer: b})
                    assert other.year == base.year, (year, payer, a, b)


def test_caches_stay_bounded_on_unknown_override_paths():
    rp = params.load("xianning")
    for i in range(3000):
        out = api.estimate_dict({"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}],
                                 "overrides": {f"no.such.path{i}": "1"}})
        assert not out["ok"]
    for i in range(200):   # many different valid overrides: views are dropped least recently used first
        api.estimate_dict({"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}],
                           "overrides": {"basic.level2.deductible": str(100 + i)}})
    assert len(rp._views) <= params.MAX_VIEWS
    from calc import schema
    assert schema.declared.cache_info().currsize <= schema.declared.cache_info().maxsize
