"""`python -m calc check [REGION_FILE ...]`: validate region data before it reaches a page.

With no argument, every shipped file (calc/regions/*.toml, _national.toml included). Each problem
is one line naming the file, the parameter path and what is wrong, in Chinese with English beside
it; the exit status is 1 when there is any. Checks:

- units and ranges: ratios within 0–1, yuan and counts ≥ 0, a table's caps (band uppers,
  ceilings, annual limits) ≥ its thresholds/deductibles, band uppers ascending (per year, the region's figures over the national);
- sources: a document or public figure has its clause (cite), an assumption its reason;
- dates: the dated variants of one parameter are contiguous and never overlap; since ≤ until;
- references: every rule id a parameter names is in the file's [rules]; every identity exists
  (calc/vocab.py); [region] has what the engine needs (id, name, document, years, identities);
- a year's notice (`[update.<year>]`, see calc/updates.py) names its document and date and only
  changes parameters the region already has;
- every parameter path is one a step reads (calc/schema.py): a misspelled key is refused with the
  nearest declared one, never read as absent.

Standard library only, like the rest of calc.
"""
from __future__ import annotations

import datetime
import re
import sys
import tomllib
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from . import schema, vocab
from .params import PROVENANCE, UNITS

# Upper bounds of the same spending a threshold/deductible is measured on (band uppers, ceilings,
# annual limits). A payout cap (assistance `cap`: at most 1万 paid) is another quantity: an
# assistance threshold of 3万 in spending with a cap of 1万 paid is a real rule (沂源 YY-AST-3).
CAP_WORDS = ("upper", "ceiling", "annual_limit")
FLOOR_WORDS = ("threshold", "deductible")
BAND = re.compile(r"band(\d+)_upper$")


class Problem:
    def __init__(self, file: str, path: str, zh: str, en: str):
        self.file, self.path, self.zh, self.en = file, path, zh, en

    def __str__(self):
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.zh} ({self.en})"


def shipped_files() -> list:
    root = resources.files("calc.regions")
    return sorted((f for f in root.iterdir() if f.name.endswith(".toml")),
                  key=lambda f: (not f.name.startswith("_"), f.name))


def read_toml(f, name: str, out: list):
    """The TOML of `f` (a Path or Traversable), or None after adding a Problem."""
    try:
        raw = f.read_bytes()
    except OSError as e:
        out.append(Problem(name, "", f"读不了这个文件：{e.strerror}", f"cannot read the file: {e.strerror}"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if len(raw) > MAX_FILE_BYTES:
        out.append(Problem(name, "", f"文件太大（{len(raw):,} 字节，最多 {MAX_FILE_BYTES:,}），不像一份地区数据或通知",
                           f"the file is too large ({len(raw):,} bytes, at most {MAX_FILE_BYTES:,})"))
        return None
    try:  # as the settings file is read (sitegen/settings.py): UTF-8, else GBK (Windows 记事本)
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gbk")
        except UnicodeDecodeError:
            out.append(Problem(name, "", "文件编码看不懂（既不是UTF-8也不是GBK），请用记事本“另存为”UTF-8",
                               "the file is neither UTF-8 nor GBK; save it as UTF-8"))
            return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        out.append(Problem(name, "", f"TOML格式有误：{e}", f"not valid TOML: {e}"))
        return None


# ---- walking a file: every parameter variant with what it inherits --------------------------------
def entries(data: dict):
    """(path, merged table) for each parameter variant, in file order (as calc.params reads it)."""
    out = []

    def walk(node, prefix, defaults):
        defaults = {**defaults, **node.get("_defaults", {})}
        for key, val in node.items():
            if key.startswith("_") or (not prefix and key in ("region", "rules", "update")):
                continue
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(val, dict) and "value" in val:
                out.append((path, {**defaults, **val}))
            elif isinstance(val, list) and val and isinstance(val[0], dict) and "value" in val[0]:
                out.extend((path, {**defaults, **v}) for v in val)
            elif isinstance(val, dict):
                walk(val, path, defaults)

    walk(data, "", {})
    return out


# Bounds no real figure comes near: beyond them a figure is a typo or an attack (1e9999 is a finite
# Decimal, but no float, and the build's steps would fail on it without naming it).
MAX_YUAN = Decimal("1000000000")     # 十亿元
MAX_COUNT = Decimal("100000")
MAX_FILE_BYTES = 512 * 1024          # the largest region file is ~40 KB


def _decimal(v):
    if isinstance(v, bool) or isinstance(v, (list, dict, datetime.date)):
        return None
    try:
        d = Decimal(str(v).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def check_entry(name: str, path: str, t: dict, rules: set, out: list) -> None:
    P = lambda zh, en: out.append(Problem(name, path, zh, en))
    unit = t.get("unit", "yuan")
    prov = t.get("provenance", "")
    if unit not in UNITS:
        P(f"单位 unit = {unit!r} 不认识，应为 {'、'.join(UNITS)} 之一", f"unknown unit {unit!r}; one of {', '.join(UNITS)}")
        return
    if prov not in PROVENANCE:
        P(f"来源 provenance = {prov!r} 不认识，应为 document（文件）、public（公开数据）或 assumption（假设）",
          f"unknown provenance {prov!r}; one of document, public, assumption")
    value = t["value"]
    if unit in ("yuan", "ratio", "count"):
        d = _decimal(value)
        if d is None:
            P(f"数值 {value!r} 不是数字", f"value {value!r} is not a number")
        elif unit == "ratio" and not (0 <= d <= 1):
            P(f"比例应在0到1之间（如 0.70 表示70%），现在是 {value}", f"a ratio must be within 0-1, got {value}")
        elif d < 0:
            P(f"{'金额' if unit == 'yuan' else '次数'}不能小于0，现在是 {value}", f"{unit} must be >= 0, got {value}")
        elif unit == "yuan" and d > MAX_YUAN:
            P(f"金额 {str(value)[:20]} 太大（最多 {MAX_YUAN:,} 元），请检查", f"amount {str(value)[:20]} is too large (at most {MAX_YUAN:,})")
        elif unit == "count" and d > MAX_COUNT:
            P(f"次数 {str(value)[:20]} 太大（最多 {MAX_COUNT:,}），请检查", f"count {str(value)[:20]} is too large")
        elif unit == "count" and d != d.to_integral_value():
            P(f"次数应是整数，现在是 {value}", f"a count must be a whole number, got {value}")
    if unit == "ids":
        ids = value if isinstance(value, list) else [x.strip() for x in str(value).split(",") if x.strip()]
        for i in ids:
            if i not in vocab.IDENTITIES:
                P(f"身份 {i!r} 不存在（calc/vocab.py 里没有）", f"identity {i!r} does not exist in calc/vocab.py")
    for i in t.get("reading_for", ()):
        if i not in vocab.IDENTITIES:
            P(f"reading_for 里的身份 {i!r} 不存在", f"identity {i!r} in reading_for does not exist")
    if prov == "local":
        P("本地标准（provenance = \"local\"）只能写在本地文件的 [local] 里，不能写进地区文件",
          "a local figure belongs in an office file's [local] block, not in a region file")
    if prov in ("document", "public") and not str(t.get("cite", "")).strip():
        P("文件规定或公开数据的数字要写出处（cite：文件的条款或公开来源）",
          f"a {prov} figure needs its clause or source (cite)")
    if prov == "public" and isinstance(t.get("since"), datetime.date) and t.get("until") is None \
            and t.get("covers_until") is None:
        # A public figure states a value for its year; later years carry it forward, and say so.
        P("公开数据的最新一段要写它适用到哪一天（covers_until，如 2025-12-31），之后的年份才会标为“沿用（假设）”",
          "the latest variant of a public figure needs covers_until (e.g. 2025-12-31): later years are carried forward")
    if prov == "assumption" and not str(t.get("reason", "")).strip():
        P("假设的数字要写理由（reason）", "an assumption needs its reason (reason)")
    rule = t.get("rule", "")
    if rule and rule not in rules:
        P(f"规则 {rule!r} 不在本文件的 [rules] 里", f"rule id {rule!r} is not in this file's [rules]")
    for key in ("since", "until"):
        if t.get(key) is not None and not isinstance(t[key], datetime.date):
            P(f"{key} = {t[key]!r} 不是日期，请写成 2026-01-01 这样（不加引号）",
              f"{key} must be a TOML date such as 2026-01-01, got {t[key]!r}")
    s, u = t.get("since"), t.get("until")
    if isinstance(s, datetime.date) and isinstance(u, datetime.date) and s > u:
        P(f"开始日期 since {s} 晚于结束日期 until {u}", f"since {s} is after until {u}")


def check_dates(name: str, path: str, variants: list, out: list) -> None:
    """Dated variants of one parameter: contiguous, never overlapping."""
    if len(variants) < 2:
        return
    lo, hi = datetime.date.min, datetime.date.max
    spans = []
    for t in variants:
        s, u = t.get("since"), t.get("until")
        if not all(isinstance(x, (datetime.date, type(None))) for x in (s, u)):
            return  # reported by check_entry
        spans.append((s or lo, u or hi))
    spans.sort()
    for (s1, u1), (s2, u2) in zip(spans, spans[1:]):
        show = lambda d: "（不限）" if d in (lo, hi) else str(d)
        if s2 <= u1:
            out.append(Problem(name, path, f"日期重叠：{show(s1)}—{show(u1)} 和 {show(s2)}—{show(u2)} 两段都有值",
                               f"dated values overlap: {show(s1)}..{show(u1)} and {show(s2)}..{show(u2)}"))
        elif u1 + datetime.timedelta(days=1) != s2:
            out.append(Problem(name, path, f"日期不连续：{show(u1)} 结束后，下一段从 {show(s2)} 才开始",
                               f"dated values leave a gap: one ends {show(u1)}, the next starts {show(s2)}"))


def _active(variants: list, year: int):
    day = datetime.date(year, 7, 1)
    for t in variants:
        s, u = t.get("since"), t.get("until")
        if (not isinstance(s, datetime.date) or s <= day) and (not isinstance(u, datetime.date) or day <= u):
            return t
    return None


def check_groups(name: str, own: dict, national: dict, years: list, out: list) -> None:
    """Per year and per table: caps ≥ thresholds, band uppers ascending."""
    seen = set()
    for year in years:
        values: dict[str, tuple] = {}
        for source in (national, own):  # the region's own figure wins
            for path, variants in source.items():
                t = _active(variants, year)
                if t is not None and t.get("unit", "yuan") == "yuan" and _decimal(t["value"]) is not None:
                    values[path] = (_decimal(t["value"]), source is own)
        tables: dict[str, dict] = {}
        for path, v in values.items():
            head, _, key = path.rpartition(".")
            tables.setdefault(head, {})[key] = v
        for head, keys in tables.items():
            if not any(mine for _, mine in keys.values()):
                continue  # only the national file's figures: reported when checking that file
            floors = {k: v for k, (v, _) in keys.items() if any(w in k for w in FLOOR_WORDS)}
            caps = {k: v for k, (v, _) in keys.items() if any(w in k for w in CAP_WORDS)}
            for ck, cv in caps.items():
                for fk, fv in floors.items():
                    if cv < fv and (head, ck, fk) not in seen:
                        seen.add((head, ck, fk))
                        out.append(Problem(name, f"{head}.{ck}",
                                           f"{year}年：封顶/限额 {cv} 小于起付线 {head}.{fk} = {fv}",
                                           f"{year}: cap {cv} is below threshold {head}.{fk} = {fv}"))
            bands = sorted((int(m[1]), k, keys[k][0]) for k in keys if (m := BAND.match(k)))
            prev = ("threshold", floors["threshold"]) if "threshold" in floors else None
            for _, k, v in bands:
                if prev and v < prev[1] and (head, k) not in seen:
                    seen.add((head, k))
                    out.append(Problem(name, f"{head}.{k}",
                                       f"{year}年：分段上限 {v} 小于前一段 {head}.{prev[0]} = {prev[1]}，分段应从低到高",
                                       f"{year}: band upper {v} is below {head}.{prev[0]} = {prev[1]}; bands must ascend"))
                prev = (k, v)


def check_region(name: str, data: dict, out: list) -> list:
    """[region]: what the engine reads. Returns the years the file covers."""
    r = data.get("region")
    P = lambda path, zh, en: out.append(Problem(name, path, zh, en))
    if not isinstance(r, dict):
        P("region", "缺少 [region] 一节（地区名称、文件号、年份、身份）", "missing [region] (name, document, years, identities)")
        return []
    for key, zh in (("id", "地区代号"), ("name", "地区名称"), ("document", "文件号")):
        if not str(r.get(key, "")).strip():
            P(f"region.{key}", f"缺少{zh}", f"missing region.{key}")
    years = r.get("years")
    if not isinstance(years, list) or not years or not all(isinstance(y, int) and 2000 <= y <= 2100 for y in years):
        P("region.years", "年份 years 应是年份列表，如 [2024, 2025]", "region.years must be a list of years, e.g. [2024, 2025]")
        years = []
    elif years != sorted(set(years)):
        P("region.years", "年份 years 应从早到晚、不重复", "region.years must ascend without repeats")
    from .updates import notice_years
    years = sorted(set(years) | set(notice_years(data)))
    dy = r.get("default_year")
    if dy is not None and dy not in years:
        P("region.default_year", f"默认年份 {dy} 不在 years 里", f"default_year {dy} is not one of the years")
    idents = r.get("identities")
    if not isinstance(idents, dict) or not idents:
        P("region.identities", "缺少本地区的身份（[region.identities]）", "missing [region.identities]")
    else:
        for i in idents:
            if i not in vocab.IDENTITIES:
                P(f"region.identities.{i}", f"身份 {i!r} 不存在（calc/vocab.py 里没有）",
                  f"identity {i!r} does not exist in calc/vocab.py")
    for old, new in (r.get("migrate") or {}).items():
        if new not in vocab.IDENTITIES:
            P(f"region.migrate.{old}", f"迁移到的身份 {new!r} 不存在", f"migration target {new!r} does not exist")
    return years


def _by_path(data: dict) -> dict:
    grouped: dict[str, list] = {}
    for path, t in entries(data):
        grouped.setdefault(path, []).append(t)
    return grouped


def overlay_region(name: str, data: dict, out: list):
    """An overlay file (`region = "<id>"` + [update.<year>] blocks): its region's data with them, or None."""
    from . import params
    rid = data["region"]
    extra = sorted(set(data) - {"region", "update", "local"})
    if extra:
        out.append(Problem(name, extra[0], "本地文件只能写 region = \"地区代号\"、[update.年份] 和 [local]",
                           "an overlay file holds only region = \"<id>\", [update.<year>] and [local] blocks"))
    if not data.get("update") and "local" not in data:
        out.append(Problem(name, "update", "本地文件里没有 [update.年份] 或 [local]", "no [update.<year>] or [local] block"))
    try:
        params.region_ids()
        f = params._FILES[rid]
    except KeyError:
        out.append(Problem(name, "region", f"没有代号为 {rid!r} 的地区", f"no region {rid!r}"))
        return None
    base = read_toml(f, f.name, out)
    if base is None:
        return None
    return {**base, "update": {**(base.get("update") or {}), **(data.get("update") or {})}}


def check_data(name: str, data: dict, national: dict | None = None) -> list:
    """Every Problem in one file's parsed TOML. `national` = the parsed _national.toml."""
    out: list = []
    if isinstance(data.get("region"), str):  # a local overlay file: check it within its region
        merged = overlay_region(name, data, out)
        if merged is None:
            return out
        out += check_data(name, merged, national)
        if "local" in data and not out:
            out += check_office(name, data["local"], merged, national)
        return out
    is_national = "region" not in data and Path(name).name.startswith("_")
    rules = set(data.get("rules", {}))
    for rid, r in data.get("rules", {}).items():
        if not isinstance(r, dict) or not str(r.get("section", "")).strip():
            out.append(Problem(name, f"rules.{rid}", "规则要写文件的条款（section）", "a rule needs its section"))
    years = [] if is_national else check_region(name, data, out)
    if is_national:
        years = list(range(2018, 2031))
    from . import updates
    nat = {} if is_national or national is None else _by_path(national)
    if not is_national and not isinstance(data.get("region"), str):
        data = updates.with_overlays(data)  # staged overlay files (site-settings.toml `overlays`)
    notice_problems = updates.check_notices(data, _by_path(data), nat)
    out.extend(Problem(name, path, zh, en) for path, zh, en in notice_problems)
    if not notice_problems:  # a notice's figures are checked like the others, where they land
        try:
            from .params import Table
            nat_table = Table(national, "") if national and not is_national else None
        except ValueError:
            nat_table = None
        data = updates.apply(data, nat_table)
    for path, t in entries(data):
        check_entry(name, path, t, rules, out)
    own = _by_path(data)
    for path, variants in own.items():
        unknown = schema.problem(path)
        if unknown:
            out.append(Problem(name, path, *unknown))
        check_dates(name, path, variants, out)
    check_groups(name, own, nat, years, out)
    return out


def check_office(name: str, block, merged: dict, national: dict | None) -> list:
    """An office's own figures ([local], calc/local.py), checked within its region and its notices."""
    from . import local, updates
    from .params import RegionParams, Table
    nat = Table(national, "") if national else None
    rp = RegionParams(updates.apply(merged, nat), nat)
    found = local.check(block, rp)
    if not found:
        found = local.check_groups(block, rp)
    return [Problem(name, path, zh, en) for path, zh, en in found]


def check_files(files) -> list:
    out: list = []
    nat_file = resources.files("calc.regions").joinpath("_national.toml")
    national = read_toml(nat_file, "_national.toml", [])
    for f in files:
        name = getattr(f, "name", str(f))
        data = read_toml(f, str(f) if isinstance(f, (str, Path)) else name, out)
        if data is not None:
            shown = str(f) if isinstance(f, (str, Path)) else name
            out.extend(check_data(shown, data, national))
    return out


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["-h"], ["--help"]):
        print("python -m calc check [地区文件.toml ...]\n检查地区数据（比例、金额、出处、日期、规则和身份）；"
              "不给文件时检查 calc/regions/ 里的全部文件。有问题时列出文件、参数和原因，退出码为1。")
        return 0
    files = []
    for a in argv:
        p = Path(a)
        if not p.is_file():
            print(f"{a}: 找不到这个文件 (file not found)", file=sys.stderr)
            return 1
        files.append(p)
    files = files or shipped_files()
    problems = check_files(files)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"发现 {len(problems)} 处问题，请改正后再构建网站 ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"地区数据检查通过：{len(files)} 个文件 (region data OK: {len(files)} file(s))")
    return 0
