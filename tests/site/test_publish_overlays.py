"""A new year from a local overlay file named in site-settings.toml (`overlays = [...]`): checked by
`python -m calc check` within its region and by `--check-settings`; staged into calc/regions/ so the
engine computes with it; a build without overlays removes it again."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import overlays, settings as site_settings

ROOT = Path(__file__).resolve().parents[2]
NOTICE = '''region = "yangcheng"
# a test notice (not a real document): only the low-income assistance cap changes in 2026
[update.2026]
document = "测试〔2026〕1号"
date = 2026-01-20
[update.2026.figures]
"assistance.dibao.cap" = { value = "70000", cite = "一、四是", plain = "一年最多7万元" }
'''


def env(**kw):
    e = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_SETTINGS", "SITE_BUILD", "SITE_TODAY")}
    e.update(kw)
    return e


def write(tmp_path, notice=NOTICE):
    (tmp_path / "notices").mkdir(exist_ok=True)
    (tmp_path / "notices" / "yangcheng-2026.toml").write_text(notice, "utf-8")
    f = tmp_path / "site-settings.toml"
    f.write_text('overlays = ["notices/yangcheng-2026.toml"]\n', "utf-8")
    return f


def run(*args, **kw):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, **kw)


def test_overlay_paths_are_relative_to_the_settings_file(tmp_path):
    f = write(tmp_path)
    s = site_settings.load(env={"SITE_SETTINGS": str(f)}, log=None)
    assert s.overlays == (str(tmp_path / "notices" / "yangcheng-2026.toml"),)
    f.write_text('overlays = ["notices/missing.toml"]\n', "utf-8")
    with pytest.raises(site_settings.SettingsError, match="missing.toml"):
        site_settings.load(env={"SITE_SETTINGS": str(f)}, log=None)


def test_check_takes_an_overlay_file_within_its_region(tmp_path):
    f = write(tmp_path)
    notice = tmp_path / "notices" / "yangcheng-2026.toml"
    r = run("-m", "calc", "check", str(notice))
    assert r.returncode == 0, r.stderr
    notice.write_text(NOTICE.replace('value = "70000"', 'value = "-70000"'), "utf-8")
    r = run("-m", "calc", "check", str(notice))
    assert r.returncode == 1 and "assistance.dibao.cap" in r.stderr and str(notice) in r.stderr
    r = run("build_site.py", "--check-settings", env=env(SITE_SETTINGS=str(f)))
    assert r.returncode == 1 and "assistance.dibao.cap" in r.stderr and "Traceback" not in r.stderr
    notice.write_text(NOTICE.replace('region = "yangcheng"', 'region = "yangchen"'), "utf-8")
    r = run("-m", "calc", "check", str(notice))
    assert r.returncode == 1 and "yangchen" in r.stderr


def test_a_staged_overlay_is_what_the_engine_computes_with(tmp_path):
    f = write(tmp_path)
    s = site_settings.load(env={"SITE_SETTINGS": str(f)}, log=None)
    probe = ("import json; from calc import api; "
             "m = next(r for r in json.loads(api.meta())['regions'] if r['id'] == 'yangcheng'); "
             "o = api.estimate_dict({'region': 'yangcheng', 'identities': ['dibao'], 'stays': [{'total': '3万'}]}); "
             "print(json.dumps([m['default_year'], o['input']['year'], o['figures']['assistance.dibao.cap']]))")
    try:
        staged = overlays.stage(s, log=None)
        assert len(staged) == 1 and staged[0].parent == ROOT / "calc" / "regions"
        r = run("-c", probe)
        assert r.returncode == 0, r.stderr
        default, year, cap = json.loads(r.stdout)
        assert default == 2026 and year == 2026
        assert cap["value"] == "70000" and cap["cite"] == "测试〔2026〕1号 一、四是"
        assert run("-m", "calc", "check").returncode == 0  # the shipped data with the staged overlay
    finally:
        overlays.stage(site_settings.load(env={"SITE_SETTINGS": str(tmp_path / "none.toml")}, log=None), log=None)
    assert not list((ROOT / "calc" / "regions").glob("_overlay_*"))
    r = run("-c", probe)
    default, year, cap = json.loads(r.stdout)
    assert default == 2025 and cap["value"] == "60000"
