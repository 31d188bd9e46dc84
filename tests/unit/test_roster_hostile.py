"""Roster files judged by what they expand to, not what they declare, each through the command line
as staff run it (python -m roster FILE --out …): a 5 KB .xlsx whose one 10,000-character shared
string fills 10,000 rows, one row of 24 million cells, a control character in a name, an office
name that starts with "=", 合计/制表人 rows under the list, 边缘户 in every region."""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

import roster
from roster import export, worker, words
from roster.compute import region_meta
from roster.format import MAX_NAME_CHARS, MESSAGES

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import hostile_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp_path, data: bytes, out_name: str, region="yangcheng"):
    src = tmp_path / "名单.xlsx"
    src.write_bytes(data)
    out = tmp_path / out_name
    # the child's own peak memory, measured by the kernel: ru_maxrss of waited-for children
    code = ("import resource,runpy,sys;sys.argv=['roster',*sys.argv[1:]];"
            "rc=0\ntry: runpy.run_module('roster',run_name='__main__')\nexcept SystemExit as e: rc=e.code\n"
            "print('MAXRSS_KB',resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,file=sys.stderr);sys.exit(rc)")
    started = time.monotonic()
    r = subprocess.run([sys.executable, "-c", code, str(src), "--region", region, "--out", str(out), "--jobs", "1"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    rss_kb = int(r.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0])
    return r, out, seconds, rss_kb


def test_one_shared_string_filling_ten_thousand_rows_ends_in_a_message(tmp_path):
    data = hostile_files.shared_string_rows(chars=10_000, rows=10_000)
    assert len(data) < 8_000
    r, out, seconds, rss_kb = run_cli(tmp_path, data, "结果.csv")
    assert r.returncode == 2 and MESSAGES["text"] in r.stderr
    assert seconds < 60
    assert rss_kb < 1_500_000
    assert not out.exists() or out.stat().st_size < 50 << 20


def test_long_names_are_cut_so_the_output_stays_small(tmp_path):
    """Under the file's text limit, a 10,000-character name is cut in every export, with a note."""
    data = hostile_files.shared_string_rows(chars=10_000, rows=1_000)
    r, out, seconds, rss_kb = run_cli(tmp_path, data, "结果.xlsx")
    assert r.returncode == 0, r.stderr[-1000:]
    assert out.stat().st_size < 1 << 20
    ws = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows[1][1]) == MAX_NAME_CHARS + 1 and MESSAGES["name_cut"] in rows[1][-1]


@pytest.mark.parametrize("dimension", [False, True], ids=["no-dimension", "dimension-first"])
def test_a_row_of_24_million_cells_is_refused_while_streaming(tmp_path, dimension):
    data = hostile_files.wide_row(24_000_000, dimension)
    r, out, seconds, rss_kb = run_cli(tmp_path, data, "结果.csv")
    assert r.returncode == 2 and MESSAGES["too_wide"] in r.stderr
    assert seconds < 60 and rss_kb < 1_500_000


def test_a_control_character_in_a_name_exports_to_xlsx_with_a_note(tmp_path):
    text = "姓名,身份,住院1总费用\n张\x01三,低保,30000\n李四,特困,20000\n"
    out = roster.run(text, "yangcheng")
    assert out["ok"] and out["rows"][0]["name"] == "张三" and out["rows"][0]["notes"] == [MESSAGES["control"]]
    book = export.result_xlsx(out["rows"], out["columns"], False, footer="=HYPERLINK(\"http://x\",\"点我\")")
    ws = openpyxl.load_workbook(io.BytesIO(book)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert ws["B2"].value == "张三" and MESSAGES["control"] in ws.cell(2, ws.max_column).value
    # no cell of the export, footer included, is a formula
    assert not [c for c in cells if c.data_type == "f"]
    assert cells[-1].value.startswith("=HYPERLINK") and cells[-1].data_type == "s"
    # even a name that reached the export with a control character in it (another caller)
    rows = [dict(out["rows"][1], name="王\x02五\x1f")]
    ws = openpyxl.load_workbook(io.BytesIO(export.result_xlsx(rows, out["columns"], False))).active
    assert ws["B2"].value == "王五"
    assert "\x02" not in export.result_csv(rows, out["columns"], False)


def test_the_worker_answers_a_message_where_openpyxl_would_raise():
    out = roster.run("姓名,身份,住院1总费用\n张三,低保,30000\n", "yangcheng")
    rows = [dict(out["rows"][0], identity="低保\x0b")]
    answer = json.loads(worker.xlsx_json(json.dumps({"rows": rows, "columns": out["columns"], "footer": "=1+1"})))
    assert answer["ok"] is True


def test_footer_rows_are_skipped_with_a_note():
    text = ("姓名,身份,住院1总费用\n张三,低保,30000\n李四,特困,20000\n合计,,50000\n"
            "制表人：王某,审核人：赵某,\n")
    out = roster.run(text, "yangcheng")
    assert out["totals"]["all"]["people"] == 2 and out["totals"]["all"]["errors"] == 0
    assert out["skipped_rows"] == [4, 5] and "合计" in out["skipped_note"] and "4" in out["skipped_note"]


def test_a_person_whose_name_starts_like_a_footer_word_but_has_an_identity_is_computed():
    out = roster.run("姓名,身份,住院1总费用\n说明书,低保,30000\n", "yangcheng")
    assert out["totals"]["all"]["people"] == 1 and out["skipped_rows"] == []


@pytest.mark.parametrize("region", ["yangcheng", "xianning", "dongzhi", "yiyuan", "chongqing"])
def test_bianyuanhu_is_understood_in_every_region(region):
    labels = words.Labels(region_meta(region))
    ids, unknown = labels.identities("边缘户")
    assert ids and not unknown
    offered = {i["id"] for i in region_meta(region)["identities"]}
    assert ids == (["dibao_edge"] if "dibao_edge" in offered else ["jiance"])
