"""Build-time page generation: region pages, 明白纸 print sheets, QR codes, home page.

Everything shown comes from `calc` (parameters, rules, worked examples computed by
calc.api.estimate_dict), so page text and the calculator cannot drift apart.
Generated files go only into GENERATED_PATHS under docs_dir.
"""
from __future__ import annotations

import pathlib
import shutil

from . import settings  # build (jinja2, segno) only when pages are made: --check-settings runs on a bare Python

# Paths (relative to docs/) that generate() writes; all are .gitignore-able.
GENERATED_PATHS = ["index.md", "xianning/", "yangcheng/", "dongzhi/", "yiyuan/", "chongqing/", "staff/", "share/"]

DEFAULT_SITE_URL = settings.LOCAL_URL


def site_url() -> str:
    """Absolute base for QR codes and printed links: site-settings.toml / SITE_URL (sitegen/settings.py)."""
    return settings.load(log=None).base_url


def generate(docs_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write all generated pages and assets into docs_dir; return the files written."""
    docs_dir = pathlib.Path(docs_dir)
    s = settings.load()  # raises SettingsError for a production build without a public base_url
    for rel in GENERATED_PATHS:  # start clean so removed identities leave no stale pages
        p = docs_dir / rel
        if rel.endswith("/") and p.is_dir():
            shutil.rmtree(p)
    from . import build
    return build.write_all(docs_dir, s.base_url, s)
