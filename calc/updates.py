"""A new year's figures from data alone: the office's new notice, as a block in the region file.

    [update.2026]
    document = "阳医保发〔2026〕1号"          # the notice's number
    date = 2026-01-20                        # its date
    title = "阳城县2026年医疗保障待遇调整通知"   # optional
    [update.2026.figures]
    "assistance.dibao.cap" = { value = "70000", cite = "一、四是", plain = "一年最多7万元" }

Each figure the notice states replaces the region's figure from 1 January of that year on (the
variant in force until then now ends on 31 December of the year before); figures the notice does
not state carry on. A figure keeps the label, unit, rule and identities of the one it replaces, and
cites the new notice (`cite` = its clause). The year joins the region's years and becomes the
default (latest) year. `calc.params.load` applies the blocks; `python -m calc check` validates them.
Never invent a figure: without a notice, the site keeps saying which year it computes.
"""
from __future__ import annotations

import copy
import datetime

# What a replacing figure takes over from the one it replaces (not `plain`: it describes the old value).
INHERIT = ("label", "unit", "rule", "who", "kind")
ALLOWED = {"value", "cite", "plain", "label", "reading", "alternative", "reading_for", "provenance", "reason",
           "unit", "who", "rule"}


# The years a notice may be for: a year outside cannot be a date (99999) or is a typo (20026).
MIN_YEAR, MAX_YEAR = 2000, 2100


def notices(data: dict) -> dict:
    """{year: notice table} of the file's [update.<year>] blocks (years as ints, ascending)."""
    out = {}
    for key, block in (data.get("update") or {}).items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(block, dict) and MIN_YEAR <= year <= MAX_YEAR:  # others: check_notices says why
            out[year] = block
    return dict(sorted(out.items()))


def notice_years(data: dict) -> list:
    return list(notices(data))


def _locate(data: dict, path: str):
    """(parent table, key, merged _defaults) of `path` in the raw data, or None."""
    node, defaults = data, {}
    parts = path.split(".")
    for part in parts[:-1]:
        defaults = {**defaults, **node.get("_defaults", {})}
        node = node.get(part)
        if not isinstance(node, dict):
            return None
    defaults = {**defaults, **node.get("_defaults", {})}
    leaf = node.get(parts[-1])
    if isinstance(leaf, dict) and "value" in leaf or isinstance(leaf, list) and leaf and isinstance(leaf[0], dict):
        return node, parts[-1], defaults
    return None


def _ensure(data: dict, path: str) -> tuple:
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    return node, parts[-1]


def _in_force(t: dict, day: datetime.date) -> bool:
    s, u = t.get("since"), t.get("until")
    return (not isinstance(s, datetime.date) or s <= day) and (not isinstance(u, datetime.date) or day <= u)


def check_notices(data: dict, own_by_path: dict, national_paths=()) -> list:
    """[(path, zh, en)] for malformed notices (run before apply)."""
    out = []
    years = (data.get("region") or {}).get("years") or []
    for key, block in (data.get("update") or {}).items():
        where = f"update.{key}"
        try:
            year = int(key)
        except (TypeError, ValueError):
            out.append((where, "年度通知的键应是年份，如 [update.2026]", "a notice key must be a year, e.g. [update.2026]"))
            continue
        if not MIN_YEAR <= year <= MAX_YEAR:
            out.append((where, f"年份 {key} 不对，应在 {MIN_YEAR} 到 {MAX_YEAR} 之间，如 [update.2026]",
                        f"year {key} is out of range ({MIN_YEAR}-{MAX_YEAR}), e.g. [update.2026]"))
            continue
        if not isinstance(block, dict):
            out.append((where, "年度通知应是一个表", "a notice must be a table"))
            continue
        if not str(block.get("document", "")).strip():
            out.append((f"{where}.document", "年度通知要写文件号（document）", "a notice needs its document number"))
        if not isinstance(block.get("date"), datetime.date):
            out.append((f"{where}.date", "年度通知要写发文日期，如 date = 2026-01-20（不加引号）",
                        "a notice needs its date, e.g. date = 2026-01-20"))
        if years and year <= max(y for y in years if isinstance(y, int)) and year in years:
            out.append((where, f"{year}年已经在 region.years 里，通知只用于新的一年",
                        f"{year} is already one of region.years; a notice adds a new year"))
        figures = block.get("figures")
        if not isinstance(figures, dict) or not figures:
            out.append((f"{where}.figures", "年度通知没有数字（[update.年份.figures]）", "a notice without figures"))
            continue
        for path, fig in figures.items():
            fp = f"{where}.figures.\"{path}\""
            if path not in own_by_path and path not in national_paths:
                from .schema import nearest
                near = nearest(path) if isinstance(path, str) else None
                hint = (f"，是不是 {near}？", f"; did you mean {near.rsplit('.', 1)[-1]} ({near})?") if near else ("", "")
                out.append((fp, f"参数 {path} 在本地区和全国文件里都没有，通知只能修改已有的参数{hint[0]}",
                            f"parameter {path} does not exist; a notice changes existing parameters only{hint[1]}"))
            if not isinstance(fig, dict) or "value" not in fig:
                out.append((fp, "每个数字要写 value", "each figure needs a value"))
                continue
            base_unit = _unit_of(own_by_path.get(path) or (national_paths.get(path) if isinstance(national_paths, dict) else None))
            if "unit" in fig and base_unit is not None and fig["unit"] != base_unit:
                out.append((fp, f"参数 {path} 的单位是 {base_unit}，通知不能改成 {fig['unit']!r}（比例仍写 0 到 1 之间的小数）",
                            f"{path} has unit {base_unit}; a notice cannot change it to {fig['unit']!r}"))
            extra = sorted(set(fig) - ALLOWED)
            if extra:
                out.append((fp, f"不认识的字段 {', '.join(extra)}", f"unknown field(s) {', '.join(extra)}"))
            if fig.get("provenance", "document") == "document" and not str(fig.get("cite", "")).strip():
                out.append((fp, "要写这个数字在通知里的条款（cite）", "a figure needs its clause in the notice (cite)"))
            base = own_by_path.get(path) or []
            later = [t for t in base if isinstance(t.get("since"), datetime.date)
                     and t["since"] > datetime.date(year, 1, 1)]
            if later:
                out.append((fp, f"本地区已有从 {later[0]['since']} 起的数字，{year}年通知不能插在前面",
                            f"the region already has a value from {later[0]['since']} on"))
    return out


def _unit_of(variants):
    """The unit of a parameter's raw variants (as check.entries merges them), or None."""
    if not variants:
        return None
    return variants[-1].get("unit", "yuan")


# A notice may also live outside the region file, in a local overlay file named in site-settings.toml
# (`overlays = ["notices/yangcheng-2026.toml"]`): `region = "<id>"` plus the same [update.<year>]
# blocks. The build copies each into calc/regions/ as _overlay_NN_<name>.toml (sitegen/overlays.py), so
# the wheel the browser runs carries it too; here they are merged into their region's data.
OVERLAY_PREFIX = "_overlay_"


def overlay_files() -> list:
    from importlib import resources
    return sorted((f for f in resources.files("calc.regions").iterdir()
                   if f.name.startswith(OVERLAY_PREFIX) and f.name.endswith(".toml")), key=lambda f: f.name)


def with_overlays(data: dict, overlays=None) -> dict:
    """`data` with the [update.<year>] blocks of the staged overlay files for its region added."""
    import tomllib
    rid = (data.get("region") or {}).get("id") if isinstance(data.get("region"), dict) else None
    extra = {}
    for f in (overlay_files() if overlays is None else overlays):
        o = tomllib.loads(f.read_text("utf-8")) if not isinstance(f, dict) else f
        if o.get("region") == rid:
            extra.update(o.get("update") or {})
    if not extra:
        return data
    return {**data, "update": {**(data.get("update") or {}), **extra}}


def apply(data: dict, national=None) -> dict:
    """The region data with its notices applied (a copy; the input is left as it is).
    `national`: a calc.params.Table to inherit labels from for paths only the national file has."""
    data = with_overlays(data)
    blocks = notices(data)
    if not blocks:
        return data
    data = copy.deepcopy(data)
    region = data.setdefault("region", {})
    docs = {y: {"document": region.get("document", ""), "date": str(region.get("document_date", "")),
                "title": region.get("title", ""), "notice": False} for y in region.get("years", [])}
    for year, block in blocks.items():
        start = datetime.date(year, 1, 1)
        end_before = start - datetime.timedelta(days=1)
        document = str(block.get("document", "")).strip()
        for path, fig in (block.get("figures") or {}).items():
            if not isinstance(fig, dict) or "value" not in fig:
                continue
            found = _locate(data, path)
            inherited = {}
            if found:
                parent, key, defaults = found
                leaf = parent[key]
                variants = leaf if isinstance(leaf, list) else [leaf]
                for v in variants:
                    merged = {**defaults, **v}
                    if _in_force(merged, start):
                        v["until"] = end_before
                        inherited = merged
                inherited = inherited or {**defaults, **variants[-1]}
                inherited = {k: inherited[k] for k in INHERIT if k in inherited}
                # the replaced figure's table may set since/until/cite/reason by _defaults: state them
                new = {"since": start, "until": None, "cite": "", "reason": "",
                       "provenance": "document", "plain": "", **inherited, **fig, "document": document,
                       "covers_until": None}  # the notice covers its own year: never "carried forward"
                if "unit" in inherited:  # a notice never changes a figure's unit (a ratio stays a ratio)
                    new["unit"] = inherited["unit"]
                parent[key] = [*variants, new]
            else:
                base = national.by_path.get(path, [None])[-1] if national is not None else None
                if base is not None:
                    inherited = {k: getattr(base, k) for k in INHERIT if getattr(base, k, "")}
                parent, key = _ensure(data, path)
                parent[key] = {"since": start, "until": None, "provenance": "document", **inherited, **fig,
                               "document": document, "covers_until": None}
        years = sorted(set(region.get("years", [])) | {year})
        region["years"] = years
        docs[year] = {"document": document, "date": str(block.get("date", "")),
                      "title": str(block.get("title", "")), "notice": True}
    region["year_documents"] = {y: docs[y] for y in sorted(docs)}
    return data


def year_documents(region_meta: dict) -> dict:
    """{year: {document, date, title, notice}}: which document each year's figures come from."""
    given = region_meta.get("year_documents")
    if given:
        return {int(y): d for y, d in given.items()}
    return {y: {"document": region_meta.get("document", ""), "date": str(region_meta.get("document_date", "")),
                "title": region_meta.get("title", ""), "notice": False} for y in region_meta.get("years", [])}
