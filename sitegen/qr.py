"""QR codes, made one way: at build time (region pages, 明白纸) and in the browser.

This file imports only segno and the standard library: sitegen.staff ships it unchanged to the
link-builder page as the module `staff_qr`, where Pyodide runs it with the same pinned segno
wheel (served from our own origin), so a printed and an on-screen QR code come from one code path.
"""
import base64
import io
import json

import segno

ERROR = "m"      # medium error correction: survives a smudged print, stays small
BORDER = 4       # the quiet zone the QR standard asks for


def make(text: str):
    return segno.make(text, error=ERROR, micro=False)


def save(text: str, png_path, scale: int = 8) -> None:
    """PNG (and an SVG twin for sharp printing) of `text`."""
    code = make(text)
    code.save(str(png_path), scale=scale, border=BORDER)
    code.save(str(png_path)[:-4] + ".svg", scale=4, border=BORDER, xmldecl=False)


def png_base64(text: str, scale: int = 8) -> str:
    buf = io.BytesIO()
    make(text).save(buf, kind="png", scale=scale, border=BORDER)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def svg(text: str, scale: int = 4) -> str:
    """A standalone <svg> (namespace, viewBox, white quiet zone) that scales with CSS."""
    buf = io.BytesIO()
    make(text).save(buf, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
                    scale=scale, border=BORDER, light="#fff")
    return buf.getvalue().decode("utf-8")


def call(payload: str) -> str:
    """Browser entry (worker "call"): {"text": …} -> {"svg": inline SVG, "png": base64 PNG}."""
    text = json.loads(payload)["text"]
    if not isinstance(text, str) or not text or len(text) > 2000:
        return json.dumps({"ok": False, "message": "链接太长或为空，无法生成二维码"}, ensure_ascii=False)
    return json.dumps({"ok": True, "svg": svg(text), "png": png_base64(text)})
