"""The estimate input (a public format: share links carry it): parse, migrate, normalise.

Every problem is collected as {"field", "message"} in Chinese, naming the field in words. Old
links keep opening: identities, places and override paths a region file marks as renamed are
migrated, with a note.
"""
import re
from decimal import Decimal

from . import fields as F
from . import params as _params
from . import slip as _slip
from . import vocab
from .amount import AmountError, parse_amount
from .model import CareYear, Person, Stay
from .money import ZERO, fen, s

MAX_AMOUNT = F.MAX_AMOUNT
MAX_WAGE = F.MAX_WAGE
MAX_STAYS = F.MAX_STAYS
WAGE_MONTHS = F.WAGE_MONTHS
MAX_OVERRIDES = 60
MAX_TEXT = 200
MARKUP = re.compile(r"[<>]")
YEAR = re.compile(r"[0-9]{4}")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
TRUE, FALSE = F.FLAG_TRUE, F.FLAG_FALSE
KNOWN = F.KNOWN_TOP


class InputError(Exception):
    def __init__(self, errors):
        super().__init__("bad input")
        self.errors = errors


def _safe(v, n=40):
    return MARKUP.sub("", str(v))[:n]


class _Errors(list):
    def add(self, field, message):
        self.append({"field": field, "message": message})

    def has(self, prefix):
        return any(e["field"] == prefix or e["field"].startswith(prefix + ".") for e in self)


FEN = Decimal("0.01")
# What to fill in instead, when an amount is out of range (by the field's last part).
FILL = {f.key: f.fill for f in F.FIELDS if f.fill}


def _too_big(field, name, ceiling):
    fill = FILL.get(field.rsplit(".", 1)[-1], "请检查")
    return f"{name}金额太大，{fill}（最多 {ceiling:,} 元）"


def _amount(errs, raw, field, name, *, required=False, allow_zero=True, ceiling=MAX_AMOUNT):
    """Decimal rounded to the fen, or None (an error recorded, or empty when not required)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if required:
            errs.add(field, f"{name}不能为空")
        return None
    if isinstance(raw, str) and MARKUP.search(raw):
        errs.add(field, f"{name}含有不允许的字符，请只填数字")
        return None
    try:
        d = parse_amount(raw)
    except AmountError as e:
        errs.add(field, _too_big(field, name, ceiling) if e.too_big else f"{name}{e.reason}")
        return None
    if d > ceiling:
        errs.add(field, _too_big(field, name, ceiling))
        return None
    if 0 < d < FEN:
        errs.add(field, f"{name}不到 1 分钱（0.01 元），请检查是不是多写了小数点后的 0")
        return None
    if d == 0 and not allow_zero:
        errs.add(field, f"{name}不能为0")
        return None
    return fen(d)


def _flag(errs, raw, field, words, default):
    """A yes/no; absent or empty = the field's declared default."""
    if raw is None or (isinstance(raw, str) and raw == ""):
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    errs.add(field, f"{words}只能是“是”或“否”")
    return False


def _year(errs, raw, rp):
    if raw is None or raw == "":
        return rp.default_year
    if isinstance(raw, str):
        t = raw.strip().translate(FULLWIDTH).removesuffix("年")
        raw = int(t) if YEAR.fullmatch(t) else None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in rp.years:
        errs.add("year", f"{rp.meta['name']}可计算的年度是 " + "、".join(str(y) for y in rp.years))
        return rp.default_year
    return raw


def _identities(errs, raw, rp, notes):
    if raw is None:
        raw = ["putong"]
    if not isinstance(raw, list) or len(raw) > len(vocab.IDENTITIES):
        errs.add("identities", "身份须是一个列表，例如 [\"dibao\"]")
        return []
    out = []
    for x in raw:
        x = x.strip() if isinstance(x, str) else x
        if isinstance(x, str) and x in rp.migrate:
            new = rp.migrate[x]
            notes.append({"kind": "migrated", "text": f"链接里的身份“{vocab.identity_label(x)}”在{rp.meta['name']}的文件里没有，"
                                                      f"按文件的说法改为“{rp.label_of(new)}”计算。"})
            x = new
        if not isinstance(x, str) or x not in rp.identities:
            offered = "、".join(rp.identities.values())
            what = f"“{vocab.identity_label(x)}”" if isinstance(x, str) and x in vocab.IDENTITIES else "这个身份"
            errs.add("identities", f"{rp.meta['name']}的文件里没有{what}这一类。可选：{offered}")
            continue
        if x not in out:
            out.append(x)
    if not raw:
        out = ["putong"] if "putong" in rp.identities else out
    return out


def _stay(errs, i, st, rp, echo=True):
    n, f = i + 1, f"stays[{i}]"
    if not isinstance(st, dict):
        errs.add(f, f"第{n}次住院的内容格式不对")
        return None, None
    name = f"第{n}次住院的"
    for k, v in st.items():
        if isinstance(v, str) and (MARKUP.search(v) or len(v) > MAX_TEXT):
            # the field named only when it is one of ours: a message never repeats a link's raw keys
            errs.add(f"{f}.{k}" if k in F.STAY else f, f"{name}内容含有不允许的字符（尖括号等网页代码）或太长")
            break
    if errs.has(f):
        return None, None
    S = F.STAY
    total = _amount(errs, st.get("total"), f"{f}.total", name + S["total"].name, required=True, allow_zero=False)
    oop = _amount(errs, st.get("out_of_policy"), f"{f}.out_of_policy", name + S["out_of_policy"].name)
    waiver = _amount(errs, st.get("hospital_waiver"), f"{f}.hospital_waiver", name + S["hospital_waiver"].name) or ZERO
    teh = _amount(errs, st.get("tehuibao"), f"{f}.tehuibao", name + S["tehuibao"].name) or ZERO
    slip = _slip.parse(errs, i, st.get("slip"), total, _amount)
    if slip.get("in_policy") is not None and total is not None:   # the slip's in-policy amount is a fact
        oop = total - slip["in_policy"]
    if teh > 0 and "other.tehuibao" not in rp.paths():
        errs.add(f"{f}.tehuibao", f"特惠保是沂源县的商业补充保险，{rp.meta['name']}不适用")
    level = st.get("level", S["level"].default)
    level = str(level).strip().translate(FULLWIDTH) if isinstance(level, (str, int)) and not isinstance(level, bool) else ""
    if level not in vocab.LEVELS:
        *others, last = vocab.LEVELS.values()
        errs.add(f"{f}.level", f"{name}{S['level'].name}只能是{'、'.join(others)}或{last}")
    place = st.get("place", S["place"].default)
    place = rp.migrate_places.get(place, place) if isinstance(place, str) else None
    if place not in rp.places:
        errs.add(f"{f}.place", f"{name}{S['place'].name}只能是" + "、".join(rp.places.values()))
    referral = _flag(errs, st.get("referral"), f"{f}.referral", name + S["referral"].name, S["referral"].default)
    transferred = _flag(errs, st.get("transferred"), f"{f}.transferred", name + S["transferred"].name,
                        S["transferred"].default)
    if total is not None and oop is not None and oop > total:
        errs.add(f"{f}.out_of_policy", f"{name}目录外费用不能大于总费用")
    if total is not None and waiver + teh > total:
        errs.add(f"{f}.hospital_waiver", f"{name}医院减免加特惠保不能大于总费用")
    if errs.has(f):
        return None, None
    stay = Stay(total, oop, level, place, referral, transferred, waiver, teh, tuple(slip.items()))
    if not echo:
        return stay, None
    norm = {"total": s(total), "out_of_policy": "" if oop is None else s(oop), "out_of_policy_assumed": oop is None,
            "level": level, "place": place, "referral": referral, "transferred": transferred,
            "hospital_waiver": s(waiver), "tehuibao": s(teh)}
    if slip:
        norm["slip"] = {k: s(v) for k, v in slip.items()}
    return stay, norm


def _overrides(errs, raw, rp, year, notes):
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_OVERRIDES:
        errs.add("overrides", "自定义参数格式不对")
        return {}
    out = {}
    known = set(rp.paths())
    for path, val in raw.items():
        path = rp.migrate_overrides.get(path, path)
        if path not in known:  # named in no message: a link's raw keys are not repeated back
            if not errs.has("overrides"):
                errs.add("overrides", "链接里有本站不认识的自定义参数，请重新填写")
            continue
        try:
            out.update(_params.check_overrides(rp, year, {path: val}))
        except _params.ParamError as e:
            errs.add(e.field if not MARKUP.search(e.field) else "overrides", e.message)
    return out


def parse(data, echo=True):
    """dict → (RegionParams, Person, CareYear, overrides, normalised input, notes) or InputError.
    `echo=False`: no normalised input (None), for callers that show only amounts (the roster)."""
    if not isinstance(data, dict):
        raise InputError([{"field": "json", "message": "输入须是一个JSON对象"}])
    errs = _Errors()
    for k, v in data.items():
        if isinstance(v, str) and (MARKUP.search(v) or len(v) > MAX_TEXT):
            if not errs.has(k if k in KNOWN else "json"):
                errs.add(k if k in KNOWN else "json", "输入中含有不允许的字符或太长")
    if errs:
        raise InputError(errs)
    region = data.get("region")
    region = region.strip() if isinstance(region, str) else region
    if region in (None, ""):
        raise InputError([{"field": "region", "message": "请选择地区"}])
    if not isinstance(region, str) or region not in _params.region_ids():
        names = "、".join(_params.load(r).meta["name"] for r in _params.region_ids())
        raise InputError([{"field": "region", "message": f"不支持这个地区，可选：{names}"}])
    rp = _params.load(region)
    notes = []
    year = _year(errs, data.get("year"), rp)
    ids = _identities(errs, data.get("identities"), rp, notes)
    scheme = data.get("scheme") or "resident"
    if scheme not in rp.meta["schemes"]:
        errs.add("scheme", f"{rp.meta['name']}只能选" + "、".join(vocab.SCHEMES.get(x, x) for x in rp.meta["schemes"]))
    tier = data.get("tier", 1)
    tier = 1 if tier in (None, "") else tier
    if isinstance(tier, str) and tier.strip() in ("1", "2"):
        tier = int(tier.strip())
    if isinstance(tier, bool) or tier not in (1, 2):
        errs.add("tier", "档次只能是 1（一档）或 2（二档）")
        tier = 1
    elif tier == 2 and not rp.meta.get("tier"):
        errs.add("tier", f"{rp.meta['name']}不分一档二档")
    raw_stays = data.get("stays") or []
    if not isinstance(raw_stays, list):
        errs.add("stays", "住院记录须是一个列表")
        raw_stays = []
    if len(raw_stays) > MAX_STAYS:
        errs.add("stays", f"一年最多填 {MAX_STAYS} 次住院")
        raw_stays = []
    stays, norm_stays = [], []
    for i, st in enumerate(raw_stays):
        stay, norm = _stay(errs, i, st, rp, echo)
        if stay is not None:
            stays.append(stay)
            norm_stays.append(norm)
    opd = data.get("outpatient") or {}
    if not isinstance(opd, dict):
        errs.add("outpatient", "门诊费用格式不对")
        opd = {}
    chronic = _amount(errs, opd.get("chronic"), "outpatient.chronic", F.OUTPATIENT["chronic"].name) or ZERO
    drugs = _amount(errs, opd.get("special_drugs"), "outpatient.special_drugs", F.OUTPATIENT["special_drugs"].name) or ZERO
    wage = _amount(errs, data.get("wage"), "wage", F.TOP["wage"].name, ceiling=MAX_WAGE)
    if scheme == "employee" and wage is None and not errs.has("wage"):
        errs.add("wage", "职工医保需要填写月工资")
    newborn = _flag(errs, data.get("newborn"), "newborn", F.TOP["newborn"].name, F.TOP["newborn"].default)
    overrides = _overrides(errs, data.get("overrides"), rp, year, notes) if not errs else {}
    if errs:
        raise InputError(list(errs))
    person = Person(region, year, tuple(ids), scheme, tier, wage, newborn)
    care = CareYear(tuple(stays), chronic, drugs)
    if not echo:
        return rp, person, care, overrides, None, notes
    norm = {"region": region, "year": year, "identities": ids, "scheme": scheme, "tier": tier, "stays": norm_stays,
            "outpatient": {"chronic": s(chronic), "special_drugs": s(drugs)},
            "wage": None if wage is None else s(wage), "newborn": newborn,
            "overrides": {k: str(v) for k, v in overrides.items()}}
    return rp, person, care, overrides, norm, notes
