"""Decimal money: the single rounding rule (to the fen, ROUND_HALF_UP) lives here."""
from decimal import Decimal, ROUND_HALF_UP

ZERO = Decimal("0")
ONE = Decimal("1")
FEN = Decimal("0.01")


def D(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def fen(x) -> Decimal:
    """Round once per payer step."""
    if x.__class__ is not Decimal:
        x = D(x)
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def pos(x) -> Decimal:
    return x if x > 0 else ZERO


def s(x) -> str:
    """Output form: exactly two decimals."""
    return str(fen(x))


def yuan(x) -> str:
    """Reading form for trace sentences: 8,500.00."""
    return f"{fen(x):,.2f}"


def pct(r) -> str:
    v = (D(r) * 100).quantize(Decimal("0.01")).normalize()
    return f"{v:f}%"


def short(x) -> str:
    """A limit or threshold in words: 17,564 / 8,782.50 (no trailing .00)."""
    return yuan(x).removesuffix(".00")


def points(r) -> str:
    """A ratio increase in percentage points: 0.05 -> "5 个百分点"."""
    return pct(r)[:-1] + " 个百分点"
