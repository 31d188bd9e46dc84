"""Instant answers: the first-screen answers computed at build time by calc itself.

For every region, its default year and every identity it offers, calc.api.estimate_dict computes
the full answer for the chip amounts (AMOUNTS), with exactly the input the calculator form builds
when only the identity and the bill total are given (form_input). The page carries them as a JSON
data block (<script type="application/json" id="calc-instant">); assets/resident/calc-instant.js
only looks answers up there and hands them to the same renderer as the engine's answers. It never
computes a figure.

Which inputs are "the same case" is decided here, by calc, never by JavaScript: for each input
field the block lists the spellings (JSON text of the raw value, "-" = field absent) that calc
normalises to the form's value (`same`), or that normalise differently but give the identical
answer for every precomputed case (`alike`: e.g. 转诊 where no county stay depends on it). The
browser accepts an input only when every field's spelling is listed (at most one `alike`), its
identity is offered and its total is one of the listed spellings of a chip amount (each checked
with calc.amount.parse_amount through calc's own input parser).

Between two adjacent amounts, `ranges` marks the pairs where calc was sampled (RANGE_SAMPLES
totals in between) and what the resident pays never decreases and every payer moves one way
only; only there may the page show the two neighbouring answers as a range.

Size: repeated subtrees (figures, assumptions, notes, cites) are stored once in `pool` and
referenced as {"@": index}; calc-instant.js expands them. tests/site/test_instant*.py measure the
block (gzip and brotli) against SIZE_BUDGET and check every case against the real Pyodide engine.
"""
from __future__ import annotations

import collections
import copy
import json
import pathlib
import re
from decimal import Decimal

AMOUNTS = (5000, 10000, 20000, 30000, 50000, 100000, 200000)
SIZE_BUDGET = 30 * 1024     # compressed bytes of the block, per region page
RANGE_SAMPLES = 40          # totals sampled natively inside each adjacent pair
ABSENT = "-"                # the spelling of a field that is not in the input
POOL_MIN = 12               # shortest JSON text worth a pool entry
PAYERS = ("hospital_bears", "basic", "critical", "assistance", "tilt", "re_assistance", "other")

# Spellings tried for each field besides the form's own and absence: calc/fields.py declares them
# (a spelling not listed is simply not instant: the engine computes it). Keys are where the field
# sits; "stay." = stays[0]. The region, identities and totals are matched on their own.
def _candidates() -> dict:
    from calc import fields
    out = {"region": []}
    for f in fields.FIELDS:
        if f.key in ("region", "identities", "stays", "total"):
            continue
        out[f.instant_key] = list(f.instant)
    return out


CANDIDATES = _candidates()
CN_AMOUNTS = {5000: ["五千", "5千"], 10000: ["一万"], 20000: ["两万", "二万"], 30000: ["三万"],
              50000: ["五万"], 100000: ["十万"], 200000: ["二十万"]}


def spell(value) -> str:
    """The key the browser builds for a raw value (calc-instant.js spell(): JSON.stringify)."""
    if value is _MISSING:
        return ABSENT
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_MISSING = object()


def form_input(region_meta: dict, identity: str, total) -> dict:
    """The input calc-form.js read() builds when only the identity and the total are filled in,
    derived from calc/fields.py as the form is: every amount control empty, every choice and check
    box at its declared default, only the controls the region shows (tests/e2e/test_instant.py
    fills the real form and checks the page finds this case)."""
    from calc import fields
    feats = region_meta.get("features") or {}

    def shown(f):
        return f.form is not None and (f.feature is None or feats.get(f.feature)) and not f.later_stays_only

    def value(f):
        return "" if f.kind == "amount" else f.default

    stay = {"total": str(total)}
    stay.update({k: value(f) for k, f in fields.STAY.items() if k != "total" and shown(f)})
    inp = {"region": region_meta["id"], "year": region_meta["default_year"], "identities": [identity],
           "stays": [stay], "outpatient": {k: value(f) for k, f in fields.OUTPATIENT.items() if shown(f)}}
    if len(region_meta.get("schemes") or []) > 1:
        inp["scheme"] = fields.TOP["scheme"].default
    if region_meta.get("tier"):
        inp["tier"] = fields.TOP["tier"].default
    return inp


def _get(inp: dict, field: str):
    if field.startswith("stay."):
        return inp["stays"][0].get(field[5:], _MISSING)
    if field.startswith("outpatient."):
        o = inp.get("outpatient")
        return o.get(field[11:], _MISSING) if isinstance(o, dict) else _MISSING
    return inp.get(field, _MISSING)


def _with(inp: dict, field: str, value) -> dict:
    out = copy.deepcopy(inp)
    if field.startswith("stay."):
        target, key = out["stays"][0], field[5:]
    elif field.startswith("outpatient."):
        if not isinstance(out.get("outpatient"), dict):
            out["outpatient"] = {}
        target, key = out["outpatient"], field[11:]
    else:
        target, key = out, field
    if value is _MISSING:
        target.pop(key, None)
    else:
        target[key] = value
    return out


def _norm(inp: dict):
    from calc import input as calc_input
    try:
        return calc_input.parse(inp)[4]
    except calc_input.InputError:
        return None


def _without_input(out: dict) -> dict:
    return {k: v for k, v in out.items() if k != "input"}


def total_spellings(amount: int) -> list:
    """Ways a person (or a link) writes the amount that calc reads as exactly that amount."""
    from calc.amount import AmountError, parse_amount
    n = amount
    wan = f"{Decimal(n) / 10000:f}".rstrip("0").rstrip(".")
    raw = [n, str(n), f"{n}元", f"{n:,}", f"{n:,}元", f"{n}.00", f"{n}.0", f"{wan}万", f"{wan}万元",
           f"{n} 元", f"{n}块", *CN_AMOUNTS.get(n, [])]
    out = []
    for r in raw:
        try:
            ok = parse_amount(r) == Decimal(n)
        except AmountError:
            ok = False
        if ok and r not in out:
            out.append(r)
    return out


def _fields(base: dict) -> list[str]:
    return [f for f in CANDIDATES if not (f.startswith("outpatient.") and not isinstance(base.get("outpatient"), dict))]


def _variants(field: str, base: dict) -> list:
    vals = [_MISSING, _get(base, field), *CANDIDATES[field]]
    if field == "region":
        vals = [_MISSING, base["region"]]
    if field == "year":
        y = base["year"]
        vals += [str(y), f"{y}年"]
    uniq, seen = [], set()
    for v in vals:
        k = spell(v)
        if k not in seen:
            seen.add(k)
            uniq.append(v)
    return uniq


def spellings(region_meta: dict, answers: dict) -> dict:
    """{field: {spelling: 0 (calc reads it as the form's value) | 1 (reads it differently, same
    answer for every precomputed case)}}. `answers`: {(identity, amount): output}."""
    ident, amount = next(iter(answers))
    base = form_input(region_meta, ident, amount)
    base_norm = _norm(base)
    out = {}
    for field in _fields(base):
        accepted = {}
        for v in _variants(field, base):
            probe = _with(base, field, v)
            n = _norm(probe)
            if n is None:
                continue
            if n == base_norm:
                accepted[spell(v)] = 0
            elif _same_answers(region_meta, answers, field, v):
                accepted[spell(v)] = 1
        out[field] = accepted
    return out


def _same_answers(region_meta, answers, field, value) -> bool:
    from calc.api import estimate_dict
    for (ident, amount), ans in answers.items():
        other = estimate_dict(_with(form_input(region_meta, ident, amount), field, value))
        if not other.get("ok") or _without_input(other) != _without_input(ans):
            return False
    return True


def monotone_pairs(region_meta: dict, ident: str) -> list[bool]:
    """For each adjacent pair of AMOUNTS: True when, sampled natively, the resident's share
    never decreases and each payer moves one way only between the two amounts."""
    from calc.api import amounts
    from calc.input import InputError
    from calc.money import fen
    out = []
    for a, b in zip(AMOUNTS, AMOUNTS[1:]):
        totals = [Decimal(a) + (Decimal(b - a) * k / RANGE_SAMPLES).quantize(Decimal("0.01"))
                  for k in range(RANGE_SAMPLES + 1)]
        years = []
        for t in totals:
            try:
                run = amounts(form_input(region_meta, ident, f"{t:f}"))[-1]
            except InputError:
                break
            years.append({k: fen(v) for k, v in run.year.items()})  # to the fen, as the page shows them
        ok = len(years) == len(totals)
        if ok:
            res = [y["resident"] for y in years]
            ok = all(x <= y for x, y in zip(res, res[1:]))
        for payer in PAYERS if ok else ():
            seq = [y.get(payer) or Decimal(0) for y in years]
            up = all(x <= y for x, y in zip(seq, seq[1:]))
            down = all(x >= y for x, y in zip(seq, seq[1:]))
            if not (up or down):
                ok = False
                break
        out.append(ok)
    return out


def _canon(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def pooled(cases: list) -> tuple[list, list]:
    """(pool, cases) with every subtree (object, list, long string) that occurs more than once
    stored once in pool and replaced by {"@": index}. calc-instant.js expand() undoes it."""
    counts = collections.Counter()

    def count(x):
        if isinstance(x, (dict, list)):
            counts[_canon(x)] += 1
            for v in (x.values() if isinstance(x, dict) else x):
                count(v)
        elif isinstance(x, str) and len(x) >= POOL_MIN:
            counts[_canon(x)] += 1

    for c in cases:
        count(c)
    pool: list = []
    index: dict[str, int] = {}

    def intern(x):
        if isinstance(x, (dict, list, str)):
            key = _canon(x)
            if counts[key] >= 2 and len(key) >= POOL_MIN:
                if key not in index:
                    value = kids(x)
                    index[key] = len(pool)
                    pool.append(value)
                return {"@": index[key]}
        return kids(x)

    def kids(x):
        if isinstance(x, dict):
            if "@" in x:
                raise ValueError("calc output uses the pool's reserved key '@'")
            return {k: intern(v) for k, v in x.items()}
        if isinstance(x, list):
            return [intern(v) for v in x]
        return x

    packed = [intern(c) for c in cases]
    return pool, packed


def expand(pool: list, x):
    """The inverse of pooled() (the same as calc-instant.js expand(); used by the tests)."""
    if isinstance(x, list):
        return [expand(pool, v) for v in x]
    if isinstance(x, dict):
        if list(x) == ["@"]:
            return expand(pool, pool[x["@"]])
        return {k: expand(pool, v) for k, v in x.items()}
    return x


def answers(region_meta: dict) -> dict:
    """{(identity, amount): calc's full output} for the form's input; the build stops if calc
    refuses one (a chip must never show an error)."""
    from calc.api import estimate_dict
    out = {}
    for ident in region_meta["identities"]:
        iid = ident["id"]
        for amount in AMOUNTS:
            inp = form_input(region_meta, iid, amount)
            res = estimate_dict(inp)
            if not res.get("ok"):
                raise RuntimeError(f"sitegen.instant: calc rejected {inp}: {res.get('errors')}")
            out[(iid, amount)] = res
    return out


def chip_label(amount: int) -> str:
    return f"{amount // 10000}万元" if amount % 10000 == 0 else f"{amount:,}元"


def region_block(region_meta: dict, settings: dict | None = None, *, ranges: bool = True) -> dict:
    """The data block of one region page (see the module docstring). ranges=False: without the
    sampled ranges (tests that only look answers up)."""
    from . import settings as site_settings
    ans = answers(region_meta)
    ids = [i["id"] for i in region_meta["identities"]]
    keys = list(ans)
    pool, packed = pooled([ans[k] for k in keys])
    cases = {iid: [None] * len(AMOUNTS) for iid in ids}
    for (iid, amount), p in zip(keys, packed):
        cases[iid][AMOUNTS.index(amount)] = p
    totals = {}
    for i, amount in enumerate(AMOUNTS):
        for s in total_spellings(amount):
            totals[spell(s)] = i
    office = None  # only an office the site settings name (not the national fallback line)
    if settings and (settings.get("hotline") or "").strip() and settings["hotline"] != site_settings.DEFAULTS["hotline"]:
        office = {"name": settings.get("office_name") or "", "hotline": settings["hotline"]}
    return {
        "v": 1, "region": region_meta["id"], "year": region_meta["default_year"],
        "amounts": [str(a) for a in AMOUNTS], "labels": [chip_label(a) for a in AMOUNTS],
        "identities": ids, "fields": spellings(region_meta, ans), "totals": totals,
        "ranges": {iid: monotone_pairs(region_meta, iid) for iid in ids} if ranges else {},
        "office": office, "pool": pool, "cases": cases,
    }


ASSETS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "assets"
# Static imports of our own modules ("./x.js", "../shared/x.js"); the engine's client
# (../runtime/) has its own preload in overrides/main.html (only where WebAssembly runs).
STATIC_IMPORT = re.compile(r'^\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}/[\w./-]+\.js)"', re.M)
PRELOADED_DIRS = ("resident", "shared")


def module_graph(entry: str = "resident/calculator.js") -> list[str]:
    """Every module calculator.js imports statically, directly or not (read from the files, so
    the list cannot go stale), as paths under assets/: the page preloads them all at once instead
    of discovering them one import level per round trip."""
    seen, todo = [], [entry]
    while todo:
        rel = todo.pop(0)
        path = ASSETS / rel
        if rel in seen or not path.is_file() or rel.split("/")[0] not in PRELOADED_DIRS:
            continue
        seen.append(rel)
        for spec in STATIC_IMPORT.findall(path.read_text("utf-8")):
            todo.append((path.parent / spec).resolve().relative_to(ASSETS.resolve()).as_posix())
    return seen[1:]


MODULES_PLACEHOLDER = re.compile(r"<!--CALC-MODULES (\S*)-->")
EARLY_PLACEHOLDER = re.compile(r"<!--CALC-EARLY (\S+)-->")
EARLY_PART = re.compile(r"^// early-start:begin\n(.*?)^// early-start:end$", re.S | re.M)


def early_script(worker_url: str) -> str:
    """The page's first engine, started from <head>: protocol.js's early-start part (its worker
    names and build check), as one classic inline script, only where the head's probe passes
    (overrides/main.html window.__calcProbe); the runtime's preloads go into the head then too."""
    part = EARLY_PART.search((ASSETS / "runtime" / "protocol.js").read_text("utf-8"))
    if not part:
        raise SystemExit("sitegen.instant: docs/assets/runtime/protocol.js has no early-start part")
    code = "\n".join(line.strip() for line in part.group(1).splitlines() if line.strip() and not line.strip().startswith("//"))
    return ('<script>try{window.__calcProbe().then(function(r){if(!r.ok)return;'
            'try{document.head.append(document.getElementById("calc-preloads").content.cloneNode(true))}catch(e){}'
            f'(function(){{\n{code}\nearlyStart({json.dumps(worker_url)})}})()}})}}catch(e){{}}</script>')


def early_start(html: str) -> str:
    """overrides/main.html's <!--CALC-EARLY url--> -> early_script(url)."""
    return EARLY_PLACEHOLDER.sub(lambda m: early_script(m.group(1)), html)


def module_preloads(html: str) -> str:
    """overrides/main.html's <!--CALC-MODULES base--> -> a modulepreload link for calculator.js and
    every module it imports (in the <head>, before the stylesheets: fetched at once, not when the
    parser or the import that needs them gets there)."""
    def links(m):
        base = m.group(1).rstrip("/")
        return "".join(f'<link rel="modulepreload" fetchpriority="high" href="{base}/assets/{rel}">'
                       for rel in ["resident/calculator.js", *module_graph()])
    return MODULES_PLACEHOLDER.sub(links, html)


def page_data(region_meta: dict, settings: dict | None = None) -> dict:
    """Template data for the region page: the JSON block, the chips, the modules to preload."""
    from .resident import json_block
    block = region_block(region_meta, settings)
    return {"calc_instant": json_block(block),
            "instant_chips": [{"total": a, "label": l} for a, l in zip(block["amounts"], block["labels"])]}
