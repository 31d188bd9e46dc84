"""Amounts as people write them: 30000, 30,000, 30000元, 3万, 3.5万, 三万, 三万五, 两千五百.

One parser for the page, share links, the roster and the CLI. It returns a Decimal or raises
AmountError with a Chinese reason; it never guesses silently (an unreadable text is an error).
"""
import re
from decimal import Decimal, InvalidOperation

MAX_CHARS = 40
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
WAN = {"万": 10000, "萬": 10000}
# Words around the number that do not change it.
NOISE = re.compile(r"[\s\u3000元块圆整¥￥]|人民币|左右|大约|约")
GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")
# 1e12, 2.5E3: never how people write an amount; read only to say that 1e12 is too big.
SCIENTIFIC = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE]([+-]?[0-9]{1,9})")
MAX_DIGITS = 12     # integer digits before an amount is refused as too big
TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千拾佰仟万萬]")


class AmountError(ValueError):
    """reason is a Chinese phrase that follows the field's name: "{name}{reason}".

    too_big marks an amount that was read but is out of range, so the caller can say what to fill in.
    """

    def __init__(self, reason, too_big=False):
        super().__init__(reason)
        self.reason = reason
        self.too_big = too_big


def parse_amount(raw) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise AmountError("须填一个数字")
    if isinstance(raw, int) and raw.bit_length() > 4 * MAX_CHARS:   # before str(): 4,300+ digits raise there
        raise AmountError("太大了", too_big=True)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise AmountError("须填一个数字")
        raw = repr(raw)
    text = str(raw)
    if len(text) > MAX_CHARS:
        raise AmountError("太长了，请只填金额，如 30000 或 3万")
    t = NOISE.sub("", text.translate(FULLWIDTH)).replace("，", ",")
    if t.startswith("-"):
        raise AmountError("不能是负数")
    if t.startswith("+"):
        t = t[1:]
    if not t:
        raise AmountError("须填一个数字")
    if GROUPED.fullmatch(t):
        t = t.replace(",", "")
    if "," in t:
        raise AmountError("的逗号位置不对，请填数字，如 30000 或 30,000")
    if PLAIN.fullmatch(t):
        return _decimal(t)
    sci = SCIENTIFIC.fullmatch(t)
    if sci:
        return _scientific(sci.group(1), int(sci.group(2)))
    return _words(t)


def _scientific(mantissa, exponent):
    """1e12 is read only to say it is too big; people do not write amounts so, the rest is unread."""
    digits = len(mantissa.split(".")[0].lstrip("0") or "0")
    if digits + exponent > MAX_DIGITS:
        raise AmountError("太大了", too_big=True)
    raise AmountError("没看懂，请填数字，如 30000 或 3万")


def _decimal(t):
    if len(t.split(".")[0]) > MAX_DIGITS:
        raise AmountError("太大了", too_big=True)
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - PLAIN already matched
        raise AmountError("须填一个数字") from None


def _words(t):
    """Chinese-numeral and mixed forms: 3万, 3.5万, 三万五, 一万二千, 两百五, 3万5千."""
    tokens = TOKEN.findall(t)
    if "".join(tokens) != t:
        raise AmountError("没看懂，请填数字，如 30000 或 3万")
    total = Decimal(0)      # completed 万 groups
    section = Decimal(0)    # the part below 万
    number = None           # pending digit(s)
    last_unit = None        # the unit just before a trailing single digit ("三万五" → 5 × 千)
    after_zero = False
    seen_wan = False
    for tok in tokens:
        if tok in CN_DIGITS or tok[0].isdigit():
            if number is not None:
                raise AmountError("没看懂，请填数字，如 30000 或 3万")
            number = Decimal(CN_DIGITS[tok]) if tok in CN_DIGITS else _decimal(tok)
            if tok in ("零", "〇"):
                after_zero, number = True, None
            continue
        if tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            if number is None and not (unit == 10 and section == 0):
                raise AmountError("没看懂，请填数字，如 30000 或 3万")
            section += (Decimal(1) if number is None else number) * unit
            number, last_unit, after_zero = None, unit, False
            continue
        # 万
        if seen_wan or (number is None and section == 0):
            raise AmountError("没看懂，请填数字，如 30000 或 3万")
        section += number or 0
        total += section * 10000
        section, number, last_unit, after_zero, seen_wan = Decimal(0), None, 10000, False, True
    if number is not None:
        # A lone trailing digit after a unit is the next lower place: 三万五 = 35000, 一千五 = 1500.
        if last_unit and last_unit > 10 and not after_zero and number == number.to_integral() and number < 10:
            number *= last_unit // 10
        section += number
    return total + section
