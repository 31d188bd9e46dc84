"""The values of a read-only openpyxl worksheet, row by row: what `ws.iter_rows(values_only=True)`
gives after `ws.reset_dimensions()`, without building a dictionary and a coordinate per cell.

openpyxl still opens the workbook (zip, shared strings, styles, date formats, which sheet is first);
only the loop over the sheet's <row> elements is here, with openpyxl's own tag names, number and
date conversions. On a phone that loop was most of a county list's reading time.
tests/unit/test_xlsx_rows.py holds the two equal on files of every kind of cell.
"""
from openpyxl.cell.text import Text
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import INLINE_STRING, ROW_TAG, VALUE_TAG, _cast_number
from openpyxl.xml.functions import iterparse

from openpyxl.xml.constants import SHEET_MAIN_NS

_DIGITS = "0123456789"
TEXT_TAG = "{%s}t" % SHEET_MAIN_NS


def _row_number(r: str) -> int:
    try:
        return int(r)
    except ValueError:
        val = float(r)
        if val.is_integer():
            return int(val)
        raise ValueError(f"{r} is not a valid row number") from None


def sheet_rows(wb, ws, wrap=None):
    """Tuples of cell values (None where a row has no cell), an empty list for a row the sheet
    leaves out, in sheet order; rows that come again or out of order are skipped, as openpyxl does.
    `wrap(file)`, when given, stands between the sheet's XML and the parser (read.CountedSheet)."""
    strings = ws._shared_strings
    dates, spans, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
    columns = {}  # column letters -> index, each worked out once by openpyxl
    counter = 1   # the next row number to give
    row_counter = 0
    with ws._get_source() as src:
        for _, el in iterparse(wrap(src) if wrap else src):
            if el.tag != ROW_TAG:
                continue
            r = el.get("r")
            row_counter = _row_number(r) if r is not None else row_counter + 1
            cells = []
            col = 0
            for c in el:  # every child, as openpyxl reads them (each one counts as a cell)
                coord = c.get("r")
                if coord:
                    letters = coord.rstrip(_DIGITS)
                    digits = coord[len(letters):]
                    col = columns.get(letters) if digits and digits[0] != "0" else None
                    if col is None:
                        col = coordinate_to_tuple(coord)[1]
                        if len(columns) < 20_000:
                            columns[letters] = col
                else:
                    col += 1
                kind = c.get("t", "n")
                value = None
                inline = None
                for child in c:
                    tag = child.tag
                    if tag == VALUE_TAG and value is None:
                        value = child.text or None
                    elif tag == INLINE_STRING and inline is None:
                        inline = child
                if kind == "inlineStr":
                    if inline is None:
                        value = None
                    elif len(inline) == 1 and inline[0].tag == TEXT_TAG and not len(inline[0]):
                        value = inline[0].text or ""   # <is><t>…</t></is>: what Text(…).content gives
                    else:
                        value = Text.from_tree(inline).content
                elif value is not None:
                    if kind == "n":
                        value = _cast_number(value)
                        style = c.get("s", 0)
                        style = int(style) if style else 0
                        if style in dates:
                            try:
                                value = from_excel(value, epoch, timedelta=style in spans)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == "s":
                        value = strings[int(value)]
                    elif kind == "b":
                        value = bool(int(value))
                    elif kind == "d":
                        value = from_ISO8601(value)
                cells.append((col, value))
            el.clear()
            while counter < row_counter:  # rows the sheet leaves out (an empty list, as openpyxl gives)
                counter += 1
                yield []
            if counter <= row_counter:
                counter += 1
                if not cells:
                    yield ()
                    continue
                width = cells[-1][0]
                out = [None] * width
                for col, value in cells:
                    if 1 <= col <= width:
                        out[col - 1] = value
                yield tuple(out)
