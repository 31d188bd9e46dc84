"""Reading the instant answers back from a built region page (tests/site/test_instant*.py)."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sitegen.instant import AMOUNTS, expand, form_input

BLOCK = re.compile(r'<script type="application/json" id="calc-instant">(.*?)</script>', re.S)


def block_text(site: Path, rid: str) -> str:
    page = (site / rid / "index.html").read_text("utf-8")
    m = BLOCK.search(page)
    assert m, f"{rid}: no calc-instant block"
    return m.group(1)


def page_block(site: Path, rid: str) -> dict:
    return json.loads(block_text(site, rid))


def page_cases(site: Path, region_meta: dict) -> list[dict]:
    """[{region, identity, amount, input (what the form sends), answer (expanded from the page)}]"""
    b = page_block(site, region_meta["id"])
    out = []
    for ident, packed in b["cases"].items():
        for amount, p in zip(AMOUNTS, packed):
            out.append({"region": region_meta["id"], "identity": ident, "amount": amount,
                        "input": form_input(region_meta, ident, amount), "answer": expand(b["pool"], p)})
    return out


__all__ = ["AMOUNTS", "block_text", "page_block", "page_cases", "html"]
