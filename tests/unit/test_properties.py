"""Hypothesis: for any valid input every payment >= 0, payers + resident == bill to the fen, caps hold,
the resident's share never falls when the last stay's cost rises; any hostile input gets a bounded
Chinese answer, never an exception (see benchmarks/fuzz.py for the 100,000-input soak)."""
from hypothesis import HealthCheck, given, settings

from benchmarks.fuzz import check, check_hostile, hostile, inputs


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(inputs())
def test_invariants_hold_for_any_valid_input(d):
    check(d)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile())
def test_hostile_input_never_raises_and_stays_bounded(d):
    check_hostile(d)


# ---- hostile notice files: figures out of range or of the wrong kind, straight into the engine ----------
import contextlib
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st

from benchmarks.fuzz import PAYERS, stays
from calc import params
from calc.api import estimate_dict

HOSTILE_VALUES = ["-1", "-0.5", "1.5", "7", "100", "-100000", "1e6", "99999999", "0", "0.0001"]
HOSTILE_YEAR = 2031


@contextlib.contextmanager
def notice_region(region, figures):
    """The region as shipped plus a notice block with `figures`, bypassing `calc check` (the engine
    must hold without it)."""
    original = params._FILES[region]
    lines = [f"\n[update.{HOSTILE_YEAR}]", 'document = "恶意通知"', f"date = {HOSTILE_YEAR}-01-01",
             f"[update.{HOSTILE_YEAR}.figures]"]
    lines += [f'"{path}" = {{ value = "{value}", unit = "{unit}", cite = "一" }}' for path, value, unit in figures]
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"{region}.toml"
        f.write_text(original.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")
        try:
            params.register(f)
            yield
        finally:
            params._FILES[region] = original
            params.load.cache_clear()


@st.composite
def hostile_notices(draw):
    region = draw(st.sampled_from(params.region_ids()))
    rp = params.load(region)
    numeric = sorted({p.path for p in rp.parameters(max(rp.years)) if p.unit in ("yuan", "ratio")})
    paths = draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=6, unique=True))
    figures = [(p, draw(st.sampled_from(HOSTILE_VALUES)), draw(st.sampled_from(["yuan", "ratio", "count"])))
               for p in paths]
    d = {"region": region, "year": HOSTILE_YEAR,
         "identities": draw(st.lists(st.sampled_from(list(rp.identities)), min_size=1, max_size=2, unique=True)),
         "stays": draw(st.lists(stays(region), min_size=1, max_size=3)),
         "outpatient": {"chronic": str(draw(st.integers(0, 50000))), "special_drugs": "0"}}
    return figures, d


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_notices())
def test_hostile_notice_never_makes_a_payer_pay_more_than_is_left(case):
    figures, d = case
    with notice_region(d["region"], figures):
        out = estimate_dict(d)
    assert out["ok"], out
    for part in out["stays"] + [out["year"]]:
        vals = {k: Decimal(part[k]) for k in PAYERS}
        assert all(v >= 0 for v in vals.values()), (figures, part)
        assert sum(vals.values()) == Decimal(part["total"]), (figures, part)
    o = out["outpatient"]
    assert all(Decimal(o[k]) >= 0 for k in o), (figures, o)
    assert Decimal(out["year"]["resident"]) >= 0


def test_a_notice_cannot_turn_a_ratio_into_yuan():
    """The check refuses it, and the engine keeps the figure a ratio even when the file is not checked."""
    from calc.check import check_data
    import tomllib
    rp = params.load("yangcheng")
    path = next(p.path for p in rp.parameters(max(rp.years)) if p.unit == "ratio" and p.path.startswith("assistance"))
    text = params._FILES["yangcheng"].read_text("utf-8") + (
        f'\n[update.{HOSTILE_YEAR}]\ndocument = "通知"\ndate = {HOSTILE_YEAR}-01-01\n'
        f'[update.{HOSTILE_YEAR}.figures]\n"{path}" = {{ value = "0.5", unit = "yuan", cite = "一" }}\n')
    problems = check_data("yangcheng.toml", tomllib.loads(text))
    assert any(p.path.endswith(f'"{path}"') and "单位" in p.zh for p in problems), [str(p) for p in problems]
    with notice_region("yangcheng", [(path, "0.5", "yuan")]):
        assert params.load("yangcheng").get(path, HOSTILE_YEAR).unit == "ratio"


@contextlib.contextmanager
def office_file(region, figures):
    """An office file ([local]) with `figures`, used without `calc check`."""
    from calc import local
    rows = "\n".join(f'"{path}" = {{ value = "{value}", unit = "{unit}", cite = "一" }}' for path, value, unit in figures)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "office.toml"
        f.write_text(f'region = "{region}"\n[local]\noffice = "某局"\ndocument = "恶意文件"\ndate = 2023-01-01\n'
                     f"[local.figures]\n{rows}\n", "utf-8")
        local.register(f)
        try:
            yield
        finally:
            local.unregister(f)


@st.composite
def hostile_offices(draw):
    figures, d = draw(hostile_notices())
    d["year"] = draw(st.sampled_from(params.load(d["region"]).years))
    return figures, d


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_offices())
def test_hostile_office_file_never_makes_a_payer_pay_more_than_is_left(case):
    figures, d = case
    with office_file(d["region"], figures):
        out = estimate_dict(d)
    assert out["ok"], out
    for part in out["stays"] + [out["year"]]:
        vals = {k: Decimal(part[k]) for k in PAYERS}
        assert all(v >= 0 for v in vals.values()), (figures, part)
        assert sum(vals.values()) == Decimal(part["total"]), (figures, part)
