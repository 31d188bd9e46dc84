"""Roster with slip columns (实际基本医保, 实际大病, 实际救助 … and the slip's own words): rows where a payer
paid less than the notice gives are flagged, with the shortfall per payer in the totals; from CSV and .xlsx.

Hand-worked (渝北, 2023, 低保边缘, 二级, 区县内, in-policy 50,000, 基本医保 34,790, 大病 0): 救助 问题七
不低于60%: 15,210 × 60% = 9,126.00. A slip of 8,000 is 1,126.00 short; 10,647 is more (not flagged).
"""
import io

import openpyxl

from roster import export
from roster.compute import run

HEAD = ["姓名", "村", "身份", "住院1总费用", "住院1医院等级", "住院1就医地点",
        "住院1政策范围内费用", "住院1实际基本医保", "住院1实际大病", "住院1实际救助"]
ROWS = [["张", "甲村", "低保边缘户", "52000", "二级", "区县内", "50000", "34790", "0", "8000"],
        ["李", "甲村", "低保边缘户", "52000", "二级", "区县内", "50000", "34790", "0", "10647"],
        ["王", "乙村", "低保边缘户", "5.2万", "二级", "区县内", "5万", "3.479万", "0", "八千"],
        ["赵", "乙村", "低保边缘户", "30000", "二级", "区县内", "", "", "", ""]]


def _csv(head, rows):
    return "\n".join(",".join(r) for r in [head] + rows) + "\n"


def _check(out):
    assert out["ok"], out
    rows = {r["name"]: r for r in out["rows"]}
    assert [x["payer"] for x in rows["张"]["check"]["less"]] == ["assistance"]
    assert rows["张"]["check"]["less"][0]["expected"] == "9126.00" and rows["张"]["check"]["less"][0]["short"] == "1126.00"
    assert rows["李"]["check"]["less"] == []          # 10,647 is more than the floor: not flagged
    assert rows["王"]["check"]["less"][0]["short"] == "1126.00"   # amounts as staff write them
    assert "check" not in rows["赵"]                  # no slip cells: no check
    t = out["totals"]["all"]
    assert t["flagged"] == 2 and t["short"]["assistance"] == "2252.00" and t["short"]["critical"] == "0.00"
    groups = {g["group"]: g for g in out["totals"]["groups"]}
    assert groups["甲村"]["flagged"] == 1 and groups["乙村"]["short"]["assistance"] == "1126.00"
    assert out["columns"][-1]["key"] == "check"
    # the slip's 基本医保 is a fact for the answer too
    assert rows["张"]["year"]["basic"] == "34790.00" and rows["张"]["year"]["assistance"] == "9126.00"
    return rows


def test_slip_columns_from_csv():
    out = run(_csv(HEAD, ROWS), "chongqing", 2023)
    _check(out)
    lines = out["csv"].splitlines()
    assert lines[0].endswith("核对结算单（少给的项目）,输入有误")
    assert "医疗救助支付少 1,126.00 元（按文件 9,126.00 元）" in lines[1]


def test_slip_columns_from_xlsx_with_staff_words():
    """Staff words from the slip itself: 基本医保支付, 大病保险支付, 医疗救助支付 (a two-level header)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年甲村结算单核对"])
    ws.append(["姓名", "村", "身份", "第一次住院", "", "", "", "", "", ""])
    ws.append(["", "", "", "总费用", "医院等级", "就医地点", "政策范围内费用", "基本医保支付", "大病保险支付", "医疗救助支付"])
    for r in ROWS:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    out = run(buf.getvalue(), "chongqing", 2023)
    _check(out)
    book = openpyxl.load_workbook(io.BytesIO(export.result_xlsx(out["rows"], out["columns"], True)))
    sheet = book.active
    head = [c.value for c in sheet[1]]
    col = head.index("核对结算单（少给的项目）")
    assert "少 1,126.00 元" in sheet.cell(row=2, column=col + 1).value
    assert sheet.cell(row=2, column=head.index("医疗救助") + 1).value == 9126   # a number, not text


def test_bad_slip_cell_names_the_column():
    rows = [["张", "甲村", "低保边缘户", "52000", "二级", "区县内", "50000", "好多", "0", "8000"]]
    out = run(_csv(HEAD, rows), "chongqing", 2023)
    err = out["rows"][0]["errors"][0]
    assert not out["rows"][0]["ok"] and err["column"] == "住院1实际基本医保" and "基本医保支付" in err["message"]
