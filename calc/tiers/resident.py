"""What the person pays for a stay, in a clerk's words; and what they pay at admission."""
from ..money import yuan

# The parameter paths this step reads (calc/schema.py).
READS = ("admission.identities", "admission.places", "admission.mode", "admission.conditional")


def resident(ctx, s, y):
    s.resident = (s.total - s.hospital_bears - s.basic - s.critical - s.assistance - s.oop_assistance
                  - s.tilt - s.re_assistance - s.other)
    if ctx.quiet:
        return
    in_part = s.in_policy_left
    out_part = s.resident - in_part
    text = f"第{s.index + 1}次住院您自己付 {yuan(s.resident)} 元"
    text += f"：目录内自付 {yuan(in_part)} 元 + 目录外自付 {yuan(out_part)} 元。" if out_part > 0 else "（都是目录内自付）。"
    ctx.step("resident", s.index, text, s.resident)


def admission(ctx, s, y):
    """Admission without a deposit (先诊疗后付费 / 免押金): any held identity that has it."""
    if ctx.p("admission.identities") is None:
        return
    places = ctx.places("admission.places")
    if places and s.stay.place not in places:
        return
    holder = next((i for i in ctx.person.identities if ctx.member("admission.identities", i)), None)
    if holder is None:
        return
    ctx.v("admission.places")
    mode = ctx.v("admission.mode")
    conditional = ctx.v("admission.conditional")
    pay = s.deductible if mode == "deductible" else 0
    if mode == "deductible":
        for p in s.deductible_params:   # the step states the deductible: it lists what set it
            ctx.use(p)
    s.admission_payment = pay
    if mode == "deductible":
        text = f"入院时：{ctx.who(holder)}在县域内住院不用交押金，入院时只交起付线 {yuan(pay)} 元，出院时再结算自付部分。"
    else:
        text = f"入院时：{ctx.who(holder)}县域内住院不用交押金，出院时只付报销后的自付部分。"
    if conditional:
        text = ("入院时：如果您所在的区县实行“先诊疗后付费”（文件说“有条件的区县可”实行，请问所在区县），"
                f"{ctx.who(holder)}县域内住院不用交押金，出院时只付报销后的自付部分。")
    ctx.step("admission", s.index, text, pay)
