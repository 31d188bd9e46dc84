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
import tomllib
import urllib.parse
from dataclasses import asdict, dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "site-settings.toml"
LOCAL_URL = "http://localhost:8000/"
FIELDS = ("base_url", "office_name", "hotline", "office_address", "figures_date")
# Used when the file leaves them empty: true everywhere in China (12393 is the national
# 医疗保障服务热线), so a sheet is never blank, but a county should put its own office.
DEFAULTS = {"office_name": "当地医疗保障局（医保经办机构）", "hotline": "12393（全国医疗保障服务热线）"}
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "0.0.0.0", ""}


class SettingsError(SystemExit):
    """Raised (exit status 1, message on stderr) when a production build lacks a setting."""


@dataclass(frozen=True)
class Settings:
    base_url: str
    office_name: str
    hotline: str
    office_address: str
    figures_date: str      # as printed: "2025年3月1日" (or the text given)
    production: bool
    source: str            # the settings file read ("" when none)

    @property
    def preview(self) -> bool:
        """A local build: pages say 本地预览 so nobody prints a sheet whose QR points nowhere."""
        return not self.production

    def for_pages(self) -> dict:
        """What templates see as `settings`."""
        return {**asdict(self), "preview": self.preview}


def _is_local(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified or ip.is_link_local


def _date_words(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value or "").strip()
    try:
        return _date_words(datetime.date.fromisoformat(text))
    except ValueError:
        return text


def _read(path: pathlib.Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path.name}: not valid TOML ({e})") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise SettingsError(f"{path.name}: unknown setting(s) {', '.join(unknown)}; "
                            f"known: {', '.join(FIELDS)}")
    return data


def check_base_url(url: str, where: str) -> str:
    """Normalise a production base URL or raise SettingsError naming `where`."""
    example = 'base_url = "https://example.gov.cn/yibao/"'
    if not url:
        raise SettingsError(
            f"{where}: base_url is not set. A production build needs the site's public address, "
            f"e.g. {example} (or SITE_URL=...). 生产构建需要填写 base_url（网站的正式地址）。"
            " For a local preview run `make build` / `make serve` without --production.")
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise SettingsError(f"{where}: base_url {url!r} is not an absolute http(s) address, e.g. {example}")
    if _is_local(u.hostname):
        raise SettingsError(
            f"{where}: base_url {url!r} points to this computer; QR codes and links printed from "
            f"it would open nothing on a resident's phone. Set the public address, e.g. {example}. "
            "base_url 不能是 localhost / 127.0.0.1。")
    if u.scheme != "https":
        raise SettingsError(
            f"{where}: base_url {url!r} must use https:// — browsers allow the offline cache "
            "(service worker) and the integrity checks of the calculator only on HTTPS sites.")
    if u.query or u.fragment:
        raise SettingsError(f"{where}: base_url {url!r} must not carry ?query or #fragment")
    return url if url.endswith("/") else url + "/"


def load(path=None, production=None, env=None, log=print) -> Settings:
    """Read the settings for this build; export SITE_URL for mkdocs. Raises SettingsError."""
    env = os.environ if env is None else env
    if production is None:
        production = env.get("SITE_BUILD", "").strip().lower() == "production"
    path = pathlib.Path(path or env.get("SITE_SETTINGS") or DEFAULT_FILE)
    data = _read(path)
    where = path.name if path.is_file() else f"{path.name} (missing)"
    url = (env.get("SITE_URL") or "").strip() or str(data.get("base_url") or "").strip()
    if env.get("SITE_URL", "").strip():
        where = "SITE_URL"
    date = _date_words(data.get("figures_date"))
    if production:
        url = check_base_url(url, where)
        if not date:
            raise SettingsError(
                f"{path.name}: figures_date is not set. Production 明白纸 print the date the figures "
                "were checked, e.g. figures_date = 2025-03-01. 生产构建需要填写 figures_date（数字核对日期）。")
    else:
        url = url or LOCAL_URL
        url = url if url.endswith("/") else url + "/"
    s = Settings(base_url=url,
                 office_name=str(data.get("office_name") or "").strip() or DEFAULTS["office_name"],
                 hotline=str(data.get("hotline") or "").strip() or DEFAULTS["hotline"],
                 office_address=str(data.get("office_address") or "").strip(),
                 figures_date=date, production=production,
                 source=str(path) if path.is_file() else "")
    env["SITE_URL"] = s.base_url  # mkdocs.yml: site_url: !ENV [SITE_URL, …] follows the same base
    if log:
        if production:
            log(f"[settings] production build for {s.base_url} ({s.office_name}, {s.hotline}, "
                f"figures of {s.figures_date})")
        else:
            log(f"[settings] LOCAL build (本地预览): links and QR codes point to {s.base_url}; pages are "
                "marked 本地预览. To deploy, set base_url in site-settings.toml and run `make dist` "
                "(build_site.py --production).")
    return s
