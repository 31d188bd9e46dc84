"""roster/xlsx_rows.py gives exactly what openpyxl's own read-only loop gives (iter_rows(values_only=True)
after reset_dimensions()), on files with every kind of cell and row a spreadsheet program or a
hostile hand can write, and on the roster files the benchmark and the e2e tests open."""
from __future__ import annotations

import io

import openpyxl
import pytest

from benchmarks.roster import sample, xlsx_bytes
from roster.read import read_rows
from roster.xlsx_rows import sheet_rows
from tests.hostile_files import NS, shared_string_rows, workbook

# cellXfs: 0 general, 1 a built-in date (14), 2 a custom date format, 3 a custom number format, 4 a time span
STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><numFmts count="3">'
          '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="165" formatCode="#,##0.00&quot;元&quot;"/><numFmt numFmtId="166" formatCode="[h]:mm:ss"/>'
          '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
          '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/>'
          '<xf numFmtId="166" applyNumberFormat="1"/></cellXfs></styleSheet>')


def book(rows: str, strings: list[str]) -> bytes:
    """A sheet claiming every cell of Excel as its dimension, with the styles above."""
    return workbook(rows, strings, '<dimension ref="A1:XFD1048576"/>', STYLES)


EVERY_CELL = book(
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    # numbers: integer, decimal, exponent, negative; a date by built-in and by custom format; a time
    # span; a custom number format that is no date; a serial no date can hold
    '<row r="2"><c r="A2"><v>30000</v></c><c r="B2"><v>12000.000000000002</v></c><c r="C2"><v>3.5E4</v></c>'
    '<c r="D2"><v>-5</v></c><c r="E2" s="1"><v>45000</v></c><c r="F2" s="2"><v>45000.5</v></c>'
    '<c r="G2" s="4"><v>1.25</v></c><c r="H2" s="3"><v>8000</v></c><c r="I2" s="1"><v>1e20</v></c></row>'
    # text of every kind: inline (plain, rich runs, phonetic run, empty, spaces kept), formula
    # strings, booleans, errors, ISO dates; a cell with no value; an empty <v/>
    '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> 低保 </t></is></c>'
    '<c r="B3" t="inlineStr"><is><r><t>二</t></r><r><rPr><b/></rPr><t>级</t></r></is></c>'
    '<c r="C3" t="inlineStr"><is><t>县内</t><rPh sb="0" eb="1"><t>xian</t></rPh></is></c>'
    '<c r="D3" t="inlineStr"><is><t/></is></c><c r="E3" t="inlineStr"/>'
    '<c r="F3" t="str"><f>A1</f><v>姓名</v></c><c r="G3" t="b"><v>1</v></c><c r="H3" t="b"><v>0</v></c>'
    '<c r="I3" t="e"><v>#DIV/0!</v></c><c r="J3" t="d"><v>2024-03-05T00:00:00</v></c><c r="K3"/><c r="L3"><v/></c></row>'
    # rows the sheet leaves out, a row with no number, cells with no reference, out of order, a row
    # number again (skipped), an empty row, lower-case references, a non-cell child
    '<row r="6"><c r="C6"><v>1</v></c><c><v>2</v></c><c r="A6"><v>3</v></c></row>'
    '<row><c><v>4</v></c><c r="E7"><v>5</v></c><c r="f7"><v>6</v></c></row>'
    '<row r="7"><c r="A7"><v>99</v></c></row>'
    '<row r="8"/>'
    '<row r="9.0" spans="1:3"><c r="B9" s="0"><v>7</v></c><extLst/><c><v>8</v></c></row>'
    '<row r="12"><c r="XFD12"><v>9</v></c></row>',
    ["姓名", "身份", '<si><r><t>住院1</t></r><r><t>总费用</t></r></si>'])


def openpyxl_rows(data: bytes) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        return list(ws.iter_rows(values_only=True))
    finally:
        wb.close()


def lean_rows(data: bytes) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        return list(sheet_rows(wb, wb.worksheets[0]))
    finally:
        wb.close()


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl warns about the serial no date can hold
@pytest.mark.parametrize("data", [
    pytest.param(EVERY_CELL, id="every-kind-of-cell"),
    pytest.param(xlsx_bytes(sample(300, "yiyuan", bad_rows=5, seed=3)[0]), id="roster-as-openpyxl-writes-it"),
    pytest.param(shared_string_rows(chars=50, rows=40), id="shared-strings-without-references"),
])
def test_same_rows_as_openpyxl(data):
    want = openpyxl_rows(data)
    assert want, "the file has rows"
    assert lean_rows(data) == want


def test_the_every_kind_file_holds_what_it_claims():
    """The comparison above is only as good as its file: these values are in it."""
    rows = lean_rows(EVERY_CELL)
    assert rows[0] == ("姓名", "身份", "住院1总费用")
    assert rows[1][:4] == (30000, 12000.000000000002, 35000.0, -5) and rows[1][4].year == 2023
    assert rows[1][8] == "#VALUE!"
    assert rows[2][:3] == (" 低保 ", "二级", "县内") and rows[2][6:8] == (True, False)
    assert rows[3] == [] and rows[4] == []                      # rows 4 and 5 left out
    assert rows[7] == ()                                        # row 8 empty
    assert len(rows[-1]) == 16384 and rows[-1][-1] == 9         # XFD: read as wide as it is


@pytest.mark.parametrize("bad, reason", [
    ('<row r="1"><c r="ZZZZZZZZZZ1"><v>1</v></c></row>', "a reference beyond any column"),
    ('<row r="x"><c r="A1"><v>1</v></c></row>', "a row number that is no number"),
    ('<row r="1"><c r="A1" t="s"><v>7</v></c></row>', "a shared string that is not there"),
    ('<row r="1"><c r="A1" s="x"><v>1</v></c></row>', "a style that is no number"),
    ('<row r="1"><c r="$A$1"><v>1</v></c></row>', "an absolute reference"),
])
def test_broken_files_fail_where_openpyxl_fails(bad, reason):
    data = book(bad, ["姓名"])
    with pytest.raises(Exception) as theirs:
        openpyxl_rows(data)
    with pytest.raises(Exception) as ours:
        lean_rows(data)
    assert type(ours.value) is type(theirs.value), reason


def test_roster_reading_of_an_xlsx_file_is_unchanged():
    """The roster's own cells (read_rows: _text of each value) from the lean loop, against openpyxl's."""
    from roster.read import _text
    data = xlsx_bytes(sample(200, "xianning", bad_rows=3, seed=9)[0])
    assert list(read_rows(data)) == [[_text(v) for v in row] for row in openpyxl_rows(data)]
