"""The rule identifiers of RULES.md, read from the region files (title, plain gloss, citation, anchor).

`RULES` is {rule_id: Rule(id, region, title, plain, section, cite, anchor)} over every known region,
including regions registered at run time (calc.params.register).
"""
from . import params


def all_rules() -> dict:
    return {r.id: r for rid in params.region_ids() for r in params.load(rid).rules.values()}


def __getattr__(name):
    if name == "RULES":
        return all_rules()
    raise AttributeError(name)
