"""Load and check the hand-worked cases in tests/cases/<region>/<RULE>.toml."""
import pathlib
import re
import tomllib

from calc.api import estimate_dict

CASES = pathlib.Path(__file__).resolve().parents[1] / "cases"
PATH = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def load_all():
    """[(id, region, rule, case)] for every case file."""
    out = []
    for f in sorted(CASES.glob("*/*.toml")):
        data = tomllib.loads(f.read_text("utf-8"))
        for i, case in enumerate(data["case"]):
            out.append((f"{f.parent.name}/{f.stem}#{i + 1}", f.parent.name, data["rule"], case))
    return out


def get(out, path):
    node = out
    for part in path.split("."):
        m = PATH.fullmatch(part)
        node = node[m[1]]
        if m[2] is not None:
            node = node[int(m[2])]
    return node


def check(region, rule, case):
    out = estimate_dict(case["input"])
    assert out["ok"], out
    assert case["input"]["region"] == region
    want = {k: (None if v == "null" else v) for k, v in case.get("expect", {}).items()}
    got = {path: get(out, path) for path in want}
    assert got == want, (case["title"], got)
    rules = [t["rule"] for t in out["trace"]]
    for r in case.get("rules", []):
        assert r in rules, (case["title"], r, rules)
    for r in case.get("not_rules", []):
        assert r not in rules, (case["title"], r, rules)
    return out
