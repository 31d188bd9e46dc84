"""Region parameters: one TOML per region plus `_national.toml` (figures shared by all regions).

A parameter is any TOML table holding `value`; a list of such tables is one parameter with dated
variants (since/until). Paths are the dotted TOML keys. A table's `_defaults` (rule, cite,
provenance, since, until, unit, kind) are inherited by every parameter below it, so a region file
states its document once and each parameter cites only its section.

A document that states its rules only for some years says so with `covers_until` (a date, inherited
like the rest): a document parameter in force after that date is split in two, the document's up to
the date and, from the next day, the same figure as an assumption ("carried forward", reason
`carry_reason`); `carry = false` drops it after the date instead.

Lookup: the region's own variant active in the year, else the national one. Citations, rule ids
and identity lists all come from here; the engine never names a region or a rule.
"""
import datetime
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

from . import vocab
from .money import pct, points

UNITS = ("yuan", "ratio", "count", "text", "ids", "date")
# Ratio keys that state a change in percentage points (ratio_bonus: "提高5个百分点", outside_ratio_cut).
POINTS_KEYS = ("_bonus", "_cut")
PROVENANCE = tuple(vocab.PROVENANCE)
MAX_VIEWS = 32   # resolved (year, overrides) views kept per region
INHERITED = ("rule", "cite", "provenance", "since", "until", "unit", "kind", "reason", "who",
             "covers_until", "carry", "carry_reason")


class ParamError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Rule:
    id: str
    region: str
    title: str
    plain: str
    section: str
    cite: str      # document number + section
    anchor: str


@dataclass(frozen=True)
class Param:
    path: str
    label: str
    plain: str
    value: object
    unit: str
    provenance: str
    cite: str          # shown citation: "<document> <section>" for document figures, the source otherwise
    reason: str
    since: Optional[datetime.date]
    until: Optional[datetime.date]
    rule: str
    kind: str = ""     # "floor" / "target" when the document states only that
    who: str = ""      # for whom, in words (empty: derived from the path)
    reading: str = ""  # how we read an ambiguous clause, where it changes the amount ...
    alternative: str = ""  # ... and the other reading
    reading_for: tuple = ()  # identities the reading concerns even when the list leaves them out
    alternative_figures: tuple = ()  # ((path, value), ...): the figures the other reading gives (its amount)
    carried: bool = False    # a document figure carried past the years the document covers (an assumption)
    overridden: bool = False

    @cached_property
    def display(self) -> str:
        v = self.value
        if self.unit == "ratio" and self.path.rsplit(".", 1)[-1].endswith(POINTS_KEYS):
            d = points(v)    # "提高5个百分点": 60% -> 65%, never "5%" (which reads as 60% -> 63%)
        elif self.unit == "ratio":
            d = pct(v)
        elif self.unit == "yuan":
            d = f"{v:,.2f}".removesuffix(".00") + " 元"
        elif self.unit == "ids":
            d = "、".join(vocab.identity_label(i) for i in v)
        elif self.unit == "text" and self.plain:
            d = self.plain
        else:
            d = str(v)
        if self.kind == "floor":
            d = "不低于" + d
        elif self.kind == "target":
            d = "约" + d
        return d

    @cached_property
    def figure(self):
        """This parameter as a trace step lists it (one object per parameter: steps share it)."""
        from .model import Figure
        return Figure(self.path, self.label, str(self.value) if self.unit != "ids" else ",".join(self.value),
                      self.display, self.provenance, self.cite if self.provenance != "assumption" else self.reason)

    @property
    def edit(self) -> str:
        """The value as a person types it in 高级: ratios as percent numbers ("75")."""
        if self.unit == "ratio":
            return f"{(self.value * 100).normalize():f}"
        return f"{self.value.normalize():f}" if isinstance(self.value, Decimal) else str(self.value)

    def active(self, year: Optional[int]) -> bool:
        if year is None:
            return True
        day = datetime.date(year, 7, 1)  # mid-year: the benefit year's rules
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


def _convert(unit, raw, path):
    if unit == "ids":
        ids = list(raw) if isinstance(raw, list) else [x.strip() for x in str(raw).split(",") if x.strip()]
        unknown = [i for i in ids if i not in vocab.IDENTITIES]
        if unknown:
            raise ValueError(f"{path}: unknown identities {unknown}")
        return tuple(ids)
    if unit in ("text", "date"):
        return str(raw)
    return Decimal(str(raw))


class Table:
    """Parameters of one TOML file, by path (several dated variants per path)."""

    def __init__(self, data: dict, document: str):
        self.document = document
        meta = data.get("_meta", {})
        self.year_notes = {int(k): v for k, v in meta.get("year_notes", {}).items()}
        self.carried_from, self.carried_note = meta.get("carried_from"), meta.get("carried_note", "")
        self.by_path: dict[str, list[Param]] = {}
        self._walk(data, "", {})

    def _walk(self, node, prefix, defaults):
        defaults = {**defaults, **node.get("_defaults", {})}
        for key, val in node.items():
            # [update.<year>] blocks are notices, not parameters: calc/updates.py has already put
            # each of their figures where it belongs, as a dated variant of the figure it replaces.
            if key.startswith("_") or (not prefix and key in ("region", "rules", "update")):
                continue
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(val, dict) and "value" in val:
                self._add(path, {**defaults, **val})
            elif isinstance(val, list) and val and isinstance(val[0], dict) and "value" in val[0]:
                for v in val:
                    self._add(path, {**defaults, **v})
            elif isinstance(val, dict):
                self._walk(val, path, defaults)

    def _add(self, path, t):
        covers = t.get("covers_until")
        if covers is not None and t.get("provenance") in ("document", "public") \
                and (t.get("until") is None or t["until"] > covers):
            since = t.get("since")
            if since is None or since <= covers:
                self._add(path, {**t, "until": covers, "covers_until": None})
            if t.get("carry", True):
                after = covers + datetime.timedelta(days=1)
                self._add(path, {**t, "since": max(since, after) if since else after, "covers_until": None,
                                 "provenance": "assumption", "cite": "", "reason": t.get("carry_reason", ""),
                                 "reading": "", "alternative": "", "reading_for": (), "alternative_figures": {},
                                 "_carried": True})
            return
        unit = t.get("unit", "yuan")
        prov = t.get("provenance", "")
        if unit not in UNITS or prov not in PROVENANCE:
            raise ValueError(f"{path}: bad unit {unit!r} or provenance {prov!r}")
        cite = t.get("cite", "")
        if prov == "document":  # a year's notice (calc/updates.py) names its own document
            cite = f"{t.get('document') or self.document} {cite}".strip()
        p = Param(path=path, label=t.get("label", ""), plain=t.get("plain", ""),
                  value=_convert(unit, t["value"], path), unit=unit, provenance=prov, cite=cite,
                  reason=t.get("reason", ""), since=t.get("since"), until=t.get("until"),
                  rule=t.get("rule", ""),
                  kind=t.get("kind", ""), who=t.get("who", ""),
                  reading=t.get("reading", ""), alternative=t.get("alternative", ""),
                  reading_for=tuple(t.get("reading_for", ())), carried=bool(t.get("_carried")),
                  alternative_figures=tuple(sorted((t.get("alternative_figures") or {}).items())))
        self.by_path.setdefault(path, []).append(p)

    def year_note(self, year):
        """The note for `year`: its own, else the carried-forward note from `carried_from` on."""
        if year in self.year_notes:
            return self.year_notes[year]
        if self.carried_note and self.carried_from is not None and year >= self.carried_from:
            return self.carried_note.format(year=year)
        return None

    def get(self, path, year):
        for p in self.by_path.get(path, ()):
            if p.active(year):
                return p
        return None


class RegionParams:
    def __init__(self, data: dict, national: Optional[Table]):
        self.meta = dict(data["region"])
        self.id = self.meta["id"]
        self.document = self.meta["document"]
        self.own = Table(data, self.document)
        self.national = national
        from .schema import problem   # a misspelled key is never read as absent: refuse the data
        for path in self.own.by_path:
            if (bad := problem(path)) is not None:
                raise ValueError(f"{self.id}: {bad[1]} / {bad[0]}")
        self.rules = {rid: Rule(rid, self.id, r["title"], r["plain"], r["section"],
                                f"{self.document} {r['section']}", rid.lower())
                      for rid, r in data.get("rules", {}).items()}
        self.identities = dict(self.meta["identities"])          # offered: id -> document's words
        self.identity_notes = dict(self.meta.get("identity_notes", {}))  # id -> what the clause gives them
        self.migrate = dict(self.meta.get("migrate", {}))         # legacy id -> (new id)
        self.years = list(self.meta["years"])
        self.default_year = self.meta.get("default_year", max(self.years))
        self.places = dict(self.meta.get("places", vocab.PLACE_SHORT))
        self.migrate_places = dict(self.meta.get("migrate_places", {}))
        self.migrate_overrides = dict(self.meta.get("migrate_overrides", {}))
        self.local = None             # the office's own figures (calc/local.py), consulted first
        self._groups = {}
        self._paths = None
        self._views = OrderedDict()   # (year, overrides) -> {path: Param}, least recently used first
        self.memo = {}                # what callers derive once per year (keys hold one of self.years)
        own = {int(k): v for k, v in self.meta.get("year_notes", {}).items()}
        notices = {int(y): d for y, d in self.meta.get("year_documents", {}).items() if d.get("notice")}
        for y, d in notices.items():      # a notice's year says what it renews and what is carried
            own.setdefault(y, self._notice_note(y, d))
        shared = {y: n for y in self.years if national and (n := national.year_note(y))}
        self.year_notes = {y: "".join(n for n in (own.get(y), shared.get(y)) if n)
                           for y in self.years if y in own or y in shared}

    def _notice_note(self, year, doc) -> str:
        """{year}年: which figures the year's notice renews, and which carry on from earlier years."""
        view = self.view(year)
        renewed = [p for p in view.values() if p.provenance == "document" and p.since is not None
                   and p.since.year == year and p.cite.startswith(doc["document"])]
        carried = [p for p in view.values() if p.carried and not p.path.startswith("notes.")]
        own_carried = [p for p in carried if p in self.own.by_path.get(p.path, ())]
        national_carried = [p for p in carried if p not in own_carried]
        note = f"{year}年：{doc['document']}更新了{'、'.join(dict.fromkeys(p.label for p in renewed))}。"
        by_year: dict = {}        # the year a figure was last stated -> the rules it belongs to
        for p in own_carried:
            rule = self.rules.get(p.rule)
            title = rule.title if rule else p.label
            if any(q.rule == p.rule for q in renewed):   # the notice renews part of this rule
                title += "的适用对象" if p.unit == "ids" else f"的{p.label}"
            by_year.setdefault(p.since.year - 1, {})[title] = None
        for last, titles in sorted(by_year.items()):
            note += f"沿用{last}年的规定和数字（按假设计算）：{'、'.join(titles)}。"
        for p in national_carried:
            note += f"{p.label}没有{year}年的新数，沿用{p.since.year - 1}年的 {p.display}（假设）。"
        return note

    def add_local(self, table) -> None:
        """Put an office's figures (a Table of provenance `local`) before the region's own."""
        self.local = table
        self._groups, self._paths, self.memo = {}, None, {}
        self._views.clear()

    def groups(self, prefix):
        """Names of the tables directly under `prefix` that carry an `identities` list."""
        cached = self._groups.get(prefix)
        if cached is None:
            head = prefix + "."
            cached = self._groups[prefix] = [
                k[len(head):-len(".identities")] for k in self.paths()
                if k.startswith(head) and k.endswith(".identities") and k.count(".") == prefix.count(".") + 2]
        return cached

    def children(self, prefix):
        """Names of the tables directly under `prefix` (e.g. the region's notes)."""
        head = prefix + "."
        return list(dict.fromkeys(k[len(head):].split(".")[0] for k in self.paths()
                                  if k.startswith(head) and k.count(".") > prefix.count(".") + 1))

    def _tables(self):
        return tuple(t for t in (self.local, self.own, self.national) if t is not None)

    def paths(self):
        if self._paths is None:
            seen = {}
            for t in self._tables():
                for k in t.by_path:
                    seen.setdefault(k, None)
            self._paths = tuple(seen)
        return list(self._paths)

    def parameters(self, year=None):
        """Every parameter in force in `year` (all variants when year is None), region first."""
        if year is None:
            for path in self.paths():
                for t in self._tables():
                    yield from t.by_path.get(path, ())
        else:
            yield from self.view(year).values()

    def lookup(self, path, year) -> Optional[Param]:
        """The region's variant of `path` in force in `year`, else the national one (no cache)."""
        return next((q for t in self._tables() if (q := t.get(path, year)) is not None), None)

    def view(self, year, overrides=None) -> dict:
        """{path: Param} of every parameter in force in `year`, with `overrides` applied: resolved
        once per year and overrides, so a step's read is one dictionary lookup. The views kept are
        bounded (MAX_VIEWS, least recently used dropped): overrides come from anyone's link."""
        key = (year, tuple(sorted(overrides.items())) if overrides else ())
        views = self._views
        found = views.get(key)
        if found is not None:
            views.move_to_end(key)
            return found
        if overrides:
            found = dict(self.view(year))
            for path, value in overrides.items():
                if path in found:
                    found[path] = replace(found[path], value=value, overridden=True)
        else:
            found = {path: p for path in self.paths() if (p := self.lookup(path, year)) is not None}
        views[key] = found
        if len(views) > MAX_VIEWS:
            views.popitem(last=False)
        return found

    def get(self, path, year, overrides=None) -> Optional[Param]:
        return self.view(year, overrides).get(path)

    @staticmethod
    def label_level(level):
        return vocab.LEVELS.get(level, level)

    def label_of(self, ident):
        return self.identities.get(ident) or vocab.identity_label(ident)

    def who_of(self, p: Param, year=None) -> str:
        """For whom a parameter holds, in words: its own `who`, else its table's identity list."""
        if p.who:
            return p.who
        ids = self.get(p.path.rsplit(".", 1)[0] + ".identities", year)
        if ids is not None and ids is not p:
            return "、".join(self.label_of(i) for i in ids.value)
        return "所有参保人"


MAX_OVERRIDE_YUAN = Decimal("10000000")
ASCII_NUMBER = frozenset("0123456789.")


def parse_override(p: Param, raw) -> Decimal:
    """A plain decimal with bounded digits ("500", "0.75", "75%"); ratios between 0 and 100%."""
    field = f"overrides.{p.path}"
    if isinstance(raw, int) and raw.bit_length() > 64:   # before str(): 4,300+ digits raise there
        raw = "9" * 17                                    # refused below as too many digits
    text = str(raw).strip().translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%")) \
        if isinstance(raw, (str, int, Decimal)) and not isinstance(raw, bool) else None
    if isinstance(raw, float) and raw == raw and abs(raw) < 1e12:
        text = repr(raw)
    percent = bool(text) and text.endswith("%")
    body = text[:-1].strip() if percent else text
    # ASCII digits only: str.isdigit() also accepts ², ① and ⁵, which Decimal cannot read.
    if not body or len(body) > 16 or not all(c in ASCII_NUMBER for c in body) or body.count(".") > 1 \
            or body == ".":
        if body and any(c.isdigit() and c not in ASCII_NUMBER for c in body):
            raise ParamError(field, f"“{p.label}”只能用 0—9 的数字填写，不能用 ²、① 这类符号")
        raise ParamError(field, f"“{p.label}”须填一个不小于0的数字" + ("（百分数如 75%）" if p.unit == "ratio" else ""))
    d = Decimal(body)
    if p.unit == "ratio":
        if percent:
            d = d / 100
        if d > 1:
            raise ParamError(field, f"“{p.label}”是比例，须在0%到100%之间（如 75%）")
        return d.quantize(Decimal("0.0001")).normalize()
    if percent:
        raise ParamError(field, f"“{p.label}”是金额，请填数字，不要加%")
    if d > MAX_OVERRIDE_YUAN:
        raise ParamError(field, f"“{p.label}”金额太大，请填当地文件里的数字（最多 {MAX_OVERRIDE_YUAN:,} 元）")
    if 0 < d < Decimal("0.01"):
        raise ParamError(field, f"“{p.label}”不到 1 分钱（0.01 元），请检查")
    return d.quantize(Decimal("0.01")).normalize()


def check_overrides(rp: RegionParams, year, raw: dict) -> dict:
    """Validate user overrides: only `assumption` parameters may change; Chinese errors."""
    out = {}
    for path, val in raw.items():
        safe = _safe(path)
        p = rp.get(path, year) if isinstance(path, str) and len(path) <= 80 else None
        if p is None:
            raise ParamError(f"overrides.{safe}", f"没有名为“{safe}”的可修改参数")
        if p.provenance == "local":
            raise ParamError(f"overrides.{path}", f"“{p.label}”是当地医保部门规定的本地标准，不能修改")
        if p.provenance != "assumption":
            raise ParamError(f"overrides.{path}", f"“{p.label}”是文件或公开来源规定的数字，不能修改")
        if p.unit not in ("yuan", "ratio"):
            raise ParamError(f"overrides.{path}", f"“{p.label}”不能修改")
        out[path] = parse_override(p, val)
    return out


def _safe(s):
    return "".join(ch for ch in str(s) if ch not in "<>&\"'")[:60]


# ---- registry -------------------------------------------------------------------------------
_FILES: dict[str, object] = {}     # region id -> Traversable/Path of its TOML


def _read(f) -> dict:
    return tomllib.loads(f.read_text("utf-8"))


@lru_cache(maxsize=None)
def national() -> Table:
    f = resources.files("calc.regions").joinpath("_national.toml")
    data = _read(f)
    return Table(data, data.get("_meta", {}).get("document", ""))


def _discover():
    if not _FILES:
        found = []
        for f in resources.files("calc.regions").iterdir():
            if f.name.endswith(".toml") and not f.name.startswith("_"):
                data = _read(f)
                found.append((data["region"].get("order", 99), data["region"]["id"], f))
        for _, rid, f in sorted(found):
            _FILES[rid] = f


def region_ids() -> tuple:
    _discover()
    return tuple(_FILES)


def register(path) -> str:
    """Add a region from a TOML file outside the package (a sixth region: data, no Python)."""
    _discover()
    data = _read(Path(path))
    rid = data["region"]["id"]
    _FILES[rid] = Path(path)
    load.cache_clear()
    return rid


def unregister(region_id: str) -> None:
    _FILES.pop(region_id, None)
    load.cache_clear()


@lru_cache(maxsize=None)
def load(region_id: str) -> RegionParams:
    _discover()
    if region_id not in _FILES:
        raise KeyError(region_id)
    from .updates import apply  # publish: a year's notice block ([update.<year>]) from data alone
    from .local import table as local_table  # the office's own figures, from its office file
    rp = RegionParams(apply(_read(_FILES[region_id]), national()), national())
    loc = local_table(region_id, rp)
    if loc is not None:
        rp.add_local(loc)
    return rp


def __getattr__(name):
    if name == "REGIONS":  # the regions shipped with calc (kept for older callers)
        return region_ids()
    raise AttributeError(name)
