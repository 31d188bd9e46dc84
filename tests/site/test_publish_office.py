"""An office file (本地标准) named in site-settings.toml like a notice overlay: checked by
`--check-settings`, staged so the engine (and the browser's wheel) computes 渝北's case with it, and
removed by a build without it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sitegen import overlays, settings as site_settings

ROOT = Path(__file__).resolve().parents[2]
OFFICE = ROOT / "tests" / "offices" / "yubei" / "office.toml"
PROBE = ("import json; from calc import api; "
         "o = api.estimate_dict({'region': 'chongqing', 'year': 2023, 'identities': ['dibao_edge'], "
         "'stays': [{'total': '52000', 'out_of_policy': '2000', 'level': '2', 'place': 'county'}]}); "
         "print(json.dumps([o['stays'][0]['tilt'], o['figures'].get('tilt.threshold', {}).get('provenance')]))")


def run(*args, **kw):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kw)


def settings_with(tmp_path, text):
    (tmp_path / "office").mkdir(exist_ok=True)
    (tmp_path / "office" / "yubei.toml").write_text(text, "utf-8")
    f = tmp_path / "site-settings.toml"
    f.write_text('overlays = ["office/yubei.toml"]\n', "utf-8")
    return f


def test_a_staged_office_file_is_what_the_engine_computes_with(tmp_path):
    f = settings_with(tmp_path, OFFICE.read_text("utf-8"))
    s = site_settings.load(env={"SITE_SETTINGS": str(f)}, log=None)
    try:
        staged = overlays.stage(s, log=None)
        assert len(staged) == 1
        r = run("-c", PROBE)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == ["937.80", "local"]
        assert run("-m", "calc", "check").returncode == 0
    finally:
        overlays.stage(site_settings.load(env={"SITE_SETTINGS": str(tmp_path / "none.toml")}, log=None), log=None)
    assert not list((ROOT / "calc" / "regions").glob("_overlay_*"))
    assert json.loads(run("-c", PROBE).stdout) == ["0.00", None]


def test_check_settings_refuses_an_office_rate_below_the_notice_floor(tmp_path):
    bad = OFFICE.read_text("utf-8").replace('"assistance.others.ratio" = { value = "0.70"',
                                            '"assistance.others.ratio" = { value = "0.50"')
    f = settings_with(tmp_path, bad)
    r = run("build_site.py", "--check-settings", env={**__import__("os").environ, "SITE_SETTINGS": str(f)})
    assert r.returncode == 1 and "不低于 60%" in r.stderr and "Traceback" not in r.stderr


def test_region_page_marks_the_office_figures(tmp_path):
    """The region page's figure table rows: the office's figures are 本地标准 and cite its document;
    the notice's own figures beside them stay the notice's."""
    from calc import api, local
    from sitegen import build
    every_year = tmp_path / "yubei.toml"
    every_year.write_text(OFFICE.read_text("utf-8").replace("years = [2023]\n", ""), "utf-8")
    local.register(every_year)
    try:
        rm = next(r for r in json.loads(api.meta())["regions"] if r["id"] == "chongqing")
        data = build.region_data(rm)
    finally:
        local.unregister(every_year)
    rows = {p["path"]: p for p in data["params"]}
    for path in ("tilt.threshold", "tilt.dibao_edge.ratio", "assistance.others.ratio", "basic.level2.deductible"):
        assert rows[path]["provenance"] == "local", path
        assert rows[path]["cite"].startswith("渝北区医保局 政策问答（2023-10-30）"), rows[path]
        assert rows[path]["anchor"] == ""          # never linked to a clause of the notice
    assert rows["assistance.key.ratio"]["provenance"] == "document"
    assert rows["assistance.others.ratio"]["shown"] == "70%"   # the office's figure, not "不低于60%"
    assert build.env().filters["prov"]("local") == "本地标准"
