"""Share images (og:image): one PNG per region and one for the site, drawn at build time.

When a link is pasted into a chat app or a post, the card shows this picture: the region's name in
large type and one plain line. 1200×630 (the size link previews use), a few flat colours, saved as
a palette PNG: about 30–60 KB, well under the 200 KB limit (tests/site/test_publish_pages.py).

Choice: Pillow draws the text with a Noto CJK font (fonts-noto-cjk, which `make chromium` installs;
SHARE_FONT=path picks another .ttf/.otf/.ttc). Drawing text needs a real CJK font; a bitmap font of
our own would cover only the characters we chose. Without a font (or without Pillow) a production
build stops and says what to install; a local build writes a plain image with no text (colour bands
only, standard library PNG), logs why, and carries on, so `make serve` works on a fresh machine.
The output is deterministic (no timestamps), so the reproducible-build test still holds.
"""
from __future__ import annotations

import os
import pathlib
import struct
import zlib

WIDTH, HEIGHT = 1200, 630
TEAL = (0, 105, 92)        # the site's primary colour (material teal, darkened for contrast)
INK = (33, 33, 33)
PAPER = (255, 255, 255)
PALE = (224, 242, 241)
MAX_BYTES = 200_000

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk", "/usr/local/share/fonts")
FONT_FILES = {"bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
              "regular": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")}
SC_INDEX = 2  # in the Noto CJK collections (.ttc): JP, KR, SC, TC, HK


class NoFont(RuntimeError):
    pass


def find_font(weight: str) -> tuple[str, int] | None:
    given = os.environ.get("SHARE_FONT", "").strip()
    if given:
        return (given, SC_INDEX if given.endswith(".ttc") else 0) if pathlib.Path(given).is_file() else None
    for d in FONT_DIRS:
        for name in FONT_FILES[weight]:
            p = pathlib.Path(d) / name
            if p.is_file():
                return str(p), SC_INDEX if name.endswith(".ttc") else 0
    return None


def _fonts():
    try:
        from PIL import ImageFont
    except ImportError:
        raise NoFont("Pillow is not installed (pip install --require-hashes -r requirements-site.lock)") from None
    bold, regular = find_font("bold"), find_font("regular") or find_font("bold")
    if not bold:
        raise NoFont("no CJK font found: install fonts-noto-cjk (`make chromium` does) or set SHARE_FONT=path")
    return lambda size, which="bold": ImageFont.truetype((bold if which == "bold" else regular)[0], size,
                                                          index=(bold if which == "bold" else regular)[1])


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > width and line:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return lines + ([line] if line else [])


def draw(title: str, line: str, kicker: str, footer: str) -> bytes:
    """PNG bytes: `kicker` small on top, `title` large, `line` below, `footer` in the band."""
    from PIL import Image, ImageDraw
    font = _fonts()
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, WIDTH, 28], fill=TEAL)
    d.rectangle([0, HEIGHT - 120, WIDTH, HEIGHT], fill=TEAL)
    d.rectangle([72, 150, 84, 330], fill=PALE)
    x = 110
    d.text((x, 70), kicker, font=font(40, "regular"), fill=TEAL)
    size = 132 if len(title) <= 6 else 100
    d.text((x, 140), title, font=font(size), fill=INK)
    body = font(46, "regular")
    y = 140 + size + 50
    for text in _wrap(d, line, body, WIDTH - x - 80)[:3]:
        d.text((x, y), text, font=body, fill=INK)
        y += 64
    d.text((x, HEIGHT - 92), footer, font=font(48), fill=PAPER)
    pal = img.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    import io
    buf = io.BytesIO()
    pal.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def plain_png() -> bytes:
    """Fallback without Pillow or a font: the same colour bands, no text (standard library only)."""
    rows = []
    for y in range(HEIGHT):
        band = y < 28 or y >= HEIGHT - 120
        rows.append(b"\x00" + bytes(TEAL if band else PAPER) * WIDTH)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def region_card(rm: dict) -> dict:
    """The words on a region's card (also the page's og:description)."""
    return {"title": rm["name"], "kicker": f"{rm.get('province') or ''} · 医保明白账".strip(" ·"),
            "line": "住院花了多少钱？基本医保、大病保险、医疗救助各报多少，自己付多少，手机上算一算。",
            "footer": "困难群众看病报销明白账"}


SITE_CARD = {"title": "医保明白账", "kicker": "基本医保 · 大病保险 · 医疗救助",
             "line": "住院花了多少钱，各项报销多少，自己付多少：选地区、选身份，在手机上算一算。",
             "footer": "困难群众看病报销明白账"}


def write(path: pathlib.Path, card: dict, production: bool, log=print) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = draw(card["title"], card["line"], card["kicker"], card["footer"])
    except NoFont as e:
        if production:
            raise SystemExit(f"分享图片需要中文字体，无法生成 {path.name}：{e} "
                             f"(share images need Pillow and a CJK font: {e})") from None
        if log:
            log(f"[share image] {path.name}: plain image without text ({e})")
        data = plain_png()
    if len(data) > MAX_BYTES:
        raise SystemExit(f"sitegen.ogimage: {path} is {len(data)} bytes, over {MAX_BYTES}")
    path.write_bytes(data)
    return path
