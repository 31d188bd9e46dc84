"""a note in 高级 never states a figure other than the one the computation uses (阳城's
二级医院起付线 note said 75 % while its 二级医院报销比例 is 80 %). For every region and year, a percentage
in the reason of a hospital level's 起付线 is that level's 报销比例 as used, or absent."""
from __future__ import annotations

import json
import re

from calc import api


def test_deductible_notes_state_only_the_ratio_in_use():
    checked = 0
    for r in json.loads(api.meta())["regions"]:
        for year, items in r["assumptions"].items():
            by = {a["path"]: a for a in items}
            for path, a in by.items():
                m = re.fullmatch(r"basic\.level(\d)\.deductible", path)
                if not m:
                    continue
                ratio = by.get(f"basic.level{m[1]}.ratio")
                for pct in re.findall(r"(\d+(?:\.\d+)?)%", a.get("reason") or ""):
                    checked += 1
                    assert ratio and f"{pct}%" == ratio["display"], (r["id"], year, path, pct, ratio and ratio["display"])


def test_yangcheng_level2_note_matches_the_80_percent_used():
    r = next(x for x in json.loads(api.meta())["regions"] if x["id"] == "yangcheng")
    items = {a["path"]: a for a in r["assumptions"][str(r["default_year"])]}
    assert items["basic.level2.ratio"]["display"] == "80%"
    assert "75%" not in items["basic.level2.deductible"]["reason"]
