"""大病保险: the year's accumulated in-policy self-pay above a threshold, paid by bands."""
from ..money import ONE, ZERO, fen, pct, points, pos, short, yuan

# The parameter paths this step reads (calc/schema.py).
READS = tuple(f"critical.{t}.{k}" for t in ("poverty", "ordinary") for k in (
    "threshold", "band1_upper", "band1_ratio", "band2_upper", "band2_ratio", "band3_ratio")) + (
    "critical.poverty.identities", "critical.poverty.no_ceiling", "critical.ordinary.annual_limit",
    "critical.ordinary.min_ratio", "critical.tilt.identities", "critical.tilt.threshold_factor",
    "critical.tilt.ratio_bonus", "critical.tilt.no_ceiling", "critical.exclude_deductible.identities")


def band_pay(base, thr, bands):
    """What the bands pay on an accumulated base above threshold thr; bands = [(upper|None, ratio)]."""
    pay, lower = ZERO, thr
    for upper, ratio in bands:
        top = base if upper is None else min(base, upper)
        if top > lower:
            pay += (top - lower) * ratio
        if upper is not None:
            lower = max(lower, upper)
        if upper is None or base <= upper:
            break
    return pay


def schedule(ctx, ident):
    """(threshold, bands, yearly ceiling or None, words) for the identity the 大病 payer uses."""
    if ctx.member("critical.poverty.identities", ident):
        pre = "critical.poverty."
        thr = ctx.v(pre + "threshold")
        bands = [(ctx.v(pre + "band1_upper"), ctx.v(pre + "band1_ratio")),
                 (ctx.v(pre + "band2_upper"), ctx.v(pre + "band2_ratio")), (None, ctx.v(pre + "band3_ratio"))]
        ctx.v(pre + "no_ceiling")
        return thr, bands, None, "" if ctx.quiet else f"{ctx.who(ident)}的大病起付线是 {short(thr)} 元，不设封顶"
    tilt = ctx.member("critical.tilt.identities", ident)
    if not tilt:
        ctx.use(ctx.p("critical.ordinary.min_ratio"))
    pre = "critical.ordinary."
    thr = ctx.v(pre + "threshold")
    bands = [(ctx.v(pre + "band1_upper"), ctx.v(pre + "band1_ratio")),
             (ctx.v(pre + "band2_upper"), ctx.v(pre + "band2_ratio")), (None, ctx.v(pre + "band3_ratio"))]
    limit = ctx.v(pre + "annual_limit")
    if not tilt:
        return thr, bands, limit, "" if ctx.quiet else f"大病起付线是 {short(thr)} 元"
    factor, bonus = ctx.v("critical.tilt.threshold_factor"), ctx.v("critical.tilt.ratio_bonus")
    tthr = fen(thr * factor)
    bands = [(u, min(ONE, r + bonus)) for u, r in bands]
    words = "" if ctx.quiet else (f"{ctx.who(ident)}享受大病倾斜：起付线从 {short(thr)} 元降到 {short(tthr)} 元，每段多报 {points(bonus)}")
    if ctx.p("critical.tilt.no_ceiling") is not None:
        ctx.v("critical.tilt.no_ceiling")
        return tthr, bands, None, words + "，不设封顶"
    return tthr, bands, limit, words


def describe(bands, thr):
    used = []
    lower = thr
    for upper, ratio in bands:
        if upper is not None and upper <= lower:
            continue
        used.append((lower, upper, ratio))
        if upper is None:
            break
        lower = upper
    if len({r for _, _, r in used}) == 1:
        return f"按 {pct(used[0][2])} 报"
    return "分段报（" + "，".join((f"{short(lo)} 元到 {short(up)} 元按 {pct(r)}" if up is not None
                                 else f"{short(lo)} 元以上按 {pct(r)}") for lo, up, r in used) + "）"


def _exclude_deductible(ctx, s, ident, selfpay):
    if not ctx.member("critical.exclude_deductible.identities", ident):
        return ZERO
    excl = min(s.deductible, selfpay)
    for p in s.deductible_params:      # the step states the deductible: it lists what set it
        ctx.use(p)
    ctx.step("critical", s.index,
             f"{ctx.who(ident)}这次住院的起付线 {yuan(excl)} 元不算进大病保险的累计，改由医疗救助按比例救助。", excl)
    return excl


def critical(ctx, s, y):
    ident = ctx.ident("critical")
    selfpay = s.in_policy - s.basic
    excl = _exclude_deductible(ctx, s, ident, selfpay)
    mark = len(ctx._rec)
    thr, bands, limit, words = schedule(ctx, ident)
    # a step that states an amount "below the 大病 threshold" lists what set that threshold
    s.crit_params = tuple(p for p in ctx._rec[mark:] if p.path.rsplit(".", 1)[-1] in ("threshold", "threshold_factor"))
    add = selfpay - excl
    before, after = y.crit_base, y.crit_base + add
    raw = band_pay(after, thr, bands) - band_pay(before, thr, bands)
    room = None if limit is None else pos(limit - y.crit_paid)
    pay = fen(min(raw, selfpay) if room is None else min(raw, room, selfpay))
    s.crit_below = min(add, pos(thr - before)) + excl
    s.crit_excluded = excl
    y.crit_base, y.crit_paid = after, y.crit_paid + pay
    s.critical = pay
    if ctx.quiet:
        return
    text = f"大病保险：基本医保报销后，这次目录内自付 {yuan(selfpay)} 元"
    text += f"（其中 {yuan(add)} 元算进大病）" if excl else ""
    text += f"，今年累计 {yuan(after)} 元。{words}。"
    if after <= thr:
        text += "还没超过起付线，这次大病保险不报。"
    else:
        text += f"超过起付线的部分{describe(bands, thr)}，这次报 {yuan(pay)} 元"
        if room is not None and raw > room:
            text += f"（大病保险一年最多报 {short(limit)} 元，今年只剩 {yuan(room)} 元）"
        text += "。"
    ctx.step("critical", s.index, text, pay)
