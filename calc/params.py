"""Region parameters: one TOML per region, dated values, provenance, user overrides.

A parameter is any TOML table holding a `value`; a list of such tables is one parameter
with several dated variants (since/until). Paths are the dotted TOML keys.
"""
import datetime
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Optional

from .money import pct

REGIONS = ("xianning", "yangcheng", "dongzhi", "yiyuan", "chongqing")
UNITS = ("yuan", "ratio", "count", "text")
PROVENANCE = ("document", "public", "assumption")


class ParamError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Param:
    path: str
    label: str
    plain: str
    value: object
    unit: str
    provenance: str
    cite: str
    reason: str
    since: Optional[datetime.date]
    until: Optional[datetime.date]
    rule: str
    kind: str = ""          # "floor" / "target" when the document states only that
    overridden: bool = False

    @property
    def display(self) -> str:
        v = self.value
        if self.unit == "ratio":
            d = pct(v)
        elif self.unit == "yuan":
            d = f"{v:,f} 元".replace(".00 元", " 元")
        else:
            d = str(v)
        if self.kind == "floor":
            d = "不低于" + d
        elif self.kind == "target":
            d = "约" + d
        return d

    def active(self, year: Optional[int]) -> bool:
        if year is None:
            return True
        day = datetime.date(year, 7, 1)  # mid-year: the benefit year's rules
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


def _convert(unit, raw):
    if unit == "text":
        return str(raw)
    return Decimal(str(raw))


class RegionParams:
    def __init__(self, data: dict):
        self.meta = data["region"]
        self.id = self.meta["id"]
        self._by_path = {}
        self._walk(data, "")

    def _walk(self, node, prefix):
        for key, val in node.items():
            if key == "region" and not prefix:
                continue
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(val, dict) and "value" in val:
                self._add(path, val)
            elif isinstance(val, list) and val and isinstance(val[0], dict) and "value" in val[0]:
                for v in val:
                    self._add(path, v)
            elif isinstance(val, dict):
                self._walk(val, path)

    def _add(self, path, t):
        unit = t.get("unit", "yuan")
        p = Param(
            path=path, label=t.get("label", ""), plain=t.get("plain", ""),
            value=_convert(unit, t["value"]), unit=unit,
            provenance=t.get("provenance", ""), cite=t.get("cite", ""),
            reason=t.get("reason", ""), since=t.get("since"), until=t.get("until"),
            rule=t.get("rule", ""), kind=t.get("kind", ""))
        self._by_path.setdefault(path, []).append(p)

    def parameters(self, year=None):
        for variants in self._by_path.values():
            for p in variants:
                if p.active(year):
                    yield p

    def paths(self):
        return list(self._by_path)

    def get(self, path, year, overrides=None) -> Optional[Param]:
        for p in self._by_path.get(path, ()):
            if p.active(year):
                if overrides and path in overrides:
                    return replace(p, value=overrides[path], overridden=True)
                return p
        return None

    def check_overrides(self, year, raw: dict) -> dict:
        """Validate user overrides: only `assumption` parameters may change."""
        out = {}
        for path, val in raw.items():
            field = f"overrides.{path}"
            p = self.get(path, year)
            if p is None:
                raise ParamError(field, f"没有名为“{_safe(path)}”的可修改参数")
            if p.provenance != "assumption":
                raise ParamError(field, f"“{p.label}”是文件或公开来源规定的数字，不能修改")
            if p.unit == "text":
                raise ParamError(field, f"“{p.label}”不能修改")
            try:
                d = Decimal(str(val).strip().replace("%", "")) if not isinstance(val, bool) else None
            except InvalidOperation:
                d = None
            if d is None or not d.is_finite() or d < 0:
                raise ParamError(field, f"“{p.label}”须填一个不小于0的数字")
            if p.unit == "ratio" and str(val).strip().endswith("%"):
                d = d / 100
            if p.unit == "ratio" and d > 1:
                raise ParamError(field, f"“{p.label}”是比例，须在0到1之间（或填百分数如75%）")
            if p.unit == "yuan" and d > Decimal("10000000"):
                raise ParamError(field, f"“{p.label}”数额过大")
            out[path] = d
        return out


def _safe(s):
    s = str(s)
    return "".join(ch for ch in s if ch not in "<>&\"'")[:60]


@lru_cache(maxsize=None)
def load(region_id: str) -> RegionParams:
    if region_id not in REGIONS:
        raise KeyError(region_id)
    text = resources.files("calc.regions").joinpath(f"{region_id}.toml").read_text("utf-8")
    return RegionParams(tomllib.loads(text))
