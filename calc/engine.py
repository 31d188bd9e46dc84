"""The pipeline: a year of stays then outpatient care, payer by payer, with one identity per payer.

The steps live in calc/tiers/; every figure (and so every citation) comes from the region's
parameters. Yearly accumulators carry across stays in input order, then outpatient care.
"""
from dataclasses import dataclass

from . import bound
from .context import Ctx, QuietCtx
from .model import StayCalc, YearState
from .money import ZERO
from .tiers.assistance import assistance, oop_assistance
from .tiers.basic import basic
from .tiers.cap136 import cap136
from .tiers.cost_control import cost_control
from .tiers.critical import critical
from .tiers.other import other
from .tiers.outpatient import outpatient
from .tiers.reassist import reassist
from .tiers.resident import admission, resident
from .tiers.split import split
from .tiers.tilt import tilt
from .vocab import PRIORITY

STAY_STEPS = (split, cost_control, basic, critical, assistance, oop_assistance, tilt, other, reassist, cap136,
              resident, admission)
# Steps that change no payer's amount (what the person pays, what they pay at admission): nothing to bound.
PAYS_NOTHING = frozenset((resident, admission))
# Payers whose treatment depends on the identity; each uses one held identity for the whole year.
PAYERS = ("cost_control", "basic", "critical", "assistance", "tilt", "re_assistance", "cap136")
PAYER_WORDS = {"cost_control": "目录外费用控制", "basic": "基本医保", "critical": "大病保险", "assistance": "医疗救助",
               "tilt": "倾斜救助", "re_assistance": "再救助", "cap136": "“136”封顶"}
# The parameters that make a payer depend on the identity (a payer a region lacks is not mentioned).
PAYER_PARAMS = {"cost_control": "cost_control.identities", "basic": "basic.poverty.identities",
                "critical": "critical.", "assistance": "assistance.", "tilt": "tilt.",
                "re_assistance": "reassist.identities", "cap136": "cap136.identities"}
# Where each payer's step reads the identity it is given (a payer with none of these in a year
# cannot treat two identities differently, so engine.choose does not try it).
IDENTITY_READS = {"cost_control": ("cost_control.",), "basic": ("basic.poverty.", "basic.continuous."),
                  "critical": ("critical.",), "assistance": ("assistance.", "oop_assist."), "tilt": ("tilt.",),
                  "re_assistance": ("reassist.",), "cap136": ("cap136.",)}
YEAR_KEYS = ("total", "hospital_bears", "basic", "critical", "assistance", "tilt", "re_assistance", "other",
             "resident")


@dataclass
class Run:
    ctx: Ctx
    stays: list
    outpatient: dict
    year: dict


def compute(rp, person, care, overrides, schedule, quiet=False, hook=None) -> Run:
    """`hook(step, ctx, s, y)`, when given, runs after each step of a stay that carries a settlement slip."""
    ctx = (QuietCtx if quiet else Ctx)(rp, person, overrides, schedule, quiet)
    y = YearState()
    stays = []
    for i, st in enumerate(care.stays):
        s = StayCalc(i, st)
        slip_hook = hook if st.slip else None
        for step in STAY_STEPS:
            if step(ctx, s, y) is not bound.UNCHANGED and step not in PAYS_NOTHING:
                bound.stay(ctx, s)   # whatever the figures: no payer beyond what is left of the bill
            if slip_hook is not None:
                slip_hook(step, ctx, s, y)
        stays.append(s)
    opd = outpatient(ctx, y, care.chronic, care.special_drugs)
    year = dict.fromkeys(YEAR_KEYS, ZERO)
    for s in stays:
        for k in YEAR_KEYS:
            year[k] += getattr(s, k)
        year["assistance"] += s.oop_assistance
    for k in ("total", "basic", "critical", "assistance", "resident"):
        year[k] += opd[k]
    return Run(ctx, stays, opd, year)


def payers_in(rp, year):
    """The identity-dependent payers this region has in this year."""
    live = rp.view(year)
    return [payer for payer, key in PAYER_PARAMS.items() if any(p == key or p.startswith(key) for p in live)]


def payers_to_try(rp, year) -> tuple:
    """The payers whose identity can change an amount in this year (IDENTITY_READS), once per year."""
    key = ("payers_to_try", year)
    found = rp.memo.get(key)
    if found is None:
        live = rp.view(year)
        found = rp.memo[key] = tuple(p for p in PAYERS if any(k.startswith(IDENTITY_READS[p]) for k in live))
    return found


def treatment(rp, year, payer, ident) -> tuple:
    """How `payer` can tell `ident` apart in this year: its membership of every identity list the
    payer's step reads (IDENTITY_READS). Steps see an identity only through such lists (and its name,
    in the text), so two identities with the same answers here get the same amounts from this payer."""
    key = ("treatment", year, payer, ident)
    found = rp.memo.get(key)
    if found is None:
        lists = rp.memo.get(("identity_lists", year, payer))
        if lists is None:
            live = rp.view(year)
            lists = rp.memo[("identity_lists", year, payer)] = tuple(
                p for path, p in sorted(live.items()) if p.unit == "ids" and path.startswith(IDENTITY_READS[payer]))
        found = rp.memo[key] = tuple(ident in p.value for p in lists)
    return found


def choose(rp, person, care, overrides, trace=True, hook=None) -> Run:
    """Per payer, the most favourable treatment any held identity gives, never two in one payer.

    Start from the single identity whose whole treatment leaves the person least to pay (ties in
    vocab.PRIORITY order), then try each payer with each other identity and keep a change only when
    the person pays less; repeat until nothing improves (at most three rounds).

    The trials keep amounts only (a quiet run writes no trace); the chosen schedule is computed once
    more with its trace when `trace` is asked for. A payer the region does not have in this year is
    not tried (IDENTITY_READS): nothing reads its identity, so a trial could not change any amount.
    """
    held = sorted(person.identities, key=PRIORITY.index)
    if len(held) == 1:
        return compute(rp, person, care, overrides, dict.fromkeys(PAYERS, held[0]), quiet=not trace, hook=hook)
    # identities no payer can tell apart give the same run: computed once (the first, as min keeps it)
    same = (lambda payer, a, b: False) if overrides or hook else (
        lambda payer, a, b: treatment(rp, person.year, payer, a) == treatment(rp, person.year, payer, b))
    runs = []
    for i in held:
        twin = next((r for r in runs if all(same(p, r.ctx.schedule[p], i) for p in PAYERS)), None)
        runs.append(twin or compute(rp, person, care, overrides, dict.fromkeys(PAYERS, i), quiet=True, hook=hook))
    best = min(runs, key=lambda r: r.year["resident"])
    tried = {tuple(r.ctx.schedule.values()) for r in runs}
    present = payers_to_try(rp, person.year)
    for _ in range(3):
        improved = False
        for payer in present:
            for cand in held:
                if cand == best.ctx.schedule[payer] or same(payer, cand, best.ctx.schedule[payer]):
                    continue   # the same identity, or one this payer treats alike: the amounts cannot change
                schedule = {**best.ctx.schedule, payer: cand}
                key = tuple(schedule.values())
                if key in tried:      # computed before and not better then: the amounts do not change
                    continue
                tried.add(key)
                trial = compute(rp, person, care, overrides, schedule, quiet=True, hook=hook)
                if trial.year["resident"] < best.year["resident"]:
                    best, improved = trial, True
        if not improved:
            break
    if trace:
        best = compute(rp, person, care, overrides, best.ctx.schedule, hook=hook)
    return best
