"""Hostile roster files, made byte by byte (no spreadsheet program): small on disk, huge when read.
Used by the unit tests (natively) and the e2e roster tests (opened through the page's file picker)."""
from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
                 'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                 '</Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
           '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
           'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
           '</Relationships>')
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


STYLES_TYPE = ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'spreadsheetml.styles+xml"/>')
STYLES_REL = ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'styles" Target="styles.xml"/>')


def workbook(sheet_rows: str, strings: list[str], before_data: str = "", styles: str = "") -> bytes:
    """A workbook of one sheet. A string given as "<si>…</si>" goes in as written (rich text);
    `styles`, a styles.xml of its own."""
    shared = "".join(s if s.startswith("<si>") else f"<si><t>{s}</t></si>" for s in strings)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.replace("</Types>", STYLES_TYPE + "</Types>") if styles else CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels",
                   WB_RELS.replace("</Relationships>", STYLES_REL + "</Relationships>") if styles else WB_RELS)
        if styles:
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">{shared}</sst>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
                                               f"{before_data}<sheetData>{sheet_rows}</sheetData></worksheet>")
    return buf.getvalue()


def shared_string_rows(chars=10_000, rows=10_000) -> bytes:
    """One shared string of `chars` characters as the name of `rows` people (about 5 KB: rows
    without cell references are all the same bytes, which deflate to almost nothing)."""
    head = ('<row><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>身份</t></is></c>'
            '<c t="inlineStr"><is><t>住院1总费用</t></is></c></row>')
    body = '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c><v>30000</v></c></row>' * rows
    return workbook(head + body, ["名" * chars, "低保"])


def wide_row(cells=24_000_000, dimension=False) -> bytes:
    """One row of `cells` empty-ish cells (openpyxl would build the whole row before any check):
    without a <dimension>, opening the workbook reads it; with one, reading the rows does."""
    return workbook('<row r="1">' + '<c/>' * cells + "</row>", ["x"], '<dimension ref="A1"/>' if dimension else "")
