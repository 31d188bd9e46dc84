"""Build inputs an office (or an attacker with the settings file) can write, each through
`build_site.py --production --check-settings` as README says to run it: one verdict, Chinese with
English beside, never a traceback, also with a Python that has none of the site's packages."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = 'base_url = "https://example.gov.cn/yibao/"\nfigures_date = 2025-03-01\noverlays = ["notices/n.toml"]\n'
NOTICE = ('region = "yangcheng"\n[update.{year}]\ndocument = "阳医保发〔2026〕1号"\ndate = 2026-01-20\n'
          '[update.{year}.figures]\n"assistance.dibao.cap" = {{ value = "{value}", cite = "一、四是" }}\n')


def check(tmp_path, notice: bytes, python=sys.executable):
    (tmp_path / "notices").mkdir(exist_ok=True)
    (tmp_path / "notices" / "n.toml").write_bytes(notice)
    (tmp_path / "s.toml").write_text(SETTINGS, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITE_")}
    env["SITE_SETTINGS"] = str(tmp_path / "s.toml")
    r = subprocess.run([python, str(ROOT / "build_site.py"), "--production", "--check-settings"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both
    assert not ("设置检查通过" in both and "设置有误" in both), both  # one verdict
    return r


def test_a_huge_figure_is_named(tmp_path):
    r = check(tmp_path, NOTICE.format(year=2026, value="1e9999").encode())
    assert r.returncode == 1 and "assistance.dibao.cap" in r.stderr and "太大" in r.stderr


@pytest.mark.parametrize("year", ["99999", "1", "20026"])
def test_a_year_out_of_range_is_named(tmp_path, year):
    r = check(tmp_path, NOTICE.format(year=year, value="70000").encode())
    assert r.returncode == 1 and f"update.{year}" in r.stderr and "2000" in r.stderr


def test_a_gbk_notice_is_read_like_a_gbk_settings_file(tmp_path):
    r = check(tmp_path, NOTICE.format(year=2026, value="70000").encode("gbk"))
    assert r.returncode == 0, r.stderr
    assert "设置检查通过" in r.stdout


def test_an_overlay_of_50_mb_is_refused_before_it_is_read(tmp_path):
    r = check(tmp_path, b'region = "yangcheng"\n' + b"# comment\n" * 5_000_000)
    assert r.returncode == 1 and "太大" in r.stderr and "overlay" in r.stderr


def test_the_system_python_checks_settings_without_the_site_packages(tmp_path):
    """README's command with a bare Python (no jinja2, no segno): the settings check still runs."""
    bare = shutil.which("python3", path="/usr/bin:/bin")
    if not bare:
        pytest.skip("no system python3")
    r = check(tmp_path, NOTICE.format(year=2026, value="70000").encode(), python=bare)
    assert r.returncode == 0, r.stderr
    assert "ModuleNotFoundError" not in r.stderr
