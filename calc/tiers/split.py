"""The bill: in-policy (目录内) and out-of-policy (目录外) cost."""
from ..money import fen, pct, yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("split.default_oop_share",)


def split(ctx, s, y):
    st = s.stay
    s.total = st.total
    if st.out_of_policy is None:
        share = ctx.v("split.default_oop_share")
        s.out_of_policy, s.oop_assumed = fen(st.total * share), True
    else:
        s.out_of_policy = st.out_of_policy
    s.in_policy = st.total - s.out_of_policy
    if ctx.quiet:
        return
    n = s.index + 1
    where = f"{ctx.rp.places.get(st.place, st.place)}{ctx.rp.label_level(st.level)}医院"
    if st.out_of_policy is None:
        text = (f"第{n}次住院（{where}）：总费用 {yuan(st.total)} 元。目录外（全自费）费用没有填，"
                f"按总费用的 {pct(share)} 估为 {yuan(s.out_of_policy)} 元，其余 {yuan(s.in_policy)} 元算作医保目录内费用。")
    else:
        text = (f"第{n}次住院（{where}）：总费用 {yuan(st.total)} 元，其中医保目录内 {yuan(s.in_policy)} 元，"
                f"目录外（全自费）{yuan(s.out_of_policy)} 元。")
    ctx.step("split", s.index, text, s.in_policy)
