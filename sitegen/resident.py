"""The resident-first parts of a region page, computed at build time from calc.

- page_meta(): what the calculator form needs, embedded in the page as a JSON data block
  (<script type="application/json" id="calc-meta">), so the form is usable before Python loads
  and no label or policy figure is copied into JavaScript.
- charts(): a picture per identity (paychart/) of what the resident pays against the bill.
- example_cards(): worked examples as cards (readable on a 360-px phone), resident's share first.
- glossary(): plain words for the terms the 算账单 uses (sitegen/glossary.toml).
- cases(): hand-worked cases (tests/cases/<region>/*.toml) to show under each rule's anchor.
"""
from __future__ import annotations

import json
import pathlib
import tomllib
from decimal import Decimal

from markupsafe import Markup

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = ROOT / "tests" / "cases"

# The region meta keys the form uses (the per-year assumption lists are left out: the 高级
# panel is built from the assumptions a result actually used).
FORM_KEYS = ("id", "name", "province", "document", "document_date", "years", "default_year",
             "year_notes", "identities", "tier", "tiers", "schemes", "levels", "places", "features")


# How to get the money: one list for the calculator's answer and the 明白纸 (templates/print.md.j2).
HOW_TO_GET = [
    "看病带上身份证（或户口本）和医保卡（或手机上的医保电子凭证）；有低保证、特困人员救助供养证等证件的，一起带上。",
    "出院结算时，基本医保、大病保险和医疗救助一般在医院窗口一次结清（一站式结算），您只付自己那部分；"
    "没能当场结清的，带上发票、费用清单和出院记录到医保经办窗口办理。",
]



# The year note's one folded line above the calculator; calc-form.js fills {year} when the year changes.
YEAR_NOTE_TITLE = "关于{year}年的数字（点开看）"


def page_meta(meta: dict, region_meta: dict, all_regions: list[dict], page_settings: dict | None = None) -> dict:
    region = {k: region_meta[k] for k in FORM_KEYS if k in region_meta}
    if region_meta.get("tier"):
        region["tier_notes"] = tier_notes(region_meta)
    others = [{"id": r["id"], "name": r["name"]} for r in all_regions]
    out = {"vocab": meta["vocab"], "fields": meta["fields"], "limits": meta["limits"], "region": region,
           "regions": others, "glossary": glossary(), "how_to_get": HOW_TO_GET}
    if page_settings:  # the office on the printed answer's 明白纸 (calc-print.js), as on the print pages
        from .staff import sheet_office
        out["office"] = {**sheet_office(page_settings), "figures_date": str(page_settings.get("figures_date") or "")}
    return out


def tier_notes(region_meta: dict) -> dict[str, str]:
    """{year: one sentence}: what 一档/二档 are and what each costs the person that year, from calc's
    own premium figures (an assumed figure says 假设)."""
    from calc.api import estimate_dict
    out = {}
    for year in region_meta["years"]:
        shown = []
        for tier in (1, 2):
            res = estimate_dict({"region": region_meta["id"], "year": year, "tier": tier,
                                 "identities": ["putong"], "stays": []})
            if not res.get("ok"):
                continue
            fig = (res.get("figures") or {}).get(f"premium.tier{tier}.contribution") or {}
            pays = (res.get("premium") or {}).get("contribution")
            if pays is None:
                continue
            mark = "（假设）" if fig.get("provenance") == "assumption" else ""
            shown.append(f"{'一档' if tier == 1 else '二档'}每人每年交 {_yuan(pays)} 元{mark}")
        if len(shown) == 2:
            out[str(year)] = (f"一档、二档是参加居民医保时自己选的缴费档次：{year}年{shown[0]}，{shown[1]}；"
                              "困难群众有参保资助，自己实际交多少见结果里的“参加医保每年交多少钱”。不知道选的哪一档就选一档。")
    return out


def _yuan(s: str) -> str:
    d = Decimal(s)
    return f"{d:,.2f}".removesuffix(".00")


def json_block(data) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


_GLOSSARY = None


def glossary() -> list[dict]:
    global _GLOSSARY
    if _GLOSSARY is None:
        data = tomllib.loads((HERE / "glossary.toml").read_text("utf-8"))
        _GLOSSARY = [{"terms": w["terms"], "plain": w["plain"], **({"official": True} if w.get("official") else {})}
                     for w in data["word"]]
    return _GLOSSARY


def payer_labels(meta: dict) -> dict[str, str]:
    payers = meta["vocab"]["payers"]
    if isinstance(payers, dict):
        return {k: (v["label"] if isinstance(v, dict) else v) for k, v in payers.items()}
    return {p["id"]: p["label"] for p in payers}


def example_cards(examples: list[dict], labels: dict[str, str]) -> list[dict]:
    """Each worked example as a card: the resident's share, then who paid the rest (non-zero
    payers in settlement order)."""
    cards = []
    for ex in examples:
        stay = ex["stay"]
        rows = [{"id": k, "label": label, "amount": stay[k]} for k, label in labels.items()
                if k != "resident" and stay.get(k) not in (None, "") and Decimal(stay[k]) != 0]
        cards.append({"total": stay["total"], "resident": stay["resident"], "rows": rows,
                      "link": ex["link"], "out_of_policy": stay.get("out_of_policy")})
    return cards


def charts(region_id: str, year: int, identities: list[str], stay: dict) -> dict[str, dict]:
    """{identity: {svg, bends}}: the identity's line bold, 普通参保人员 dashed, the others thin;
    the bends are listed under the picture as text at body size."""
    from paychart import chart_data

    base = {"region": region_id, "year": year, "stays": [stay]}
    out = {}
    for ident in identities:
        order = [ident] + [i for i in identities if i != ident]
        d = chart_data(base, order, highlight=ident, uid=f"chart-{ident}", legend=False)
        out[ident] = {"svg": Markup(d["svg"]), "bends": d["bends"]}
    return out


def cases(region_id: str) -> dict[str, list[dict]]:
    """{rule id: [case]} from tests/cases/<region>/<RULE>.toml (hand-worked by the lead; the
    unit tests check them against calc). Each file names its `rule` and holds [[case]]s with
    `title`, `input`, `arithmetic` and `expect` (result paths). Missing folder = no cases."""
    folder = CASES / region_id
    out: dict[str, list[dict]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        rule = str(data.get("rule") or path.stem)
        items = data.get("case") if isinstance(data.get("case"), list) else []
        for n, c in enumerate(items, 1):
            out.setdefault(rule, []).append({
                "id": f"case-{rule.lower()}-{n}", "title": c.get("title") or f"{rule} 例{n}",
                "arithmetic": _lines(c.get("arithmetic") or ""),
                "input": c.get("input") or {}, "expect": list((c.get("expect") or {}).keys())})
    return out


_PARTS = {"year": "全年", "outpatient": "门诊", "premium": "参保"}
_PREMIUM = {"resident_pays": "自己交", "subsidy": "政府资助", "contribution": "缴费标准"}


def result_amounts(result: dict, paths: list[str], labels: dict[str, str]) -> list[dict]:
    """The amounts calc gives at `paths` ("stays[0].assistance", "year.resident", …), in words.
    Paths that are not amounts (e.g. which identity a payer used) are left out."""
    import re
    out = []
    for path in paths:
        m = re.fullmatch(r"(stays)\[(\d+)\]\.(\w+)|(year|outpatient|premium)\.(\w+)", path)
        if not m:
            continue
        if m.group(1):
            i, key = int(m.group(2)), m.group(3)
            where, value = f"第{i + 1}次住院", (result.get("stays") or [{}] * (i + 1))[i].get(key)
        else:
            part, key = m.group(4), m.group(5)
            where, value = _PARTS[part], (result.get(part) or {}).get(key)
        what = _PREMIUM.get(key) if m.group(4) == "premium" else labels.get(key)
        if not what or not isinstance(value, str):
            continue
        out.append({"label": f"{where}{what}", "amount": value})
    return out


def _lines(v) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v]
    return [l.strip() for l in str(v).splitlines() if l.strip()]


def page_data(meta: dict, region_meta: dict, all_regions: list[dict], data: dict) -> dict:
    """Extra template data for the region page; adds `cards`/`chart` to each identity and
    `cases` to each rule of `data` (sitegen.build.region_data's result)."""
    from calc.api import estimate_dict
    from calc.share import fragment

    pm = page_meta(meta, region_meta, all_regions, data.get("settings"))
    labels = payer_labels(meta)
    year = data["year"]
    ids = [i["id"] for i in data["identities"]]
    first = data["identities"][0]["examples"][0]["input"]["stays"][0] if data["identities"] else None
    pics = charts(data["rid"], year, ids, {**first, "total": "10000"}) if first else {}
    for ident in data["identities"]:
        ident["cards"] = example_cards(ident["examples"], labels)
        ident["chart"] = pics.get(ident["id"])
    by_rule = cases(data["rid"])
    for r in data["rules"]:
        r["cases"] = []
        for c in by_rule.get(r["id"], []):
            res = estimate_dict(c["input"]) if c["input"] else {"ok": False}
            if not res.get("ok"):
                raise RuntimeError(f"sitegen: calc rejected hand-worked case {c['id']}: {res.get('errors')}")
            r["cases"].append({**c, "amounts": result_amounts(res, c["expect"], labels),
                               "link": fragment(c["input"])})
    notes = pm["region"].get("year_notes") or {}
    return {"calc_meta": json_block(pm), "year_note": notes.get(str(year)), "glossary": pm["glossary"],
            "year_note_title": YEAR_NOTE_TITLE,
            "payer_labels": labels}
