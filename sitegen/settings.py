"""Deployment settings: the site's public address and the 医保 office printed on every 明白纸.

One small file at the repo root, `site-settings.toml` (see `site-settings.example.toml`):

    base_url       = "https://example.gov.cn/yibao/"   # where the site is published (any subpath)
    office_name    = "某某县医疗保障局"                  # printed on 明白纸 and printed results
    hotline        = "0533-1234567"
    office_address = "某某县某某路1号"                   # optional
    figures_date   = 2025-03-01                         # the date the figures were checked

A local build (`make build`, `make serve`) needs none of it: links and QR codes point to
http://localhost:8000/, the log says so and pages carry a visible 本地预览 marker. A production
build (`python build_site.py --production`, `make dist`) refuses a missing, local or non-HTTPS
base URL and a missing figures_date, naming the setting.

Environment: SITE_URL overrides base_url (as before); SITE_SETTINGS names another settings
file; SITE_BUILD=production is how build_site.py --production tells sitegen (same process).
load() exports SITE_URL so `mkdocs build` (site_url: !ENV SITE_URL) uses the same base.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import pathlib
import re
import tomllib
import urllib.parse
from dataclasses import asdict, dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "site-settings.toml"
LOCAL_URL = "http://localhost:8000/"
FIELDS = ("base_url", "office_name", "hotline", "office_address", "figures_date", "overlays")
# Used when the file leaves them empty: true everywhere in China (12393 is the national
# 医疗保障服务热线), so a sheet is never blank, but a county should put its own office.
DEFAULTS = {"office_name": "当地医疗保障局（医保经办机构）", "hotline": "12393（全国医疗保障服务热线）"}
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "0.0.0.0", ""}


class SettingsError(SystemExit):
    """Raised (exit status 1, message on stderr) when a setting is wrong: Chinese, English beside."""


@dataclass(frozen=True)
class Settings:
    base_url: str
    office_name: str
    hotline: str
    office_address: str
    figures_date: str      # as printed: "2025年3月1日"
    production: bool
    source: str            # the settings file read ("" when none)
    warnings: tuple = ()   # things to look at that do not stop the build (a LAN address, GBK)
    overlays: tuple = ()   # local notice files (paths) with [update.<year>] blocks: sitegen/overlays.py

    @property
    def preview(self) -> bool:
        """A local build: pages say 本地预览 so nobody prints a sheet whose QR points nowhere."""
        return not self.production

    def for_pages(self) -> dict:
        """What templates see as `settings`."""
        d = asdict(self)
        d.pop("warnings")
        d.pop("overlays")
        return {**d, "preview": self.preview}


def _loose_ipv4(host: str):
    """An IPv4 address in any spelling browsers and inet_aton accept: 127.1, 0x7f.0.0.1,
    0177.0.0.1, 2130706433 (one to four parts, decimal, 0x-hex or 0-octal); None otherwise."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    nums = []
    for part in parts:
        try:
            if re.fullmatch(r"0[xX][0-9a-fA-F]*", part):
                nums.append(int(part[2:] or "0", 16))
            elif re.fullmatch(r"0[0-7]+", part):
                nums.append(int(part, 8))
            elif re.fullmatch(r"\d+", part):
                nums.append(int(part))
            else:
                return None
        except ValueError:
            return None
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (5 - len(nums)) + last
    return ipaddress.IPv4Address(value)


def _ip(host: str):
    """The IP address a host names (any IPv4 spelling, bracketed IPv6, IPv4-mapped), else None."""
    host = (host or "").strip().strip("[]").lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        ip = _loose_ipv4(host)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def _is_local(host: str) -> bool:
    name = (host or "").strip().strip("[]").lower().rstrip(".")
    if name in LOCAL_HOSTS or name.endswith(".localhost"):
        return True
    ip = _ip(name)
    return bool(ip and (ip.is_loopback or ip.is_unspecified))


LAN_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".corp", ".home", ".localdomain")


def _is_private(host: str) -> bool:
    """A LAN / intranet address: residents' phones on the mobile network cannot open it."""
    name = (host or "").strip().strip("[]").lower().rstrip(".")
    ip = _ip(name)
    if ip is None:
        return name.endswith(LAN_SUFFIXES) or "." not in name
    return ip.is_private or ip.is_link_local or ip in ipaddress.ip_network("100.64.0.0/10")


# ---- settings are data, never markup -----------------------------------------------------------
# Characters that could end an HTML attribute, open a tag or hide a second value in a URL. A real
# address never needs them: every page, og tag and QR code carries base_url as it is written.
_URL_UNSAFE = re.compile(r"[\"'<>`\\{}|^\s\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HOST_CHARS = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")
TEXT_LIMITS = {"office_name": 60, "hotline": 40, "office_address": 120}
_TEXT_UNSAFE = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FORMULA_START = ("=", "@", "+", "-")


def check_url_text(url: str, where: str) -> str:
    """Any build's base URL as text: no markup, no credentials, a plain host. Raises SettingsError."""
    bad = _URL_UNSAFE.search(url)
    if bad:
        shown = repr(bad[0])
        raise SettingsError(
            f"{where}: base_url 里有不能出现在网址里的字符 {shown}（引号、尖括号、空格、反斜杠等），"
            f"请只填网址，如 base_url = \"https://example.gov.cn/yibao/\""
            f" (base_url contains {shown}: quotes, angle brackets, whitespace and the like are refused)")
    u = urllib.parse.urlsplit(url)
    if "@" in u.netloc:
        raise SettingsError(f"{where}: base_url 不能带用户名或密码（@ 前面的部分），它会印在每张明白纸上"
                            " (base_url must not carry a user name or password)")
    try:
        u.port
    except ValueError:
        raise SettingsError(f"{where}: base_url 的端口号不对 (invalid port)") from None
    host = (u.hostname or "")
    try:
        ascii_host = f"[{host}]" if ":" in host else host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_host = ""
    if host and not _HOST_CHARS.fullmatch(ascii_host or "-!"):
        raise SettingsError(f"{where}: base_url 的主机名 {host!r} 看不懂，请写成 example.gov.cn 这样的域名"
                            " (the host name is not a plain domain name)")
    return url


def check_text(name: str, value: str, where: str) -> str:
    """office_name, hotline, office_address: printed text, never markup or a spreadsheet formula."""
    limit = TEXT_LIMITS[name]
    if len(value) > limit:
        raise SettingsError(f"{where}: {name} 太长（{len(value)} 个字，最多 {limit} 个）"
                            f" ({name} is too long: {len(value)} characters, at most {limit})")
    bad = _TEXT_UNSAFE.search(value)
    if bad:
        raise SettingsError(f"{where}: {name} 里有不能用的字符 {bad[0]!r}（尖括号或控制字符），请只写文字"
                            f" ({name} contains {bad[0]!r}: angle brackets and control characters are refused)")
    if value.startswith(_FORMULA_START) and not (name == "hotline" and re.fullmatch(r"\+[\d\s()-]+", value)):
        raise SettingsError(f"{where}: {name} 不能以 {value[0]} 开头（表格软件会把它当公式），请去掉开头的 {value[0]}"
                            f" ({name} must not start with {value[0]!r}: spreadsheets read it as a formula)")
    return value


# ---- dates as people write them -----------------------------------------------------------------
DATE_FORMS = "2025-03-01、2025-3-1、2025/3/1 或 2025年3月1日"
_DATE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")


def parse_date(value, where="figures_date") -> datetime.date | None:
    """A TOML date, or text written as people write dates; None when empty. Raises SettingsError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().translate(str.maketrans("０１２３４５６７８９－／．", "0123456789-/."))
    if not text:
        return None
    m = _DATE.fullmatch(text)
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise SettingsError(f"{where} = “{value}”：没有这一天，请检查年月日（写法如 {DATE_FORMS}）"
                                f" (no such day; write it like 2025-03-01)") from None
    raise SettingsError(f"{where} = “{value}”：看不懂这个日期，请写成 {DATE_FORMS}"
                        f" (not a date; write it like 2025-03-01)")


def _date_words(value) -> str:
    d = parse_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# ---- reading the file as offices write it ---------------------------------------------------------
ENCODINGS = (("utf-8", "UTF-8"), ("gbk", "GBK"))
_BARE = re.compile(r"^(\s*(?:" + "|".join(FIELDS) + r")\s*=\s*)([^\"'\s\[{][^#]*?)(\s*(?:#.*)?)$", re.M)
_TOML_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _quote_bare(text: str) -> str:
    """`office_name = 某某县医保局`, `figures_date = 2025-3-1`: values TOML wants in quotes."""
    def fix(m):
        value = m[2].strip()
        if _TOML_DATE.fullmatch(value):
            return m[0]
        return f'{m[1]}"{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"{m[3]}'
    return _BARE.sub(fix, text)


def decode(raw: bytes, name: str) -> tuple[str, list]:
    """Text of the settings file: UTF-8 with or without BOM, or GBK (with a warning)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for codec, label in ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        warn = [] if codec == "utf-8" else [
            f"{name} 是 {label} 编码，已按 {label} 读取；建议用记事本“另存为”UTF-8 (read as {label}; UTF-8 is preferred)"]
        return text, warn
    raise SettingsError(f"{name}：文件编码看不懂（既不是UTF-8也不是GBK），请用记事本“另存为”UTF-8编码"
                        f" (the file is neither UTF-8 nor GBK; save it as UTF-8)")


def _read(path: pathlib.Path) -> tuple[dict, list]:
    if not path.is_file():
        return {}, []
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SettingsError(f"{path.name}：读不了这个文件（{e.strerror}） (cannot read the file)") from None
    text, warnings = decode(raw, path.name)
    try:
        data = tomllib.loads(_quote_bare(text))
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"line (\d+)", str(e))
        line = f"第{where[1]}行" if where else ""
        raise SettingsError(f"{path.name}：{line}格式有误，每行写成 名称 = \"内容\"，如 office_name = \"某某县医疗保障局\""
                            f" (not valid TOML: {e})") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise SettingsError(f"{path.name}：不认识的设置 {', '.join(unknown)}；可以写的设置：{', '.join(FIELDS)}"
                            f" (unknown setting(s) {', '.join(unknown)}; known: {', '.join(FIELDS)})")
    return data, warnings


def check_base_url(url: str, where: str) -> str:
    """A production base URL, checked, or SettingsError naming `where`."""
    example = 'base_url = "https://example.gov.cn/yibao/"'
    if not url:
        raise SettingsError(
            f"{where}: 生产构建需要填写 base_url（网站的正式地址），如 {example}"
            f" (base_url is not set. A production build needs the site's public address, e.g. {example} "
            "or SITE_URL=...; for a local preview run `make build` / `make serve` without --production)")
    check_url_text(url, where)
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise SettingsError(f"{where}: base_url {url!r} 不是完整的网址，应以 https:// 开头，如 {example}"
                            f" (not an absolute http(s) address)")
    if _is_local(u.hostname):
        raise SettingsError(
            f"{where}: base_url {url!r} 指向本机（localhost / 127.0.0.1 / ::1 等任何写法），印出来的二维码在居民手机上打不开；"
            f"请填正式地址，如 {example} (points to this computer; QR codes and links printed from it "
            "would open nothing on a resident's phone)")
    if u.scheme != "https":
        raise SettingsError(
            f"{where}: base_url {url!r} 要用 https:// 开头：离线缓存和计算器的完整性校验只在 HTTPS 网站上可用"
            " (must use https:// — browsers allow the service worker and the integrity checks only on HTTPS sites)")
    if u.query or u.fragment:
        raise SettingsError(f"{where}: base_url {url!r} 不能带 ? 或 # 后面的部分 (must not carry ?query or #fragment)")
    last = u.path.rsplit("/", 1)[-1]
    if last.lower() in ("index.html", "index.htm", "default.html", "default.htm", "index.php"):
        fixed = url[: len(url) - len(last)]
        raise SettingsError(
            f"{where}: base_url {url!r} 应是网站所在的目录，去掉 {last}，写成 base_url = \"{fixed}\""
            f" (must be a directory, not a page: drop {last}, e.g. {fixed!r}; else QR codes open {last}/<region>/)")
    if not url.endswith("/"):
        raise SettingsError(
            f"{where}: base_url {url!r} 应以 / 结尾（网站所在的目录），写成 base_url = \"{url}/\""
            f" (must end with / — it is a directory: {url + '/'!r})")
    return url


def lan_warning(url: str, where: str) -> list:
    host = urllib.parse.urlsplit(url).hostname or ""
    if _is_private(host):
        return [f"{where}: base_url {url!r} 是局域网/内网地址，居民用手机流量打不开；对外发布请用公网地址"
                f" (a private/LAN address: phones outside this network cannot open it)"]
    return []


MAX_OVERLAY_BYTES = 64 * 1024  # a notice's figures take a few KB


def _overlay_paths(value, settings_file: pathlib.Path) -> tuple:
    """`overlays = ["notices/yangcheng-2026.toml"]` (or one string): paths relative to the settings file."""
    if value in (None, "", []):
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
        raise SettingsError(f"{settings_file.name}: overlays 应写成文件名列表，如 overlays = [\"notices/yangcheng-2026.toml\"]"
                            " (overlays must be a list of file names)")
    out = []
    for x in items:
        p = pathlib.Path(x.strip())
        p = p if p.is_absolute() else settings_file.resolve().parent / p
        if not p.is_file():
            raise SettingsError(f"{settings_file.name}: overlays 里的文件 {x} 找不到 (overlay file not found: {p})")
        if p.stat().st_size > MAX_OVERLAY_BYTES:  # it goes into the wheel every phone downloads
            raise SettingsError(f"{settings_file.name}: overlays 里的文件 {x} 太大（{p.stat().st_size:,} 字节，"
                                f"最多 {MAX_OVERLAY_BYTES:,}），一份年度通知的数字用不了这么多"
                                f" (overlay file too large: at most {MAX_OVERLAY_BYTES:,} bytes)")
        out.append(str(p))
    return tuple(out)


def today(env=None) -> datetime.date:
    """The build's "now": SITE_TODAY=YYYY-MM-DD when set (tests), else today's date."""
    env = os.environ if env is None else env
    given = (env.get("SITE_TODAY") or "").strip()
    return parse_date(given, "SITE_TODAY") if given else datetime.date.today()


def load(path=None, production=None, env=None, log=print) -> Settings:
    """Read the settings for this build; export SITE_URL for mkdocs. Raises SettingsError."""
    env = os.environ if env is None else env
    if production is None:
        production = env.get("SITE_BUILD", "").strip().lower() == "production"
    path = pathlib.Path(path or env.get("SITE_SETTINGS") or DEFAULT_FILE)
    data, warnings = _read(path)
    where = path.name if path.is_file() else f"{path.name} (missing)"
    url = (env.get("SITE_URL") or "").strip() or str(data.get("base_url") or "").strip()
    if env.get("SITE_URL", "").strip():
        where = "SITE_URL"
    when = parse_date(data.get("figures_date"), f"{path.name}: figures_date")
    now = today(env)
    if when and when > now:
        raise SettingsError(f"{path.name}: figures_date = {when} 还没到（今天是 {now}），请填核对数字的那一天"
                            f" (figures_date is in the future; it is the day the figures were checked)")
    date = f"{when.year}年{when.month}月{when.day}日" if when else ""
    if production:
        url = check_base_url(url, where)
        if not date:
            raise SettingsError(
                f"{path.name}: 生产构建需要填写 figures_date（数字核对日期），如 figures_date = 2025-03-01"
                " (figures_date is not set. Production 明白纸 print the date the figures were checked)")
    else:
        url = url or LOCAL_URL
        url = url if url.endswith("/") else url + "/"
        check_url_text(url, where)  # a local build's pages carry it too
    warnings += lan_warning(url, where) if production else []
    overlays = _overlay_paths(data.get("overlays"), path)
    text = {name: check_text(name, str(data.get(name) or "").strip(), path.name) for name in TEXT_LIMITS}
    s = Settings(base_url=url,
                 office_name=text["office_name"] or DEFAULTS["office_name"],
                 hotline=text["hotline"] or DEFAULTS["hotline"],
                 office_address=text["office_address"],
                 figures_date=date, production=production,
                 source=str(path) if path.is_file() else "", warnings=tuple(warnings), overlays=overlays)
    env["SITE_URL"] = s.base_url  # mkdocs.yml: site_url: !ENV [SITE_URL, …] follows the same base
    if log:
        if production:
            log(f"[settings] production build for {s.base_url} ({s.office_name}, {s.hotline}, "
                f"figures of {s.figures_date})")
        else:
            log(f"[settings] LOCAL build (本地预览): links and QR codes point to {s.base_url}; pages are "
                "marked 本地预览. To deploy, set base_url in site-settings.toml and run `make dist` "
                "(build_site.py --production).")
        for w in s.warnings:
            log(f"[settings] 注意 (warning): {w}")
    return s


def check_main(production: bool) -> int:
    """`build_site.py [--production] --check-settings`: validate, say what the build would use, exit.
    One verdict: "设置检查通过" only when the overlay files passed too; never a traceback."""
    import sys
    try:
        s = load(production=production, log=None)
        problems = []
        if s.overlays:
            from . import overlays
            problems = overlays.check(s.overlays)
    except SettingsError as e:
        print(f"设置有误 (settings error): {e}", file=sys.stderr)
        return 1
    except Exception as e:  # a case no check foresaw: still one line, Chinese first
        print(f"设置有误 (settings error): 检查时出错，请把这一行发给网站维护人员 (check failed: "
              f"{type(e).__name__}: {str(e)[:200]})", file=sys.stderr)
        return 1
    for w in s.warnings:
        print(f"注意 (warning): {w}", file=sys.stderr)
    for p in problems:
        print(f"设置有误 (settings error): {p}", file=sys.stderr)
    if problems:
        return 1
    kind = "正式发布 (production)" if production else "本地预览 (local preview)"
    print(f"设置检查通过 (settings OK): {kind}\n  base_url       = {s.base_url}\n  office_name    = {s.office_name}"
          f"\n  hotline        = {s.hotline}\n  office_address = {s.office_address or '（未填）'}"
          f"\n  figures_date   = {s.figures_date or '（未填）'}\n  file           = {s.source or '（无）'}")
    if s.overlays:
        print(f"  overlays       = {', '.join(s.overlays)}（检查通过 checked）")
    return 0
