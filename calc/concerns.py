"""Which parameters concern an identity: the one answer the region page's identity sections, the
明白纸, the roster's sheets and the comparison all use (never each their own reading of the data)."""
from __future__ import annotations

SUFFIX = ".identities"


def _ids(p) -> set:
    """The identities a list parameter gives its table to (as calc computes: `reading_for` names
    those a reading concerns, who may be left out, so it does not count here)."""
    value = p.value.split(",") if isinstance(p.value, str) else p.value
    return {str(v).strip() for v in value or ()}


def identity_lists(rp, year) -> dict[str, set]:
    """{table path: identities it is for}, from every `<table>.identities` list in force in `year`."""
    return {p.path[: -len(SUFFIX)]: _ids(p) for p in rp.parameters(year) if p.path.endswith(SUFFIX)}


def concerns(rp, year, ident: str) -> list:
    """The parameters in force in `year` that concern `ident`: a segment of the path names it
    (subsidy.tekun, assistance.dibao.ratio), or a table above the parameter lists it in its
    `identities` (reassist.identities = ["jianka", "jishi", "linshi"]). The lists themselves are
    not returned: they say whom, the other parameters say what."""
    lists = identity_lists(rp, year)
    out = []
    for p in rp.parameters(year):
        if p.path.endswith(SUFFIX):
            continue
        parts = p.path.split(".")
        tables = (".".join(parts[:i]) for i in range(1, len(parts)))
        if ident in parts or any(ident in lists.get(t, ()) for t in tables):
            out.append(p)
    return out


FIGURE_UNITS = ("yuan", "ratio", "count")


def figures(rp, year, ident: str) -> list:
    """The figures (amounts, rates, counts) among the parameters that concern `ident`."""
    return [p for p in concerns(rp, year, ident) if p.unit in FIGURE_UNITS]


def rule_titles(rp, year, ident: str) -> list[str]:
    """What the region gives `ident` beyond 普通参保人员, in the titles of the region's own rules that
    set its figures (in the order the parameters come), for one-line summaries."""
    titles = []
    for p in figures(rp, year, ident):
        rule = rp.rules.get(p.rule)
        title = rule.title if rule else "其他规定"
        if title not in titles:
            titles.append(title)
    return titles
