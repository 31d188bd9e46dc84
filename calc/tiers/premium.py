"""The year's premium: individual contribution, the highest subsidy any held identity gives (never
two), or "文件未载明" where the document states none; the employee scheme's contributions."""
from ..input import WAGE_MONTHS as MONTHS
from ..money import ZERO, fen, pct, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("premium.contribution", "premium.tier1.contribution", "premium.tier2.contribution",
         "premium.tier2.subsidy.identities", "premium.tier2.subsidy.base_share",
         "premium.employee.employer_rate", "premium.employee.employee_rate", "premium.subsidy.highest",
         "premium.newborn.months") + tuple(f"premium.subsidy.*.{k}" for k in (
    "identities", "elsewhere", "fixed", "floor_share", "base", "base_share", "share", "minimum", "amount"))


def _subsidy(ctx, g, contribution):
    """Subsidy of one group against a contribution; records its figures."""
    ctx.use(ctx.p(f"{g}.identities"))
    if ctx.p(f"{g}.fixed") is not None:
        sub = ctx.v(f"{g}.fixed")
        fs = ctx.v(f"{g}.floor_share")
        if fs is not None:
            sub = max(sub, contribution * fs)
    elif ctx.p(f"{g}.base") is not None:
        sub = ctx.v(f"{g}.base") * ctx.v(f"{g}.base_share")
    elif ctx.p(f"{g}.share") is not None:
        sub = contribution * ctx.v(f"{g}.share")
        mn = ctx.v(f"{g}.minimum")
        if mn is not None:
            sub = max(sub, mn)
    else:
        sub = ctx.v(f"{g}.amount")
    return fen(min(sub, contribution))


def premium(ctx):
    person = ctx.person
    if person.scheme == "employee":
        er, ee = ctx.v("premium.employee.employer_rate"), ctx.v("premium.employee.employee_rate")
        wage = person.wage or ZERO           # the form asks for a monthly wage; premiums are yearly
        year_wage = wage * MONTHS
        own, employer = fen(year_wage * ee), fen(year_wage * er)
        ctx.step("premium", None, f"职工医保缴费（一年）：月工资 {yuan(wage)} 元，一年 {yuan(year_wage)} 元；"
                                  f"个人按 {pct(ee)} 一年缴 {yuan(own)} 元（每月 {yuan(fen(wage * ee))} 元），"
                                  f"单位按 {pct(er)} 一年缴 {yuan(employer)} 元（每月 {yuan(fen(wage * er))} 元）。", own)
        return {"contribution": own, "subsidy": ZERO, "resident_pays": own, "employer": employer, "identity": None,
                "note": "职工医保按工资缴费；困难人员的参保资助只适用于居民医保。"}
    tier2 = person.tier == 2 and ctx.p("premium.tier2.contribution") is not None
    if ctx.p("premium.tier1.contribution") is not None:
        tier1 = ctx.v("premium.tier1.contribution")
        contribution = ctx.v("premium.tier2.contribution") if tier2 else tier1
    else:
        contribution = tier1 = ctx.v("premium.contribution")
    kept = list(ctx._rec)
    best, best_id, best_figs, unknown, elsewhere = None, None, [], [], []
    for ident in person.identities:
        ctx.drop()
        if tier2 and ctx.member("premium.tier2.subsidy.identities", ident):
            sub = fen(min(tier1 * ctx.v("premium.tier2.subsidy.base_share"), contribution))
        else:
            g = ctx.group("premium.subsidy", ident)
            if g is None:
                unknown.append(ident)
                continue
            if ctx.p(f"{g}.elsewhere") is not None:   # the document refers to another one for this group
                elsewhere.append((ident, ctx.p(f"{g}.identities"), ctx.p(f"{g}.elsewhere")))
                continue
            sub = _subsidy(ctx, g, tier1)
            sub = min(sub, contribution)
        if best is None or sub > best:
            best, best_id, best_figs = sub, ident, list(ctx._rec)
    ctx._rec = kept + best_figs
    away = "；".join(f"{ctx.who(i)}的资助{p.plain}" for i, _, p in elsewhere)
    for _, ids_p, p in elsewhere:
        ctx.use(ids_p)
        ctx.use(p)
    if best is None and elsewhere:
        ctx.step("premium", None, f"参保缴费（一年）：个人缴费 {yuan(contribution)} 元；{away}，这里不计算资助。", contribution)
        return {"contribution": fen(contribution), "subsidy": None, "resident_pays": None, "employer": None,
                "identity": None, "note": away}
    if best is None:
        who = "、".join(ctx.who(i) for i in unknown)
        ctx.step("premium", None, f"参保缴费（一年）：个人缴费 {yuan(contribution)} 元；{who}的资助标准文件没有写，这里不计算资助。",
                 contribution)
        return {"contribution": fen(contribution), "subsidy": None, "resident_pays": None, "employer": None,
                "identity": None, "note": "文件未载明这一年、这类人员的资助标准"}
    pays = contribution - best
    text = (f"参保缴费（一年）：个人缴费 {yuan(contribution)} 元，按{ctx.who(best_id)}资助 {yuan(best)} 元，"
            f"自己交 {yuan(pays)} 元。") if best > 0 else \
        f"参保缴费（一年）：个人缴费 {yuan(contribution)} 元，{ctx.who(best_id)}没有资助，自己交 {yuan(pays)} 元。"
    notes = []
    if len(person.identities) > 1:
        if ctx.p("premium.subsidy.highest") is not None:
            ctx.v("premium.subsidy.highest")
            notes.append("同时符合几种资助的，按最高的一种，不重复资助")
        else:
            notes.append("有几种身份时按资助最高的一种算（文件未规定，按假设）")
    if unknown:
        notes.append("、".join(ctx.who(i) for i in unknown) + "的资助标准文件没有写")
    if elsewhere:
        notes.append(away)
    if notes:
        text += "（" + "；".join(notes) + "）"
    ctx.step("premium", None, text, pays)
    if ctx.p("premium.newborn.months") is not None and person.newborn:
        m = ctx.v("premium.newborn.months")
        ctx.step("premium", None, f"新生儿出生 {m} 个月内参保（只交个人部分），从出生之日起享受当年待遇。")
    return {"contribution": fen(contribution), "subsidy": best, "resident_pays": fen(pays), "employer": None,
            "identity": best_id, "note": "；".join(notes)}
