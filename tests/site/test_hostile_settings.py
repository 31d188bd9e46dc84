"""Settings are data, never markup: a hostile site-settings.toml is refused by
`build_site.py [--production] --check-settings` (and so by every build, local ones too), and the
CSP allows only the inline scripts the build itself writes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import build_site
from buildtools import inline_scripts
from scripts import http_rules

ROOT = Path(__file__).resolve().parents[2]
INJECTED = 'https://example.gov.cn/"><script>alert(1)</script>/'
REST = 'office_name = "示例县医疗保障局"\nhotline = "0533-1234567"\nfigures_date = 2025-03-01\n'


def check(tmp_path, text: str, production: bool):
    f = tmp_path / "site-settings.toml"
    f.write_text(text, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITE_")}
    env["SITE_SETTINGS"] = str(f)
    r = subprocess.run([sys.executable, str(ROOT / "build_site.py"), *(["--production"] if production else []),
                        "--check-settings"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    return r


@pytest.mark.parametrize("production", [True, False])
def test_markup_in_base_url_is_refused_in_every_build(tmp_path, production):
    r = check(tmp_path, f"base_url = '{INJECTED}'\n" + REST, production)
    assert r.returncode == 1
    assert "设置有误" in r.stderr and "base_url" in r.stderr and "设置检查通过" not in r.stdout


@pytest.mark.parametrize("url", ["https://127.1/", "https://0x7f.0.0.1/", "https://localhost./", "https://[::1]/",
                                 "https://0177.0.0.1/", "https://2130706433/", "https://[::ffff:127.0.0.1]/",
                                 "https://LOCALHOST/"])
def test_this_computer_in_any_spelling_is_refused(tmp_path, url):
    r = check(tmp_path, f'base_url = "{url}"\n' + REST, True)
    assert r.returncode == 1 and "指向本机" in r.stderr, r.stderr


@pytest.mark.parametrize("url", ["https://admin:secret@example.gov.cn/", "https://example.gov.cn/a b/",
                                 "https://example.gov.cn/`x`/", "https://example.gov.cn/\\x/"])
def test_credentials_and_odd_characters_are_refused(tmp_path, url):
    r = check(tmp_path, f"base_url = '{url}'\n" + REST, True)
    assert r.returncode == 1 and "base_url" in r.stderr


def test_a_public_address_still_passes(tmp_path):
    r = check(tmp_path, 'base_url = "https://example.gov.cn/yibao/"\n' + REST, True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line", ['office_name = "=HYPERLINK(\\"http://x\\",\\"点我\\")"',
                                  'office_name = "<img src=x onerror=alert(1)>"', 'hotline = "@SUM(1)"',
                                  'office_address = "某某路\\u0001号"'])
def test_text_settings_that_are_markup_or_formulas_are_refused(tmp_path, line):
    text = 'base_url = "https://example.gov.cn/yibao/"\nfigures_date = 2025-03-01\n' + line + "\n"
    r = check(tmp_path, text, True)
    assert r.returncode == 1 and "设置有误" in r.stderr, r.stdout + r.stderr


def test_the_csp_hashes_only_scripts_the_build_writes(tmp_path):
    """A page carrying a script no template writes stops the build instead of being hashed."""
    page = tmp_path / "index.html"
    # a script the theme override really writes (the first one with no template expression)
    bodies = inline_scripts._SCRIPT.findall((inline_scripts.ROOT / "overrides" / "main.html").read_text("utf-8"))
    good = "<script>" + next(b for b in bodies if "{{" not in b and "{%" not in b) + "</script>"
    page.write_text(f'<meta http-equiv="Content-Security-Policy" content="__CSP__">{good}', "utf-8")
    policy = build_site.apply_csp(tmp_path)
    assert http_rules.script_hashes_of(good)[0] in policy
    page.write_text(f'<meta http-equiv="Content-Security-Policy" content="__CSP__">{good}'
                    f'<link rel="canonical" href="https://example.gov.cn/"><script>alert(1)</script>/">', "utf-8")
    with pytest.raises(SystemExit) as e:
        build_site.apply_csp(tmp_path)
    assert "不是构建写的内联脚本" in str(e.value)
    assert "__CSP__" in page.read_text("utf-8")  # nothing written: no policy allows it


def test_every_known_script_comes_from_a_template():
    patterns = inline_scripts.known_patterns()
    assert len(patterns) >= 3
    assert inline_scripts.unknown(['alert(1)', '__md_scope=new URL("x"),alert(1)'], patterns) == \
        ['alert(1)', '__md_scope=new URL("x"),alert(1)']


def test_the_builds_own_early_start_script_is_known_and_a_changed_one_is_not():
    from sitegen.instant import early_script
    patterns = inline_scripts.known_patterns()
    ours = http_rules.inline_scripts_of(early_script("../assets/runtime/worker.js"))
    assert ours and inline_scripts.unknown(ours, patterns) == []
    evil = http_rules.inline_scripts_of(early_script('x");alert(1);("'))
    assert inline_scripts.unknown(evil, patterns) == evil
