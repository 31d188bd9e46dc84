"""基本医保: (in-policy − deductible) × ratio, within the yearly limit."""
from ..money import ONE, fen, pct, points, pos, short, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("basic.target_ratio", "basic.level{level}.deductible", "basic.level{level}.ratio",
         "basic.employee.target_ratio", "basic.employee.level{level}.deductible", "basic.employee.level{level}.ratio",
         "basic.poverty.identities", "basic.poverty.places", "basic.poverty.deductible_factor",
         "basic.poverty.ratio_bonus", "basic.outside_ratio_cut", "basic.annual_limit",
         "basic.continuous.identities", "basic.continuous.places", "basic.continuous.referral_required",
         "basic.continuous.method")


def _continuous(ctx, s, y, ident, ded, ded_params):
    """连续计算起付线 on a transfer, only where the clause's conditions all hold: who, where, referral.

    Returns (deductible to pay, the parameters that set it)."""
    st = s.stay
    ids_p = ctx.p("basic.continuous.identities")
    if not st.transferred or ids_p is None:
        return ded, ded_params
    ctx.use(ids_p)
    if y.prev_deductible is None:
        ctx.step("basic", s.index, "这次标了“从上一次住院转来”，但前面没有住院记录，起付线照常计算。", ded)
        return ded, ded_params
    places = ctx.places("basic.continuous.places")
    referral_p = ctx.p("basic.continuous.referral_required")
    why = []
    if ident not in ids_p.value:
        why.append(f"{ctx.who(ident)}不在其中")
    if places and st.place not in places:
        ctx.v("basic.continuous.places")
        why.append("这次在省外就医")
    if referral_p is not None and not st.referral:
        ctx.use(referral_p)
        why.append("这次没有按规定办转诊手续")
    if why:
        ctx.step("basic", s.index, f"转院：起付线连续计算只适用于{ids_p.plain}；{'，'.join(why)}，这次起付线照常计算。", ded)
        return ded, ded_params
    ctx.v("basic.continuous.places")
    ctx.use(referral_p)
    ctx.use(ctx.p("basic.continuous.method"))
    used = tuple(dict.fromkeys(y.prev_deductible_params + ded_params))
    for p in used:
        ctx.use(p)
    paid = min(y.prev_deductible, ded)
    rest = pos(ded - y.prev_deductible)
    ctx.step("basic", s.index,
             f"转院连续计算起付线：上一次住院已付起付线 {yuan(paid)} 元，这次起付线 {yuan(ded)} 元，只补差额 {yuan(rest)} 元。",
             rest)
    return rest, used + tuple(p for p in (ids_p, ctx.p("basic.continuous.method")) if p is not None)


def basic(ctx, s, y):
    st = s.stay
    ident = ctx.ident("basic")
    employee = ctx.person.scheme == "employee"
    pre = "basic.employee." if employee else "basic."
    ctx.use(ctx.p(pre + "target_ratio"))          # the clause that sets the benefit, where there is one
    notes = []
    poverty = st.place in (ctx.places("basic.poverty.places") or ()) and ctx.member("basic.poverty.identities", ident)
    ded_p = ctx.use(ctx.p(f"{pre}level{st.level}.deductible"))
    ded, ded_params = ded_p.value, (ded_p,)
    ratio = ctx.v(f"{pre}level{st.level}.ratio")
    if poverty:
        ctx.v("basic.poverty.places")
        ded_params += (ctx.p("basic.poverty.deductible_factor"),)
        f, bonus = ctx.v("basic.poverty.deductible_factor"), ctx.v("basic.poverty.ratio_bonus")
        ded, ratio = fen(ded * f), min(ONE, ratio + bonus)
        notes.append(f"{ctx.who(ident)}在区县级医院起付线降低一半、报销比例提高 {points(bonus)}")
    if st.place == "outside":
        cut = ctx.v("basic.outside_ratio_cut")
        ratio = pos(ratio - cut)
        notes.append(f"在省外住院，报销比例按低 {points(cut)} 算")
    pending = list(ctx._rec)
    ctx.drop()
    full, full_params = ded, ded_params
    ded, ded_params = _continuous(ctx, s, y, ident, ded, ded_params)
    for p in pending:
        ctx.use(p)
    y.prev_deductible, y.prev_deductible_params = full, full_params
    ded = min(ded, s.in_policy)
    s.deductible, s.deductible_params = ded, ded_params
    limit = ctx.v("basic.annual_limit")
    room = pos(limit - y.basic_used)
    raw = (s.in_policy - ded) * ratio
    pay = fen(min(raw, room))
    y.basic_used += pay
    s.basic = pay
    if ctx.quiet:
        return
    text = (f"基本医保：目录内 {yuan(s.in_policy)} 元，先扣起付线 {yuan(ded)} 元，剩下 {yuan(s.in_policy - ded)} 元"
            f"按 {pct(ratio)} 报销")
    if raw > room:
        text += f"，应报 {yuan(raw)} 元；但基本医保一年最多报 {short(limit)} 元，今年还能报 {yuan(room)} 元，所以报 {yuan(pay)} 元。"
    else:
        text += f"，报 {yuan(pay)} 元。"
    if notes:
        text += "（" + "；".join(notes) + "）"
    ctx.step("basic", s.index, text, pay)
