"""Find and read the header row as staff make it.

- Title rows above the header ("2024年××村医疗救助名单") are skipped: the header is the first of
  the top rows that names an identity column.
- A two-level header (第一次住院 over 总费用 / 目录外 …, the upper cell merged across) is read as
  住院1总费用 …; cost-like columns that still mean nothing are reported loudly, never dropped silently.
- 身份证号 / 证件号 is never the identity, 序号 never the name; 人员类别, 属性 and 类别 are identity.
"""
import re

from calc import fields
from calc import slip as _slip

from .format import (GROUP, IDENTITY, MAX_TITLE_ROWS, MESSAGES, NAME, OUTPATIENT, STAY, STAY_FIELDS, STAY_LINES,
                     RosterError)
from .words import FULLWIDTH

NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# the words staff use for each stay field -> the format's word (calc's field declaration lists them)
FIELD_WORDS = {word: (word, *fields.STAY[key].roster_words) for word, key in STAY_FIELDS.items()}
# what the settlement slip says (optional): 实际基本医保, 基本医保支付, 统筹支付 … (calc.slip)
FIELD_WORDS.update({words[0]: words for words in _slip.STAFF_WORDS.values()})
WORD_FIELD = {w: field for field, words in FIELD_WORDS.items() for w in words}
FIELD_RE = "|".join(sorted(WORD_FIELD, key=len, reverse=True))
NUM = r"(\d{1,3}|[一二三四五六七八九十]{1,3})"
STAY_HEADER = re.compile(rf"(?:第{NUM}次住院|住院{NUM}次?|第{NUM}次)({FIELD_RE})?")
BARE_FIELD = re.compile(rf"(?:住院)?({FIELD_RE})")
IDENTITY_WORDS = (IDENTITY, *fields.TOP["identities"].roster_words)
NOT_IDENTITY = re.compile(r"证|号|码|编号")
NAME_WORDS = ("姓名", "名字", "姓名/编号", "编号", "人员编号", "户主姓名", "患者姓名", "参保人姓名", "参保人")
GROUP_WORDS = (GROUP, "村", "乡镇", "村(社区)", "村社区", "社区", "村组", "乡镇/村", "村/社区", "所在村", "村名",
               "乡镇(街道)", "乡(镇)", "镇", "乡", "街道", "行政村", "村委会")
COSTLIKE = re.compile(r"费|金额|元|自付|报销")


def _norm(cell: str) -> str:
    return re.sub(r"\s+", "", str(cell).translate(FULLWIDTH))


def _number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 1:
        return NUMERALS[s]
    if s[0] == "十":          # 十一 … 十九
        return 10 + NUMERALS.get(s[1], 0)
    return NUMERALS[s[0]] * 10 + (NUMERALS.get(s[2], 0) if len(s) == 3 else 0)  # 二十, 二十一


def classify(cell: str):
    """One header cell -> (kind, n, key) or None. kind: name|group|identity|stay|outpatient|bare."""
    h = _norm(cell)
    if not h:
        return None
    m = STAY_HEADER.fullmatch(h)
    if m and m[4]:
        n = _number(m[1] or m[2] or m[3])
        return ("stay", n - 1, STAY_LINES[WORD_FIELD[m[4]]]) if n >= 1 else None
    for word, key in OUTPATIENT.items():
        if h.startswith(word) or h in fields.OUTPATIENT[key].roster_words:  # 门诊慢特病(元), 慢特病, 特药费用
            return ("outpatient", 0, key)
    if not NOT_IDENTITY.search(h) and (h in IDENTITY_WORDS or h.startswith("身份")):
        return ("identity", 0, "identities")
    if h == "序号" or "身份证" in h or "证件" in h:
        return None
    if h in NAME_WORDS or "姓名" in h:
        return ("name", 0, "name")
    if h in GROUP_WORDS or (len(h) <= 6 and ("村" in h or "乡镇" in h) and "费" not in h):
        return ("group", 0, "group")
    m = BARE_FIELD.fullmatch(h)
    if m:
        return ("bare", 0, STAY_LINES[WORD_FIELD[m[1]]])
    return None


def _upper_filled(upper: list, lower: list) -> list:
    """A merged upper cell holds its text only in its first cell: carry a group word (第一次住院,
    门诊) right over the cells below which the lower row has words."""
    out, carry = [], ""
    for i in range(max(len(upper), len(lower))):
        u = upper[i] if i < len(upper) else ""
        lo = lower[i] if i < len(lower) else ""
        if u:
            carry = u if classify(u) is None else ""
            out.append(u)
        else:
            out.append(carry if lo else "")
            carry = carry if lo else ""
    return out


def _is_sub_header(row: list) -> bool:
    kinds = [classify(c) for c in row if c]
    return sum(1 for k in kinds if k and k[0] == "bare") >= 2 or \
        (bool(kinds) and all(k is not None and k[0] == "bare" for k in kinds))


def combine(upper: list, lower: list) -> list:
    """Two header rows -> one: 第一次住院 + 总费用 = 第一次住院总费用; a cell merged down keeps its word."""
    filled = _upper_filled(upper, lower)
    n = max(len(filled), len(lower))
    cells = [(filled[i] if i < len(filled) else "", lower[i] if i < len(lower) else "") for i in range(n)]
    return [u + lo if u and lo else (lo or u) for u, lo in cells]


def parse_header(row: list):
    """-> ({column: (kind, n, key)}, unused column names, cost-like columns not used)."""
    layout, unknown = {}, []
    bare = {}
    for i, cell in enumerate(row):
        k = classify(cell)
        if k is None:
            if _norm(cell):
                unknown.append(str(cell).strip())
            continue
        if k[0] == "bare":
            bare[i] = k
        elif k[0] in ("name", "identity"):
            layout.setdefault(i, k) if k[0] == "name" else layout.__setitem__(i, k)
        else:
            layout[i] = k
    kinds = [k for k, _, _ in layout.values()]
    if kinds.count("identity") > 1:  # 身份 and 人员类别 both: the one called 身份, else the first
        ident = [i for i, k in layout.items() if k[0] == "identity"]
        keep = next((i for i in ident if _norm(row[i]).startswith("身份")), ident[0])
        for i in ident:
            if i != keep:
                del layout[i]
                unknown.append(str(row[i]).strip())
    names = [i for i, k in layout.items() if k[0] == "name"]
    for i in names[1:]:       # 姓名 then 编号: the first is the name
        del layout[i]
        unknown.append(str(row[i]).strip())
    # bare stay words (总费用, 目录外 …) are the first stay when no column names a stay number
    if bare:
        stays = {k[2] for k in layout.values() if k[0] == "stay"}
        if stays:
            raise RosterError(f"列名{'、'.join('“' + str(row[i]).strip() + '”' for i in bare)}没有说是第几次住院，"
                              "而别的列写了“住院1…”。请改成“住院1总费用”这样的列名。")
        seen = set()
        for i, (_, _, key) in bare.items():
            if key in seen:
                raise RosterError(f"有两列都像第1次住院的“{_norm(row[i])}”。住院几次请写成 住院1总费用、住院2总费用 …")
            seen.add(key)
            layout[i] = ("stay", 0, key)
    kinds = {k for k, _, _ in layout.values()}
    if "identity" not in kinds:
        raise RosterError(MESSAGES["no_identity"])
    if not kinds & {"stay", "outpatient"}:
        raise RosterError(MESSAGES["no_cost"])
    costlike = [c for c in unknown if COSTLIKE.search(c)]
    return layout, unknown, costlike


def find_header(table: list) -> tuple:
    """-> (index of the first data row, layout, unused columns, cost-like unused columns)."""
    first_error = None
    for r in range(min(len(table), MAX_TITLE_ROWS + 1)):
        row = table[r]
        if not any(row):
            continue
        if not any(k and k[0] == "identity" for k in map(classify, row)):
            continue
        nxt = table[r + 1] if r + 1 < len(table) else []
        if _is_sub_header(nxt):
            try:
                return (r + 2, *parse_header(combine(row, nxt)))
            except RosterError as e:
                first_error = first_error or e
                continue
        try:
            return (r + 1, *parse_header(row))
        except RosterError as e:
            first_error = first_error or e
    raise first_error or RosterError(MESSAGES["no_identity"] if any(any(r) for r in table) else MESSAGES["empty"])


def column_name(kind: str, n: int, key: str) -> str:
    if kind == "stay":
        return STAY.format(n=n + 1, what={v: k for k, v in STAY_LINES.items()}[key])
    if kind == "outpatient":
        return {v: k for k, v in OUTPATIENT.items()}[key]
    return {"identity": IDENTITY, "name": NAME, "group": GROUP}[kind]
