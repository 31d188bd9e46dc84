"""阳城 “136” (until 2021): a yearly cap on in-catalog self-pay by hospital level; the excess was
paid by the poverty supplementary insurance (a reading the data states)."""
from ..bound import UNCHANGED
from ..money import ZERO, fen, pos, short, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("cap136.identities", "cap136.cap_{place}", "cap136.excess_payer")


def cap136(ctx, s, y):
    ident = ctx.ident("cap136")
    if not ctx.member("cap136.identities", ident):
        return UNCHANGED
    place = s.stay.place
    cap = ctx.v(f"cap136.cap_{place}")
    payer = ctx.v("cap136.excess_payer")
    remain = s.in_policy_left
    room = pos(cap - y.self136)
    # "none": the other reading (the clause names no payer for the excess): nobody pays it
    extra = fen(pos(remain - room)) if payer == "supplementary" else ZERO
    y.self136 += remain - extra
    s.other += extra
    s.other_in_policy += extra
    where = ctx.rp.places.get(place, place)
    text = (f"“136”自付封顶（2021年）：{ctx.who(ident)}在{where}住院，一年目录内自付最多 {short(cap)} 元；"
            f"这次目录内自付 {yuan(remain)} 元")
    if payer != "supplementary":
        text += "；文件没有写超出封顶的部分由谁付，这里不计。"
    else:
        text += (f"，超出的 {yuan(extra)} 元由当时的补充医疗保险支付。" if extra > 0 else "，没有超过封顶。")
    ctx.step("other", s.index, text, extra)
