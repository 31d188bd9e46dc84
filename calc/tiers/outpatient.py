"""Outpatient chronic-disease care and special drugs for the year: basic, 大病特药, assistance."""
from .. import bound
from ..money import ZERO, fen, pct, pos, short, yuan
from .assistance import within_cap

# The parameter paths this step reads (calc/schema.py).
READS = ("basic.outpatient.chronic_rule", "basic.outpatient.ratio", "critical.drugs.identities",
         "critical.drugs.ratio", "critical.drugs.cap", "assistance.outpatient.included",
         "assistance.*.opd_chronic_ratio", "assistance.*.opd_drug_ratio", "assistance.*.identities",
         "assistance.*.ratio", "assistance.*.threshold", "assistance.threshold", "assistance.*.cap", "assistance.cap",
         "assistance.shared_cap")


def outpatient(ctx, y, chronic, drugs):
    r = {"total": chronic + drugs, "basic": ZERO, "critical": ZERO, "assistance": ZERO, "resident": ZERO}
    if chronic + drugs <= 0:
        return r
    crit_ident = ctx.ident("critical")
    drug_rule = drugs > 0 and ctx.p("critical.drugs.identities") is not None \
        and crit_ident in ctx.p("critical.drugs.identities").value
    ctx.use(ctx.p("basic.outpatient.chronic_rule"))
    ratio = ctx.v("basic.outpatient.ratio")
    b_c = fen(chronic * ratio)
    b_d = ZERO if drug_rule else fen(drugs * ratio)
    r["basic"] = b_c + b_d
    base = chronic if drug_rule else chronic + drugs
    if base > 0:
        what = ("门诊慢特病" + ("" if drug_rule or drugs == 0 else "和特殊药品")) if chronic > 0 else "门诊特殊药品"
        ctx.step("basic", None, f"门诊：{what} {yuan(base)} 元，基本医保按 {pct(ratio)} 报销 {yuan(b_c + b_d)} 元。",
                 b_c + b_d)
    else:
        ctx.drop()
    if drug_rule:
        ctx.member("critical.drugs.identities", crit_ident)
        dr, cap = ctx.v("critical.drugs.ratio"), ctx.v("critical.drugs.cap")
        room = pos(cap - y.drugs_paid)
        pay = fen(min(drugs * dr, room))
        y.drugs_paid += pay
        r["critical"] = pay
        ctx.step("critical", None,
                 f"大病保险特药：特药费用 {yuan(drugs)} 元不设起付线，由大病保险按 {pct(dr)} 报 {yuan(pay)} 元"
                 f"（一年最多 {short(cap)} 元）。", pay)
    sp_c, sp_d = chronic - b_c, drugs - b_d - r["critical"]
    r["assistance"] = _assistance(ctx, y, sp_c, sp_d)
    bound.outpatient(ctx, r)
    r["resident"] = r["total"] - r["basic"] - r["critical"] - r["assistance"]
    ctx.step("resident", None, f"门诊您自己付 {yuan(r['resident'])} 元。", r["resident"])
    return r


def _assistance(ctx, y, sp_c, sp_d):
    ident = ctx.ident("assistance")
    g = ctx.group("assistance", ident)
    if g is None or sp_c + sp_d <= 0:
        return ZERO
    own_c = ctx.p(f"{g}.opd_chronic_ratio")
    included = ctx.p("assistance.outpatient.included")
    if own_c is None and included is None:
        return ZERO          # the document has no outpatient assistance (a region note says so)
    if own_c is not None:
        rc = ctx.use(own_c).value
        rd = ctx.first(f"{g}.opd_drug_ratio", default=rc)
    else:
        ctx.use(included)
        rc = rd = ctx.v(f"{g}.ratio")
    thr = ctx.first(f"{g}.threshold", "assistance.threshold", default=ZERO)
    cap = ctx.first(f"{g}.cap", "assistance.cap")
    ctx.member(f"{g}.identities", ident)
    skip = pos(thr - y.assist_base)
    y.assist_base += sp_c + sp_d
    sk_c = min(skip, sp_c)
    sk_d = min(pos(skip - sk_c), sp_d)
    raw = (sp_c - sk_c) * rc + (sp_d - sk_d) * rd
    parts = []
    if sp_c > 0:
        parts.append(f"门诊慢特病报销后还剩自付 {yuan(sp_c)} 元，按 {pct(rc)} 救助")
    if sp_d > 0:
        parts.append(f"特殊药品报销后还剩自付 {yuan(sp_d)} 元，按 {pct(rd)} 救助")
    text = "门诊救助：" + "；".join(parts)
    if skip > 0:
        text += f"（救助起付线一年 {short(thr)} 元，其中 {yuan(sk_c + sk_d)} 元在起付线以内）"
    text += f"，应救助 {yuan(raw)} 元。"
    after_stays = cap is not None and y.assist_paid > 0 and raw > pos(cap - y.assist_paid)
    pay, words = within_cap(ctx, y, cap, raw)
    text += words + ("（本站先算住院、再算门诊，实际按结算的先后。）" if after_stays else "")
    ctx.step("assistance", None, text, pay)
    return pay
