"""倾斜救助: a share of the year's remaining in-policy burden above a threshold."""
from ..bound import UNCHANGED
from ..money import fen, pct, pos, short, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("tilt.*.identities", "tilt.*.ratio", "tilt.threshold", "tilt.places", "tilt.referral_required")


def tilt(ctx, s, y):
    ident = ctx.ident("tilt")
    g = ctx.group("tilt", ident)
    if g is None:
        return UNCHANGED
    st = s.stay
    req = ctx.p("tilt.referral_required")
    # "outside_county": only a stay outside the county needs the referral (the other reading of 三（三）)
    if req is not None and not st.referral and (req.value != "outside_county" or st.place != "county"):
        ctx.use(req)
        if st.place == "county":
            ctx.reading(req)
        ctx.step("tilt", s.index, "倾斜救助：这次住院没有办规范转诊手续，按文件不享受倾斜救助。")
        return
    places = ctx.places("tilt.places")
    if places and st.place not in places:
        ctx.v("tilt.places")
        ctx.step("tilt", s.index, "倾斜救助：这次在省外住院，按文件不享受倾斜救助。")
        return
    remain = s.in_policy_left
    ratio = ctx.use(ctx.p(f"{g}.ratio")).value
    thr = ctx.v("tilt.threshold")
    ctx.member(f"{g}.identities", ident)
    before = y.tilt_base
    y.tilt_base += remain
    eligible = min(remain, pos(y.tilt_base - max(before, thr)))
    pay = fen(eligible * ratio)
    s.tilt = pay
    if ctx.quiet:
        return
    text = (f"倾斜救助：三重保障后这次还剩目录内自付 {yuan(remain)} 元，今年累计 {yuan(y.tilt_base)} 元。"
            f"超过 {short(thr)} 元的部分按 {pct(ratio)} 救助")
    text += (f"，这次 {yuan(eligible)} 元 × {pct(ratio)} = {yuan(pay)} 元。" if eligible > 0
             else "，还没有超过，这次没有倾斜救助。")
    ctx.step("tilt", s.index, text, pay)
