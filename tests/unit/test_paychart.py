"""paychart/ (the chart, outside the rules package): the picture of what the resident pays against the bill is drawn from real
estimates, its bends are where a payer really starts or stops, and no input can add markup."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from calc.api import estimate_dict
from paychart import chart, chart_data, chart_svg

SVG = "{http://www.w3.org/2000/svg}"
BASE = {"region": "xianning", "year": 2022,
        "stays": [{"total": "10000", "out_of_policy": "1000", "level": "2", "place": "county", "referral": True}]}


def _resident(identity, total):
    stay = {**BASE["stays"][0], "total": str(total), "out_of_policy": str(Decimal(total) / 10)}
    return Decimal(estimate_dict({**BASE, "identities": [identity], "stays": [stay]})["year"]["resident"])


def test_svg_is_well_formed_accessible_and_one_line_per_identity():
    ids = ["dibao", "tekun", "putong"]
    svg = chart_svg(BASE, ids, uid="t")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-t t-d"
    assert root.find(f"{SVG}title").text.startswith("低保对象")
    assert "普通参保人员" in root.find(f"{SVG}desc").text
    assert len(root.findall(f"{SVG}polyline")) == len(ids)


def test_the_line_follows_calc_between_its_points():
    """Straight between vertices: any bill's share read off the line equals calc's, to the yuan."""
    d = chart_data(BASE, ["dibao"])
    from paychart import _Line
    line = _Line(BASE, "dibao").sample(5000, 300000)
    for bill in (5000, 12345, 47011, 99999, 150000, 222222, 299999):
        assert abs(line.y_near(bill) - _resident("dibao", bill)) <= 1, bill
    assert d["bends"], "a 低保 line bends where 大病 and caps start"


def test_bends_are_where_a_payer_starts_or_stops():
    bends = chart_data(BASE, ["dibao"])["bends"]
    text = {b["text"].split("：")[1]: b["x"] for b in bends}
    x = text["大病保险开始报"]

    def critical(total):
        stay = {**BASE["stays"][0], "total": str(total), "out_of_policy": str(Decimal(total) / 10)}
        return Decimal(estimate_dict({**BASE, "identities": ["dibao"], "stays": [stay]})["year"]["critical"])

    assert critical(x - 300) == 0 and critical(x + 300) > 0


def test_browser_entry_answers_json_and_refuses_bad_input():
    ok = json.loads(chart(json.dumps({"input": {**BASE, "identities": ["dibao"]}, "identities": ["dibao", "putong"],
                                      "point": ["30000.00", "2340.00"], "uid": "own"})))
    assert ok["ok"] and ok["svg"].startswith("<svg") and "您在这里" in ok["svg"]
    assert all(set(b) == {"n", "x", "text"} for b in ok["bends"])
    for bad in ("not json", json.dumps({"input": {**BASE, "stays": []}, "identities": ["dibao"]}),
                json.dumps({"input": {**BASE, "identities": ["<script>alert(1)</script>"]}}),
                json.dumps({"input": {**BASE, "region": "<b>x</b>"}, "identities": ["dibao"]})):
        assert json.loads(chart(bad)) == {"ok": False}


def test_no_input_text_reaches_the_svg():
    """Only numbers and calc's labels: an id with markup is refused, a uid is reduced to safe characters."""
    svg = chart_svg(BASE, ["dibao"], uid='x"><script>alert(1)</script>')
    assert "<script" not in svg and 'id="xscriptalert1script-t"' in svg
    with pytest.raises(ValueError):
        chart_svg({**BASE, "stays": []}, ["dibao"])
