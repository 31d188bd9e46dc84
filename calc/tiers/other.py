"""Other payers the person tells us about: the hospital's waiver and 特惠保 (沂源's 五重保障)."""
from ..bound import UNCHANGED
from ..money import yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("other.waiver", "other.tehuibao", "other.order")


def other(ctx, s, y):
    st = s.stay
    given = st.hospital_waiver + st.tehuibao
    if given <= 0:
        return UNCHANGED
    ctx.use(ctx.p("other.waiver") if st.hospital_waiver > 0 else None)
    ctx.use(ctx.p("other.tehuibao") if st.tehuibao > 0 else None)
    ctx.use(ctx.p("other.order"))
    left_in, left_out = s.in_policy_left, s.oop_resident - s.oop_assistance
    amount = min(given, left_in + left_out)
    s.other = amount
    s.other_in_policy = min(amount, left_in)
    parts = [f"医院减免 {yuan(st.hospital_waiver)} 元"] if st.hospital_waiver > 0 else []
    parts += [f"特惠保赔付 {yuan(st.tehuibao)} 元"] if st.tehuibao > 0 else []
    text = "其他：" + "、".join(parts) + f"（您填的数），计入 {yuan(amount)} 元"
    text += "。" if amount == given else "（不超过还要自己付的钱）。"
    ctx.step("other", s.index, text, amount)
