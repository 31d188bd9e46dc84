"""The pipeline: split → cost control → 基本医保 → 大病 → 医疗救助 → 倾斜/再救助 → other → resident.

All figures come from the region's parameters (ctx.v); none is written here. Year
accumulators (thresholds, bands, caps) carry across stays in input order, then outpatient.
"""
from decimal import Decimal

from .model import Figure, Step
from .money import ZERO, fen, pos, pct, yuan
from .rules import RULES

ONE = Decimal("1")
TIER_IDS = ("tekun", "dibao", "fanpin", "dibao_edge", "jiance", "tufa", "yinbing", "wending", "putong")
PLACE_NAMES = {"county": "县域内", "city": "县外市内", "province": "省内市外", "outside": "省外"}


class Ctx:
    def __init__(self, rp, year, overrides, person):
        self.rp, self.year, self.ov, self.person = rp, year, overrides or {}, person
        self.steps = []
        self._fig = []
        self.rule_prefix = {"xianning": "XN", "yangcheng": "YC", "dongzhi": "DZ",
                            "yiyuan": "YY", "chongqing": "CQ"}[rp.id]

    def p(self, path):
        return self.rp.get(path, self.year, self.ov)

    def v(self, path, default=None):
        p = self.p(path)
        if p is None:
            return default
        self._fig.append(p)
        return p.value

    def ids(self, path):
        p = self.p(path)
        if p is None:
            return set()
        return set(p.value.split(","))

    def holds(self, path, ident):
        if ident in self.ids(path):
            self._fig.append(self.p(path))
            return True
        return False

    def step(self, rule, tier, stay, text, amount):
        figs, seen = [], set()
        for p in self._fig:
            if p.path in seen:
                continue
            seen.add(p.path)
            cite = p.cite if p.provenance != "assumption" else p.reason
            figs.append(Figure(p.path, p.label, str(p.value), p.display, p.provenance, cite))
        self._fig = []
        self.steps.append(Step(rule, tier, stay, text, fen(amount), figs))


def rid(ctx, *candidates):
    """First candidate rule id that exists (rules are region-specific)."""
    for c in candidates:
        if c in RULES:
            return c
    return candidates[-1]


def _band_pay(ctx, base, thr, bands):
    """Amount 大病 pays on accumulated base `base` above threshold thr with bands [(upper, ratio)...]."""
    pay, lower = ZERO, thr
    for upper, ratio in bands:
        if upper is not None and upper <= lower:
            continue
        top = base if upper is None else min(base, upper)
        if top > lower:
            pay += (top - lower) * ratio
        lower = max(lower, upper) if upper is not None else lower
        if upper is None or base <= upper:
            break
    return pay


def critical_schedule(ctx, ident):
    """Threshold, bands and annual limit (None = no ceiling) for this identity."""
    if ctx.p("critical.poverty.identities") and ctx.holds("critical.poverty.identities", ident):
        thr = ctx.v("critical.poverty.threshold")
        bands = [(ctx.v("critical.poverty.band1_upper"), ctx.v("critical.poverty.band1_ratio")),
                 (ctx.v("critical.poverty.band2_upper"), ctx.v("critical.poverty.band2_ratio")),
                 (None, ctx.v("critical.poverty.band3_ratio"))]
        return thr, bands, None, "poverty"
    thr = ctx.v("critical.ordinary.threshold")
    bands = [(ctx.v("critical.ordinary.band1_upper"), ctx.v("critical.ordinary.band1_ratio")),
             (ctx.v("critical.ordinary.band2_upper"), ctx.v("critical.ordinary.band2_ratio")),
             (None, ctx.v("critical.ordinary.band3_ratio"))]
    if ctx.p("critical.tilt.identities") and ctx.holds("critical.tilt.identities", ident):
        thr = thr * ctx.v("critical.tilt.threshold_factor")
        bonus = ctx.v("critical.tilt.ratio_bonus")
        bands = [(u, min(ONE, r + bonus)) for u, r in bands]
        return thr, bands, None, "tilt"
    return thr, bands, ctx.v("critical.ordinary.annual_limit"), "ordinary"


class YearState:
    def __init__(self):
        self.basic_used = ZERO
        self.crit_base = ZERO       # accumulated in-policy self-pay counted toward 大病
        self.crit_paid = ZERO
        self.assist_base = ZERO     # accumulated assistance base (for its yearly threshold)
        self.assist_paid = ZERO     # shared inpatient + outpatient cap
        self.tilt_base = ZERO
        self.re_base = ZERO
        self.re_paid = ZERO
        self.self136 = ZERO
        self.prev_deductible = None


def run_stay(ctx, ident, i, st, ys):
    P = ctx.rule_prefix
    n = i + 1
    total, oop = st.total, st.out_of_policy
    in_policy = total - oop
    r = {"index": i, "total": total, "in_policy": in_policy, "out_of_policy": oop,
         "hospital_bears": ZERO, "basic": ZERO, "critical": ZERO, "assistance": ZERO,
         "tilt": ZERO, "other": ZERO, "resident": ZERO, "admission_payment": None}
    ctx.step(rid(ctx, f"{P}-BASE-1", "XN-BASE-1") if P in ("XN", "DZ") else _split_rule(P), "split", i,
             f"第{n}次住院：总费用 {yuan(total)} 元 = 政策范围内 {yuan(in_policy)} 元 + 目录外 {yuan(oop)} 元"
             f"（{PLACE_NAMES[st.place]}{st.level}级医院）", in_policy)

    # 1. cost control on out-of-policy share
    oop_res = oop
    if ctx.p("cost_control.identities") and ctx.holds("cost_control.identities", ident):
        ratio = ctx.v(f"cost_control.{st.place}_{st.level}")
        if ratio is not None:
            allowed = fen(total * ratio)
            hb = pos(oop - allowed)
            r["hospital_bears"] = hb
            oop_res = oop - hb
            ctx.step(f"{P}-OOP-1", "cost_control", i,
                     f"目录外费用控制：目录外费用最多占总费用的 {pct(ratio)}，即 {yuan(allowed)} 元；"
                     f"超出的 {yuan(hb)} 元由医院承担", hb)
        else:
            ctx._fig = []

    # 2. basic insurance
    scheme = "employee." if ctx.person.scheme == "employee" else ""
    ded = ctx.v(f"basic.{scheme}level{st.level}.deductible")
    ratio = ctx.v(f"basic.{scheme}level{st.level}.ratio")
    note = ""
    if st.place == "outside":
        ratio = pos(ratio - ctx.v("basic.outside_ratio_cut", ZERO))
        note += "省外就医比例降低；"
    if ctx.p("basic.poverty.identities") and st.place == "county" and ctx.holds("basic.poverty.identities", ident):
        ded = ded * ctx.v("basic.poverty.deductible_factor")
        ratio = min(ONE, ratio + ctx.v("basic.poverty.ratio_bonus"))
        note += "2021年脱贫人口区县级医院起付线减半、比例提高10个百分点（两升两降一取消）；"
        base_rule = "CQ-CHG-1"
    else:
        base_rule = None
    ded_eff = ded
    if st.referral and ctx.p("referral.continuous_deductible") and ys.prev_deductible is not None:
        ctx.v("referral.continuous_deductible")
        ded_eff = pos(ded - ys.prev_deductible)
        note += f"规范转诊连续计算起付线，只补差额 {yuan(ded_eff)} 元；"
        ctx.step("XN-REF-1", "basic", i, f"规范转诊：起付线连续计算，本次起付线 {yuan(ded_eff)} 元", ded_eff)
        ded = ctx.v(f"basic.{scheme}level{st.level}.deductible")
        ratio = ctx.v(f"basic.{scheme}level{st.level}.ratio") if st.place != "outside" else ratio
    ded_eff = min(ded_eff, in_policy)
    ys.prev_deductible = ded  # the level's full deductible, for a following referred stay
    limit = ctx.v("basic.annual_limit")
    basic = fen(min((in_policy - ded_eff) * ratio, pos(limit - ys.basic_used)))
    ys.basic_used += basic
    r["basic"] = basic
    ctx.step(base_rule or _basic_rule(P), "basic", i,
             f"基本医保：（政策范围内 {yuan(in_policy)} − 起付线 {yuan(ded_eff)}）× {pct(ratio)} = {yuan(basic)} 元"
             f"（年度限额 {yuan(limit)} 元）" + (f"。{note.rstrip('；')}" if note else ""), basic)

    # 3. 大病保险
    selfpay = in_policy - basic
    excl = ZERO
    if ctx.p("critical.exclude_deductible.identities") and ctx.holds("critical.exclude_deductible.identities", ident):
        excl = min(ded_eff, selfpay)
        ctx.step("XN-AST-4", "critical", i,
                 f"特困、低保的住院起付线 {yuan(excl)} 元不计入大病起付线累计，改由医疗救助解决", excl)
    base_add = selfpay - excl
    thr, bands, climit, kind = critical_schedule(ctx, ident)
    before = _band_pay(ctx, ys.crit_base, thr, bands)
    after = _band_pay(ctx, ys.crit_base + base_add, thr, bands)
    crit = after - before
    if climit is not None:
        crit = min(crit, pos(climit - ys.crit_paid))
    crit = fen(min(crit, selfpay))
    below_part = min(base_add, pos(thr - ys.crit_base)) + excl
    ys.crit_base += base_add
    ys.crit_paid += crit
    r["critical"] = crit
    crule = _critical_rule(ctx, P, kind)
    kinds = {"tilt": "倾斜对象起付线减半、每段多5个百分点、不封顶", "poverty": "贫困人口专门分段、不封顶",
             "ordinary": f"年度封顶 {yuan(climit) if climit is not None else ''} 元"}
    ctx.step(crule, "critical", i,
             f"大病保险：本年合规自付累计 {yuan(ys.crit_base)} 元，起付线 {yuan(thr)} 元以上分段报销，"
             f"本次支付 {yuan(crit)} 元（{kinds[kind]}）", crit)

    # 4. 医疗救助
    remain = selfpay - crit
    assist = _assistance_inpatient(ctx, ident, i, st, ys, remain, below_part, in_policy, basic, crit)
    r["assistance"] = assist
    remain -= assist

    # YC-OOP-2: out-of-policy within the control ratio, 返贫致贫, in province
    oop_assist = ZERO
    if st.place != "outside" and ctx.p(f"assistance.{ident}.oop_ratio") and oop_res > 0:
        orat = ctx.v(f"assistance.{ident}.oop_ratio")
        oop_assist = fen(oop_res * orat)
        r["assistance"] += oop_assist
        ctx.step("YC-OOP-2", "assistance", i,
                 f"过渡期目录外费用救助：控制比例内的目录外费用 {yuan(oop_res)} 元 × {pct(orat)} = {yuan(oop_assist)} 元",
                 oop_assist)

    # 5. 倾斜救助
    tilt = _tilt(ctx, ident, i, st, ys, remain)
    remain -= tilt
    # other payers: hospital waiver + 特惠保 (沂源 five tiers), then 再救助
    other = min(st.hospital_waiver + st.tehuibao, remain + oop_res - oop_assist)
    if other > 0:
        ctx.step(rid(ctx, "YY-RE-1"), "other", i,
                 f"医疗机构减免 {yuan(st.hospital_waiver)} 元 + 特惠保 {yuan(st.tehuibao)} 元，计入 {yuan(other)} 元", other)
    remain_pol = pos(remain - other)
    re = _reassist(ctx, ident, i, ys, remain_pol)
    tilt += re
    remain_pol -= re
    # YC-136 (2021): 建档立卡 yearly in-catalog self-pay cap, excess paid by the supplementary insurance
    if ctx.p("poverty136.identities") and ctx.holds("poverty136.identities", ident):
        cap = ctx.v(f"poverty136.cap_{'province' if st.place in ('province', 'outside') else st.place}")
        allowed = pos(cap - ys.self136)
        extra = fen(pos(remain_pol - allowed))
        ys.self136 += remain_pol - extra
        other += extra
        remain_pol -= extra
        ctx.step("YC-136", "other", i,
                 f"2021年“136”封顶：建档立卡贫困人口本年目录内自付封顶 {yuan(cap)} 元，超出的 {yuan(extra)} 元"
                 f"由贫困人口补充保险等兜底（2022年起取消，见YC-SUP-1）", extra)
    r["tilt"] = tilt
    r["other"] = other
    r["resident"] = total - r["hospital_bears"] - basic - crit - r["assistance"] - tilt - other
    ctx.step(f"{P}-BASE-1" if P in ("XN", "DZ") else _resident_rule(P), "resident", i,
             f"个人负担：{yuan(total)} − 医院承担 {yuan(r['hospital_bears'])} − 基本医保 {yuan(basic)} − 大病 {yuan(crit)}"
             f" − 救助 {yuan(r['assistance'])} − 倾斜/再救助 {yuan(tilt)} − 其他 {yuan(other)} = {yuan(r['resident'])} 元",
             r["resident"])

    # admission payment (先诊疗后付费)
    if ctx.p("admission.identities") and st.place == "county" and ctx.holds("admission.identities", ident):
        mode = ctx.v("admission.mode")
        pay = ded_eff if mode == "deductible" else ZERO
        r["admission_payment"] = fen(pay)
        arule = "XN-ADM-1" if P == "XN" else "CQ-ADM-1"
        ctx.step(arule, "admission", i,
                 f"先诊疗后付费：入院不交押金，" + (f"只付起付线 {yuan(pay)} 元" if mode == "deductible" else "入院时无需付款"),
                 pay)
    return r


def _split_rule(P):
    return {"YC": "YC-OOP-1", "YY": "YY-CI-1", "CQ": "CQ-AST-1"}[P]


def _basic_rule(P):
    return {"XN": "XN-BASE-1", "DZ": "DZ-BASE-1", "YC": "YC-136", "YY": "YY-CI-1", "CQ": "CQ-CHG-1"}[P]


def _resident_rule(P):
    return {"YC": "YC-AST-1", "YY": "YY-RE-1", "CQ": "CQ-AST-1"}[P]


def _critical_rule(ctx, P, kind):
    if P == "YY":
        return "YY-CI-1"
    if P == "CQ":
        return "CQ-CHG-1"
    return {"XN": "XN-CI-1", "YC": "YC-CI-1", "DZ": "DZ-CI-1"}[P]


def _assist_rule(ctx, ident):
    p = ctx.p(f"assistance.{ident}.ratio")
    return p.rule if p else None


def _assistance_inpatient(ctx, ident, i, st, ys, remain, below_part, in_policy, basic, crit):
    if ctx.p(f"assistance.{ident}.ratio") is None or remain <= 0:
        return ZERO
    rule = _assist_rule(ctx, ident)
    thr = ctx.v(f"assistance.{ident}.threshold", ZERO)
    r_below = ctx.v(f"assistance.{ident}.ratio")
    r_above = ctx.v(f"assistance.{ident}.ratio_above", r_below)
    cap = ctx.v(f"assistance.{ident}.cap")
    below = min(remain, below_part)
    above = remain - below
    # yearly assistance threshold: first the below part, then the above part
    skip = pos(thr - ys.assist_base)
    ys.assist_base += remain
    sb = min(skip, below)
    below -= sb
    above -= min(pos(skip - sb), above)
    pay = below * r_below + above * r_above
    if cap is not None:
        pay = min(pay, pos(cap - ys.assist_paid))
    pay = fen(pay)
    text = f"医疗救助：仍自付的政策范围内 {yuan(remain)} 元"
    if thr:
        text += f"，年度救助起付线 {yuan(thr)} 元"
    if r_above != r_below:
        text += (f"；大病起付线以下部分 {yuan(below)} 元 × {pct(r_below)}，以上部分 {yuan(above)} 元 × {pct(r_above)}"
                 f"（按本人适用的大病起付线划分）")
    else:
        text += f"，超过起付线的 {yuan(below + above)} 元 × {pct(r_below)}"
    p = ctx.p(f"assistance.{ident}.ratio")
    if p.kind == "floor":
        text += "（文件规定“不低于”，按下限计算）"
    text += f" = {yuan(pay)} 元" + (f"（年度限额 {yuan(cap)} 元，门诊住院共用）" if cap is not None else "（不设年度限额）")
    ctx.step(rule, "assistance", i, text, pay)
    ys.assist_paid += pay
    # YC-AST-2: top up to a combined 90% for in-province stays
    topup = ctx.v(f"assistance.{ident}.topup") if st.place != "outside" else None
    if topup is None:
        ctx._fig = []
        return pay
    if in_policy > 0:
        target = fen(in_policy * topup)
        got = basic + crit + pay
        extra = fen(min(pos(target - got), remain - pay))
        ctx.step("YC-AST-2", "assistance", i,
                 f"综合保障兜底：基本医保+大病+救助 {yuan(got)} 元，占政策范围内费用不足 {pct(topup)} 的，"
                 f"补足 {yuan(extra)} 元", extra)
        ys.assist_paid += extra
        pay += extra
    return pay


def _tilt(ctx, ident, i, st, ys, remain):
    p = ctx.p(f"tilt.{ident}")
    if p is None:
        return ZERO
    rule = p.rule
    if ctx.p("tilt.referral_required") and (not st.referral or st.place == "outside"):
        ctx.v("tilt.referral_required")
        ctx.step("XN-REF-1", "tilt", i,
                 "倾斜救助：本次未规范转诊或在省外就医，不享受倾斜救助", ZERO)
        return ZERO
    thr = ctx.v("tilt.threshold")
    ratio = ctx.v(f"tilt.{ident}")
    before = ys.tilt_base
    ys.tilt_base += remain
    eligible = pos(ys.tilt_base - max(before, thr))
    eligible = min(eligible, remain)
    pay = fen(eligible * ratio)
    ctx.step(rule, "tilt", i,
             f"倾斜救助：三重保障后本年政策范围内自付累计 {yuan(ys.tilt_base)} 元，超过 {yuan(thr)} 元的 "
             f"{yuan(eligible)} 元 × {pct(ratio)} = {yuan(pay)} 元", pay)
    return pay


def _reassist(ctx, ident, i, ys, remain):
    if not ctx.p("reassist.identities") or not ctx.holds("reassist.identities", ident):
        return ZERO
    thr = ctx.v("reassist.threshold")
    ratio = ctx.v("reassist.ratio")
    cap = ctx.v("reassist.cap")
    before = ys.re_base
    ys.re_base += remain
    eligible = min(remain, pos(ys.re_base - max(before, thr)))
    pay = fen(min(eligible * ratio, pos(cap - ys.re_paid)))
    ys.re_paid += pay
    ctx.step("YY-RE-1", "re_assistance", i,
             f"再救助：五重保障后本年政策范围内自付累计 {yuan(ys.re_base)} 元，超过 {yuan(thr)} 元的 "
             f"{yuan(eligible)} 元 × {pct(ratio)} = {yuan(pay)} 元（年度最高 {yuan(cap)} 元）", pay)
    return pay


def run_outpatient(ctx, ident, chronic, drugs, ys):
    r = {"total": chronic + drugs, "basic": ZERO, "critical": ZERO, "assistance": ZERO, "resident": ZERO}
    if chronic + drugs <= 0:
        return r
    ratio = ctx.v("basic.outpatient.ratio")
    b_c, b_d = fen(chronic * ratio), fen(drugs * ratio)
    r["basic"] = b_c + b_d
    P = ctx.rule_prefix
    ctx.step(_opd_rule(ctx), "basic", None,
             f"门诊慢特病和特殊药品：{yuan(chronic + drugs)} 元 × 基本医保 {pct(ratio)} = {yuan(r['basic'])} 元", r["basic"])
    crit = ZERO
    if drugs > 0 and ctx.p("critical.drugs.identities") and ctx.holds("critical.drugs.identities", ident):
        dr = ctx.v("critical.drugs.ratio")
        cap = ctx.v("critical.drugs.cap")
        crit = fen(min((drugs - b_d) * dr, cap))
        ctx.step("YY-CI-2", "critical", None,
                 f"大病特药：特殊药品自付 {yuan(drugs - b_d)} 元不设起付线 × {pct(dr)} = {yuan(crit)} 元（最高 {yuan(cap)} 元）",
                 crit)
    r["critical"] = crit
    sp_c = chronic - b_c
    sp_d = drugs - b_d - crit
    assist = ZERO
    included = ctx.p("assistance.outpatient.included")
    if ctx.p(f"assistance.{ident}.ratio") is not None and (included or ctx.p(f"assistance.{ident}.opd_chronic_ratio")):
        if included:
            ctx.v("assistance.outpatient.included")
        rc = ctx.v(f"assistance.{ident}.opd_chronic_ratio") or ctx.v(f"assistance.{ident}.ratio")
        rd = ctx.v(f"assistance.{ident}.opd_drug_ratio") or rc
        cap = ctx.v(f"assistance.{ident}.cap")
        thr = ctx.v(f"assistance.{ident}.threshold", ZERO)
        skip = pos(thr - ys.assist_base)
        ys.assist_base += sp_c + sp_d
        sc = min(skip, sp_c)
        sd = min(pos(skip - sc), sp_d)
        pay = (sp_c - sc) * rc + (sp_d - sd) * rd
        if cap is not None:
            pay = min(pay, pos(cap - ys.assist_paid))
        assist = fen(pay)
        ys.assist_paid += assist
        ctx.step(_opd_rule(ctx, assist=True), "assistance", None,
                 f"门诊救助：门诊慢特病自付 {yuan(sp_c)} 元 × {pct(rc)}，特殊药品自付 {yuan(sp_d)} 元 × {pct(rd)} = {yuan(assist)} 元"
                 + (f"（与住院共用年度限额 {yuan(cap)} 元）" if cap is not None else ""), assist)
    r["assistance"] = assist
    r["resident"] = r["total"] - r["basic"] - crit - assist
    return r


def _opd_rule(ctx, assist=False):
    P = ctx.rule_prefix
    return {"XN": "XN-OPD-1", "YC": "YC-OPD-1", "CQ": "CQ-OPD-1",
            "DZ": "DZ-BASE-1", "YY": "YY-CI-2"}[P] if assist or P != "DZ" else "DZ-BASE-1"
