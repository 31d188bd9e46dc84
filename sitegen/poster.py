"""Notice-board posters: /<region>/poster/, one printable A4 page per region.

A large QR code to the region page (the deployment's base_url: sitegen/settings.py), three plain
lines of Chinese, the office and hotline. Linked from the staff pages. The QR code is a PNG at a
large scale made by sitegen/qr.py (the same code as every other QR code; an SVG twin sits beside it).
"""
from __future__ import annotations

import pathlib

from . import qr

QR_SCALE = 20   # pixels per module: ~700 px across, sharp at 11 cm on paper


def lines(rm: dict) -> list[str]:
    """The three plain lines: what the page does, for whom (the region's own words), privacy."""
    names = [i["label"] for i in rm.get("identities", []) if i["id"] != "putong"][:3]
    who = "、".join(names) + "等" if names else "困难群众"
    return [
        "住院花了多少钱？医保、大病保险、医疗救助各报多少，自己付多少，扫码就能算。",
        f"{who}，选上自己的身份，看看能少付多少。",
        "在手机上算，不用登记，不收集任何信息；结果是估算，以医保经办机构结算为准。",
    ]


def write_poster(docs_dir: pathlib.Path, rm: dict, settings, env, put) -> list[pathlib.Path]:
    rid = rm["id"]
    page_url = f"{settings.base_url}{rid}/"
    folder = docs_dir / rid / "poster"
    folder.mkdir(parents=True, exist_ok=True)
    qr.save(page_url, folder / "qr.png", scale=QR_SCALE)
    put(f"{rid}/poster/index.md", env.get_template("poster.md.j2").render(
        rm=rm, rid=rid, page_url=page_url, lines=lines(rm), settings=settings.for_pages()))
    return [folder / "qr.png", folder / "qr.svg"]
