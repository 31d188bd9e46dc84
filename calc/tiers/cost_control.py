"""Out-of-policy cost control: above a share of the bill, the hospital bears the out-of-policy cost."""
from ..bound import UNCHANGED
from ..money import fen, pct, pos, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("cost_control.identities", "cost_control.{place}_{level}")


def cost_control(ctx, s, y):
    ident = ctx.ident("cost_control")
    if not ctx.member("cost_control.identities", ident):
        return UNCHANGED
    p = ctx.p(f"cost_control.{s.stay.place}_{s.stay.level}")
    if p is None:          # this kind of hospital has no control ratio
        ctx.drop()
        return UNCHANGED
    ctx.use(p)
    allowed = fen(s.total * p.value)
    s.hospital_bears = pos(s.out_of_policy - allowed)
    text = (f"目录外费用控制：{ctx.who(ident)}在这类医院住院，目录外费用最多只能占总费用的 {pct(p.value)}，"
            f"即 {yuan(allowed)} 元")
    text += f"；多出的 {yuan(s.hospital_bears)} 元由医院承担，您不用付。" if s.hospital_bears > 0 else "；这次没有超出。"
    ctx.step("cost_control", s.index, text, s.hospital_bears)
