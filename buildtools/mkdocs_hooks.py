"""mkdocs hooks (mkdocs.yml `hooks:`): the site's navigation comes from calc's regions, and a page
that is neither in the navigation nor listed under `not_in_nav` fails the build.

mkdocs.yml's nav holds the hand-written pages and one entry `REGIONS` where every region of calc
(calc.params.region_ids(), in the regions' own order) goes, labelled with the region's name: a new
region file adds its page to every page's navigation with no list to edit.
"""
from __future__ import annotations

import json
import pathlib
import sys

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel

PLACEHOLDER = "REGIONS"
ROOT = str(pathlib.Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:  # calc, wherever mkdocs is started from
    sys.path.insert(0, ROOT)


def region_nav() -> list[dict]:
    from calc import api
    return [{r["name"]: f"{r['id']}/index.md"} for r in json.loads(api.meta())["regions"]]


def on_config(config, **kwargs):
    nav = config.nav or []
    at = [i for i, entry in enumerate(nav) if entry == PLACEHOLDER]
    if len(at) != 1:
        raise PluginError(f"mkdocs.yml nav: put the entry `- {PLACEHOLDER}` once where calc's regions go")
    config.nav = nav[: at[0]] + region_nav() + nav[at[0] + 1:]
    return config


def on_nav(nav, config, files, **kwargs):
    """Every page is in the navigation or named by `not_in_nav` (mkdocs itself only says so at INFO)."""
    in_nav = {p.file.src_uri for p in nav.pages}
    missing = sorted(f.src_uri for f in files.documentation_pages()
                     if f.src_uri not in in_nav and f.inclusion not in (InclusionLevel.NOT_IN_NAV, InclusionLevel.EXCLUDED,
                                                                         InclusionLevel.DRAFT))
    if missing:
        raise PluginError("these pages are not in the navigation: " + ", ".join(missing)
                          + " (add them to mkdocs.yml `nav`, or to `not_in_nav` if no menu should link them)")
    return nav
