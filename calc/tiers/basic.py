"""基本医保: (in-policy − deductible) × ratio, within the yearly limit."""
from ..money import ONE, fen, pct, points, pos, short, yuan


def _continuous(ctx, s, y, ident, ded):
    """连续计算起付线 on a transfer (where the document has it): pay only the difference."""
    st = s.stay
    if not st.transferred or ctx.p("basic.continuous.identities") is None:
        return ded
    places = ctx.places("basic.continuous.places")
    if y.prev_deductible is None:
        ctx.use(ctx.p("basic.continuous.identities"))
        ctx.step("basic", s.index, "这次标了“从上一次住院转来”，但前面没有住院记录，起付线照常计算。", ded)
        return ded
    if not ctx.member("basic.continuous.identities", ident) or (places and st.place not in places):
        ctx.use(ctx.p("basic.continuous.identities"))
        ctx.step("basic", s.index,
                 f"转院：起付线连续计算只适用于{ctx.p('basic.continuous.identities').plain}，"
                 f"{ctx.who(ident)}{'' if st.place in (places or {st.place}) else '、到省外就医'}不适用，这次起付线照常计算。", ded)
        return ded
    ctx.use(ctx.p("basic.continuous.places"))
    paid = min(y.prev_deductible, ded)
    rest = pos(ded - y.prev_deductible)
    ctx.step("basic", s.index,
             f"转院连续计算起付线：上一次住院已付起付线 {yuan(paid)} 元，这次起付线 {yuan(ded)} 元只补差额 {yuan(rest)} 元。", rest)
    return rest


def basic(ctx, s, y):
    st = s.stay
    ident = ctx.ident("basic")
    employee = ctx.person.scheme == "employee"
    pre = "basic.employee." if employee else "basic."
    ctx.use(ctx.p(pre + "target_ratio"))          # the clause that sets the benefit, where there is one
    notes = []
    poverty = st.place in (ctx.places("basic.poverty.places") or ()) and ctx.member("basic.poverty.identities", ident)
    ded = ctx.v(f"{pre}level{st.level}.deductible")
    ratio = ctx.v(f"{pre}level{st.level}.ratio")
    if poverty:
        ctx.v("basic.poverty.places")
        f, bonus = ctx.v("basic.poverty.deductible_factor"), ctx.v("basic.poverty.ratio_bonus")
        ded, ratio = fen(ded * f), min(ONE, ratio + bonus)
        notes.append(f"{ctx.who(ident)}在区县级医院起付线降低一半、报销比例提高 {points(bonus)}")
    if st.place == "outside":
        cut = ctx.v("basic.outside_ratio_cut")
        ratio = pos(ratio - cut)
        notes.append(f"在省外住院，报销比例按低 {points(cut)} 算")
    pending = list(ctx._rec)
    ctx.drop()
    full = ded
    ded = _continuous(ctx, s, y, ident, ded)
    for p in pending:
        ctx.use(p)
    y.prev_deductible = full
    ded = min(ded, s.in_policy)
    s.deductible = ded
    limit = ctx.v("basic.annual_limit")
    room = pos(limit - y.basic_used)
    raw = (s.in_policy - ded) * ratio
    pay = fen(min(raw, room))
    y.basic_used += pay
    s.basic = pay
    text = (f"基本医保：目录内 {yuan(s.in_policy)} 元，先扣起付线 {yuan(ded)} 元，剩下 {yuan(s.in_policy - ded)} 元"
            f"按 {pct(ratio)} 报销")
    if raw > room:
        text += f"，应报 {yuan(raw)} 元；但基本医保一年最多报 {short(limit)} 元，今年还能报 {yuan(room)} 元，所以报 {yuan(pay)} 元。"
    else:
        text += f"，报 {yuan(pay)} 元。"
    if notes:
        text += "（" + "；".join(notes) + "）"
    ctx.step("basic", s.index, text, pay)
