"""一户一单: each person's printed 明白纸, from their computed row, as sheet data.

The page lays the sheets out with the site's one 明白纸 layout (docs/assets/shared/mingbai.js; the
print pages use the same layout, templates/partials/mingbai.html) and adds the claim steps, the
office and the QR code. The words, the amounts and the caveats are here: the year's note, every
assumed figure the person's sums used, and the 目录外 amounts estimated because the list left them
out. The QR code opens the calculator set to the person's region, year and identity only: never
their name, never their amounts (as on the 明白纸, calc.share carries the link format).
"""
from decimal import Decimal, InvalidOperation

from calc import params, vocab
from calc.concerns import rule_titles
from calc.money import yuan as _yuan
from calc.share import fragment

# "您自己付" on a sheet handed to the person themself
PAYER_LINES = [k for k in vocab.PAYERS if k != "resident"]


def link_input(region: str, year, identity: str) -> dict:
    return {"region": region, "year": year, "identities": [identity]}


def _numeric(v) -> bool:
    try:
        Decimal(str(v))
        return not isinstance(v, (list, tuple, dict, bool))
    except (InvalidOperation, ValueError):
        return False


def assumed(rp, year, paths) -> list:
    """The assumed figures (amounts and rates) a person's sums used, labelled as the 明白纸 prints them."""
    out, seen = [], set()
    for path in paths or ():
        p = rp.get(path, year)
        if p is None or p.provenance != "assumption" or not _numeric(p.value) or not p.display:
            continue
        if (p.label, p.display) in seen:
            continue
        seen.add((p.label, p.display))
        out.append({"path": path, "label": p.label or path, "shown": p.display})
    return out


def oop_note(stays: list) -> str | None:
    """Which stays' 目录外 amounts calc estimated (the list left them empty), and how much."""
    est = [f"第{i + 1}次住院 {_yuan(st['out_of_policy'])} 元" for i, st in enumerate(stays)
           if st.get("oop_assumed") and st.get("out_of_policy") not in (None, "")]
    if not est:
        return None
    return ("名单里没有填目录外费用（医保目录以外、自己全付的部分），按一般情况估算："
            + "，".join(est) + "。知道实际金额的，以出院结算单为准。")


def special_line(rp, year, row: dict) -> str:
    """What the region's document gives this person's identity beyond 普通参保人员 (calc.concerns, as
    the region page, the 明白纸 and the comparison say it)."""
    titles = rule_titles(rp, year, row["identity_id"])
    if row["identity_id"] == "putong":
        return "按普通参保人员的待遇计算。"
    if not titles:
        return f"“{row['identity']}”没有另外的专门规定，按普通参保人员的待遇计算。"
    return f"“{row['identity']}”的专门规定：{'、'.join(titles)}。"


def sheet(row: dict, region: str, base_url: str, rp=None) -> dict:
    rp = rp or params.load(region)
    year = row["year_of"]
    stays = [{"n": i + 1, "total": st["total"], "resident": st["resident"],
              "where": "".join(filter(None, [vocab.PLACE_SHORT.get(st["place"], ""),
                                             vocab.LEVELS.get(st["level"], "") + ("医院" if st["level"] else "")])),
              "referral": "规范转诊" if st["referral"] else ""} for i, st in enumerate(row["stays"])]
    paid = [{"label": vocab.PAYERS[k], "amount": row["year"][k]} for k in PAYER_LINES
            if k in row["year"] and row["year"][k] not in ("0.00", "0")]
    rows = [{"label": f"第{st['n']}次住院（{st['where']}{'，' + st['referral'] if st['referral'] else ''}）",
             "cells": [st["total"], st["resident"]]} for st in stays]
    outpatient = row.get("outpatient", {})
    if outpatient.get("total") not in (None, "", "0", "0.00"):
        rows.append({"label": "门诊慢特病、特药", "cells": [outpatient["total"], outpatient["resident"]]})
    rows.append({"label": "全年合计", "cells": [row["year"]["total"], row["year"]["resident"]], "total": True})
    region_name = rp.meta["name"]
    who = row["name"] or f"第{row['line']}行"
    lead = f"{row['group'] + ' · ' if row['group'] else ''}{row['name'] or ''} · 按“{row['identity']}”计算 · {year}年度。下面是估算，"
    return {"line": row["line"], "name": row["name"], "group": row["group"], "identity": row["identity"],
            "year": year, "stays": stays, "outpatient": outpatient,
            "total": row["year"]["total"], "resident": row["year"]["resident"], "paid": paid,
            "local": list(row.get("local") or ()),
            "link": f"{base_url}{region}/{fragment(link_input(region, year, row['identity_id']))}",
            # the 明白纸 itself (docs/assets/shared/mingbai.js); the page adds steps, office and foot
            "sheet": {
                "title": f"{region_name}医保明白纸：{who}",
                "lead": lead,
                "year_note": rp.year_notes.get(year),
                "pay": {"caption": None, "head": ["", "总费用", "您自己付"], "rows": rows, "you": 2},
                "lines": [x for x in (
                    "其中报销和救助：" + "，".join(f"{p['label']} {_yuan(p['amount'])} 元" for p in paid) + "。"
                    if paid else "这一年没有报销或救助。", special_line(rp, year, row),
                    "按本地标准计算：" + "、".join(row["local"]) + "。" if row.get("local") else None) if x],
                "oop": oop_note(row["stays"]),
                "assumed": assumed(rp, year, row.get("assumed")),
            }}


def sheets(rows: list, region: str, base_url: str) -> dict:
    """Sheets for the computed rows (rows with input errors get none) and the distinct QR links."""
    rp = params.load(region)
    out = [sheet(r, region, base_url, rp) for r in rows if r.get("ok")]
    return {"ok": True, "sheets": out, "links": sorted({s["link"] for s in out}),
            "skipped": sum(1 for r in rows if not r.get("ok"))}
