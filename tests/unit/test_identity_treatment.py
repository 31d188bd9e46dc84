"""engine.choose skips the runs that cannot change an amount: an identity no payer can tell apart
from one already computed, and a trial giving a payer an identity it treats alike (engine.treatment).
The answers are those of the full search, for every region, year and pair or triple of identities."""
from __future__ import annotations

import itertools
import json
import random

import pytest

from calc import api, engine
from calc.api import estimate_dict

REGIONS = json.loads(api.meta())["regions"]


def people(region: dict, rng) -> list[dict]:
    ids = [i["id"] for i in region["identities"]]
    combos = [list(c) for k in (2, 3) for c in itertools.combinations(ids, k)]
    out = []
    for year in region["years"]:
        for held in combos:
            stays = [{"total": str(rng.choice([800, 9000, 30000, 120000, 260000])),
                      "level": rng.choice(["1", "2", "3"]), "place": rng.choice([p["id"] for p in region["places"]])}
                     for _ in range(rng.randint(1, 3))]
            out.append({"region": region["id"], "year": year, "identities": held, "stays": stays,
                        "outpatient": {"chronic": "6000"} if rng.random() < 0.3 else {}})
    return out


@pytest.mark.parametrize("region", REGIONS, ids=[r["id"] for r in REGIONS])
def test_skipped_runs_never_change_an_answer(region, monkeypatch):
    rng = random.Random(region["id"])
    cases = people(region, rng)
    pruned = [estimate_dict(c) for c in cases]
    # every identity its own treatment: nothing is skipped, the search is the full one
    monkeypatch.setattr(engine, "treatment", lambda rp, year, payer, ident: (ident,))
    full = [estimate_dict(c) for c in cases]
    assert len(cases) > 10
    for case, a, b in zip(cases, pruned, full):
        assert a["ok"] and b["ok"], case
        assert a == b, case   # amounts, payers, trace, notes: the whole answer


def test_some_identities_are_treated_alike_somewhere():
    """Else the test above would prove nothing about the skips."""
    from calc import params
    alike = 0
    for region in REGIONS:
        rp = params.load(region["id"])
        ids = [i["id"] for i in region["identities"]]
        for year in region["years"]:
            for payer in engine.PAYERS:
                sigs = [engine.treatment(rp, year, payer, i) for i in ids]
                alike += len(sigs) - len(set(sigs))
    assert alike > 0


def test_a_roster_row_leaves_no_cyclic_garbage():
    """roster.compute pauses the cycle collector while it estimates: that is safe only while a row
    leaves nothing that only the collector could free (a quiet run's Ctx, once, referred to itself)."""
    import gc

    from benchmarks.roster import sample
    from roster.compute import Reading, estimate_one
    for region in REGIONS:
        reading = Reading(sample(120, region["id"], bad_rows=5, seed=4)[0], region["id"])
        jobs = reading.jobs()
        gc.collect()
        gc.disable()
        try:
            for job in jobs:
                estimate_one(job)
            assert gc.collect() == 0, region["id"]
        finally:
            gc.enable()
