"""Build-time page generation: region pages, 明白纸 print sheets, QR codes, home page.

Everything shown comes from `calc` (parameters, rules, worked examples computed by
calc.api.estimate_dict), so page text and the calculator cannot drift apart.
Generated files go only into GENERATED_PATHS under docs_dir.
"""
from __future__ import annotations

import os
import pathlib
import shutil

from . import build

# Paths (relative to docs/) that generate() writes; all are .gitignore-able.
GENERATED_PATHS = ["index.md", "xianning/", "yangcheng/", "dongzhi/", "yiyuan/", "chongqing/"]

DEFAULT_SITE_URL = "http://localhost:8000/"


def site_url() -> str:
    """Absolute base for QR codes and printed links: env SITE_URL, default localhost."""
    url = os.environ.get("SITE_URL", "").strip() or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def generate(docs_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write all generated pages and assets into docs_dir; return the files written."""
    docs_dir = pathlib.Path(docs_dir)
    for rel in GENERATED_PATHS:  # start clean so removed identities leave no stale pages
        p = docs_dir / rel
        if rel.endswith("/") and p.is_dir():
            shutil.rmtree(p)
    return build.write_all(docs_dir, site_url())
