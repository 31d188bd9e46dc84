"""再救助: after every other payer, the year's in-policy remainder above a threshold, capped."""
from ..bound import UNCHANGED
from ..money import fen, pct, pos, short, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("reassist.identities", "reassist.threshold", "reassist.ratio", "reassist.cap")


def reassist(ctx, s, y):
    ident = ctx.ident("re_assistance")
    if not ctx.member("reassist.identities", ident):
        return UNCHANGED
    remain = s.in_policy_left
    thr, ratio, cap = ctx.v("reassist.threshold"), ctx.v("reassist.ratio"), ctx.v("reassist.cap")
    before = y.re_base
    y.re_base += remain
    eligible = min(remain, pos(y.re_base - max(before, thr)))
    raw = eligible * ratio
    room = pos(cap - y.re_paid)
    pay = fen(min(raw, room))
    y.re_paid += pay
    s.re_assistance = pay
    if ctx.quiet:
        return
    text = (f"再救助：前面各项报销后，这次还剩目录内自付 {yuan(remain)} 元，今年累计 {yuan(y.re_base)} 元。"
            f"超过 {short(thr)} 元的部分按 {pct(ratio)} 再救助")
    if eligible <= 0:
        text += "，还没有超过，这次没有再救助。"
    elif raw <= room:
        text += f"，这次 {yuan(eligible)} 元 × {pct(ratio)} = {yuan(pay)} 元（一年最多 {short(cap)} 元）。"
    else:
        text += f"，应再救助 {yuan(raw)} 元；一年最多 {short(cap)} 元，今年还剩 {yuan(room)} 元，所以这次 {yuan(pay)} 元。"
    ctx.step("re_assistance", s.index, text, pay)
