"""一户一单: what each person's printed sheet says, from their computed row.

The page lays the sheets out (docs/assets/staff/roster.js); the words and amounts are here. The QR
code opens the calculator set to the person's region, year and identity only: never their name,
never their amounts (as on the 明白纸, calc.share carries the link format).
"""
from calc import vocab
from calc.share import fragment

# "您自己付" on a sheet handed to the person themself
PAYER_LINES = [k for k in vocab.PAYERS if k != "resident"]


def link_input(region: str, year, identity: str) -> dict:
    return {"region": region, "year": year, "identities": [identity]}


def sheet(row: dict, region: str, base_url: str) -> dict:
    stays = [{"n": i + 1, "total": st["total"], "resident": st["resident"],
              "where": "".join(filter(None, [vocab.PLACE_SHORT.get(st["place"], ""),
                                             vocab.LEVELS.get(st["level"], "") + ("医院" if st["level"] else "")])),
              "referral": "规范转诊" if st["referral"] else ""} for i, st in enumerate(row["stays"])]
    paid = [{"label": vocab.PAYERS[k], "amount": row["year"][k]} for k in PAYER_LINES
            if k in row["year"] and row["year"][k] not in ("0.00", "0")]
    return {"line": row["line"], "name": row["name"], "group": row["group"], "identity": row["identity"],
            "year": row["year_of"], "stays": stays, "outpatient": row.get("outpatient", {}),
            "total": row["year"]["total"], "resident": row["year"]["resident"], "paid": paid,
            "local": list(row.get("local") or ()),
            "link": f"{base_url}{region}/{fragment(link_input(region, row['year_of'], row['identity_id']))}"}


def sheets(rows: list, region: str, base_url: str) -> dict:
    """Sheets for the computed rows (rows with input errors get none) and the distinct QR links."""
    out = [sheet(r, region, base_url) for r in rows if r.get("ok")]
    return {"ok": True, "sheets": out, "links": sorted({s["link"] for s in out}),
            "skipped": sum(1 for r in rows if not r.get("ok"))}
