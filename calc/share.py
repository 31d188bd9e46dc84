"""The share-link format for Python (site build, CLI, roster): the twin of assets/resident/share.js.

    <region page URL>#calc=<base64url(UTF-8 JSON of the estimate input)>, no padding.
"""
import base64
import binascii
import json

from . import jsonguard

SHARE_KEY = "calc"
MAX_CODE = 20000


def compact(value):
    """The input without empty fields ("", None, [], {}); share.js compact() is the same rule."""
    if isinstance(value, list):
        return [compact(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            c = compact(v)
            if c is None or c == "" or (isinstance(c, (list, dict)) and not c):
                continue
            out[k] = c
        return out
    return value


def amount_words(text) -> str:
    """30000 -> "3万元", 35000 -> "3.5万元", 8234.5 -> "8,235元" (share.js amountWords)."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
    try:
        d = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return ""
    if not d.is_finite():
        return ""
    whole = int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))  # as JS Math.round for amounts ≥ 0
    if whole >= 10000 and whole % 1000 == 0:
        wan = f"{Decimal(whole) / 10000:f}"
        return (wan.rstrip("0").rstrip(".") if "." in wan else wan) + "万元"
    return f"{whole:,}元"


def text(out) -> str:
    """One readable line beside a share link, from calc's answer (share.js shareText)."""
    from decimal import Decimal
    if not out or not out.get("ok"):
        return ""
    parts = [(out.get("region") or {}).get("name"), (out.get("identity") or {}).get("label")]
    stays = out.get("stays") or []
    total = sum((Decimal(s.get("total") or 0) for s in stays), Decimal(0))
    if len(stays) == 1:
        parts.append(f"住院{amount_words(total)}")
    elif len(stays) > 1:
        parts.append(f"住院{len(stays)}次共{amount_words(total)}")
    opd = Decimal((out.get("outpatient") or {}).get("total") or 0)
    if opd > 0:
        parts.append(f"门诊{amount_words(opd)}")
    parts.append(f"自己约付{amount_words((out.get('year') or {}).get('resident'))}（估算）")
    return " ".join(p for p in parts if p)


def encode(input_dict) -> str:
    raw = json.dumps(compact(input_dict), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def fragment(input_dict) -> str:
    return f"#{SHARE_KEY}={encode(input_dict)}"


def decode(code: str):
    """-> (input_dict, None) or (None, Chinese message). Never raises."""
    if not isinstance(code, str) or len(code) > MAX_CODE or any(
            c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in code):
        return None, "分享链接已损坏（编码不正确），无法读取。请重新填写。"
    try:
        text = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None, "分享链接已损坏（编码不正确），无法读取。请重新填写。"
    problem = jsonguard.shape_problem(text)  # before parsing: depth and item count
    if problem:
        return None, problem
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None, "分享链接里的内容不完整或被改动过，无法读取。请重新填写。"
    if not isinstance(data, dict):
        return None, "分享链接里的内容格式不对，无法读取。请重新填写。"
    problem = jsonguard.text_problem(data)
    if problem:
        return None, problem
    return data, None
