"""核对结算单: what a stay's settlement slip says, checked payer by payer against the notice.

The slip's in-policy amount and its 基本医保 payment are facts: the answer computes every later
payer from them. The check then walks the payers in settlement order; each payer's expected amount
is what the notice gives after the earlier payers paid what the slip says (so a shortfall is
pinned on the payer that made it, and yearly accumulators follow the slips).

A shortfall is called `less` only when no assumed figure that shaped the amount could explain it;
otherwise it is `depends`, naming the assumed figure and the value of it that would give the slip.
"""
from decimal import Decimal

from .money import ZERO, fen, pct, s, short, yuan

# The slip's lines in the slip's own words and order: key, word, where it is on a typical slip.
FIELDS = (
    ("in_policy", "政策范围内费用", "费用汇总一栏，“总费用”下面，也叫“医保范围内费用”“符合范围费用”"),
    ("basic", "基本医保支付", "“基金支付”一栏，也叫“统筹基金支付”“基本医疗保险支付”"),
    ("critical", "大病保险支付", "“基金支付”一栏，也叫“大病保险”“城乡居民大病保险”"),
    ("assistance", "医疗救助支付", "“基金支付”一栏，也叫“医疗救助”“民政救助”"),
    ("tilt", "倾斜救助", "有的结算单在医疗救助下面单列“倾斜救助”，没有就不填"),
    ("resident", "个人自付", "最后一栏，也叫“个人支付”“个人现金支付”，含全自费"),
)
WORDS = {k: w for k, w, _ in FIELDS}
# The words staff give a roster column holding a slip's line (the first is the template's column word).
STAFF_WORDS = {
    "in_policy": ("实际政策范围内", "政策范围内费用", "政策范围内", "医保范围内费用", "符合范围费用"),
    "basic": ("实际基本医保", "基本医保支付", "基本医保报销", "统筹支付", "统筹基金支付", "实际医保报销"),
    "critical": ("实际大病", "大病保险支付", "大病保险报销", "大病报销", "大病支付", "实际大病保险"),
    "assistance": ("实际救助", "医疗救助支付", "医疗救助", "救助金额", "民政救助", "实际医疗救助"),
    "tilt": ("实际倾斜救助", "倾斜救助", "倾斜救助支付"),
    "resident": ("实际自付", "个人自付", "个人支付", "个人现金支付", "实际个人自付"),
}
KEYS = tuple(k for k, _, _ in FIELDS)
PAYERS = ("basic", "critical", "assistance", "tilt")     # settlement order; `resident` is checked last
# After which step a payer's amount is settled (assistance includes assistance on out-of-policy cost).
SETTLED = {"basic": "basic", "critical": "critical", "oop_assistance": "assistance", "tilt": "tilt"}
PREFIX = {"basic": "basic.", "critical": "critical.", "assistance": "assistance.", "tilt": "tilt."}
TOL = Decimal("0.01")
ASK = {"basic": "这次基本医保的起付线是多少、按多少比例报的？",
       "critical": "这次大病保险的起付线和报销比例是多少？今年前面住院的自付算进累计了吗？",
       "assistance": "这次医疗救助按什么身份、多少比例算的？当地另设了救助起付线吗？",
       "tilt": "这次倾斜救助为什么没有给或给得少？需要补办转诊证明吗？",
       "resident": "这次各项报销是怎么算的？能给一张报销明细吗？"}
# The plain verdict per status, as the page and the roster show it.
VERDICT = {"same": "一致", "more": "多给了，对您有利", "less": "少给了，可以去问", "depends": "要看当地的数字"}
SOLVE_STEPS = 28
DECIDE = "实际报多少，由医院和医保经办机构按当地规定结算；本站只按文件核对，供您去问的时候参考。"


# ---- input ---------------------------------------------------------------------------------------
def parse(errs, i, raw, total, amount):
    """The slip of stay i: {key: Decimal} (empty when none), errors recorded in Chinese per line."""
    f, name = f"stays[{i}].slip", f"第{i + 1}次住院结算单上的"
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, dict) or len(raw) > len(KEYS):
        errs.add(f, f"第{i + 1}次住院的结算单格式不对")
        return {}
    out = {}
    for k, v in raw.items():
        if k not in WORDS:
            errs.add(f, f"结算单只填这几项：{'、'.join(WORDS.values())}")
            continue
        d = amount(errs, v, f"{f}.{k}", name + WORDS[k])
        if d is not None:
            out[k] = d
    if total is None:
        return out
    inp = out.get("in_policy")
    if inp is not None and inp > total:
        errs.add(f"{f}.in_policy", f"{name}政策范围内费用不能大于总费用")
    if out.get("basic") is not None and out["basic"] > (total if inp is None else inp):
        errs.add(f"{f}.basic", f"{name}基本医保支付不能大于" + ("总费用" if inp is None else "政策范围内费用"))
    if sum((out.get(k, ZERO) for k in PAYERS), ZERO) > total:
        errs.add(f"{f}.assistance", f"{name}各项报销加起来不能大于总费用")
    if out.get("resident") is not None and out["resident"] > total:
        errs.add(f"{f}.resident", f"{name}个人自付不能大于总费用")
    return out


# ---- the engine hook -----------------------------------------------------------------------------
class Facts:
    """After a payer's step, replace its amount by the slip's and keep the yearly accumulators in step.

    `chain` = every payer the slip names is a fact (the check); otherwise only 基本医保 (the answer).
    `expected[(stay, payer)]` keeps what the notice gave before the slip's amount replaced it."""

    def __init__(self, chain=False):
        self.chain = chain
        self.expected = {}

    def __call__(self, step, ctx, s, y):
        payer = SETTLED.get(step.__name__)
        slip = dict(s.stay.slip)
        if payer is None or payer not in slip or (payer != "basic" and not self.chain):
            return
        v = slip[payer]
        if payer == "basic":
            self.expected[(s.index, payer)] = s.basic
            y.basic_used += v - s.basic
            if not self.chain:
                ctx.step("basic", s.index, f"结算单上基本医保实际支付 {yuan(v)} 元（上面按文件和假设算的是 {yuan(s.basic)} 元），"
                                           "以下各项按结算单的数往下算。", v)
            s.basic = v
        elif payer == "critical":
            self.expected[(s.index, payer)] = s.critical
            y.crit_paid += v - s.critical
            s.critical = v
        elif payer == "assistance":
            self.expected[(s.index, payer)] = s.assistance + s.oop_assistance
            s.oop_assistance = min(s.oop_assistance, v)
            y.assist_paid += v - s.oop_assistance - s.assistance
            s.assistance = v - s.oop_assistance
        else:
            self.expected[(s.index, payer)] = s.tilt
            s.tilt = v


def facts():
    return Facts(chain=False)


# ---- the check -----------------------------------------------------------------------------------
class _Checker:
    def __init__(self, rp, person, care, overrides, run):
        from .engine import compute   # the engine imports nothing from here
        self._compute = compute
        self.rp, self.person, self.care, self.ov, self.run = rp, person, care, overrides or {}, run
        self.schedule = run.ctx.schedule
        self.base, self.ctx = self._chain()
        self._cache = {}

    def _chain(self, ov=None, schedule=None):
        hook = Facts(chain=True)
        run = self._compute(self.rp, self.person, self.care, {**self.ov, **(ov or {})}, schedule or self.schedule, hook=hook)
        return hook.expected, run.ctx

    def expected_with(self, path, value):
        key = (path, value)
        if key not in self._cache:
            self._cache[key] = self._chain({path: value})[0]
        return self._cache[key]

    def steps(self, i, payer):
        return [st for st in self.ctx.steps if st.stay == i and st.tier == payer]

    def param(self, path):
        return self.ctx.used.get(path) or self.rp.get(path, self.person.year, self.ov)

    def shaping(self, i, payer, figures):
        """Assumed figures that shaped this amount: nonzero, and changing them a little changes it."""
        out = []
        for f in figures:
            p = self.param(f.param)
            if p is None or p.provenance != "assumption" or p.unit not in ("yuan", "ratio") or not p.value:
                continue
            step = Decimal("0.05") if p.unit == "ratio" else max(fen(p.value / 10), Decimal("1"))
            trials = [p.value + step, p.value - step] if p.unit == "yuan" else \
                [min(Decimal(1), p.value + step), max(ZERO, p.value - step)]
            base = self.base[(i, payer)]
            if any(self.expected_with(p.path, v).get((i, payer), base) != base for v in trials if v >= 0):
                out.append(p)
        return out

    def solve(self, i, payer, p, target):
        """The value of assumed figure p that gives `target` (None when no value in its range does)."""
        hi = Decimal(1) if p.unit == "ratio" else max(p.value * 10, self.care.stays[i].total, Decimal(1))
        lo = ZERO
        f = lambda v: self.expected_with(p.path, v).get((i, payer), ZERO)   # noqa: E731
        flo, fhi = f(lo), f(hi)
        if not (min(flo, fhi) - TOL <= target <= max(flo, fhi) + TOL):
            return None
        rising = fhi >= flo
        for _ in range(SOLVE_STEPS):
            mid = ((lo + hi) / 2).quantize(Decimal("0.0001") if p.unit == "ratio" else Decimal("0.01"))
            if mid in (lo, hi):
                break
            if (f(mid) < target) == rising:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def without_identity(self, i, payer):
        """What the payer gives this stay to someone without the held identity (None if not asked)."""
        ident = self.schedule.get(payer)
        if ident in (None, "putong") or "putong" not in self.rp.identities:
            return None
        return self._chain(schedule={**self.schedule, payer: "putong"})[0].get((i, payer))


def _explain(p, value):
    if p.unit == "ratio":
        return f"{pct(fen(value * 100) / 100)}"
    return f"{short(Decimal(value).quantize(Decimal(1)))} 元"


def _row(ck, i, payer, slip):
    rp = ck.rp
    exp = ck.base.get((i, payer), ZERO)
    steps = ck.steps(i, payer)
    figures = list({f.param: f for st in steps for f in st.figures}.values())
    cited = max((st for st in steps if st.rule), key=lambda st: st.amount, default=None)   # the payer's main clause
    rule = rp.rules.get(cited.rule) if cited else None
    cite = cited.cite if cited else ""
    word = WORDS[payer]
    diff = slip - exp
    row = {"payer": payer, "stay": i, "slip": s(slip), "expected": s(exp), "cite": cite, "label": word}
    if abs(diff) <= TOL:
        return {**row, "status": "same", "text": f"结算单上的{word} {yuan(slip)} 元，和按文件算的一样。"}
    floor = next((ck.param(f.param) for f in figures if getattr(ck.param(f.param), "kind", "") == "floor"), None)
    if diff > 0 and floor is not None:
        return {**row, "status": "more",
                "text": f"结算单付 {yuan(slip)} 元，比按文件最低标准算的 {yuan(exp)} 元多 {yuan(diff)} 元。"
                        f"文件规定的是“不低于 {floor.display.split('（')[0].replace('不低于', '').strip()}”（{cite}），"
                        "当地按更高的标准付，没有问题。"}
    own = PREFIX[payer]    # the payer's own figures first: they are what the slip's line is about
    shaping = sorted(ck.shaping(i, payer, figures), key=lambda p: not p.path.startswith(own))
    if not steps and exp == 0 and diff > 0:
        return {**row, "status": "more",
                "text": f"结算单付 {yuan(slip)} 元。文件没有给您规定{word}这一项（可能是当地的政策），多给的对您有利。"}
    if not shaping:
        if diff > 0:
            return {**row, "status": "more",
                    "text": f"结算单付 {yuan(slip)} 元，比按文件算的 {yuan(exp)} 元多 {yuan(diff)} 元，对您有利。"}
        why = f"按文件（{cite}）{rule.title}：{rule.plain}。" if rule else ""
        return {**row, "status": "less",
                "text": f"结算单付 {yuan(slip)} 元，按文件应付 {yuan(exp)} 元，少 {yuan(-diff)} 元。{why}"
                        f"可以问：{_ask(ck, i, payer, slip)}"}
    parts = []
    for p in shaping[:2]:
        v = ck.solve(i, payer, p, slip)
        if v is not None:
            parts.append(f"按假设的{p.label}（{p.display}）应付 {yuan(exp)} 元；结算单的数对应{p.label}约 {_explain(p, v)}。")
            break
    if not parts:
        parts.append(f"按假设的{'、'.join(f'{p.label}（{p.display}）' for p in shaping[:3])}应付 {yuan(exp)} 元；"
                     "这几个数文件没有写，要当地的实际数字才能判断。")
    if diff < 0:
        other = ck.without_identity(i, payer)
        who = rp.label_of(ck.schedule.get(payer))
        if other is not None and abs(other - slip) <= TOL and other < exp:
            parts.append(f"结算单的数正好等于不按{who}待遇算的金额。您是{who}，")
        if rule:
            parts.append(f"按文件{rule.title}：{rule.plain}（{cite}）。")
    return {**row, "status": "depends", "text": "".join(parts) + f"可以问：{_ask(ck, i, payer, slip)}"}


def _ask(ck, i, payer, slip):
    """The question for the 医保窗口: about the identity when the slip matches no identity's treatment."""
    ident = ck.schedule.get(payer)
    other = ck.without_identity(i, payer)
    if other is not None and abs(other - slip) <= TOL:
        return f"我的{ck.rp.label_of(ident)}身份在医保系统里标识了吗？"
    return ASK[payer]


def _resident_row(ck, i, slip, rows):
    exp = ck.run.stays[i].resident
    diff = slip - exp
    row = {"payer": "resident", "stay": i, "slip": s(slip), "expected": s(exp), "cite": "", "label": WORDS["resident"]}
    head = f"如果各项都按文件支付，这次您应自付 {yuan(exp)} 元，结算单上是 {yuan(slip)} 元"
    if abs(diff) <= TOL:
        return {**row, "status": "same", "text": head + "，一样。"}
    if diff < 0:
        return {**row, "status": "more", "text": head + f"，您少付 {yuan(-diff)} 元，对您有利。"}
    mine = [r["status"] for r in rows if r["stay"] == i]
    assumed = any(f.provenance == "assumption" and f.value not in ("0", "") and st.tier not in ("split", "basic", "resident")
                  for st in ck.run.ctx.steps if st.stay == i for f in st.figures)
    status = "less" if "less" in mine or not (assumed or "depends" in mine) else "depends"
    tail = "这个数用到了文件没有写的假设数字，要当地的实际数字才能判断。" if status == "depends" else ""
    return {**row, "status": status,
            "text": head + f"，您多付了 {yuan(diff)} 元。{tail}可以问：{ASK['resident']}"}


def check(rp, person, care, overrides, run):
    """Rows {payer, stay, slip, expected, status, cite, text, label}, stays in order, payers in settlement order."""
    ck = _Checker(rp, person, care, overrides, run)
    rows = []
    for i, st in enumerate(care.stays):
        slip = dict(st.slip)
        for payer in PAYERS:
            if payer in slip:
                rows.append(_row(ck, i, payer, slip[payer]))
        if "resident" in slip:
            rows.append(_resident_row(ck, i, slip["resident"], rows))
    for r in rows:
        r["verdict"] = VERDICT[r["status"]]
        r["ask"] = r["text"].split("可以问：", 1)[1] if "可以问：" in r["text"] else ""
    return rows
