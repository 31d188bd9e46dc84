"""批量测算 (roster/): a roster gives, row by row, exactly what calc gives for that person;
bad rows carry calc's own message and the column; totals add up; CSV (UTF-8, GBK, pasted with tabs)
and .xlsx read alike; the command line on all cores gives the same CSV."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from benchmarks.roster import sample, xlsx_bytes
import roster
from roster import words, worker
from calc.api import estimate_dict


def _run(data, region="xianning"):
    out = roster.run(data, region)
    assert out["ok"], out
    return out


def test_200_rows_with_5_bad_equal_single_estimates_and_carry_calcs_messages():
    text, people = sample(200, "xianning", bad_rows=5)
    out = _run(text)
    rows = {r["line"]: r for r in out["rows"]}
    assert len(rows) == 200
    sums = {c["key"]: Decimal(0) for c in out["columns"]}
    bad = 0
    for p in people:
        want = estimate_dict(p["input"])
        got = rows[p["line"]]
        assert got["name"] == p["name"] and got["group"] == p["group"]
        if p["bad"]:
            bad += 1
            assert not want["ok"] and not got["ok"], p
            if p["bad"] == "identity":  # the roster quotes the word and the region's list itself
                assert got["errors"][0]["message"].startswith("身份“外星人”认不出来。咸宁市可填：")
            else:
                assert [e["message"] for e in got["errors"]] == [e["message"] for e in want["errors"]]
            assert all(e["column"] for e in got["errors"]), got  # every message names its column
            continue
        assert want["ok"], (p, want)
        assert got["ok"], (p, got)
        assert got["year"] == want["year"], p["cells"]
        assert got["identity"] == want["identity"]["label"]
        for k in sums:
            sums[k] += Decimal(want["year"][k])
    assert bad == 5
    t = out["totals"]["all"]
    assert (t["people"], t["errors"]) == (195, 5)
    assert t["sums"] == {k: f"{v:.2f}" for k, v in sums.items()}
    # village subtotals add up to the whole list
    for k in sums:
        assert sum(Decimal(g["sums"][k]) for g in out["totals"]["groups"]) == sums[k]
    # the CSV download says the same
    lines = list(csv.reader(io.StringIO(out["csv"].lstrip("\ufeff"))))
    assert len(lines) == 201 and sum(1 for l in lines[1:] if l[-1]) == 5


def test_template_rows_compute_and_its_columns_are_the_format():
    out = _run(roster.template_csv())
    assert all(r["ok"] for r in out["rows"]) and len(out["rows"]) == len(roster.TEMPLATE_ROWS)
    from roster.header import parse_header
    layout, unknown, _ = parse_header(roster.columns())
    assert not unknown and len(layout) == len(roster.columns())
    first = out["rows"][0]
    want = estimate_dict({"region": "xianning", "identities": ["dibao"], "outpatient": {"chronic": "3000"},
                          "stays": [{"total": "3万", "level": "2", "place": "county", "referral": True}]})
    assert first["year"] == want["year"]


@pytest.mark.parametrize("cell,ids", [
    ("低保", ["dibao"]), ("低保对象", ["dibao"]), ("dibao", ["dibao"]), ("五保", ["tekun"]),
    ("特困人员(含孤儿、五保)", ["tekun"]), ("低保、返贫致贫", ["dibao", "fanpin"]),
    ("监测对象 / 低保", ["jiance", "dibao"]), ("普通", ["putong"]), ("外星人", []),
])
def test_identity_words(cell, ids):
    meta = {"identities": [{"id": i, "label": label} for i, label in [("tekun", "特困人员(含孤儿、五保)"), ("dibao", "低保对象"), ("fanpin", "返贫致贫人口"), ("jiance", "监测对象"), ("putong", "普通参保人员")]]}
    assert words.Labels(meta).identities(cell)[0] == ids


def test_level_place_and_referral_words():
    assert [words.level(x) for x in ("一级", "二级医院", "三甲", "3", "五级")] == ["1", "2", "3", "3", "五级"]
    assert [words.place(x) for x in ("县内", "县外市内", "省级医院", "省外", "county", "火星")] == \
        ["county", "city", "province", "outside", "county", "火星"]
    assert [words.referral(x) for x in ("是", "否", "也许")] == [True, False, "也许"]


def test_empty_identity_is_an_error_not_a_silent_default():
    out = _run("姓名/编号,身份,住院1总费用\nA,,30000\n")
    row = out["rows"][0]
    assert not row["ok"] and row["errors"][0]["column"] == "身份" and "没有填写" in row["errors"][0]["message"]


def test_bad_amount_names_the_stay_column():
    out = _run("姓名/编号,身份,住院1总费用,住院2总费用\nA,低保,30000,三万多点\n")
    e = out["rows"][0]["errors"][0]
    assert e["field"] == "stays[1].total" and e["column"] == "住院2总费用"
    assert e["text"].startswith("住院2总费用：") and "没看懂" in e["text"]


def test_files_read_alike_utf8_gbk_tabs_and_xlsx():
    text, _ = sample(30, "yiyuan", bad_rows=2, seed=5)
    want = _run(text.encode("utf-8"), "yiyuan")
    for data in (("\ufeff" + text).encode("utf-8"), text.encode("gb18030"),
                 text.replace(",", "\t") if "\t" not in text else text, xlsx_bytes(text)):
        got = _run(data, "yiyuan")
        assert [(r["line"], r["ok"], r.get("year")) for r in got["rows"]] == \
            [(r["line"], r["ok"], r.get("year")) for r in want["rows"]]


def test_whole_file_problems_are_one_chinese_message():
    assert roster.run("", "xianning") == {"ok": False, "message": roster.MESSAGES["empty"]}
    assert roster.run("姓名,住院1总费用\nA,1\n", "xianning")["message"] == roster.MESSAGES["no_identity"]
    assert roster.run("姓名,身份\nA,低保\n", "xianning")["message"] == roster.MESSAGES["no_cost"]
    assert roster.run(b"PK\x03\x04broken", "xianning")["message"] == roster.MESSAGES["xlsx"]
    assert json.loads(worker.prepare_json(json.dumps({"region": "mars", "text": "x"})))["ok"] is False
    assert json.loads(worker.prepare_json(json.dumps({"region": "xianning", "text": ""}))) == \
        {"ok": False, "message": roster.MESSAGES["empty"]}


def test_worker_steps_in_chunks_give_the_same_answer_as_one_run():
    text, _ = sample(120, "chongqing", bad_rows=3, seed=2)
    prep = json.loads(worker.prepare_json(json.dumps({"region": "chongqing", "text": text})))
    rows = []
    for i in range(0, len(prep["jobs"]), 50):
        rows += json.loads(worker.estimate_json(json.dumps({"jobs": prep["jobs"][i:i + 50]})))["rows"]
    done = json.loads(worker.summary_json(json.dumps({"region": "chongqing", "rows": rows, "unknown": prep["unknown"]})))
    assert done == json.loads(json.dumps(_run(text, "chongqing"), ensure_ascii=False))


def test_command_line_on_all_cores_gives_the_same_csv(tmp_path, capsys):
    text, _ = sample(400, "dongzhi", bad_rows=3, seed=9)
    src = tmp_path / "people.csv"
    src.write_text(text, "utf-8")
    out = tmp_path / "out.csv"
    from calc.__main__ import main
    code = main(["roster", str(src), "--region", "dongzhi", "--out", str(out), "--jobs", "2"])
    assert code == 1  # some rows had input errors
    assert out.read_bytes().decode("utf-8") == _run(text.encode(), "dongzhi")["csv"]
    err = capsys.readouterr().err
    assert "397 人" in err and "3 行输入有误" in err


def test_page_path_partial_totals_csv_and_xlsx_in_parts_equal_one_run(monkeypatch):
    """What roster.js does with a county list: read in steps, estimate in chunks (any worker), merge
    partial totals, CSV and .xlsx in parts — the same as one run()."""
    import base64

    import openpyxl
    text, _ = sample(300, "yiyuan", bad_rows=4, seed=8)
    monkeypatch.setattr(worker, "STEP_SECONDS", 0.0)  # every call stops after its first rows
    prep = json.loads(worker.prepare_json(json.dumps({"region": "yiyuan", "text": text})))
    jobs, steps = prep["jobs"], 1
    while prep["more"]:
        prep = json.loads(worker.prepare_more_json(json.dumps({"more": prep["more"]})))
        jobs += prep["jobs"]
        steps += 1
    assert steps > 1 and len(jobs) == 300
    # chunks of 70 (roster-pool.js); a call that ran out of time answers its first rows and the
    # page sends the others again
    parts, start, calls = [], 0, 0
    while start < 300:
        part = json.loads(worker.estimate_json(json.dumps({"jobs": jobs[start:start + 70]})))
        assert part["ok"] and 1 <= len(part["rows"]) <= 70
        parts.append(part)
        start += len(part["rows"])
        calls += 1
    assert calls > 300 // 70 + 1
    rows = [r for p in parts for r in p["rows"]]
    done = json.loads(worker.summary_json(json.dumps({"region": "yiyuan", "unknown": [],
                                                      "parts": [{k: v for k, v in p.items() if k != "rows"} for p in parts]})))
    want = json.loads(json.dumps(_run(text, "yiyuan"), ensure_ascii=False))
    assert done["totals"] == want["totals"] and done["columns"] == want["columns"]
    assert rows == want["rows"]
    csv_text = "".join(json.loads(worker.csv_json(json.dumps({"rows": rows[i:i + 100], "columns": done["columns"],
                                                                "with_group": done["with_group"], "head": i == 0})))["csv"]
                       for i in range(0, 300, 100))
    assert csv_text == want["csv"]
    first = json.loads(worker.xlsx_json(json.dumps({"rows": rows[:150], "columns": done["columns"],
                                                    "with_group": True, "end": False})))
    last = json.loads(worker.xlsx_json(json.dumps({"token": first["token"], "rows": rows[150:]})))
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(last["base64"]))).active
    assert ws.max_row == 301 and [c.value for c in ws[1]][:3] == ["行号", roster.NAME, roster.GROUP]


def test_steps_are_bounded_by_time_whatever_the_page_asks():
    """A call's "seconds" may shorten a step, never lengthen it past STEP_SECONDS (well under a staff
    call's answer deadline, tests/unit/test_protocol.py); anything else than a number in range means the full step."""
    for asked, want in ((0.5, 0.5), (0, 0.0), (worker.STEP_SECONDS + 1, worker.STEP_SECONDS), (-1, worker.STEP_SECONDS),
                        (True, worker.STEP_SECONDS), ("0.1", worker.STEP_SECONDS), (None, worker.STEP_SECONDS)):
        assert worker._seconds({"seconds": asked}) == want
    text, _ = sample(30, "yiyuan", seed=9)
    prep = json.loads(worker.prepare_json(json.dumps({"region": "yiyuan", "text": text, "seconds": 0})))
    jobs = prep["jobs"]
    while prep["more"]:
        prep = json.loads(worker.prepare_more_json(json.dumps({"more": prep["more"], "seconds": 0})))
        jobs += prep["jobs"]
    one = json.loads(worker.estimate_json(json.dumps({"jobs": jobs, "seconds": 0})))
    full = json.loads(worker.estimate_json(json.dumps({"jobs": jobs, "seconds": 5})))
    assert len(one["rows"]) == 1 and one["rows"][0] == full["rows"][0] and len(full["rows"]) == 30
