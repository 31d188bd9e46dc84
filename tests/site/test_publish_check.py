"""`python -m calc check`: the shipped data passes; a copy with one figure wrong is refused, naming
the file, the parameter path and what is wrong (Chinese, English beside). And a new year from data
alone: a notice block added to the fixture region's file gives a new default year, its figures and
its document, checked by the same command."""
from __future__ import annotations

import json
from decimal import Decimal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from calc import api, params
from calc.check import check_files

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "calc" / "regions"
SIXTH = ROOT / "tests" / "unit" / "data" / "sixth" / "shiyan.toml"


def run_check(*files) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calc", "check", *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def copy_with(tmp_path: Path, src: Path, old: str, new: str, name=None) -> Path:
    text = src.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {src.name}"
    out = tmp_path / (name or src.name)
    out.write_text(text.replace(old, new), "utf-8")
    return out


def test_the_shipped_data_passes():
    r = run_check()
    assert r.returncode == 0, r.stderr
    n = len(list(REGIONS.glob("*.toml")))
    assert f"{n} 个文件" in r.stdout and "Traceback" not in r.stderr


def test_a_corrupted_ratio_is_named_by_file_and_parameter(tmp_path):
    bad = copy_with(tmp_path, REGIONS / "yangcheng.toml",
                    'ratio = { value = "0.70", unit = "ratio", label = "低保对象住院救助比例"',
                    'ratio = { value = "9.0", unit = "ratio", label = "低保对象住院救助比例"')
    r = run_check(bad)
    assert r.returncode == 1
    line = next(l for l in r.stderr.splitlines() if "assistance.dibao.ratio" in l)
    assert str(bad) in line and "9.0" in line
    assert "比例应在0到1之间" in line and "ratio must be within 0-1" in line
    assert "Traceback" not in r.stderr
    # only that parameter: the rest of the file is fine
    assert sum("assistance." in l for l in r.stderr.splitlines()) == 1
    assert run_check(REGIONS / "yangcheng.toml").returncode == 0


@pytest.mark.parametrize("old,new,path,words", [
    ('cap = { value = "60000", label = "低保对象年度救助限额"', 'cap = { value = "-60000", label = "低保对象年度救助限额"',
     "assistance.dibao.cap", "不能小于0"),
    ('ratio = { value = "0.70", unit = "ratio", label = "低保对象住院救助比例", plain = "目录内住院自付救助70%" }',
     'ratio = { value = "0.70", unit = "ratio", label = "低保对象住院救助比例", plain = "目录内住院自付救助70%", rule = "YC-AST-9" }',
     "assistance.dibao.ratio", "YC-AST-9"),
    ('identities = { value = ["dibao"], unit = "ids", label = "低保对象住院救助"',
     'identities = { value = ["dibao", "dibaoo"], unit = "ids", label = "低保对象住院救助"',
     "assistance.dibao.identities", "dibaoo"),
    ('ratio = { value = "0.80", unit = "ratio", provenance = "assumption", who = "所有参保人", label = "二级医院住院报销比例", plain = "起付线以上的合规费用报销的比例", reason = "文件未给出；与400元起付线',
     'ratio = { value = "0.80", unit = "ratio", provenance = "assumption", who = "所有参保人", label = "二级医院住院报销比例", plain = "起付线以上的合规费用报销的比例", why = "文件未给出；与400元起付线',
     "basic.level2.ratio", "理由"),
    ('contribution = { value = "320", provenance = "public", cite = "晋医保发〔2021〕14号（山西省2022年度个人缴费）"',
     'contribution = { value = "320", provenance = "public", cite = ""', "premium.contribution", "出处"),
])
def test_each_kind_of_mistake_names_its_parameter(tmp_path, old, new, path, words):
    bad = copy_with(tmp_path, REGIONS / "yangcheng.toml", old, new)
    r = run_check(bad)
    assert r.returncode == 1
    assert any(path in l and words in l and "(" in l for l in r.stderr.splitlines()), r.stderr


def test_dated_values_overlapping_or_with_a_gap(tmp_path):
    nat = REGIONS / "_national.toml"
    overlap = copy_with(tmp_path, nat, 'since = 2023-01-01, until = 2023-12-31 },\n  { value = "380"',
                        'since = 2022-06-01, until = 2023-12-31 },\n  { value = "380"', "_overlap.toml")
    r = run_check(overlap)
    assert r.returncode == 1 and any("premium.contribution" in l and "日期重叠" in l for l in r.stderr.splitlines())
    gap = copy_with(tmp_path, nat, 'since = 2023-01-01, until = 2023-12-31 },\n  { value = "380"',
                    'since = 2023-03-01, until = 2023-12-31 },\n  { value = "380"', "_gap.toml")
    r = run_check(gap)
    assert r.returncode == 1 and any("premium.contribution" in l and "日期不连续" in l for l in r.stderr.splitlines())


def test_bands_must_ascend(tmp_path):
    bad = copy_with(tmp_path, REGIONS / "_national.toml", 'band2_upper = { value = "100000"',
                    'band2_upper = { value = "90000"', "_bands.toml")
    r = run_check(bad)
    assert r.returncode == 1 and any("critical.ordinary.band2_upper" in l and "分段" in l for l in r.stderr.splitlines())


def test_a_file_that_is_not_utf8_or_gbk_or_not_toml(tmp_path):
    gbk = tmp_path / "gbk.toml"  # read like a GBK settings file (Windows 记事本)
    gbk.write_bytes(SIXTH.read_text("utf-8").encode("gbk"))
    assert run_check(gbk).returncode == run_check(SIXTH).returncode
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes(SIXTH.read_text("utf-8").encode("utf-16"))
    r = run_check(utf16)
    assert r.returncode == 1 and "UTF-8" in r.stderr and "GBK" in r.stderr and "Traceback" not in r.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[region\nid = 1\n", "utf-8")
    r = run_check(broken)
    assert r.returncode == 1 and "TOML" in r.stderr and "Traceback" not in r.stderr
    r = run_check(tmp_path / "missing.toml")
    assert r.returncode == 1 and "找不到" in r.stderr


# ---- a new year from data alone ------------------------------------------------------------------
NEW_YEAR = '''
# 2031年的通知（试医保发〔2031〕2号）：低保救助比例提高到60%，年度限额提高到1.2万元；其余不变。
[update.2031]
document = "试医保发〔2031〕2号"
date = 2031-01-15
title = "试验县2031年医疗救助待遇调整通知"
[update.2031.figures]
"assistance.dibao.ratio" = { value = "0.60", cite = "一（二）", plain = "救助60%" }
"assistance.dibao.cap" = { value = "12000", cite = "一（三）" }
'''


@pytest.fixture
def next_year(tmp_path):
    f = tmp_path / "shiyan.toml"
    f.write_text(SIXTH.read_text("utf-8") + NEW_YEAR, "utf-8")
    rid = params.register(f)
    yield f
    params.unregister(rid)


def dibao(year=None, total="60000"):
    inp = {"region": "shiyan", "identities": ["dibao"],
           "stays": [{"total": total, "out_of_policy": "0", "level": "2", "place": "county"}]}
    if year:
        inp["year"] = year
    out = api.estimate_dict(inp)
    assert out["ok"], out
    return out


def test_a_new_year_from_a_notice_block_only(next_year):
    assert run_check(next_year).returncode == 0, run_check(next_year).stderr
    m = next(r for r in json.loads(api.meta())["regions"] if r["id"] == "shiyan")
    assert m["years"] == [2030, 2031] and m["default_year"] == 2031
    new, old = dibao(), dibao(2030)
    assert new["input"]["year"] == 2031
    f_new, f_old = new["figures"]["assistance.dibao.ratio"], old["figures"]["assistance.dibao.ratio"]
    assert (f_new["value"], f_old["value"]) == ("0.60", "0.50")
    assert f_new["cite"] == "试医保发〔2031〕2号 一（二）" and f_old["cite"] == "试医保发〔2030〕1号 二（一）"
    cap = new["figures"]["assistance.dibao.cap"]
    # the new cap keeps the label of the one it replaces, but not its words about the old amount
    assert cap["value"] == "12000" and cap["label"] == "低保年度救助限额" and "1万" not in cap["display"]
    assert cap["cite"] == "试医保发〔2031〕2号 一（三）"
    # a figure the notice does not state carries on, with its old source
    assert new["figures"].get("critical.ordinary.threshold", {}).get("value") == \
        old["figures"].get("critical.ordinary.threshold", {}).get("value")
    assert Decimal(new["year"]["assistance"]) > Decimal(old["year"]["assistance"])
    docs = params.load("shiyan").meta["year_documents"]
    assert docs[2031]["document"] == "试医保发〔2031〕2号" and docs[2030]["document"] == "试医保发〔2030〕1号"


def test_a_bad_notice_is_refused_naming_it(tmp_path):
    f = tmp_path / "shiyan.toml"
    f.write_text(SIXTH.read_text("utf-8") + NEW_YEAR.replace('"0.60"', '"6.0"')
                 .replace('date = 2031-01-15', 'date = "明年"'), "utf-8")
    r = run_check(f)
    assert r.returncode == 1
    assert any("update.2031.date" in l for l in r.stderr.splitlines()), r.stderr
    f.write_text(SIXTH.read_text("utf-8") + NEW_YEAR.replace('"0.60"', '"6.0"'), "utf-8")
    r = run_check(f)
    assert any("assistance.dibao.ratio" in l and "0到1" in l for l in r.stderr.splitlines()), r.stderr
    f.write_text(SIXTH.read_text("utf-8") + NEW_YEAR.replace('"assistance.dibao.cap"', '"assistance.dibao.kap"'), "utf-8")
    r = run_check(f)
    assert any("assistance.dibao.kap" in l and "都没有" in l for l in r.stderr.splitlines()), r.stderr





def test_a_notice_changing_a_national_figure_keeps_its_unit(tmp_path):
    """A region's notice may state a figure only _national.toml had: it is checked as that unit."""
    block = NEW_YEAR.replace('"assistance.dibao.cap" = { value = "12000", cite = "一（三）" }',
                             '"critical.ordinary.band1_ratio" = { value = "1.5", cite = "一（四）" }')
    f = tmp_path / "shiyan.toml"
    f.write_text(SIXTH.read_text("utf-8") + block, "utf-8")
    r = run_check(f)
    assert r.returncode == 1
    assert any("critical.ordinary.band1_ratio" in l and "0到1" in l for l in r.stderr.splitlines()), r.stderr
    f.write_text(SIXTH.read_text("utf-8") + block.replace('"1.5"', '"0.65"'), "utf-8")
    assert run_check(f).returncode == 0, run_check(f).stderr
