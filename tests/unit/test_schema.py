"""The parameter schema (calc/schema.py): every path in the data is one a step reads; a misspelled
key is refused by `calc check` with the nearest declared one; a step reading an undeclared path raises."""
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from calc import check, params, schema
from calc.context import Ctx
from calc.engine import choose
from calc.input import parse

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "calc" / "regions"


def test_every_shipped_parameter_is_declared():
    for rid in params.region_ids():
        undeclared = [p for p in params.load(rid).paths() if not schema.declared(p)]
        assert undeclared == [], rid


def _misspell(text, table, key, wrong):
    lines = text.splitlines()
    at = lines.index(f"[{table}]")
    for i in range(at + 1, len(lines)):
        if lines[i].startswith(f"{key} = "):
            lines[i] = wrong + lines[i][len(key):]
            return "\n".join(lines) + "\n"
    raise AssertionError(f"{table}.{key} not found")


def test_misspelled_cap_is_refused_naming_cap(tmp_path):
    bad = tmp_path / "xianning.toml"
    bad.write_text(_misspell((REGIONS / "xianning.toml").read_text("utf-8"), "assistance.dibao_fanpin", "cap", "caps"),
                   "utf-8")
    run = subprocess.run([sys.executable, "-m", "calc", "check", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1
    assert "assistance.dibao_fanpin.caps" in run.stderr and "did you mean cap" in run.stderr
    assert "检查通过" not in run.stdout
    # the shipped file itself passes
    ok = subprocess.run([sys.executable, "-m", "calc", "check", str(REGIONS / "xianning.toml")], cwd=ROOT,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_misspelled_figure_in_a_notice_is_refused_with_a_hint():
    data = tomllib.loads((REGIONS / "yangcheng.toml").read_text("utf-8"))
    nat = tomllib.loads((REGIONS / "_national.toml").read_text("utf-8"))
    data["update"] = {"2026": {"document": "阳医保发〔2026〕1号", "date": __import__("datetime").date(2026, 1, 20),
                               "figures": {"assistance.dibao.caps": {"value": "70000", "cite": "一、四是"}}}}
    found = [str(p) for p in check.check_data("yangcheng.toml", data, nat)]
    assert any("assistance.dibao.caps" in p and "assistance.dibao.cap" in p for p in found), found


def test_a_misspelled_group_key_in_an_overlay_table_is_refused():
    data = tomllib.loads((REGIONS / "yiyuan.toml").read_text("utf-8"))
    nat = tomllib.loads((REGIONS / "_national.toml").read_text("utf-8"))
    data.setdefault("reassist", {})["threshhold"] = {"value": "1000", "provenance": "assumption", "reason": "x"}
    found = [p for p in check.check_data("yiyuan.toml", data, nat) if p.path == "reassist.threshhold"]
    assert found and "reassist.threshold" in found[0].zh


def test_engine_raises_on_an_undeclared_read():
    rp, person, care, ov, _, _ = parse({"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}]})
    ctx = Ctx(rp, person, ov, {})
    assert ctx.p("assistance.dibao_fanpin.cap") is not None
    assert ctx.p("assistance.tekun.ratio_above") is None          # declared, absent here: None
    with pytest.raises(schema.UndeclaredParameter):
        ctx.p("assistance.dibao_fanpin.caps")


def test_the_declared_patterns_name_real_places_and_levels():
    assert schema.declared("cost_control.county_2") and schema.declared("basic.level3.deductible")
    assert not schema.declared("cost_control.moon_2") and not schema.declared("basic.level4.deductible")


def test_a_public_figure_without_the_year_it_covers_is_refused():
    nat = tomllib.loads((REGIONS / "_national.toml").read_text("utf-8"))
    assert check.check_data("_national.toml", nat) == []
    latest = nat["premium"]["contribution"][-1]
    del latest["covers_until"]
    found = [p for p in check.check_data("_national.toml", nat) if p.path == "premium.contribution"]
    assert found and "covers_until" in found[0].zh


def test_the_engine_refuses_region_data_with_a_misspelled_key(tmp_path):
    bad = tmp_path / "xianning.toml"
    bad.write_text(_misspell((REGIONS / "xianning.toml").read_text("utf-8"), "assistance.dibao_fanpin", "cap", "caps"),
                   "utf-8")
    original = params._FILES["xianning"]
    try:
        params.register(bad)
        with pytest.raises(ValueError, match="did you mean cap"):
            params.load("xianning")
    finally:
        params._FILES["xianning"] = original
        params.load.cache_clear()
    assert params.load("xianning").get("assistance.dibao_fanpin.cap", 2025).value == 30000


def test_a_misspelled_key_in_an_overlay_file_is_refused(tmp_path):
    notice = tmp_path / "yangcheng-2026.toml"
    notice.write_text('region = "yangcheng"\n[update.2026]\ndocument = "测试〔2026〕1号"\ndate = 2026-01-20\n'
                      '[update.2026.figures]\n"assistance.dibao.caps" = { value = "70000", cite = "一、四是" }\n',
                      "utf-8")
    run = subprocess.run([sys.executable, "-m", "calc", "check", str(notice)], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 1 and "assistance.dibao.caps" in run.stderr and "assistance.dibao.cap" in run.stderr
