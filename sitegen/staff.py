"""The staff toolkit pages: 明白纸 per region × identity, the link builder, the roster calculator
(批量测算), the five-region comparison, and the staff index. Called from sitegen.build.write_all.

Every amount comes from calc (estimate_dict at build time, the worker in the browser). Links and QR
codes use the deployment settings (sitegen/settings.py); share links use calc/share.py.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import pathlib
import re
import subprocess
import sys
import zipfile
from decimal import Decimal

from calc import fields

from . import qr
from .resident import HOW_TO_GET

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = ROOT / ".build" / "wheels"
STAFF = "staff"          # docs/staff/ → /staff/
# The segno wheel the link builder runs in Pyodide is the one the build uses: its version and
# hashes come from requirements-site.lock (make lock); pip fetches it once into .build/wheels/.
LOCK = ROOT / "requirements-site.lock"
QR_MODULE = "staff_qr"   # sitegen/qr.py as the browser knows it
# Bills for the 明白纸 and the comparison: one stay with calc's declared defaults (in-county, level
# 2, 规范转诊), so each row is also the calculator's answer for the identity and the total alone.
BILLS = ["10000", "50000", "200000"]
OOP_SHARE = Decimal("0.10")
STAY = fields.stay_defaults()
SHEET_FIGURES_PER_RULE = 4


def _api():
    import calc.api
    return calc.api


def share_link(base_url: str, input_dict: dict) -> str:
    from calc.share import fragment
    return f"{base_url}{input_dict['region']}/{fragment(input_dict)}"


def prefill_input(region: str, year, identity: str) -> dict:
    """A share link that only fills the form (region, year, identity; no stays): the calculator
    shows the form ready for the bill instead of computing an empty year."""
    return {"region": region, "year": year, "identities": [identity]}


def bill_input(region: str, year, identity: str, total: str) -> dict:
    oop = (Decimal(total) * OOP_SHARE).quantize(Decimal("1"))
    return {"region": region, "year": year, "identities": [identity],
            "stays": [dict(STAY, total=total, out_of_policy=str(oop))]}


def _estimate(inp: dict) -> dict:
    res = _api().estimate_dict(inp)
    if not res.get("ok"):
        raise RuntimeError(f"sitegen.staff: calc rejected {inp}: {res.get('errors')}")
    return res


# ---- 明白纸 -----------------------------------------------------------------------------------
def identity_params(rp, year, ident: str) -> list:
    """The figures among the parameters that concern `ident` in `year` (calc.concerns: the same
    answer the region page's identity sections, the comparison and the roster's sheets use)."""
    from calc.concerns import figures
    return figures(rp, year, ident)


def sheet_topics(rp, params: list) -> list[dict]:
    """An identity's figures grouped by the rule that sets them: titles come from the region's own
    rules (data), so a region's topics such as 沂源's 再救助 always reach its sheets."""
    from calc import vocab
    groups: dict[str, dict] = {}
    for p in params:
        rule = rp.rules.get(p.rule)
        # the office's own figures (本地标准) are listed apart from the notice's rules, with their clause
        title = "本地标准" if p.provenance == "local" else rule.title if rule else "其他规定"
        g = groups.setdefault(title, {"title": title, "figures": [], "cites": [], "more": 0})
        if any(f["label"] == p.label and f["shown"] == p.display for f in g["figures"]):
            continue  # one line per figure as printed (two paths may share label and value)
        if len(g["figures"]) < SHEET_FIGURES_PER_RULE:
            g["figures"].append({"label": p.label, "shown": p.display, "provenance": p.provenance,
                                 "provenance_words": vocab.PROVENANCE.get(p.provenance, p.provenance)})
        else:
            g["more"] += 1
        if p.provenance in ("document", "local") and p.cite and p.cite not in g["cites"]:
            g["cites"].append(p.cite)
    return list(groups.values())


def sheet_data(rm: dict, ident: dict, settings) -> dict:
    """The print page's 明白纸 as sheet data (laid out by templates/partials/mingbai.html, the same
    layout docs/assets/shared/mingbai.js gives the roster's sheets and the printed answer)."""
    from calc import params
    from . import settings as site_settings
    from .publish import year_line
    rid, year, iid = rm["id"], rm["default_year"], ident["id"]
    rp = params.load(rid)
    rows, premium, results = [], None, []
    for total in BILLS:
        res = _estimate(bill_input(rid, year, iid, total))
        results.append(res)
        premium = premium or res.get("premium")
        y = res["year"]
        rows.append({"label": None, "cells": [y["total"], y["resident"], str(Decimal(y["total"]) - Decimal(y["resident"]))]})
    topics = sheet_topics(rp, identity_params(rp, year, iid))
    calc_url = share_link(settings.base_url, prefill_input(rid, year, iid))
    document = (rm.get("year_documents") or {}).get(year, {}).get("document") or rm["document"]
    premium = premium or {}
    lines = []
    if premium.get("resident_pays") is not None and premium.get("subsidy") is not None:
        lines.append(f"参保缴费（一年）：个人缴费 {_yuan(premium['contribution'])} 元，政府资助 {_yuan(premium['subsidy'])} 元，"
                     f"自己交 {_yuan(premium['resident_pays'])} 元。")
    office = settings.for_pages()
    return sheet_frame({
        "title": f"{rm['name']}医保明白纸：{ident['label']}",
        "lead": f"住院看病，自己大概要付多少？下面是按{document}（{year}年度）算出的估算，",
        # "still computing with last year's figures" (the page's own line) first: a sheet is read without the page
        "year_note": " ".join(n for n in (year_line(rm, site_settings.today()), sheet_year_note(rm, year, results)) if n) or None,
        "pay": {"caption": f"住一次院：县域内二级医院、规范转诊，目录外费用按{int(OOP_SHARE * 100)}%估",
                "head": ["住院总费用", "您自己付", "医保、救助共报销"], "rows": rows, "you": 1},
        "lines": lines,
        # the table's caption says the 目录外 share these bills assume (the sheet stays one A4 page)
        "assumed": sheet_assumed(results, topics),
        "steps": HOW_TO_GET, "office": sheet_office(office), "topics": topics,
        "foot": {"qr": {"src": "qr.png", "alt": f"二维码：打开{rm['name']}的计算器，已选好“{ident['label']}”"},
                 "scan": "扫码算一算：",
                 "text": f"打开{rm['name']}的计算器，已选好“{ident['label']}”，填上住院花费就能算出自己付多少。网址：",
                 "url": f"{settings.base_url}{rid}/",
                 "date": f"数字核对日期：{office.get('figures_date') or '（未填写）'} · {office.get('office_name')} · 电话 {office.get('hotline')}"},
    }) | {"calc_url": calc_url}


# Every key of the sheet data (docs/assets/shared/mingbai.js), so the template and the script see
# the same shape: a missing part is None or empty, never absent.
SHEET_KEYS = {"title": "", "lead": "", "year_note": None, "inputs": [], "pay": None, "lines": [], "oop": None,
              "assumed": [], "trace": None, "steps": [], "office": None, "topics": None, "foot": None}


def sheet_frame(parts: dict) -> dict:
    unknown = set(parts) - set(SHEET_KEYS)
    if unknown:
        raise ValueError(f"sheet data: unknown parts {sorted(unknown)}")
    return {**SHEET_KEYS, **parts}


def sheet_office(page_settings: dict) -> dict:
    return {"name": page_settings.get("office_name") or "", "hotline": page_settings.get("hotline") or "",
            "address": page_settings.get("office_address") or ""}


def _yuan(v) -> str:
    from .build import yuan
    return yuan(v)


def sheet_year_note(rm: dict, year, results: list[dict]) -> str | None:
    """The calculator's note for this region and year (calc's meta year_notes, else the estimate's
    region.year_note): the same words the calculator shows above the form."""
    note = (rm.get("year_notes") or {}).get(str(year))
    for res in results:
        note = note or (res.get("region") or {}).get("year_note")
    return note or None


def _numeric(v) -> bool:
    """A figure a sum uses (an amount, a rate), not a list of identities or a sentence."""
    try:
        Decimal(str(v))
        return not isinstance(v, (list, dict, bool))
    except Exception:
        return False


def sheet_assumed(results: list[dict], topics: list[dict] = ()) -> list[dict]:
    """Every assumed figure the sheet's sums use (calc's `figures` with provenance `assumption`), once,
    in the order calc lists them: label and value, to be printed marked 假设. A figure the sheet's
    figure list already prints marked 假设 is not printed twice (the sheet stays one A4 page)."""
    seen: dict[str, dict] = {}
    printed = {(f["label"], f["shown"]) for t in topics for f in t["figures"] if f["provenance"] == "assumption"}
    for res in results:
        for path, f in (res.get("figures") or {}).items():
            if f.get("provenance") == "assumption" and path not in seen and f.get("display") and _numeric(f.get("value")):
                seen[path] = {"path": path, "label": f.get("label") or path, "shown": f["display"]}
    # one line per label: a figure that two paths share (e.g. per year) is printed once
    out, labels = [], set()
    for f in seen.values():
        key = (f["label"], f["shown"])
        if key not in labels and key not in printed:
            labels.add(key)
            out.append(f)
    return out


def write_sheets(docs_dir: pathlib.Path, rm: dict, settings, env, put) -> list[pathlib.Path]:
    """docs/<region>/print/<identity>/index.md + qr.png (the calculator pre-filled for that identity)."""
    written = []
    rid = rm["id"]
    for ident in rm["identities"]:
        sheet = sheet_data(rm, ident, settings)
        calc_url = sheet.pop("calc_url")
        folder = docs_dir / rid / "print" / ident["id"]
        folder.mkdir(parents=True, exist_ok=True)
        qr.save(calc_url, folder / "qr.png")
        written += [folder / "qr.png", folder / "qr.svg"]
        put(f"{rid}/print/{ident['id']}/index.md", env.get_template("print.md.j2").render(
            rm=rm, ident=ident, sheet=sheet, sheet_attrs={"data-region": rid, "data-identity": ident["id"]},
            sheet_preview=True, settings=settings.for_pages()))
    return written


# ---- wheels for the browser --------------------------------------------------------------------
def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def locked(name: str, lock: pathlib.Path = LOCK) -> tuple[str, set[str]]:
    """(version, sha256 hashes) of `name` in a pip-compile --generate-hashes lock."""
    m = re.search(rf"^{re.escape(name)}==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{{64}})+)", lock.read_text("utf-8"), re.M)
    if not m:
        raise SystemExit(f"sitegen.staff: {name} is not in {lock.name} (make lock)")
    return m[1], set(re.findall(r"sha256:([0-9a-f]{64})", m[2]))


def locked_wheel(name: str) -> tuple[str, bytes]:
    """(file name, bytes) of the locked pure-Python wheel of `name`: the build's own version,
    hash-checked against requirements-site.lock; pip fetches it once into .build/wheels/."""
    version, hashes = locked(name)
    installed = importlib.metadata.version(name)
    if installed != version:
        raise SystemExit(f"sitegen.staff: {name} {installed} is installed but {LOCK.name} locks {version}; "
                         "run `make build` (it installs from the lock)")
    stem = f"{name.replace('-', '_')}-{version}-"
    found = sorted(p for p in CACHE.glob(f"{stem}*.whl") if p.name.endswith("-none-any.whl")) if CACHE.is_dir() else []
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "--dest", str(CACHE), f"{name}=={version}"]
        try:
            subprocess.run(cmd, check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as e:
            raise SystemExit(f"sitegen.staff: could not download the {name} wheel for the staff pages "
                             f"({e.stderr.strip()}); put it into {CACHE} by hand") from None
        found = sorted(CACHE.glob(f"{stem}*-none-any.whl"))
    if not found:
        raise SystemExit(f"sitegen.staff: no pure-Python wheel of {name}=={version} in {CACHE}")
    path = found[0]
    data = path.read_bytes()
    if _sha256(data) not in hashes:
        path.unlink()
        raise SystemExit(f"sitegen.staff: {path.name} does not match the hashes in {LOCK.name}; removed it")
    return path.name, data


def segno_wheel() -> tuple[str, bytes]:
    """(file name, bytes) of the locked segno wheel (the link builder's and the 一户一单 QR codes)."""
    return locked_wheel("segno")


# The roster page reads .xlsx files with openpyxl (and its one dependency), loaded only there.
XLSX_WHEELS = ("et-xmlfile", "openpyxl")


def xlsx_wheels() -> list[tuple[str, bytes]]:
    return [locked_wheel(n) for n in XLSX_WHEELS]


def qr_wheel() -> bytes:
    """sitegen/qr.py as a one-module wheel `staff_qr` (deterministic zip)."""
    source = (pathlib.Path(__file__).parent / "qr.py").read_bytes()
    dist = f"{QR_MODULE}-1.0.dist-info"
    files = {f"{QR_MODULE}.py": source,
             f"{dist}/METADATA": b"Metadata-Version: 2.1\nName: staff-qr\nVersion: 1.0\nRequires-Dist: segno\n",
             f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: sitegen.staff\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{n},sha256={_b64(hashlib.sha256(d).digest())},{len(d)}\n" for n, d in files.items())
    files[f"{dist}/RECORD"] = (record + f"{dist}/RECORD,,\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def _b64(digest: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _wheel_ref(name: str, data: bytes) -> dict:
    digest = _sha256(data)
    return {"path": f"{STAFF}/wheels/{digest[:12]}/{name}", "sha256": digest, "bytes": len(data)}


def qr_wheel_refs() -> list[dict]:
    """Where write_wheels puts segno and staff_qr ({path from the site root, sha256, bytes}): the
    calculator's printed answer draws its QR code with them in the worker, as the link builder does."""
    return [_wheel_ref(name, data) for name, data in (segno_wheel(), (f"{QR_MODULE}-1.0-py3-none-any.whl", qr_wheel()))]


def write_wheels(docs_dir: pathlib.Path) -> tuple[dict[str, list[dict]], list[pathlib.Path]]:
    """docs/staff/wheels/<hash>/<name>: content-addressed, so caches can keep them forever.
    -> ({"qr": [segno, staff_qr], "xlsx": [et_xmlfile, openpyxl]}, written files)."""
    out, written = {"qr": [], "xlsx": []}, []
    sets = {"qr": [segno_wheel(), (f"{QR_MODULE}-1.0-py3-none-any.whl", qr_wheel())], "xlsx": xlsx_wheels()}
    for use, wheels in sets.items():
        for name, data in wheels:
            ref = _wheel_ref(name, data)
            p = docs_dir / ref["path"]
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            written.append(p)
            out[use].append(ref)
    return out, written


# ---- staff pages -------------------------------------------------------------------------------
def form_regions(regions: list[dict]) -> list[dict]:
    """What the link builder and roster forms need from calc's meta (labels included)."""
    keep = ("id", "name", "document", "years", "default_year", "identities", "levels", "places", "tier",
            "schemes", "year_notes", "features")
    return [{k: r[k] for k in keep if k in r} for r in regions]


def compare_data(regions: list[dict], base_url: str) -> dict:
    """The same bill and identity in every region, side by side (each region's default year)."""
    from calc import vocab
    idents = [i for i in vocab.IDENTITIES if any(i in {x["id"] for x in r["identities"]} for r in regions)]
    tables = []
    for iid in idents:
        bills = []
        for total in BILLS:
            cells = []
            for r in regions:
                offered = {x["id"]: x["label"] for x in r["identities"]}
                if iid not in offered:
                    cells.append({"region": r, "offered": False})
                    continue
                inp = bill_input(r["id"], r["default_year"], iid, total)
                res = _estimate(inp)
                cells.append({"region": r, "offered": True, "label": offered[iid], "year": res["year"],
                              "link": share_link(base_url, inp), "href": share_link("../../", inp)})
            keys = [k for k in vocab.PAYERS if any(c["offered"] and k in c["year"] for c in cells)]
            bills.append({"total": total, "cells": cells,
                          "rows": [{"key": k, "label": vocab.PAYERS[k]} for k in keys]})
        tables.append({"id": iid, "label": vocab.IDENTITIES[iid][0], "plain": vocab.IDENTITIES[iid][1],
                       "bills": bills, "special": [special_rules(r, iid) for r in regions]})
    return {"identities": tables, "regions": regions, "oop_pct": int(OOP_SHARE * 100)}


def special_rules(rm: dict, iid: str) -> dict:
    """What a region's document gives this identity beyond 普通参保人员, by the titles of the rules
    that set its figures (calc.concerns, as on its 明白纸 and region page); None: not offered."""
    from calc import params
    if iid not in {x["id"] for x in rm["identities"]}:
        return {"region": rm, "titles": None}
    from calc.concerns import rule_titles
    return {"region": rm, "titles": rule_titles(params.load(rm["id"]), rm["default_year"], iid)}


def write_pages(docs_dir: pathlib.Path, regions: list[dict], settings, env, put) -> list[pathlib.Path]:
    """docs/staff/: index, link builder, roster (+ template CSV), comparison."""
    import roster
    from calc import vocab
    wheels, written = write_wheels(docs_dir)
    rel = lambda ws: [dict(w, path="../../" + w["path"]) for w in ws]  # noqa: E731
    common = {"settings": settings.for_pages(), "regions": form_regions(regions), "staff_root": "../"}
    put(f"{STAFF}/index.md", env.get_template("staff/index.md.j2").render(**common))
    put(f"{STAFF}/link/index.md", env.get_template("staff/link.md.j2").render(
        wheels=rel(wheels["qr"]), qr_module=QR_MODULE, payers=list(vocab.PAYERS.items()),
        fields=fields.meta(), limits=fields.LIMITS, **common))  # a list: tojson sorts object keys
    template = docs_dir / STAFF / "roster" / "roster-template.csv"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(roster.template_csv(), "utf-8", newline="")
    written.append(template)
    put(f"{STAFF}/roster/index.md", env.get_template("staff/roster.md.j2").render(
        help=roster.HELP, columns=roster.columns(), template_name=template.name,
        roster_data={"xlsx_wheels": rel(wheels["xlsx"]), "qr_wheels": rel(wheels["qr"]), "qr_module": QR_MODULE,
                     "base_url": settings.base_url}, **common))
    put(f"{STAFF}/compare/index.md", env.get_template("staff/compare.md.j2").render(
        compare=compare_data(regions, settings.base_url), **common))
    return written
