"""The engine's own guarantee, whatever the figures: no payer pays more than what is left of the
bill, nobody pays less than 0, so the resident never pays less than 0.

Region data is checked (`python -m calc check`), but the engine does not rely on it: a figure that
slipped through (a ratio above 1, a negative amount) is bounded here, after each step, and the
step that stated the larger amount says what was counted.
"""
from .money import ZERO, yuan

# What a step returns when it left every amount as it was (it does not apply here): nothing to bound.
UNCHANGED = "unchanged"

# In-policy payers in settlement order, with the trace tier that states each.
IN_POLICY = (("basic", "basic"), ("critical", "critical"), ("assistance", "assistance"), ("tilt", "tilt"),
             ("re_assistance", "re_assistance"), ("other_in_policy", None))


def _clamp(v, room):
    return min(max(v, ZERO), max(room, ZERO))


def _say(ctx, tier, stay, was, now):
    for st in reversed(ctx.steps):
        if st.tier == tier and st.stay == stay:
            st.amount = now
            st.text += f"（按这些数字算出 {yuan(was)} 元，超出了还没付的费用，只计 {yuan(now)} 元）"
            return


def stay(ctx, s) -> None:
    """Bound each payer of stay `s` to what is left of its part of the bill. It runs after every step
    of every row: each test below is `_clamp` would change the value, written out (no calls)."""
    oop = s.out_of_policy
    if oop < ZERO or (oop > s.total and oop > ZERO):
        oop = _clamp(s.out_of_policy, s.total)
        s.out_of_policy, s.in_policy = oop, s.total - oop
        for st in reversed(ctx.steps):
            if st.tier == "split" and st.stay == s.index:
                st.text += f"（按这些数字算出的目录外费用不在 0 和总费用之间，按 {yuan(oop)} 元计）"
                break
    hb = s.hospital_bears
    if hb < ZERO or (hb > s.out_of_policy and hb > ZERO):
        s.hospital_bears = _clamp(s.hospital_bears, s.out_of_policy)
    b, c, a, t, r, o = s.basic, s.critical, s.assistance, s.tilt, s.re_assistance, s.other_in_policy
    # All paid amounts ≥ 0 and together within the in-policy cost: then each is within what was left.
    if not (b >= ZERO and c >= ZERO and a >= ZERO and t >= ZERO and r >= ZERO and o >= ZERO
            and b + c + a + t + r + o <= s.in_policy):
        left = s.in_policy
        for attr, tier in IN_POLICY:
            was = getattr(s, attr)
            if was < ZERO or (was > left and was > ZERO):
                now = _clamp(was, left)
                setattr(s, attr, now)
                if tier:
                    _say(ctx, tier, s.index, was, now)
                was = now
            left -= was
    out_left = s.out_of_policy - s.hospital_bears
    was = s.oop_assistance
    if was < ZERO or (was > out_left and was > ZERO):
        s.oop_assistance = _clamp(was, out_left)
        _say(ctx, "assistance", s.index, was, s.oop_assistance)
    out_left -= s.oop_assistance
    # `other` = its in-policy part + what it pays of the out-of-policy cost
    rest = s.other - s.other_in_policy
    if rest < ZERO or (rest > out_left and rest > ZERO):
        s.other = s.other_in_policy + _clamp(s.other - s.other_in_policy, out_left)


def outpatient(ctx, r: dict) -> None:
    """Bound the year's outpatient payers to what is left of the outpatient cost."""
    left = r["total"]
    for key in ("basic", "critical", "assistance"):
        was = r[key]
        r[key] = _clamp(was, left)
        if r[key] != was:
            _say(ctx, key, None, was, r[key])
        left -= r[key]
