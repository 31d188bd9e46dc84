"""The year's premium: individual contribution, subsidy (highest eligibility, never two), employee scheme."""
from ..money import ZERO, fen, pct, yuan


def _subsidy(ctx, ident, contribution):
    base = f"premium.subsidy.{ident}"
    if ctx.p(f"{base}.fixed") is not None:
        sub = ctx.v(f"{base}.fixed")
        fs = ctx.v(f"{base}.floor_share")
        if fs is not None:
            sub = max(sub, contribution * fs)
    elif ctx.p(f"{base}.base") is not None:
        sub = ctx.v(f"{base}.base") * ctx.v(f"{base}.base_share")
    elif ctx.p(f"{base}.share") is not None:
        sub = contribution * ctx.v(f"{base}.share")
        mn = ctx.v(f"{base}.minimum")
        if mn is not None:
            sub = max(sub, mn)
    elif ctx.p(f"{base}.amount") is not None:
        sub = ctx.v(f"{base}.amount")
    else:
        return None
    return fen(min(sub, contribution))


def premium(ctx, identities):
    P = ctx.rule_prefix
    person = ctx.person
    if person.scheme == "employee":
        er = ctx.v("premium.employee.employer_rate")
        ee = ctx.v("premium.employee.employee_rate")
        wage = person.wage or ZERO
        emp = fen(wage * ee)
        employer = fen(wage * er)
        ctx.step("DZ-EMP-1", "premium", None,
                 f"职工医保：个人按工资 {yuan(wage)} 元 × {pct(ee)} = {yuan(emp)} 元；单位按 {pct(er)} 缴 {yuan(employer)} 元",
                 emp)
        return {"contribution": emp, "subsidy": ZERO, "resident_pays": emp, "employer": employer,
                "note": "职工医保按工资缴费（月缴费基数），困难人员资助只适用于居民医保"}
    tier = person.tier if ctx.p("premium.tier2.contribution") is not None else None
    if tier == 2:
        contribution = ctx.v("premium.tier2.contribution")
    elif tier == 1:
        contribution = ctx.v("premium.tier1.contribution")
    else:
        contribution = ctx.v("premium.contribution")
    ctx._fig_keep = list(ctx._fig)
    best, best_id = ZERO, None
    for ident in identities:
        ctx._fig = []
        if tier == 2 and ctx.p("premium.tier2.identities") and ident in ctx.ids("premium.tier2.identities"):
            sub = fen(ctx.v("premium.tier1.contribution") * ctx.v("premium.tier2.share"))
            sub = min(sub, contribution)
        else:
            sub = _subsidy(ctx, ident, ctx.v("premium.tier1.contribution") if tier == 2 else contribution)
            if sub is not None and tier == 2:
                sub = min(sub, contribution)
        if sub is not None and (best_id is None or sub > best):
            best, best_id, figs = sub, ident, list(ctx._fig)
    ctx._fig = ctx._fig_keep + (figs if best_id else [])
    pays = contribution - best
    sub_rule = {"XN": "XN-SUB-1", "YC": "YC-SUB-1", "DZ": "DZ-SUB-1", "CQ": "CQ-SUB-1", "YY": "YY-CI-1"}[P]
    if best_id == "wending" and P == "CQ":
        sub_rule = "CQ-SUB-2"
    from ..api import IDENTITY_LABELS
    who = IDENTITY_LABELS.get(best_id, "") if best_id else ""
    text = (f"参保缴费：个人缴费 {yuan(contribution)} 元，按{who}资助 {yuan(best)} 元（多种身份按就高资助、不重复），"
            f"自己交 {yuan(pays)} 元") if best_id else f"参保缴费：个人缴费 {yuan(contribution)} 元，无资助，自己交 {yuan(pays)} 元"
    if P == "YY":
        text += "（源医保发〔2020〕8号未规定资助参保标准）"
    ctx.step(sub_rule, "premium", None, text, pays)
    note = "多种身份时按资助最高的一种，不重复资助"
    if P == "DZ" and person.newborn:
        ctx.step("DZ-NEW-1", "premium", None,
                 "新生儿出生3个月内参保（只缴个人部分），自出生之日起享受待遇", ZERO)
        note += "；新生儿出生3个月内参保自出生起享受待遇"
    return {"contribution": fen(contribution), "subsidy": best, "resident_pays": fen(pays),
            "employer": None, "note": note}
