"""The share-link format for Python (site build, CLI, roster): the twin of assets/resident/share.js.

    <region page URL>#calc=<base64url(UTF-8 JSON of the estimate input)>, no padding.
"""
import base64
import binascii
import json

SHARE_KEY = "calc"
MAX_CODE = 20000


def encode(input_dict) -> str:
    raw = json.dumps(input_dict, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None, "分享链接里的内容不完整或被改动过，无法读取。请重新填写。"
    if not isinstance(data, dict):
        return None, "分享链接里的内容格式不对，无法读取。请重新填写。"
    return data, None
