"""Settings as offices write them, each through `build_site.py --production --check-settings`: it
validates site-settings.toml and exits without building; every message is Chinese with English
beside it, never a traceback."""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import settings as site_settings

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://example.gov.cn/yibao/"
GOOD = f'base_url = "{BASE}"\noffice_name = "示例县医疗保障局"\nhotline = "0533-1234567"\n'


def check(tmp_path, content: bytes | str, *, production=True, name="site-settings.toml", **env):
    f = tmp_path / name
    f.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    e = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_SETTINGS", "SITE_BUILD", "SITE_TODAY")}
    e.update(SITE_SETTINGS=str(f), **env)
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "build_site.py"), *(["--production"] if production else []),
           "--check-settings", "--out", str(out)]
    r = subprocess.run(cmd, cwd=ROOT, env=e, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    assert not out.exists()  # validated only: nothing built
    return r


def test_good_settings_pass_and_say_what_the_build_will_use(tmp_path):
    r = check(tmp_path, GOOD + "figures_date = 2025-03-01\n")
    assert r.returncode == 0, r.stderr
    assert BASE in r.stdout and "示例县医疗保障局" in r.stdout and "2025年3月1日" in r.stdout


def test_utf8_with_bom(tmp_path):
    r = check(tmp_path, b"\xef\xbb\xbf" + (GOOD + "figures_date = 2025-03-01\n").encode("utf-8"))
    assert r.returncode == 0, r.stderr
    assert "示例县医疗保障局" in r.stdout  # the first line (after the BOM) was read


def test_gbk_is_read_and_named(tmp_path):
    r = check(tmp_path, (GOOD + "figures_date = 2025-03-01\n").encode("gbk"))
    assert r.returncode == 0, r.stderr
    assert "示例县医疗保障局" in r.stdout  # decoded, not mojibake
    assert "GBK" in r.stderr and "UTF-8" in r.stderr


def test_an_encoding_that_is_neither_is_refused_naming_the_encodings(tmp_path):
    r = check(tmp_path, GOOD.encode("utf-16"))
    assert r.returncode == 1 and "UTF-8" in r.stderr and "GBK" in r.stderr


@pytest.mark.parametrize("written", ["2025-3-1", "2025年3月1日", '"2025-3-1"', '"2025年3月1日"', "2025/3/1",
                                     '"２０２５年３月１日"', "2025-03-01"])
def test_dates_as_people_write_them(tmp_path, written):
    r = check(tmp_path, GOOD + f"figures_date = {written}\n")
    assert r.returncode == 0, r.stderr
    assert "2025年3月1日" in r.stdout


@pytest.mark.parametrize("written", ['"明天"', "明天", '"2025-2-30"', '"2025年13月1日"', '"3月1日"', "20250301"])
def test_words_and_impossible_days_are_refused_with_the_expected_form(tmp_path, written):
    r = check(tmp_path, GOOD + f"figures_date = {written}\n")
    assert r.returncode == 1
    assert "figures_date" in r.stderr and "2025-03-01" in r.stderr  # names the setting and the form
    assert "(" in r.stderr and any("\u4e00" <= c <= "\u9fff" for c in r.stderr)


def test_a_date_in_the_future_is_refused(tmp_path):
    r = check(tmp_path, GOOD + "figures_date = 2026-06-01\n", SITE_TODAY="2026-05-01")
    assert r.returncode == 1 and "figures_date" in r.stderr
    assert check(tmp_path, GOOD + "figures_date = 2026-06-01\n", SITE_TODAY="2026-12-04").returncode == 0


@pytest.mark.parametrize("url,fixed", [
    ("https://example.gov.cn/yibao/index.html", "https://example.gov.cn/yibao/"),
    ("https://example.gov.cn/index.html", "https://example.gov.cn/"),
    ("https://example.gov.cn/yibao", "https://example.gov.cn/yibao/"),
])
def test_base_url_must_be_a_directory(tmp_path, url, fixed):
    r = check(tmp_path, f'base_url = "{url}"\nfigures_date = 2025-03-01\n')
    assert r.returncode == 1 and "base_url" in r.stderr
    assert f'base_url = "{fixed}"' in r.stderr  # says what to write


@pytest.mark.parametrize("url", ["https://192.168.1.10/yibao/", "https://10.0.0.5/", "https://yibao.lan/",
                                 "https://intranet/yibao/", "https://172.20.1.1/"])
def test_private_and_lan_addresses_warn(tmp_path, url):
    r = check(tmp_path, f'base_url = "{url}"\nfigures_date = 2025-03-01\n')
    assert r.returncode == 0, r.stderr  # a warning, not a refusal: an intranet mirror is allowed
    assert "局域网" in r.stderr and "LAN" in r.stderr
    assert "局域网" not in check(tmp_path, GOOD + "figures_date = 2025-03-01\n").stderr


def test_values_without_quotes_and_a_broken_line(tmp_path):
    r = check(tmp_path, "base_url = https://example.gov.cn/yibao/\noffice_name = 示例县医疗保障局  # 名称\n"
                        "hotline = 0533-1234567\nfigures_date = 2025-3-1\n")
    assert r.returncode == 0, r.stderr
    assert "示例县医疗保障局" in r.stdout and "0533-1234567" in r.stdout
    r = check(tmp_path, GOOD + 'office_address = "未闭合\n')
    assert r.returncode == 1 and "第4行" in r.stderr and "TOML" in r.stderr


def test_local_check_needs_nothing(tmp_path):
    r = check(tmp_path, "", production=False)
    assert r.returncode == 0 and "本地预览" in r.stdout


def test_today_is_injectable():
    assert site_settings.today({"SITE_TODAY": "2026-12-04"}) == datetime.date(2026, 12, 4)
    assert site_settings.today({"SITE_TODAY": "2026年12月4日"}) == datetime.date(2026, 12, 4)
