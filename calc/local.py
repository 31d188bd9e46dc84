"""The office's own figures: what a county 医保局 states where its notice leaves the figure to it.

An office file is named in site-settings.toml like a notice overlay (`overlays = [...]`, staged by
sitegen/overlays.py as calc/regions/_overlay_NN_<name>.toml) and holds a `[local]` block:

    region = "chongqing"
    [local]
    office = "重庆市渝北区医疗保障局"
    document = "渝北区医保局 政策问答"          # the office's own document
    date = 2023-10-30
    years = [2023]                              # optional: the years these figures hold (default: all)
    [local.figures]
    "basic.level2.deductible" = { value = "300", cite = "问答一" }
    "assistance.others.ratio" = { value = "0.70", cite = "问答一" }
    "tilt.threshold" = { value = "3000", cite = "问答一" }
    "tilt.dibao_edge.identities" = { value = ["dibao_edge"], unit = "ids", cite = "问答一" }
    "tilt.dibao_edge.ratio" = { value = "0.60", cite = "问答一" }

A local figure may state a figure for a year the region already has, replace an assumed or public
figure, raise a "不低于" figure (never lower it), or add a layer the engine has a step for, with
the keys another region's file uses (tilt.threshold, tilt.<group>.identities, tilt.<group>.ratio …).
It never replaces a figure the notice states exactly, never changes a figure's unit, and cites the
office's document and clause. Its provenance is `local` (本地标准). The figures form a table that
calc.params consults before the region's own (no dated variant of the notice is touched).
"""
from __future__ import annotations

import datetime
import tomllib
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from . import vocab

ALLOWED = {"value", "cite", "plain", "label", "unit", "who", "reading", "alternative"}
BLOCK_KEYS = {"office", "document", "date", "years", "source", "figures"}
# What a local figure takes over from the figure (or the other region's key) it stands for; not the
# notice's rule: the office's figure cites the office's document, never the notice's clause.
INHERIT = ("label", "unit", "who")

_EXTRA: list = []   # office files registered outside calc/regions (tests, `calc check FILE`)


def register(path) -> None:
    """Use the office file at `path` as if the build had staged it."""
    _EXTRA.append(Path(path))
    _clear()


def unregister(path) -> None:
    _EXTRA[:] = [p for p in _EXTRA if p != Path(path)]
    _clear()


def _clear():
    from . import params
    params.load.cache_clear()
    _shipped_tables.cache_clear()


def blocks(region_id: str) -> list:
    """The [local] blocks of the staged and registered office files for this region."""
    from .updates import overlay_files
    out = []
    for f in [*overlay_files(), *_EXTRA]:
        try:
            data = tomllib.loads(f.read_text("utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue   # `calc check` names the fault; the build refuses such a file
        if data.get("region") == region_id and isinstance(data.get("local"), dict):
            out.append(data["local"])
    return out


# ---- which keys exist: the region's own, the national file's, and those of another region -------
def _shape(path: str) -> str:
    """`tilt.dibao_edge.ratio` -> `tilt.*.ratio`: a group's key, whatever the group is called."""
    parts = path.split(".")
    if len(parts) >= 3:
        parts[-2] = "*"
    return ".".join(parts)


@lru_cache(maxsize=1)
def _shipped_tables() -> tuple:
    """Every shipped region's own figures (notices applied, no office figures)."""
    from . import params
    from .updates import apply
    out = []
    for rid in params.region_ids():
        data = apply(params._read(params._FILES[rid]), params.national())
        out.append(params.Table(data, data["region"]["document"]))
    return tuple(out)


def known(rp, path: str, year=None):
    """The figure `path` stands for: the region's (or national) figure in force in `year`, else a
    figure of the same key in another region's file (for a layer the region lacks), else None."""
    p = rp.get(path, year) if year is not None else next(
        (q for t in rp._tables() for q in t.by_path.get(path, ())), None)
    if p is not None:
        return p, True
    shape = _shape(path)
    for table in _shipped_tables():
        for other, variants in table.by_path.items():
            if other == path or _shape(other) == shape:
                return variants[-1], False
    return None, False


def _years(block, region_years) -> list:
    years = block.get("years")
    return list(region_years) if years is None else list(years)


def _spans(years) -> list:
    """[(since, until)] of the contiguous runs of `years`."""
    out = []
    for y in sorted(set(years)):
        if out and out[-1][1].year == y - 1:
            out[-1] = (out[-1][0], datetime.date(y, 12, 31))
        else:
            out.append((datetime.date(y, 1, 1), datetime.date(y, 12, 31)))
    return out


def table(region_id: str, rp_without_local):
    """A calc.params.Table of this region's local figures (None when there are none)."""
    found = blocks(region_id)
    if not found:
        return None
    from .params import Table
    data: dict = {}
    for block in found:
        document = str(block.get("document", "")).strip()
        spans = _spans(_years(block, rp_without_local.years))
        for path, fig in (block.get("figures") or {}).items():
            if not isinstance(fig, dict) or "value" not in fig:
                continue
            base, _ = known(rp_without_local, path)
            inherited = {k: getattr(base, k) for k in INHERIT if base is not None and getattr(base, k, "")}
            node = data
            parts = path.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            variants = node.setdefault(parts[-1], [])
            row = {**inherited, **{k: v for k, v in fig.items() if k in ALLOWED}}
            if "unit" in inherited:
                row["unit"] = inherited["unit"]   # an office never changes a figure's unit
            for since, until in spans:
                variants.append({**row, "provenance": "local", "since": since, "until": until, "reason": document,
                                 "cite": f"{document} {str(fig.get('cite', '')).strip()}".strip()})
    try:
        return Table(data, "")
    except (ValueError, ArithmeticError, TypeError, KeyError):
        return None   # an unchecked, malformed file: `calc check` names the fault; compute with the notice


# ---- checking an office file within its region ----------------------------------------------------
def _number(v):
    if isinstance(v, bool) or isinstance(v, (list, dict, datetime.date)):
        return None
    try:
        d = Decimal(str(v).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def check(block, rp) -> list:
    """[(path, zh, en)] for an office file's [local] block, checked within its region `rp`
    (calc.params.RegionParams without local figures)."""
    out = []
    P = lambda path, zh, en: out.append((path, zh, en))
    if not isinstance(block, dict):
        return [("local", "[local] 应是一个表", "[local] must be a table")]
    for key in sorted(set(block) - BLOCK_KEYS):
        P(f"local.{key}", f"[local] 里不认识的字段 {key}", f"unknown field {key} in [local]")
    for key, zh in (("office", "单位名称（office，如 重庆市渝北区医疗保障局）"), ("document", "本地文件名称（document）")):
        if not str(block.get(key, "")).strip():
            P(f"local.{key}", f"要写{zh}", f"[local] needs its {key}")
    if not isinstance(block.get("date"), datetime.date):
        P("local.date", "要写本地文件的日期，如 date = 2023-10-30（不加引号）", "[local] needs its date, e.g. 2023-10-30")
    years = block.get("years")
    if years is not None and (not isinstance(years, list) or not years
                              or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        P("local.years", "years 应是年份列表，如 [2023]", "years must be a list of years, e.g. [2023]")
        years = None
    elif years is not None:
        outside = [y for y in years if y not in rp.years]
        if outside:
            P("local.years", f"{outside[0]}年不在本地区的年份里（{'、'.join(map(str, rp.years))}）；新的一年请用年度通知 [update.年份]",
              f"{outside[0]} is not one of the region's years; a new year comes with a notice")
            years = [y for y in years if y in rp.years]
    years = rp.years if years is None else years
    figures = block.get("figures")
    if not isinstance(figures, dict) or not figures:
        P("local.figures", "本地文件没有数字（[local.figures]）", "an office file without figures")
        return out
    local_ids = {}
    for path, fig in figures.items():
        fp = f'local.figures."{path}"'
        if not isinstance(fig, dict) or "value" not in fig:
            P(fp, "每个数字要写 value", "each figure needs a value")
            continue
        extra = sorted(set(fig) - ALLOWED)
        if extra:
            P(fp, f"不认识的字段 {', '.join(extra)}", f"unknown field(s) {', '.join(extra)}")
        if not str(fig.get("cite", "")).strip():
            P(fp, "要写这个数字在本地文件里的条款（cite）", "a local figure needs its clause in the office's document (cite)")
        base, own = known(rp, path)
        if base is None:
            P(fp, f"参数 {path} 本站不认识：本地、全国和其他地区的文件里都没有这个键，计算用不上它",
              f"parameter {path} is not a key any region file uses; the engine has no step for it")
            continue
        unit = base.unit
        if "unit" in fig and fig["unit"] != unit:
            P(fp, f"“{base.label}”的单位是 {unit}，本地文件不能改成 {fig['unit']!r}",
              f"{path} has unit {unit}; an office file cannot change it to {fig['unit']!r}")
            continue
        value = fig["value"]
        if unit in ("yuan", "ratio", "count"):
            d = _number(value)
            if d is None:
                P(fp, f"数值 {value!r} 不是数字", f"value {value!r} is not a number")
                continue
            if unit == "ratio" and not (0 <= d <= 1):
                P(fp, f"比例应在0到1之间（如 0.70 表示70%），现在是 {value}", f"a ratio must be within 0-1, got {value}")
                continue
            if d < 0:
                P(fp, f"金额不能小于0，现在是 {value}", f"an amount must be >= 0, got {value}")
                continue
        elif unit == "ids":
            ids = value if isinstance(value, list) else []
            bad = [i for i in ids if i not in rp.identities]
            if not ids or bad:
                P(fp, f"身份 {bad[0] if bad else value!r} 不是本地区文件列出的身份（{'、'.join(rp.identities)}）",
                  f"identity {bad[0] if bad else value!r} is not one the region offers")
                continue
            local_ids[path] = ids
        if own:
            for y in years:
                p = rp.get(path, y)
                if p is None:
                    continue
                if p.provenance == "document" and p.kind == "floor":
                    d = _number(value)
                    if d is not None and d < p.value:
                        P(fp, f"{y}年：文件规定“{p.label}”不低于 {p.display.removeprefix('不低于')}（{p.cite}），本地标准不能低于它",
                          f"{y}: the notice's floor for {path} is {p.value} ({p.cite}); a local figure cannot be below it")
                        break
                elif p.provenance == "document":
                    P(fp, f"{y}年：“{p.label}”是文件规定的数字（{p.display}，{p.cite}），本地标准只能写文件留给当地的数字"
                          "（假设的、“不低于”的或文件没有的）",
                      f"{y}: {path} is stated by the notice ({p.cite}); an office states only what the notice leaves to it")
                    break
    # a new group needs its identity list, in the file or in the region
    for path in figures:
        parts = path.split(".")
        if len(parts) >= 3 and parts[-1] != "identities":
            ids_path = ".".join(parts[:-1]) + ".identities"
            base, own = known(rp, path)
            if base is not None and not own and ids_path not in figures and rp.get(ids_path, years[0]) is None:
                P(f'local.figures."{path}"', f"新加的一组要写适用对象 {ids_path}",
                  f"a new group needs its identity list {ids_path}")
    return out


def check_groups(block, rp) -> list:
    """Caps ≥ thresholds (calc.check's words) with the local figures in place: [(path, zh, en)]."""
    from .check import CAP_WORDS, FLOOR_WORDS
    out = []
    figures = block.get("figures") if isinstance(block, dict) else None
    if not isinstance(figures, dict):
        return out
    years = [y for y in block.get("years")] if isinstance(block.get("years"), list) else rp.years
    heads = {path.rpartition(".")[0] for path in figures}
    for y in years:
        if y not in rp.years:
            continue
        for head in sorted(heads):
            keys = {k.rpartition(".")[2] for k in [*rp.paths(), *figures] if k.rpartition(".")[0] == head}
            vals = {}
            for k in keys:
                fig = figures.get(f"{head}.{k}")
                if isinstance(fig, dict):
                    d = _number(fig.get("value"))
                else:
                    p = rp.get(f"{head}.{k}", y)
                    d = p.value if p is not None and p.unit == "yuan" else None
                if d is not None:
                    vals[k] = d
            for ck, cv in vals.items():
                if not any(w in ck for w in CAP_WORDS):
                    continue
                for fk, fv in vals.items():
                    if any(w in fk for w in FLOOR_WORDS) and cv < fv:
                        out.append((f"local.figures.\"{head}.{ck}\"", f"{y}年：封顶/限额 {head}.{ck} = {cv} 小于起付线 {head}.{fk} = {fv}",
                                    f"{y}: cap {head}.{ck} = {cv} is below threshold {head}.{fk} = {fv}"))
                        return out
    return out
