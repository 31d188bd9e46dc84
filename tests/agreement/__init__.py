"""The cross-surface agreement cases (cases.toml) expanded per region into estimate inputs."""
from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path

CASES = Path(__file__).with_name("cases.toml")


@cache
def _data() -> dict:
    return tomllib.loads(CASES.read_text("utf-8"))


def _regions() -> list[dict]:
    from calc import api
    return json.loads(api.meta())["regions"]


def _identity(region: dict, ref: str) -> str:
    offered = [i["id"] for i in region["identities"]]
    if ref == "@putong":
        return "putong"
    others = [i for i in offered if i != "putong"]
    return others[int(ref[1:]) - 1]


def minimal_cases() -> list[dict]:
    """[{id, region, input}] with only region, identity and one stay's total: every identity."""
    out = []
    for r in _regions():
        for ident in r["identities"]:
            for total in _data()["every_identity"]:
                out.append({"id": f"{r['id']}-{ident['id']}-{total}", "region": r["id"], "identity": ident["id"],
                            "total": total, "title": f"{ident['label']} {total}",
                            "input": {"region": r["id"], "identities": [ident["id"]], "stays": [{"total": str(total)}]}})
    return out


def listed_cases() -> list[dict]:
    """[{id, region, title, input}] for every [[case]] in every region."""
    out = []
    for r in _regions():
        for n, c in enumerate(_data()["case"]):
            inp = {"region": r["id"], "identities": list(dict.fromkeys(_identity(r, x) for x in c["identities"])),
                   "stays": [dict(s) for s in c["stays"]]}
            if "outpatient" in c:
                inp["outpatient"] = dict(c["outpatient"])
            out.append({"id": f"{r['id']}-case{n + 1}", "region": r["id"], "title": c["title"], "input": inp})
    return out


def all_cases() -> list[dict]:
    return minimal_cases() + listed_cases()
