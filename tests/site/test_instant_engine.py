"""CI check: every answer a region page carries (sitegen/instant.py, computed natively at
build time) equals, to the fen, what the real engine computes in Pyodide for the same input.

One Pyodide boot in Node (tests/site/instant_engine.mjs) for every case of every region; the calc
wheel is the one the built site publishes (site/wheels/), the answers are read back from the built
pages. Amounts (every payer of every stay, 门诊, the year, the premium) and the summary must match
exactly; the rest of the output too.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile

import pytest

from .instant_helpers import AMOUNTS, page_block, page_cases

HERE = __import__("pathlib").Path(__file__).resolve().parent


def _amounts(out: dict) -> dict:
    got = {f"year.{k}": v for k, v in out["year"].items()}
    got.update({f"outpatient.{k}": v for k, v in out["outpatient"].items()})
    for s in out["stays"]:
        got.update({f"stays[{s['index']}].{k}": v for k, v in s.items() if isinstance(v, str)})
    got.update({f"premium.{k}": v for k, v in (out.get("premium") or {}).items() if k != "note"})
    return got


@pytest.fixture(scope="module")
def engine_answers(built_site, regions, tmp_path_factory):
    if not shutil.which("node"):
        pytest.fail("node is needed to run the real Pyodide engine (npm ci)")
    wheels = sorted(built_site.glob("wheels/*/calc-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as z:  # the published wheel holds calc
        assert "calc/api.py" in z.namelist()
    cases = []
    for r in regions:
        cases += page_cases(built_site, r)
    tmp = tmp_path_factory.mktemp("instant")
    (tmp / "in.json").write_text(json.dumps([c["input"] for c in cases], ensure_ascii=False), "utf-8")
    subprocess.run(["node", str(HERE / "instant_engine.mjs"), str(wheels[0]), str(tmp / "in.json"), str(tmp / "out.json")],
                   check=True, timeout=600)
    res = json.loads((tmp / "out.json").read_text("utf-8"))
    assert res["python"].startswith("3.14"), res["python"]  # really the browser's Python, not the host's
    return cases, [json.loads(o) for o in res["outputs"]]


def test_every_region_carries_every_case(built_site, regions):
    for r in regions:
        block = page_block(built_site, r["id"])
        assert block["amounts"] == [str(a) for a in AMOUNTS]
        assert block["year"] == r["default_year"]
        assert sorted(block["cases"]) == sorted(i["id"] for i in r["identities"])
        assert all(len(v) == len(AMOUNTS) and all(v) for v in block["cases"].values())


def test_engine_in_pyodide_equals_every_precomputed_answer(engine_answers):
    cases, outs = engine_answers
    assert len(cases) == len(outs) >= 5 * 6 * len(AMOUNTS)
    for c, engine in zip(cases, outs):
        where = f"{c['region']} {c['identity']} {c['amount']}"
        assert engine.get("ok") is True, (where, engine.get("errors"))
        pre = c["answer"]
        assert _amounts(engine) == _amounts(pre), where
        assert engine["summary"] == pre["summary"], where
        assert engine["year_sum"] == pre["year_sum"], where
        assert engine == pre, where  # notes, trace, figures: the page shows exactly the engine's answer
