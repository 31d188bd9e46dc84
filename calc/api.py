"""JSON boundary: parse and normalise input, Chinese errors naming the field, assemble output."""
import json
import re
from decimal import Decimal, InvalidOperation

from . import params as _params
from .engine import Ctx, YearState, run_outpatient, run_stay
from .amount import AmountError, parse_amount
from .model import CareYear, Person, Stay
from .money import ZERO, fen, s
from .rules import DOCS, RULES
from .tiers.premium import premium

IDENTITY_LABELS = {
    "tekun": "特困人员", "dibao": "低保对象", "dibao_edge": "低保边缘家庭成员",
    "fanpin": "返贫致贫人口", "jiance": "监测对象", "tufa": "突发严重困难人口",
    "yinbing": "因病致贫重病患者", "wending": "稳定脱贫人口", "putong": "普通参保人员",
}
IDENTITY_FULL = {
    "tekun": ("特困人员(含孤儿、五保)", "生活没有着落、由政府供养的人"),
    "dibao": ("低保对象", "领取最低生活保障的家庭成员"),
    "dibao_edge": ("低保边缘家庭成员(含低收入家庭)", "收入略高于低保标准的困难家庭"),
    "fanpin": ("返贫致贫人口", "脱贫后又返贫或新致贫的人"),
    "jiance": ("脱贫不稳定人口/边缘易致贫人口(监测对象)", "被列入防止返贫监测的人"),
    "tufa": ("突发严重困难人口", "因意外等突然陷入严重困难的人"),
    "yinbing": ("因病致贫重病患者", "因为重病花费多而陷入困难的病人"),
    "wending": ("稳定脱贫人口(原建档立卡, 未纳入监测)", "已经稳定脱贫、没有列入监测的原贫困户"),
    "putong": ("普通参保人员", "以上都不是的普通居民"),
}
PRIORITY = ("tekun", "dibao", "fanpin", "dibao_edge", "jiance", "tufa", "yinbing", "wending", "putong")
LEVELS = {"1": "一级", "2": "二级", "3": "三级"}
PLACES = {"county": "县域内", "city": "县外市内(市级)", "province": "省内市外(省级)", "outside": "省外"}
MAX_STAY = Decimal("10000000")
MAX_OPD = Decimal("10000000")
MAX_STAYS = 20
MAX_WAGE = Decimal("1000000")
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
MARKUP = re.compile(r"[<>]")


class InputError(Exception):
    def __init__(self, errors):
        self.errors = errors


def _err(errors, field, msg):
    errors.append({"field": field, "message": msg})


def _amount(raw, field, name, errors, allow_zero=True, ceiling=MAX_STAY, required=True):
    """Normalise one amount to Decimal fen; None (with an error recorded) when bad."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if required:
            _err(errors, field, f"{name}不能为空")
            return None
        return ZERO
    if isinstance(raw, str) and MARKUP.search(raw):
        _err(errors, field, f"{name}含有不允许的字符，请只填数字")
        return None
    try:
        d = parse_amount(raw)
    except AmountError as e:
        _err(errors, field, f"{name}{e.reason}")
        return None
    if d > ceiling:
        _err(errors, field, f"{name}太大了（最多 {ceiling:,} 元），请检查")
        return None
    if d == 0 and not allow_zero:
        _err(errors, field, f"{name}不能为0")
        return None
    return fen(d)  # decimals with many places are rounded to the fen


def _safe(v):
    return MARKUP.sub("", str(v))[:40]


def parse(data):
    """dict → (Person, CareYear, overrides, normalised input) or raise InputError."""
    errors = []
    if not isinstance(data, dict):
        raise InputError([{"field": "json", "message": "输入须是一个JSON对象"}])
    for k, v in data.items():
        if isinstance(v, str) and MARKUP.search(v):
            _err(errors, k if k in ("region", "year", "scheme", "tier", "wage") else "json",
                 "输入中含有不允许的字符（尖括号等网页代码）")
    if errors:
        raise InputError(errors)
    region = data.get("region")
    region = region.strip() if isinstance(region, str) else region
    if region in (None, ""):
        raise InputError([{"field": "region", "message": "请选择地区"}])
    if region not in _params.REGIONS:
        raise InputError([{"field": "region", "message": "不支持这个地区，可选：咸宁市、阳城县、东至县、沂源县、重庆市"}])
    rp = _params.load(region)
    meta = rp.meta
    year = data.get("year", meta["default_year"])
    if isinstance(year, str):
        y = year.strip().translate(FULLWIDTH).replace("年", "")
        year = int(y) if y.isdigit() else None
    if isinstance(year, bool) or not isinstance(year, int) or year not in meta["years"]:
        _err(errors, "year", f"{meta['name']}可计算的年度是 " + "、".join(str(y) for y in meta["years"]))
        year = meta["default_year"]
    ids = data.get("identities", ["putong"])
    if ids is None:
        ids = ["putong"]
    if isinstance(ids, str):
        _err(errors, "identities", "身份须是一个列表，例如 [\"dibao\"]")
        ids = []
    elif not isinstance(ids, list):
        _err(errors, "identities", "身份须是一个列表")
        ids = []
    clean = []
    for x in ids:
        if not isinstance(x, str) or x.strip() not in IDENTITY_LABELS:
            _err(errors, "identities", "身份不认识（可选：" + "、".join(IDENTITY_LABELS.values()) + "）")
            continue
        x = x.strip()
        if x not in meta["identities"]:
            _err(errors, "identities", f"{meta['name']}的文件没有涉及“{IDENTITY_LABELS[x]}”这一身份")
            continue
        if x not in clean:
            clean.append(x)
    if not clean and not errors:
        clean = ["putong"]
    scheme = data.get("scheme", "resident") or "resident"
    if scheme not in meta["schemes"]:
        _err(errors, "scheme", f"{meta['name']}只能选" + "、".join("居民医保" if x == "resident" else "职工医保" for x in meta["schemes"]))
    tier = data.get("tier", 1)
    if tier in (None, ""):
        tier = 1
    if isinstance(tier, str) and tier.strip().isdigit():
        tier = int(tier.strip())
    if isinstance(tier, bool) or tier not in (1, 2):
        _err(errors, "tier", "档次只能是 1（一档）或 2（二档）")
        tier = 1
    if tier == 2 and not meta.get("tier"):
        _err(errors, "tier", f"{meta['name']}不分一档二档")
    stays_raw = data.get("stays", [])
    if stays_raw is None:
        stays_raw = []
    if not isinstance(stays_raw, list):
        _err(errors, "stays", "住院记录须是一个列表")
        stays_raw = []
    if len(stays_raw) > MAX_STAYS:
        _err(errors, "stays", f"一年最多填 {MAX_STAYS} 次住院")
        stays_raw = []
    stays, norm_stays = [], []
    for i, st in enumerate(stays_raw):
        n = i + 1
        f = f"stays[{i}]"
        if not isinstance(st, dict):
            _err(errors, f, f"第{n}次住院的内容格式不对")
            continue
        for k, v in st.items():
            if isinstance(v, str) and MARKUP.search(v):
                _err(errors, f"{f}.{_safe(k)}", f"第{n}次住院的内容含有不允许的字符（尖括号等网页代码）")
        if any(e["field"].startswith(f) for e in errors):
            continue
        total = _amount(st.get("total"), f"{f}.total", f"第{n}次住院的总费用", errors, allow_zero=False)
        oop = _amount(st.get("out_of_policy"), f"{f}.out_of_policy", f"第{n}次住院的目录外费用", errors, required=False)
        waiver = _amount(st.get("hospital_waiver"), f"{f}.hospital_waiver", f"第{n}次住院的医院减免", errors, required=False)
        teh = _amount(st.get("tehuibao"), f"{f}.tehuibao", f"第{n}次住院的特惠保赔付", errors, required=False)
        level = str(st.get("level", "2")).strip().translate(FULLWIDTH)
        if level not in LEVELS:
            _err(errors, f"{f}.level", f"第{n}次住院的医院等级只能是一级、二级或三级")
        place = st.get("place", "county")
        if place not in PLACES:
            _err(errors, f"{f}.place", f"第{n}次住院的就医地点只能是县域内、县外市内、省内市外或省外")
        ref = st.get("referral", False)
        if ref in ("true", "是", 1, "1"):
            ref = True
        elif ref in ("false", "否", 0, "0", None, ""):
            ref = False
        if not isinstance(ref, bool):
            _err(errors, f"{f}.referral", f"第{n}次住院的是否规范转诊只能是“是”或“否”")
        if total is not None and oop is not None and oop > total:
            _err(errors, f"{f}.out_of_policy", f"第{n}次住院的目录外费用不能大于总费用")
        if total is not None and waiver is not None and teh is not None and oop is not None and waiver + teh > total:
            _err(errors, f"{f}.hospital_waiver", f"第{n}次住院的医院减免加特惠保不能大于总费用")
        if any(e["field"].startswith(f) for e in errors):
            continue
        stays.append(Stay(total, oop, level, place, ref, waiver, teh))
        norm_stays.append({"total": s(total), "out_of_policy": s(oop), "level": level, "place": place,
                           "referral": ref, "hospital_waiver": s(waiver), "tehuibao": s(teh)})
    opd = data.get("outpatient") or {}
    if not isinstance(opd, dict):
        _err(errors, "outpatient", "门诊费用格式不对")
        opd = {}
    chronic = _amount(opd.get("chronic"), "outpatient.chronic", "门诊慢特病费用", errors, ceiling=MAX_OPD, required=False)
    drugs = _amount(opd.get("special_drugs"), "outpatient.special_drugs", "门诊特殊药品费用", errors, ceiling=MAX_OPD, required=False)
    wage = None
    if data.get("wage") not in (None, ""):
        wage = _amount(data.get("wage"), "wage", "工资", errors, ceiling=MAX_WAGE)
    if scheme == "employee" and wage is None and not any(e["field"] == "wage" for e in errors):
        _err(errors, "wage", "职工医保需要填写月工资")
    ov = data.get("overrides") or {}
    overrides = {}
    if not isinstance(ov, dict):
        _err(errors, "overrides", "自定义参数格式不对")
    elif not errors:
        for path, val in ov.items():
            try:
                overrides.update(rp.check_overrides(year, {path: val}))
            except _params.ParamError as e:
                _err(errors, e.field if not MARKUP.search(e.field) else "overrides", e.message)
    if errors:
        raise InputError(errors)
    person = Person(region, year, tuple(clean), scheme, tier, wage, bool(data.get("newborn") is True))
    care = CareYear(tuple(stays), chronic or ZERO, drugs or ZERO)
    norm = {"region": region, "year": year, "identities": clean, "scheme": scheme, "tier": tier,
            "stays": norm_stays, "outpatient": {"chronic": s(care.chronic), "special_drugs": s(care.special_drugs)},
            "wage": s(wage) if wage is not None else None,
            "overrides": {k: str(v) for k, v in overrides.items()}}
    return rp, person, care, overrides, norm


def _compute(rp, person, care, overrides, ident):
    ctx = Ctx(rp, person.year, overrides, person)
    ys = YearState()
    stays = [run_stay(ctx, ident, i, st, ys) for i, st in enumerate(care.stays)]
    opd = run_outpatient(ctx, ident, care.chronic, care.special_drugs, ys)
    _notes(ctx, ident, person)
    return ctx, stays, opd


def _notes(ctx, ident, person):
    """Before/after notes for policies that ended on 2021-12-31 (no figures to compute)."""
    if ctx.p("expired.identities") and ctx.holds("expired.identities", ident):
        ctx.v("expired.end")
        if person.year <= 2021:
            text = "2021年脱贫人口还有“精准脱贫保”和区县健康扶贫救助，文件没有给出赔付标准，这里未计入"
        else:
            text = "脱贫人口的大病倾斜、“精准脱贫保”和区县健康扶贫救助已于2021年12月31日到期，不再计算"
        ctx.step("CQ-CHG-2", "other", None, text, ZERO)
    if ctx.p("supplementary.identities") and ctx.holds("supplementary.identities", ident):
        ctx.v("supplementary.ended")
        if person.year <= 2021:
            text = "2021年贫困人口补充医疗保险仍在，按“136”封顶兜底（见YC-136）"
        else:
            text = "贫困人口补充医疗保险已于2022年1月1日停止，“136”封顶取消，按普通居民待遇报销"
        ctx.step("YC-SUP-1", "other", None, text, ZERO)


def _year(stays, opd):
    keys = ("total", "hospital_bears", "basic", "critical", "assistance", "tilt", "other", "resident")
    y = {k: sum((st[k] for st in stays), ZERO) for k in keys}
    for k in ("total", "basic", "critical", "assistance", "resident"):
        y[k] += opd[k]
    return y


def estimate_dict(data):
    try:
        rp, person, care, overrides, norm = parse(data)
    except InputError as e:
        return {"ok": False, "errors": e.errors}
    results = []
    for ident in person.identities:
        ctx, stays, opd = _compute(rp, person, care, overrides, ident)
        y = _year(stays, opd)
        results.append((y["resident"], PRIORITY.index(ident), ident, ctx, stays, opd, y))
    results.sort(key=lambda r: (r[0], r[1]))
    _, _, ident, ctx, stays, opd, y = results[0]
    reason = _reason(results, ident)
    # premium and warnings run on the chosen computation's context
    prem = premium(ctx, person.identities)
    warnings = _warnings(ctx, ident, y)
    trace = [{"rule": "IDENTITY", "tier": "identity"}] and []
    ident_step = {"rule": _identity_rule(rp.id), "tier": "identity", "stay": None, "text": reason,
                  "amount": s(y["resident"]), "figures": [], "cite": RULES[_identity_rule(rp.id)].cite,
                  "anchor": _identity_rule(rp.id).lower()}
    trace.append(ident_step)
    for st in ctx.steps:
        rule = RULES[st.rule]
        trace.append({"rule": st.rule, "tier": st.tier, "stay": st.stay, "text": st.text, "amount": s(st.amount),
                      "figures": [f.__dict__ for f in st.figures], "cite": rule.cite, "anchor": rule.anchor})
    assumptions = [{"param": p.path, "label": p.label, "value": str(p.value), "display": p.display,
                    "provenance": p.provenance, "reason": p.reason, "overridden": p.path in overrides}
                   for p in rp.parameters(person.year) if p.provenance == "assumption"]
    return {
        "ok": True, "input": norm,
        "region": {"id": rp.id, "name": rp.meta["name"], "document": rp.meta["document"]},
        "identity": {"id": ident, "label": IDENTITY_LABELS[ident], "reason": reason},
        "stays": [{**{k: (s(v) if k not in ("index", "admission_payment") else v) for k, v in st.items()},
                   "admission_payment": s(st["admission_payment"]) if st["admission_payment"] is not None else None}
                  for st in stays],
        "outpatient": {k: s(v) for k, v in opd.items()},
        "year": {k: s(v) for k, v in y.items()},
        "premium": {k: (s(v) if k in ("contribution", "subsidy", "resident_pays") or (k == "employer" and v is not None) else v)
                    for k, v in prem.items()},
        "warnings": warnings,
        "trace": trace,
        "assumptions": assumptions,
    }


def _identity_rule(region):
    return {"xianning": "XN-SUB-1", "yangcheng": "YC-SUB-1", "dongzhi": "DZ-SUB-1",
            "yiyuan": "YY-AST-1", "chongqing": "CQ-SUB-1"}[region]


def _reason(results, ident):
    if len(results) == 1:
        return f"只填了一个身份“{IDENTITY_LABELS[ident]}”，按它计算。"
    parts = "；".join(f"按{IDENTITY_LABELS[r[2]]}个人负担 {r[0]:,.2f} 元" for r in sorted(results, key=lambda r: r[1]))
    tie = sum(1 for r in results if r[0] == results[0][0]) > 1
    return (f"同时有多个身份时，文件要求按最有利的一种享受、不重复享受。{parts}。"
            f"选“{IDENTITY_LABELS[ident]}”，因为个人负担最少"
            + ("（负担相同，按特困、低保、返贫致贫……的先后顺序取）" if tie else "") + "。")


def _warnings(ctx, ident, y):
    out = []
    if ctx.p("warning.income") is None:
        return out
    income = ctx.v("warning.income")
    if ident in ctx.ids("warning.identities"):
        ctx.v("warning.identities")
        share = ctx.v("warning.low_share")
        who = "农村低收入人口和稳定脱贫人口"
        risk = "因病返贫"
    else:
        share = ctx.v("warning.ordinary_share")
        who = "普通居民"
        risk = "因病致贫"
    line = fen(income * share)
    if y["resident"] > line:
        msg = (f"本年个人自付 {y['resident']:,.2f} 元，超过预警线 {line:,.2f} 元（上年农村居民人均可支配收入"
               f" {income:,.0f} 元的 {share * 100:.0f}%，全国数作替代），{who}有{risk}风险，可向医保或民政部门申请帮扶。")
        out.append({"rule": "XN-WARN-1", "message": msg})
        ctx.step("XN-WARN-1", "warning", None, msg, y["resident"])
    else:
        ctx._fig = []
    return out


def estimate(json_text):
    try:
        data = json.loads(json_text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, TypeError, RecursionError):
        return json.dumps({"ok": False, "errors": [{"field": "json", "message": "输入不是有效的JSON"}]},
                          ensure_ascii=False)
    try:
        out = estimate_dict(data)
    except InputError as e:
        out = {"ok": False, "errors": e.errors}
    return json.dumps(out, ensure_ascii=False)


def meta_dict():
    regions = []
    for rid in _params.REGIONS:
        rp = _params.load(rid)
        m = rp.meta
        regions.append({
            "id": rid, "name": m["name"], "province": m["province"], "document": m["document"],
            "years": m["years"], "default_year": m["default_year"],
            "identities": [{"id": i, "label": IDENTITY_FULL[i][0], "plain": IDENTITY_FULL[i][1]} for i in m["identities"]],
            "tier": bool(m.get("tier")), "schemes": m["schemes"],
            "levels": [{"id": k, "label": v} for k, v in LEVELS.items()],
            "places": [{"id": k, "label": v} for k, v in PLACES.items()],
            "assumptions": {str(y): [{"path": p.path, "label": p.label, "value": str(p.value), "unit": p.unit,
                                      "display": p.display, "reason": p.reason}
                                     for p in rp.parameters(y) if p.provenance == "assumption"]
                            for y in m["years"]},
        })
    return {"regions": regions, "rules": {k: {"title": r.title, "plain": r.plain, "cite": r.cite, "anchor": r.anchor,
                                              "region": r.region} for k, r in RULES.items()}}


def meta():
    return json.dumps(meta_dict(), ensure_ascii=False)
