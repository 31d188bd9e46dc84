"""因病返贫致贫预警: the year's medical cost against a share of the previous year's rural income."""
from ..money import fen, pct, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("warning.income", "warning.identities", "warning.low_share", "warning.ordinary_identities",
         "warning.ordinary_share")


def warning(ctx, year_total):
    if ctx.p("warning.income") is None:
        return []
    ctx.in_sums = False  # the income line is not a figure of the amounts
    held = ctx.person.identities
    low = next((i for i in held if ctx.member("warning.identities", i)), None)
    if low is not None:
        share = ctx.v("warning.low_share")
        who = ctx.p("warning.identities").plain
        risk = "因病返贫"
    else:
        ordinary = next((i for i in held if ctx.member("warning.ordinary_identities", i)), None)
        if ordinary is None:
            ctx.drop()
            return []
        share = ctx.v("warning.ordinary_share")
        who, risk = ctx.who(ordinary), "因病致贫"
    income = ctx.v("warning.income")
    line = fen(income * share)
    if year_total <= line:
        ctx.drop()
        return []
    msg = (f"今年的医疗费用共 {yuan(year_total)} 元，超过了预警线 {yuan(line)} 元（上年农村居民人均可支配收入 "
           f"{yuan(income)} 元的 {pct(share)}）。{who}超过这条线会被列入{risk}预警，"
           f"医保部门会推送给乡村振兴和民政部门跟进帮扶；也可以主动向村里或乡镇申请。")
    st = ctx.step("warning", None, msg, year_total)
    return [{"rule": st.rule, "message": msg}]
