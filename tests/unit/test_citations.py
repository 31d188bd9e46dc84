"""Citation integrity: over every region × year × identity × a set of bills, every trace step cites a
rule of the input's own region, and its clause is the one its own document figures cite; a step with
no document figure cites nothing and says it rests on an assumption."""
import pytest

from calc import params
from calc.api import estimate_dict

BILLS = [
    {"stays": [{"total": "60000", "out_of_policy": "6000", "level": "2", "place": "county", "referral": True}]},
    {"stays": [{"total": "250000", "out_of_policy": "", "level": "3", "place": "city", "referral": True},
               {"total": "20000", "out_of_policy": "0", "level": "3", "place": "outside", "transferred": True,
                "hospital_waiver": "500"}],
     "outpatient": {"chronic": "3000", "special_drugs": "2000"}},
    {"outpatient": {"chronic": "8000"}},
]
CASES = [(r, y, i, b) for r in params.region_ids() for y in params.load(r).years
         for i in params.load(r).identities for b in range(len(BILLS))]


@pytest.mark.parametrize("region,year,ident,bill", CASES)
def test_every_step_cites_its_own_clause(region, year, ident, bill):
    rp = params.load(region)
    out = estimate_dict({"region": region, "year": year, "identities": [ident], **BILLS[bill]})
    assert out["ok"], out
    for st in out["trace"]:
        docs = [out["figures"][p] for p in st["figures"] if out["figures"][p]["provenance"] == "document"]
        if st["rule"] is None:
            # A step may borrow a document's figures and still not be its rule: when who it reaches is
            # not the document's (an identity list that is an assumption), or the year is not the document's.
            not_the_documents = [p for p in st["figures"] if out["figures"][p]["provenance"] != "document"
                                 and (rp.get(p, year).unit == "ids" or rp.get(p, year).carried)]
            assert st["cite"] == "" and st["anchor"] is None and (not docs or not_the_documents), st
            assert st["basis"] in ("assumption", "input", "public"), st
            if st["basis"] == "assumption" and st["tier"] != "note":
                assert "按假设" in st["text"], st
            continue
        assert st["rule"] in rp.rules, f"{region}: step cites {st['rule']}, not a rule of {rp.document}"
        assert st["cite"] == docs[0]["cite"], st
        assert st["cite"].removeprefix(rp.document + " ") in rp.rules[st["rule"]].section, st
        assert st["anchor"] == st["rule"].lower()
        for f in docs:
            assert f["cite"].startswith(rp.document), f
