"""Local files named in site-settings.toml (`overlays = [...]`): a county adds its new year's
figures without editing the shipped region file (format: calc/updates.py; `region = "<id>"` plus
[update.<year>] blocks), and states its own figures (本地标准, format: calc/local.py, a [local] block;
guide: docs/office-figures.md). Before the build makes the calc wheel, each file is checked by
`python -m calc check`'s rules and copied into calc/regions/ as _overlay_NN_<name>.toml (git-ignored),
so the pages, the 明白纸 and the calculator in the browser all compute with it. Files staged by an
earlier build are removed first, so a build without overlays computes with the shipped data only.
"""
from __future__ import annotations

import pathlib
import re

from . import settings as site_settings

REGIONS = pathlib.Path(__file__).resolve().parent.parent / "calc" / "regions"


def check(paths) -> list[str]:
    """calc.check's problems of each overlay file (within its region), as lines."""
    from calc.check import check_files
    return [str(p) for p in check_files([pathlib.Path(p) for p in paths])]


def stage(settings, regions_dir: pathlib.Path = REGIONS, log=print) -> list[pathlib.Path]:
    from calc.updates import OVERLAY_PREFIX
    for old in regions_dir.glob(f"{OVERLAY_PREFIX}*.toml"):
        old.unlink()
    if not settings.overlays:
        return []
    problems = check(settings.overlays)
    if problems:
        raise site_settings.SettingsError("overlays 里的通知文件有误 (overlay files have problems):\n" + "\n".join(problems))
    staged = []
    for n, src in enumerate(settings.overlays, 1):
        src = pathlib.Path(src)
        text, _ = site_settings.decode(src.read_bytes(), src.name)
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", src.stem)[:40] or "notice"
        dest = regions_dir / f"{OVERLAY_PREFIX}{n:02d}_{stem}.toml"
        dest.write_text(text, "utf-8")
        staged.append(dest)
    try:
        from calc import params
        params.load.cache_clear()
    except ImportError:
        pass
    if log:
        log(f"[settings] overlays: {', '.join(str(p) for p in settings.overlays)} -> calc/regions/")
    return staged
