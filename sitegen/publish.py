"""What publishing adds to the generated pages: share images, posters, and which document each
year's figures come from. Called from sitegen.build.write_all (one line each).

- write_site / write_region: docs/share/site.png, docs/share/<region>.png (sitegen/ogimage.py) and
  docs/<region>/poster/ (sitegen/poster.py);
- page_data: for the region page's first screen, the document of the year it computes and, when
  the build date is past that year, one plain line saying so (the date of "now" is
  sitegen.settings.today(): SITE_TODAY in tests).
"""
from __future__ import annotations

import pathlib

from . import ogimage, poster
from . import settings as site_settings

SHARE_DIR = "share"


def image_path(rid: str | None = None) -> str:
    """Site-root-relative path of a share image (page meta `og_image`)."""
    return f"{SHARE_DIR}/{rid or 'site'}.png"


def write_site(docs_dir: pathlib.Path, settings) -> list[pathlib.Path]:
    return [ogimage.write(docs_dir / image_path(), ogimage.SITE_CARD, settings.production)]


def write_region(docs_dir: pathlib.Path, rm: dict, settings, env, put) -> list[pathlib.Path]:
    img = ogimage.write(docs_dir / image_path(rm["id"]), ogimage.region_card(rm), settings.production)
    return [img, *poster.write_poster(docs_dir, rm, settings, env, put)]


def year_documents(rid: str) -> dict:
    """{year: {document, date, title, notice}} from the region's data (calc/updates.py)."""
    from calc import params, updates
    return updates.year_documents(params.load(rid).meta)


def year_line(rm: dict, today) -> str:
    """One plain line when the build date is past the latest year the data covers; else ""."""
    latest = max(rm.get("years") or [rm["default_year"]])
    if today.year <= latest:
        return ""
    # short: it sits above the calculator and must leave the bill field on a 360-px phone's first screen
    return f"本站还没有收录{latest + 1}年起的新标准，仍按{latest}年计算。"


def year_groups(docs: dict) -> list[str]:
    """"2021—2025年：阳医保发〔2022〕2号", one per run of years with the same document."""
    runs: list[list] = []
    for year, d in sorted(docs.items()):
        words = d["document"] + (f"（{d['date']}）" if d.get("notice") and d.get("date") else "")
        if runs and runs[-1][2] == words and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year, words])
    return [f"{a}年：{w}" if a == b else f"{a}—{b}年：{w}" for a, b, w in runs]


def page_data(rm: dict, settings=None, env=None) -> dict:
    docs = year_documents(rm["id"])
    rm["year_documents"] = docs  # 明白纸 (print.md.j2) read it from rm
    year = rm["default_year"]
    doc = docs.get(year) or {"document": rm.get("document", ""), "notice": False}
    return {"year_doc": doc["document"] or rm.get("document", ""), "year_docs": docs, "year_groups": year_groups(docs),
            "year_past": year_line(rm, site_settings.today(env)),
            "og_image": image_path(rm["id"]), "poster_url": "poster/"}
