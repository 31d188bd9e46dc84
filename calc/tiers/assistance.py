"""医疗救助 on in-policy self-pay after basic and 大病: threshold, ratio(s), yearly cap."""
from ..bound import UNCHANGED
from ..money import ZERO, fen, pct, pos, short, yuan

# The parameter paths this step reads (calc/schema.py); `*` is a group table named in the data.
READS = ("assistance.*.identities", "assistance.*.ratio", "assistance.*.ratio_above", "assistance.*.threshold",
         "assistance.*.threshold_mode",
         "assistance.threshold", "assistance.*.cap", "assistance.cap", "assistance.shared_cap",
         "assistance.*.topup", "assistance.*.topup_places",
         "oop_assist.identities", "oop_assist.places", "oop_assist.ratio")


def cap_words(ctx, cap, room, raw, pay):
    """How the yearly cap bites, stated as a cap."""
    if ctx.quiet:
        return ""
    shared = ctx.p("assistance.shared_cap") is not None
    if shared:
        ctx.v("assistance.shared_cap")
    name = f"医疗救助一年最多 {short(cap)} 元" + ("（门诊和住院共用）" if shared else "")
    if raw <= room:
        return f"{name}，这次救助 {yuan(pay)} 元。"
    if room <= 0:
        return f"{name}，今年的额度已经用完，这次救助 0 元。"
    return f"{name}，今年还剩 {yuan(room)} 元，所以这次救助 {yuan(pay)} 元。"


def within_cap(ctx, y, cap, raw):
    """Pay `raw` within what is left of the yearly assistance cap: (amount, words)."""
    if cap is None:
        pay = fen(raw)
        words = "" if ctx.quiet else f"这次救助 {yuan(pay)} 元。"
    else:
        room = pos(cap - y.assist_paid)
        pay = fen(min(raw, room))
        words = cap_words(ctx, cap, room, raw, pay)
    y.assist_paid += pay
    return pay, words


def figures(ctx, g, ident):
    """(threshold, ratio, ratio_above|None, cap|None, floor?) of a group, recorded in reading order."""
    ratio_p = ctx.use(ctx.p(f"{g}.ratio"))
    ratio_above = ctx.p(f"{g}.ratio_above")   # recorded only when the split is used
    thr = ctx.first(f"{g}.threshold", "assistance.threshold", default=ZERO)
    cap = ctx.first(f"{g}.cap", "assistance.cap")
    ctx.member(f"{g}.identities", ident)
    return thr, ratio_p.value, ratio_above, cap, ratio_p.kind == "floor"


def _split(ctx, s, remain, skip, ratio, above_p):
    """XN: the part of the self-pay below the person's 大病 threshold, and the part above it."""
    below = min(remain, s.crit_below)
    above = remain - below
    for p in s.crit_params:   # the split rests on the person's 大病 threshold (an assumption in some years)
        ctx.use(p)
    b_skip = min(skip, below)
    below, above = below - b_skip, above - min(skip - b_skip, above)
    if above <= 0:
        return below * ratio, f"按 {pct(ratio)} 救助（都在大病起付线以下）"
    if s.crit_excluded > 0:          # the part "below" holds the deductible kept out of 大病 (XN-AST-4)
        for p in s.deductible_params:
            ctx.use(p)
    ctx.use(above_p)
    return (below * ratio + above * above_p.value,
            f"其中大病起付线以下的 {yuan(below)} 元按 {pct(ratio)} 救助，以上的 {yuan(above)} 元按 {pct(above_p.value)} 救助")


def assistance(ctx, s, y):
    ident = ctx.ident("assistance")
    g = ctx.group("assistance", ident)
    remain = s.in_policy - s.basic - s.critical
    if g is None:
        if ctx.has_groups("assistance") and remain > 0:
            ctx.step("assistance", s.index, f"医疗救助：{ctx.who(ident)}不在文件列出的医疗救助对象里，这一项没有。")
        return UNCHANGED
    if remain <= 0:
        ctx.drop()
        return UNCHANGED
    thr, ratio, ratio_above, cap, floor = figures(ctx, g, ident)
    skip = min(pos(thr - y.assist_base), remain)
    mode = ctx.p(f"{g}.threshold_mode")
    if mode is not None and thr > 0:
        ctx.use(mode)
        if mode.value == "whole" and y.assist_base + remain >= thr:
            skip = ZERO   # "达到…（含）以上": the whole self-pay once it reaches the threshold
    y.assist_base += remain
    if ctx.quiet:
        raw = _split(ctx, s, remain, skip, ratio, ratio_above)[0] if ratio_above is not None else (remain - skip) * ratio
        s.assistance = within_cap(ctx, y, cap, raw)[0]
        _topup(ctx, s, y, g)
        return
    text = f"医疗救助：基本医保和大病保险报销后，这次还剩目录内自付 {yuan(remain)} 元。"
    if thr > 0:
        text += (f"救助起付线一年 {short(thr)} 元，" +
                 (f"这次有 {yuan(skip)} 元在起付线以内，不救助。" if skip > 0 else "今年已经超过。"))
    if ratio_above is not None:
        raw, words = _split(ctx, s, remain, skip, ratio, ratio_above)
        text += f"{words}，应救助 {yuan(raw)} 元。"
    else:
        raw = (remain - skip) * ratio
        text += f"{'剩下的 ' + yuan(remain - skip) + ' 元' if skip else ''}按 {pct(ratio)} 救助，应救助 {yuan(raw)} 元。"
    if floor:
        text += f"（文件规定“不低于 {pct(ratio)}”，这里按最低的算。）"
    pay, words = within_cap(ctx, y, cap, raw)
    s.assistance = pay
    text += words
    ctx.step("assistance", s.index, text, pay)
    _topup(ctx, s, y, g)


def _topup(ctx, s, y, g):
    """YC-AST-2: an in-province stay's combined payment on in-policy cost is brought up to a ratio."""
    target_p = ctx.p(f"{g}.topup")
    if target_p is None or s.in_policy <= 0:
        return
    places = ctx.places(f"{g}.topup_places")
    if places and s.stay.place not in places:
        return
    ctx.use(target_p)
    ctx.v(f"{g}.topup_places")
    target = fen(s.in_policy * target_p.value)
    got = s.basic + s.critical + s.assistance
    extra = fen(min(pos(target - got), s.in_policy - got))
    y.assist_paid += extra
    s.assistance += extra
    if ctx.quiet:
        return
    text = (f"综合保障兜底：这次省内住院，基本医保、大病保险和救助合计 {yuan(got)} 元，"
            f"占目录内费用 {pct(got / s.in_policy)}；")
    text += (f"不到 {pct(target_p.value)}（{yuan(target)} 元），再救助 {yuan(extra)} 元补足。" if extra > 0
             else f"已达到 {pct(target_p.value)}，不用补。")
    ctx.step("assistance", s.index, text, extra)


def oop_assistance(ctx, s, y):
    """YC-OOP-2: out-of-policy cost within the control ratio, assisted at a ratio."""
    ident = ctx.ident("assistance")
    if s.oop_resident <= 0 or not ctx.member("oop_assist.identities", ident):
        ctx.drop()
        return UNCHANGED
    places = ctx.places("oop_assist.places")
    if places and s.stay.place not in places:
        ctx.drop()
        return UNCHANGED
    ratio = ctx.v("oop_assist.ratio")
    ctx.v("oop_assist.places")
    pay = fen(s.oop_resident * ratio)
    s.oop_assistance = pay
    ctx.step("assistance", s.index,
             f"目录外费用救助：控制比例以内的目录外费用 {yuan(s.oop_resident)} 元，按 {pct(ratio)} 救助 {yuan(pay)} 元。", pay)
