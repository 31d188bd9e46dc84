"""One 明白纸 layout: the build's print pages (templates/partials/mingbai.html, jinja) and the browser's
sheets (docs/assets/shared/mingbai.js: the roster's 每人一张 and the printed answer) lay the same sheet
data out as the same markup; and the roster's sheets carry the caveats the print pages carry (the
year's note, every assumed figure the person's sums used, the estimated 目录外 amounts), found by
running calc on the person's own input."""
from __future__ import annotations

import html.parser
import json
import pathlib
import shutil
import subprocess

import pytest

import roster
from calc import api
from calc.api import estimate_dict
from roster import worker
from sitegen import build, settings as site_settings, staff

HERE = pathlib.Path(__file__).resolve().parent
META = json.loads(api.meta())["regions"]


class _Canon(html.parser.HTMLParser):
    """Markup as a list of tags (attributes sorted) and texts; whitespace between tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(("<", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_endtag(self, tag):
        self.out.append((">", tag))

    def handle_data(self, data):
        if data.strip():
            if self.out and self.out[-1][0] == "t":
                self.out[-1] = ("t", self.out[-1][1] + data)
            else:
                self.out.append(("t", data))


def canon(markup: str) -> list:
    p = _Canon()
    p.feed(markup)
    p.close()
    return [("t", " ".join(x[1].split())) if x[0] == "t" else x for x in p.out]


def browser_markup(cases: list) -> list[str]:
    if not shutil.which("node"):
        pytest.fail("node is needed to run the browser's 明白纸 layout (npm ci)")
    tmp = HERE / ".." / ".." / ".build"
    tmp.mkdir(exist_ok=True)
    src = tmp / "mingbai-cases.json"
    src.write_text(json.dumps(cases, ensure_ascii=False), "utf-8")
    proc = subprocess.run(["node", str(HERE / "mingbai_tree.mjs"), str(src)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def jinja_markup(sheet: dict, attrs: dict) -> str:
    return build.env().get_template("partials/mingbai.html").render(sheet=sheet, sheet_attrs=attrs, sheet_preview=False)


def roster_sheets(csv_text: str, region: str) -> list[dict]:
    out = roster.run(csv_text, region)
    assert out["ok"], out
    sh = json.loads(worker.sheets_json(json.dumps({"region": region, "rows": out["rows"], "base_url": "https://example.gov.cn/"})))
    assert sh["ok"]
    return sh["sheets"]


ROSTER = """姓名,人员类别,住院1总费用,住院1医院等级,住院1就医地点,住院1目录外费用,住院2总费用,门诊慢特病
张三,低保户,30000,二级,县内,,,
李四,特困供养,200000,三级,县外市内,15000,40000,3000
王五,一般户,20000,二级,县内,0,,
"""


@pytest.fixture(scope="module")
def cases():
    s = site_settings.load(log=None)
    out = []
    for rm in META:  # one print sheet per region (its first and last identity)
        for ident in {rm["identities"][0]["id"]: rm["identities"][0], rm["identities"][-1]["id"]: rm["identities"][-1]}.values():
            out.append((staff.sheet_data(rm, ident, s), {"data-region": rm["id"], "data-identity": ident["id"]}))
    office = {"name": s.office_name, "hotline": s.hotline, "address": s.office_address or ""}
    for sh in roster_sheets(ROSTER, "xianning"):  # as roster.js completes them
        out.append(({**sh["sheet"], "steps": ["带上证件。"], "office": office,
                     "foot": {"qr": {"alt": "二维码"}, "scan": "扫码算一算：", "text": "打开计算器。", "url": None, "date": "测算日期"}},
                    {"class": "mingbai ro-sheet", "data-line": str(sh["line"])}))
    # a printed answer's shape (calc-print.js): labelled rows, no unit suffix, a missing amount, the trace
    answer = dict(out[-1][0], pay={"caption": None, "suffix": "", "head": ["（元）", "总费用", "您自己付"], "you": 2,
                                   "rows": [{"label": "全年", "cells": ["1234.50", None], "total": True}]},
                  trace={"title": "算账单", "steps": [], "more": "纸上放不下。"}, inputs=["身份：低保对象"], topics=None)
    out.append((answer, {"class": "mingbai mb-answer"}))
    return [[{k: v for k, v in sheet.items() if k != "calc_url"}, attrs] for sheet, attrs in out]


def test_print_pages_and_browser_sheets_have_the_same_markup(cases):
    browser = browser_markup(cases)
    assert len(browser) == len(cases)
    for (sheet, attrs), js in zip(cases, browser):
        j = jinja_markup(sheet, attrs)
        assert canon(j) == canon(js), (sheet["title"], j, js)
    # the comparison can fail: a changed sheet lays out differently
    changed = dict(cases[0][0], year_note="另一句话")
    assert canon(jinja_markup(changed, cases[0][1])) != canon(browser[0])


def _row_input(region, identities, stays, outpatient=None):
    return {"region": region, "identities": identities, "stays": stays, "outpatient": outpatient or {}}


def test_roster_sheets_carry_the_caveats_of_calc():
    regions = {r["id"]: r for r in META}
    sheets = roster_sheets(ROSTER, "xianning")
    assert len(sheets) == 3
    inputs = [  # what the roster's rows mean to calc (roster/words.py)
        _row_input("xianning", ["dibao"], [{"total": "30000", "level": "2", "place": "county"}]),
        _row_input("xianning", ["tekun"], [{"total": "200000", "level": "3", "place": "city", "out_of_policy": "15000"},
                                           {"total": "40000"}], {"chronic": "3000"}),
        _row_input("xianning", ["putong"], [{"total": "20000", "level": "2", "place": "county", "out_of_policy": "0"}]),
    ]
    for sh, inp in zip(sheets, inputs):
        res = estimate_dict(inp)
        assert res["ok"], res
        assert sh["resident"] == res["year"]["resident"]  # the same person
        body = sh["sheet"]
        note = (regions["xianning"].get("year_notes") or {}).get(str(sh["year"]))
        assert body["year_note"] == note
        # the figures of the steps that make amounts (a warning's income line is not in the sums)
        paths = {p for st in res["trace"] if st["tier"] != "warning" for p in st["figures"]}
        used = {(f["label"], f["display"]) for p, f in res["figures"].items()
                if p in paths and f["provenance"] == "assumption" and staff._numeric(f["value"])}
        assert {(a["label"], a["shown"]) for a in body["assumed"]} == used
        estimated = [i for i, st in enumerate(res["input"]["stays"]) if st.get("out_of_policy_assumed")]
        if estimated:
            for i in estimated:
                assert f"第{i + 1}次住院 {build.yuan(res['stays'][i]['out_of_policy'])} 元" in body["oop"]
        else:
            assert body["oop"] is None
    assert sheets[0]["sheet"]["oop"] and sheets[2]["sheet"]["oop"] is None
