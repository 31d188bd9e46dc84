"""JSON boundary: estimate(json_text) -> json_text, meta() -> json_text (contract: ARCHITECTURE.md).

Never raises on input: every problem comes back as {"ok": false, "errors": [...]} in Chinese,
naming the field. Amounts are parsed by calc.amount; the result is assembled from engine.choose.
"""
import json

from . import fields as _fields
from . import jsonguard
from . import params as _params
from . import slip as _slip
from . import vocab
from .engine import PAYER_WORDS, YEAR_KEYS, choose, payers_in
from .input import KNOWN as KNOWN_FIELDS, InputError, parse
from .money import s, yuan
from .tiers.premium import premium
from .tiers.warning import warning

MAX_JSON = 100_000
MAX_OUTPUT = 120_000     # bytes of UTF-8: no answer is longer, whatever the input


def _notes_of_region(ctx, person, opd_total):
    """Region notes (data) in force this year that concern a held identity: trace steps + notes."""
    out = []
    for name in ctx.rp.children("notes"):
        pre = f"notes.{name}"
        text_p = ctx.p(f"{pre}.text")
        if text_p is None:
            continue
        ids = ctx.p(f"{pre}.identities")
        if ids is not None and not any(i in ids.value for i in person.identities):
            continue
        when = ctx.p(f"{pre}.when")
        if when is not None and not ((when.value == "outpatient" and opd_total > 0)
                                     or (when.value == "tier2" and person.tier == 2)):
            continue
        ctx.use(text_p)
        ctx.use(ids)
        st = ctx.step("note", None, text_p.value)
        out.append({"kind": ctx.p(f"{pre}.kind").value, "text": text_p.value, "rule": st.rule})
    return out


PAYER_AMOUNT = {"cost_control": "hospital_bears", "cap136": "other"}


def _identity_reason(rp, person, schedule, year_amounts):
    held = person.identities
    if len(held) == 1:
        return f"按“{rp.label_of(held[0])}”计算。"
    by_ident = {}
    for payer in payers_in(rp, person.year):
        if year_amounts[PAYER_AMOUNT.get(payer, payer)] > 0:   # name only the payers that paid
            by_ident.setdefault(schedule[payer], []).append(PAYER_WORDS[payer])
    if len(by_ident) <= 1:
        who = rp.label_of(next(iter(by_ident), schedule["assistance"]))
        return (f"您填了 {len(held)} 个身份（{'、'.join(rp.label_of(i) for i in held)}）。文件没有说几种身份怎么合并，"
                f"本站对每一项待遇取对您最有利的一个身份，同一项不叠加；这次都按{who}算最有利。")
    parts = "；".join(f"{'、'.join(words)}按{rp.label_of(i)}" for i, words in by_ident.items())
    return (f"您填了 {len(held)} 个身份（{'、'.join(rp.label_of(i) for i in held)}）。文件没有说几种身份怎么合并，"
            f"本站对每一项待遇取对您最有利的一个身份，同一项不叠加：{parts}。")


def _summary(y):
    rescue = y["assistance"] + y["tilt"] + y["re_assistance"]
    parts = [f"医保报 {yuan(y['basic'])} 元", f"大病保险报 {yuan(y['critical'])} 元", f"救助 {yuan(rescue)} 元"]
    if y["hospital_bears"] > 0:
        parts.append(f"医院承担 {yuan(y['hospital_bears'])} 元")
    if y["other"] > 0:
        parts.append(f"其他（医院减免、特惠保、补充保险）{yuan(y['other'])} 元")
    return "，".join(parts) + f"，您自己付 {yuan(y['resident'])} 元。"


def _year_sum(stays, opd, y):
    """The line that adds stays and outpatient care up to the year (one stay: what the share is made of)."""
    parts = [f"第{st.index + 1}次住院您付 {yuan(st.resident)} 元" for st in stays]
    if opd["total"] > 0:
        parts.append(f"门诊您付 {yuan(opd['resident'])} 元")
    if len(parts) > 1:
        return " + ".join(parts) + f" = 全年您自己付 {yuan(y['resident'])} 元。"
    if stays:
        st = stays[0]
        inside = st.in_policy_left
        return (f"您自己付的 {yuan(st.resident)} 元里，医保目录内的自付 {yuan(inside)} 元，"
                f"目录外（全自费）{yuan(st.resident - inside)} 元。")
    return parts[0].replace("您付", "您自己付") + "。" if parts else "这一年没有填住院和门诊费用。"


def _assumptions(rp, ctx, overrides):
    out = []
    for p in ctx.used.values():
        if p.provenance != "assumption" or p.unit not in ("yuan", "ratio"):
            continue
        out.append({"param": p.path, "label": p.label, "who": rp.who_of(p, ctx.year), "value": str(p.value),
                    "unit": p.unit, "display": p.display, "edit": p.edit, "reason": p.reason,
                    "overridden": p.path in overrides})
    return out


def _alternative_amount(rp, person, care, overrides, p):
    """What the person would pay in the year under the other reading (None when it states no figures)."""
    from .params import _convert
    ov = dict(overrides)
    for path, raw in p.alternative_figures:
        q = rp.get(path, person.year)
        if q is None:
            return None
        ov[path] = _convert(q.unit, raw, path)
    if ov == overrides:
        return None
    return choose(rp, person, care, ov).year["resident"]


def _result_notes(rp, person, run, norm, overrides, migrated, region_notes, care=None):
    notes = []
    ctx = run.ctx
    if person.year in rp.year_notes:
        notes.append({"kind": "old_document" if person.year == max(rp.years) == min(rp.years) else "year",
                      "text": rp.year_notes[person.year]})
    notes += migrated
    assumed = [p for p in ctx.used.values() if p.provenance == "assumption" and p.unit in ("yuan", "ratio")
               and p.path not in overrides]
    if assumed:
        labels = "、".join(dict.fromkeys(p.label for p in assumed[:5]))
        notes.append({"kind": "assumption",
                      "text": f"这个结果用到了文件没有写的假设数字（{labels}{'等' if len(assumed) > 5 else ''}）。"
                              "知道当地实际数字的，可以在“高级”里改。"})
    local = [p for p in ctx.used.values() if p.provenance == "local"]
    if local:
        labels = "、".join(dict.fromkeys(p.label for p in local[:5]))
        notes.append({"kind": "local",
                      "text": f"这个结果用到了当地医保部门的本地标准（{labels}{'等' if len(local) > 5 else ''}），"
                              "出处见每一步的说明。"})
    if overrides:
        changed = "、".join(f"{ctx.used[k].label} = {ctx.used[k].display}" if k in ctx.used else k for k in overrides)
        notes.append({"kind": "override", "text": f"这个结果用的是改过的数字：{changed}。在“高级”里可以改回。"})
    for i, st in enumerate(norm["stays"]):
        if st.get("out_of_policy_assumed"):
            notes.append({"kind": "assumption", "text": f"第{i + 1}次住院没有填目录外费用，按总费用的一定比例估算了，"
                                                        "知道的话请填出院结算单上的“全自费/目录外”金额。"})
    seen = set()
    for r in (r for st in ctx.steps for r in st.readings):
        if r["chosen"] not in seen:
            seen.add(r["chosen"])
            p = ctx.reading_params.get(r["chosen"])
            alt = _alternative_amount(rp, person, care, overrides, p) if p is not None and care is not None else None
            other = "" if alt is None else f"；按另一种理解，这一年您自己付 {yuan(alt)} 元，本站算的是 {yuan(run.year['resident'])} 元"
            notes.append({"kind": "reading", "text": f"本站的理解：{r['chosen']}（另一种理解：{r['alternative']}{other}）。"})
    notes += region_notes
    return notes


# An integer longer than this is no amount, year or count anyone writes; Python refuses to turn one
# of over 4,300 digits into text (ValueError), so it is refused here, naming the field, before anything reads it.
MAX_INT_DIGITS = 40


def _huge_int(data, field="", depth=0):
    """The field holding an integer of more than MAX_INT_DIGITS digits, or None."""
    if isinstance(data, int) and not isinstance(data, bool):
        return field if data.bit_length() > MAX_INT_DIGITS * 3.33 else None
    if depth > 8:
        return None
    if isinstance(data, dict):
        items = ((f"{field}.{k}" if field else str(k), v) for k, v in data.items() if isinstance(k, str))
    elif isinstance(data, list):
        items = ((f"{field}[{i}]", v) for i, v in enumerate(data))
    else:
        return None
    return next((f for name, v in items if (f := _huge_int(v, name, depth + 1)) is not None), None)


def _parse(data, echo=True):
    """calc.input.parse, and a long integer in any field told as bad input (InputError) too."""
    try:
        return parse(data, echo=echo)
    except ValueError:   # amounts refuse long integers themselves, with the field's words; any other field:
        huge = _huge_int(data)
        if huge is None:
            raise
        field = huge if huge.split(".")[0].split("[")[0] in KNOWN_FIELDS else "json"
        raise InputError([{"field": field[:80], "message": f"数字太长了（超过 {MAX_INT_DIGITS} 位），请检查"}]) from None


def amounts(data):
    """The amounts only, as estimate_dict computes them before it writes any words (no trace, no
    notes, the input not echoed), for callers that show no more: a roster row, a chart's points.
    -> (rp, person, care, overrides, run); raises InputError with estimate_dict's messages."""
    rp, person, care, overrides, _, _ = _parse(data, echo=False)
    hook = _slip.facts() if any(st.slip for st in care.stays) else None
    return rp, person, care, overrides, choose(rp, person, care, overrides, trace=False, hook=hook)


def estimate_dict(data):
    try:
        rp, person, care, overrides, norm, migrated = _parse(data)
    except InputError as e:
        return {"ok": False, "errors": e.errors}
    slips = any(st.slip for st in care.stays)
    run = choose(rp, person, care, overrides, hook=_slip.facts() if slips else None)
    ctx = run.ctx
    reason = _identity_reason(rp, person, ctx.schedule, run.year)
    if len(person.identities) > 1:
        ctx.step("identity", None, reason, run.year["resident"])
        ctx.steps.insert(0, ctx.steps.pop())
    prem = premium(ctx)
    warnings = warning(ctx, run.year["total"])
    region_notes = _notes_of_region(ctx, person, run.outpatient["total"])
    main = ctx.schedule["assistance"]
    return {
        "ok": True,
        "input": norm,
        "region": {"id": rp.id, "name": rp.meta["name"], "document": rp.document,
                   "year_note": rp.year_notes.get(person.year)},
        "identity": {"id": main, "label": rp.label_of(main), "reason": reason},
        "payers": {p: {"identity": i, "label": rp.label_of(i)} for p, i in ctx.schedule.items()},
        "stays": [{"index": st.index, "total": s(st.total), "in_policy": s(st.in_policy),
                   "out_of_policy": s(st.out_of_policy), "hospital_bears": s(st.hospital_bears),
                   "basic": s(st.basic), "critical": s(st.critical),
                   "assistance": s(st.assistance + st.oop_assistance), "tilt": s(st.tilt),
                   "re_assistance": s(st.re_assistance), "other": s(st.other), "resident": s(st.resident),
                   "admission_payment": None if st.admission_payment is None else s(st.admission_payment)}
                  for st in run.stays],
        "outpatient": {k: s(v) for k, v in run.outpatient.items()},
        "year": {k: s(run.year[k]) for k in YEAR_KEYS},
        "summary": _summary(run.year),
        "year_sum": _year_sum(run.stays, run.outpatient, run.year),
        "premium": {k: (s(v) if k in ("contribution", "subsidy", "resident_pays", "employer") and v is not None else v)
                    for k, v in prem.items()},
        "warnings": warnings,
        "notes": _result_notes(rp, person, run, norm, overrides, migrated, region_notes, care),
        "trace": [_step_json(rp, st) for st in ctx.steps],
        "figures": {f.param: {"label": f.label, "value": f.value, "display": f.display, "provenance": f.provenance,
                              "cite": f.cite} for st in ctx.steps for f in st.figures},
        "assumptions": _assumptions(rp, ctx, overrides),
        **({"check": _slip.check(rp, person, care, overrides, run), "decide": _slip.DECIDE} if slips else {}),
    }


def _step_json(rp, st):
    return {"rule": st.rule, "tier": st.tier, "stay": st.stay, "text": st.text, "amount": s(st.amount),
            "basis": st.basis, "figures": [f.param for f in st.figures], "cite": st.cite,
            "anchor": st.rule.lower() if st.rule else None,
            "reading": st.readings[0] if st.readings else None,
            **({"readings": st.readings} if len(st.readings) > 1 else {})}


def _bad(field, message):
    return json.dumps({"ok": False, "errors": [{"field": field, "message": message}]}, ensure_ascii=False)


def estimate(json_text):
    """Never raises: every input, however hostile, gets a JSON answer (errors in Chinese)."""
    if not isinstance(json_text, str) or len(json_text) > MAX_JSON:
        return _bad("json", "输入太长或不是文字")
    problem = jsonguard.shape_problem(json_text)  # before json.loads: deep nesting kills the engine
    if problem:
        return _bad("json", problem)
    try:
        data = json.loads(json_text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, TypeError, RecursionError):
        return _bad("json", "输入不是有效的JSON")
    problem = jsonguard.text_problem(data)
    if problem:
        return _bad("json", problem)
    try:
        out = estimate_dict(data)
    except RecursionError:
        out = {"ok": False, "errors": [{"field": "json", "message": "输入嵌套太深"}]}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # cannot happen after text_problem; never let it become a traceback
        return _bad("json", jsonguard.BAD_TEXT)
    if size > MAX_OUTPUT:
        return _bad("stays", "这一年填的内容太多，算出的说明太长；请减少住院次数或自定义的数字后再算")
    return text


def _feature_flags(rp):
    paths = set(rp.paths())
    return {"hospital_waiver": "other.waiver" in paths, "tehuibao": "other.tehuibao" in paths,
            "transferred": "basic.continuous.identities" in paths, "referral": "tilt.referral_required" in paths,
            "employee": "employee" in rp.meta["schemes"], "newborn": "premium.newborn.months" in paths}


def _assumption_meta(rp, year):
    out = []
    for p in rp.parameters(year):
        if p.provenance != "assumption" or p.unit not in ("yuan", "ratio"):
            continue
        out.append({"path": p.path, "label": p.label, "who": rp.who_of(p, year), "unit": p.unit,
                    "value": str(p.value), "edit": p.edit, "display": p.display, "reason": p.reason})
    return out


def meta_dict():
    regions = []
    for rid in _params.region_ids():
        rp = _params.load(rid)
        m = rp.meta
        regions.append({
            "id": rid, "name": m["name"], "province": m["province"], "document": rp.document,
            "title": m.get("title", ""), "document_date": m.get("document_date", ""),
            "years": rp.years, "default_year": rp.default_year,
            "year_notes": {str(k): v for k, v in rp.year_notes.items()},
            "identities": [{"id": i, "label": label, "short": vocab.identity_label(i), "plain": vocab.identity_plain(i),
                            "note": rp.identity_notes.get(i)}
                           for i, label in rp.identities.items()],
            "tier": bool(m.get("tier")), "schemes": [{"id": x, "label": vocab.SCHEMES[x]} for x in m["schemes"]],
            "levels": [{"id": k, "label": v + "医院"} for k, v in vocab.LEVELS.items()],
            "places": [{"id": k, "label": v} for k, v in rp.places.items()],
            "features": _feature_flags(rp),
            "assumptions": {str(y): _assumption_meta(rp, y) for y in rp.years},
        })
    return {
        "vocab": {"payers": [{"id": k, "label": v} for k, v in vocab.PAYERS.items()],
                  "provenance": vocab.PROVENANCE, "levels": vocab.LEVELS, "places": vocab.PLACES,
                  "schemes": vocab.SCHEMES, "tiers": vocab.TIERS},
        "fields": _fields.meta(),
        "limits": _fields.LIMITS,
        "regions": regions,
        "rules": {r.id: {"title": r.title, "plain": r.plain, "cite": r.cite, "anchor": r.anchor, "region": r.region}
                  for rid in _params.region_ids() for r in _params.load(rid).rules.values()},
    }


def meta():
    return json.dumps(meta_dict(), ensure_ascii=False)
