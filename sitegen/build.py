"""Collect data from calc and render the templates into docs/."""
from __future__ import annotations

import base64
import json
import pathlib
import re
from decimal import Decimal

import jinja2
import segno

from calc import fields

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# Worked examples: one stay of each size, in-county level-2 hospital, proper referral.
# 10% out-of-policy is our assumption for the examples (labelled on the page).
EXAMPLE_TOTALS = ["10000", "50000", "200000"]
EXAMPLE_OOP_SHARE = Decimal("0.10")
EXAMPLE_STAY = fields.stay_defaults()   # calc's declared defaults: the calculator's answer for the total alone

PROVENANCE = {"document": "文件规定", "public": "公开参考值", "assumption": "假设值", "local": "本地标准"}

# What changes for an identity, grouped by the first segment of a parameter path.
TOPICS = [
    (("basic",), "基本医保"),
    (("subsidy", "premium"), "参保资助"),
    (("critical",), "大病保险倾斜"),
    (("assistance",), "医疗救助"),
    (("tilt", "re_assistance", "reassistance"), "倾斜救助 / 再救助"),
    (("admission",), "先诊疗后付费（免交押金）"),
    (("cost_control", "out_of_policy"), "目录外费用控制"),
    (("outpatient",), "门诊慢特病救助"),
    (("referral",), "转诊"),
    (("warning",), "因病返贫致贫预警"),
]


def _calc():
    import calc.api
    import calc.params
    import calc.rules
    return calc.api, calc.params, calc.rules


def env() -> jinja2.Environment:
    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    e.filters["yuan"] = yuan
    e.filters["prov"] = lambda p: PROVENANCE.get(p, p)
    from .resident import HOW_TO_GET
    from calc.params import region_ids
    from .staff import sheet_frame
    # "五地对比": the number of regions in the wording comes from calc's regions
    e.globals["regions_word"] = cn_count(len(region_ids()))
    e.globals["sheet_frame"] = sheet_frame  # partials/mingbai.html: every part of a sheet present
    e.globals["how_to_get_steps"] = HOW_TO_GET  # the claim steps of every 明白纸 (sheet data "steps")
    return e


def cn_count(n: int) -> str:
    """2 -> "两", 5 -> "五", 12 -> "十二": how many regions, as the wording says it (up to 99)."""
    digits = "零一二三四五六七八九"
    if n == 2:
        return "两"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def yuan(s) -> str:
    """'12345.60' -> '12,345.60'. Amounts stay strings from calc (Decimal), never floats."""
    if s is None or s == "":
        return "—"
    from calc.money import yuan as reading  # calc's one reading form of an amount
    return reading(s)


def calc_link(region: str, payload: dict) -> str:
    """Share fragment the calculator understands (format: calc/share.py)."""
    from calc.share import fragment
    return fragment(payload)


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _param_row(p) -> dict:
    g = lambda n: _get(p, n)
    value = g("value")
    if isinstance(value, tuple):  # identity lists
        value = ",".join(value)
    return {
        "path": g("path"), "label": g("label") or g("path"), "plain": g("plain") or "",
        "value": "" if value is None else str(value), "unit": g("unit") or "",
        "display": g("display") or ("" if value is None else str(value)),
        "provenance": g("provenance") or "document", "cite": g("cite") or "",
        "reason": g("reason") or "", "since": g("since"), "until": g("until"),
        "rule": g("rule") or "", "anchor": (g("rule") or "").lower(),
    }


def _topic(path: str) -> str:
    head = path.split(".")[0]
    for keys, title in TOPICS:
        if head in keys:
            return title
    return "其他规定"


TEXT_WORDS = {"yes": "是", "no": "否", "true": "是", "false": "否", "deductible": "只交起付线",
              "zero": "不用预交押金", "shared": "门诊和住院共用一个年度限额"}
# id -> label over all regions (a group's list may name an identity a region does not offer)
ALL_LABELS: dict[str, str] = {}


def humanize(p: dict, labels: dict[str, str]) -> str:
    """Text parameters hold ids ("tekun,dibao", "yes"); show them in words on the page."""
    if p["unit"] != "text" or p["display"] != p["value"]:
        return p["display"]  # calc renders ids and worded texts itself
    v = p["value"]
    if v in TEXT_WORDS:
        return TEXT_WORDS[v]
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    labels = {**ALL_LABELS, **labels}
    parts = [s.strip() for s in v.split(",")]
    if all(x in labels for x in parts):
        return "、".join(labels[x] for x in parts)
    return p["display"]


def region_data(region_meta: dict) -> dict:
    api, params_mod, rules_mod = _calc()
    from calc.concerns import concerns
    rid = region_meta["id"]
    year = region_meta.get("default_year") or max(region_meta.get("years") or [None])
    loaded = params_mod.load(rid)
    params = [_param_row(p) for p in loaded.parameters(year)]
    labels = {i["id"]: i.get("label", i["id"]) for i in region_meta.get("identities", [])}
    for p in params:
        p["shown"] = humanize(p, labels)
        who = [labels[s] for s in p["path"].split(".") if s in labels]
        p["who"] = who[0] if who and who[0] not in p["label"] else ""
    # Parameters with several dated variants: the schedule of changes the documents set.
    variants: dict[str, list] = {}
    for p in loaded.parameters(None):
        row = _param_row(p)
        row["shown"] = humanize(row, labels)
        variants.setdefault(p.path, []).append(row)
    timeline = [{"path": k, "label": v[0]["label"], "variants": v, "anchor": v[0]["anchor"],
                 "cite": v[0]["cite"]} for k, v in variants.items() if len(v) > 1]
    years = sorted(region_meta.get("years") or [year])
    prev = [y for y in years if y < year]
    changes = []
    if prev:
        old = {r["path"]: r for r in (_param_row(p) for p in loaded.parameters(prev[-1]))}
        for r in old.values():
            r["shown"] = humanize(r, labels)
        new = {r["path"]: r for r in params}
        for path in sorted(set(old) | set(new)):
            o, n = old.get(path), new.get(path)
            if o and n and o["value"] == n["value"]:
                continue
            changes.append({"path": path, "label": (n or o)["label"],
                            "old": o["shown"] if o else "（无此项）",
                            "new": n["shown"] if n else "（取消）",
                            "cite": (n or o)["cite"], "anchor": (n or o)["anchor"]})
    rules = [{"id": r.id, "title": r.title, "plain": r.plain, "cite": r.cite, "anchor": r.anchor}
             for r in sorted(rules_mod.RULES.values(), key=lambda r: r.id) if r.region == rid]
    rule_ids = {r["id"] for r in rules}
    for r in rules:
        r["params"] = [p for p in params if p["rule"] == r["id"]]
    groups: dict[str, list] = {}
    for p in params:
        groups.setdefault(_topic(p["path"]), []).append(p)
    identities = []
    for ident in region_meta.get("identities", []):
        iid = ident["id"]
        examples = []
        for total in EXAMPLE_TOTALS:
            oop = (Decimal(total) * EXAMPLE_OOP_SHARE).quantize(Decimal("1"))
            inp = {"region": rid, "year": year, "identities": [iid],
                   "stays": [dict(EXAMPLE_STAY, total=total, out_of_policy=str(oop))]}
            res = api.estimate_dict(inp)
            if not res.get("ok"):
                raise RuntimeError(f"sitegen: calc rejected worked example {inp}: {res.get('errors')}")
            stay = res["stays"][0]
            examples.append({"input": inp, "result": res, "stay": stay,
                             "reimbursed": str(Decimal(stay["total"]) - Decimal(stay["resident"])),
                             "link": calc_link(rid, inp)})
        topics: dict[str, list] = {}
        concern = {p.path for p in concerns(loaded, year, iid)}  # calc's one answer (calc/concerns.py)
        for p in params:
            if p["path"] in concern:
                topics.setdefault(_topic(p["path"]), []).append(p)
        identities.append({"id": iid, "label": ident.get("label", iid), "plain": ident.get("plain", ""),
                           "topics": topics, "examples": examples,
                           "premium": examples[0]["result"].get("premium") or {},
                           "rules": sorted({s["rule"] for e in examples for s in e["result"].get("trace", [])
                                            if s.get("rule") in rule_ids})})
    assumptions = [p for p in params if p["provenance"] != "document"]
    return {"region": rid, "rm": region_meta, "rid": rid,
            "has_calculator": (TEMPLATES / "partials" / "calculator.html").exists(), "year": year, "params": params, "groups": groups,
            "rules": rules, "identities": identities, "changes": changes, "timeline": timeline, "prev_year": prev[-1] if prev else None,
            "assumptions": assumptions, "example_oop_pct": int(EXAMPLE_OOP_SHARE * 100),
            "levels": _choices(region_meta.get("levels"), LEVELS),
            "places": _choices(region_meta.get("places"), PLACES)}


LEVELS = {"1": "一级医院", "2": "二级医院", "3": "三级医院"}
PLACES = {"county": "县域内", "city": "县外市内", "province": "省内市外", "outside": "省外"}


def _choices(given, default: dict) -> list[dict]:
    """meta gives [{id, label}] (or plain ids); the link builder needs both."""
    if not given:
        return [{"id": k, "label": v} for k, v in default.items()]
    return [g if isinstance(g, dict) else {"id": g, "label": default.get(g, g)} for g in given]


def qr(url: str, out_png: pathlib.Path) -> None:
    out_png.parent.mkdir(parents=True, exist_ok=True)
    code = segno.make(url, error="m", micro=False)
    code.save(str(out_png), scale=8, border=4)
    code.save(str(out_png.with_suffix(".svg")), scale=4, border=4, xmldecl=False)


def write_all(docs_dir: pathlib.Path, base_url: str, settings=None) -> list[pathlib.Path]:
    # --- staff toolkit: deployment settings (sitegen/settings.py) for every page ---
    from . import settings as site_settings, staff
    settings = settings or site_settings.load(log=None)
    # --- end staff toolkit ---
    api, _, _ = _calc()
    meta = json.loads(api.meta())
    regions = meta["regions"] if isinstance(meta, dict) else meta
    for rm in regions:
        ALL_LABELS.update({i["id"]: i["label"] for i in rm.get("identities", [])})
    e = env()
    written: list[pathlib.Path] = []

    def put(rel: str, text: str) -> None:
        p = docs_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        # raw-HTML blocks in markdown must not contain blank lines
        p.write_text("\n".join(l for l in text.splitlines() if l.strip()) + "\n", encoding="utf-8")
        written.append(p)

    provinces: dict[str, list] = {}
    from . import instant, publish, resident, slip
    written += publish.write_site(docs_dir, settings)  # the site's share image
    qr_refs = resident.json_block({"module": staff.QR_MODULE,
                                   "wheels": [dict(w, path="../" + w["path"]) for w in staff.qr_wheel_refs()]})
    for rm in regions:
        data = region_data(rm)
        data["settings"] = settings.for_pages()  # staff toolkit: office, hotline, date, preview
        data.update(resident.page_data(meta, rm, regions, data))  # calculator meta, cards, charts
        data.update(publish.page_data(rm))  # year's document, "past the latest year" line, share image
        rid = data["rid"]
        data["page_url"] = f"{base_url}{rid}/"
        qr(data["page_url"], docs_dir / rid / "qr" / "region.png")
        written.append(docs_dir / rid / "qr" / "region.png")
        for ident in data["identities"]:
            ident["url"] = f"{base_url}{rid}/#id-{ident['id']}"
            ident["print_url"] = f"{base_url}{rid}/print/{ident['id']}/"
            qr(ident["url"], docs_dir / rid / "qr" / f"{ident['id']}.png")
            written.append(docs_dir / rid / "qr" / f"{ident['id']}.png")
        data["calc_qr"] = qr_refs  # the printed answer's QR code, drawn in the worker (calc-print.js)
        data.update(instant.page_data(rm, data["settings"]))  # answers computed at build time
        put(f"{rid}/index.md", e.get_template("region.md.j2").render(**data))
        slip.write_page(rm, data, e, put)  # 核对结算单
        written += staff.write_sheets(docs_dir, rm, settings, e, put)  # staff toolkit: 明白纸
        written += publish.write_region(docs_dir, rm, settings, e, put)  # poster, share image
        provinces.setdefault(rm.get("province") or "其他", []).append(rm)
    put("index.md", e.get_template("home.md.j2").render(provinces=provinces, base_url=base_url,
                                                        settings=settings.for_pages()))
    written += staff.write_pages(docs_dir, regions, settings, e, put)  # staff toolkit
    return written
