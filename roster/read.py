"""A roster file -> rows of cell strings, whatever staff saved it as, within the limits of format.py.

- Excel .xlsx (any file that starts like a zip, whatever its name): the zip directory is checked
  first (members, uncompressed size), then openpyxl opens the workbook in read-only mode and the
  first sheet is read row by row (xlsx_rows.py); rows and columns are counted while streaming.
- .xls and encrypted .xlsx (an OLE compound file): refused with advice (the browser has no xlrd).
- CSV / tab-separated text: UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel "Unicode 文本"),
  GBK / GB18030; LF, CRLF or CR (old Mac) line ends; comma, tab, semicolon or full-width comma.
Every broken file ends in a RosterError with a Chinese message, never a traceback.
"""
import csv
import io
import re
import zipfile
from decimal import Decimal

from .format import (MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_SHEET_CELLS, MAX_TEXT_CHARS,
                     MAX_TITLE_ROWS, MAX_UNZIPPED_BYTES, MAX_ZIP_MEMBERS, MESSAGES, RosterError)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROW_LIMIT = MAX_ROWS + MAX_TITLE_ROWS + 2   # data rows + title and header rows
DELIMITERS = ("\t", ",", ";", "，")


def read_table(data) -> list:
    """bytes (a file) or str (pasted text) -> rows of stripped cell strings."""
    return list(read_rows(data))


def read_rows(data):
    """The same rows, as an iterator: an .xlsx is parsed only as far as the rows are taken (the
    worker reads a big one over several calls, each well under calc-client's answer deadline)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > MAX_FILE_BYTES:
            raise RosterError(MESSAGES["too_big"])
        if data[:4] == ZIP_MAGIC or data[:4] == b"PK\x05\x06":
            check_zip(data)  # before anything is inflated, at the first call
            return iter_xlsx(data)
        if data[:8] == OLE_MAGIC:
            raise RosterError(MESSAGES["xls"])
        data = decode(data)
    elif len(data) > MAX_FILE_BYTES:
        raise RosterError(MESSAGES["too_big"])
    return iter(read_csv(data))


def decode(data: bytes) -> str:
    """The text of a CSV file: BOMs first, then UTF-8, UTF-16 without BOM, GB18030 (covers GBK)."""
    if data[:3] == b"\xef\xbb\xbf":
        encodings = ("utf-8-sig",)
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    elif b"\x00" in data[:400]:  # UTF-8 and GBK text hold no NUL: UTF-16 without BOM
        head = data[:400]
        odd_zeros = head[1::2].count(0) >= head[0::2].count(0)
        encodings = ("utf-16-le" if odd_zeros else "utf-16-be",)
    else:
        encodings = ("utf-8", "gb18030")
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RosterError(MESSAGES["encoding"])


def _delimiter(text: str) -> str:
    lines = [line for line in text[:20_000].split("\n")[:MAX_TITLE_ROWS + 2] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the order above (tab first)
    if best == "，" and (counts[","] or counts["\t"]):
        best = "\t" if counts["\t"] else ","
    return best if counts[best] else ","


def read_csv(text: str) -> list:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # CR-only: old Mac files
    rows, budget = [], _Budget()
    try:
        for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text)):
            _check(row, len(rows))
            cells = [c.strip() for c in row]
            budget.take(cells)
            rows.append(cells)
    except csv.Error as e:
        raise RosterError(MESSAGES["csv"]) from e
    return rows


def _check(row, n_before: int) -> None:
    if n_before >= ROW_LIMIT:
        raise RosterError(MESSAGES["too_many"])
    if len(row) > MAX_COLUMNS:
        raise RosterError(MESSAGES["too_wide"])


class _Budget:
    """The text of all cells together, counted as rows are read (shared strings repeat for free)."""
    def __init__(self):
        self.chars = 0

    def take(self, cells) -> None:
        self.chars += sum(len(c) for c in cells)
        if self.chars > MAX_TEXT_CHARS:
            raise RosterError(MESSAGES["text"])


# ---- .xlsx --------------------------------------------------------------------------------------
def check_zip(data: bytes) -> None:
    """The zip directory, before anything is inflated: members, declared sizes, methods, encryption."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise RosterError(MESSAGES["xlsx"]) from e
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise RosterError(MESSAGES["unzipped"])
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise RosterError(MESSAGES["not_xlsx"])
    for i in infos:
        if i.flag_bits & 0x1 or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RosterError(MESSAGES["xlsx"])


_ROW = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?row[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?c[\s>/]")
SCAN_CHUNK = 1 << 20
HEAD_BYTES = 1 << 16


class CellCount:
    """Cells per row and per sheet, counted in a sheet's raw XML piece by piece (a tag cut by a
    piece's end is kept for the next one); RosterError as soon as either is too many."""

    def __init__(self):
        self.in_row = self.total = 0
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        if chunk:
            cut = buf.rfind(b"<")
            cut = cut if cut >= 0 and len(buf) - cut < 64 else len(buf)
            buf, self.tail = buf[:cut], buf[cut:]
        else:
            self.tail = b""
        for n, part in enumerate(_ROW.split(buf)):
            if n:
                self.in_row = 0  # a new row starts
            cells = len(_CELL.findall(part))
            self.in_row += cells
            self.total += cells
            if self.in_row > MAX_COLUMNS:
                raise RosterError(MESSAGES["too_wide"])
            if self.total > MAX_SHEET_CELLS:
                raise RosterError(MESSAGES["cells"])


class CountedSheet:
    """The sheet's XML as the parser reads it, each piece counted (CellCount) before the parser
    sees it: the parser builds a whole row before anything can look at it."""

    def __init__(self, f):
        self.f = f
        self.count = CellCount()

    def read(self, n=-1) -> bytes:
        chunk = self.f.read(n)
        self.count.feed(chunk)
        return chunk


def opens_with_dimension(head: bytes) -> bool:
    """Does the sheet state its <dimension> before its first row? Then opening the workbook reads no
    row of it (openpyxl stops at the dimension); without one it reads the whole sheet to find the end."""
    from xml.etree.ElementTree import ParseError, XMLPullParser

    from openpyxl.worksheet._reader import DIMENSION_TAG, ROW_TAG
    parser = XMLPullParser(events=("start", "end"))
    try:
        parser.feed(head)
        for event, el in parser.read_events():
            if event == "end" and el.tag == DIMENSION_TAG:
                return True
            if event == "start" and el.tag == ROW_TAG:
                return False
    except ParseError:
        pass
    return False


def scan_sheets(data: bytes) -> None:
    """Before openpyxl builds anything: it builds a whole row in memory before yielding it, and opening
    the workbook reads every sheet without a leading <dimension> whole, so a row of 24 million cells
    would take gigabytes before any check after it could run. Those sheets are counted here, as they
    are inflated, chunk by chunk; the first sheet is counted again as it is read (CountedSheet)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with z.open(info) as f:
                        head = f.read(HEAD_BYTES)
                        if opens_with_dimension(head):
                            continue
                        count = CellCount()
                        chunk = head
                        while chunk:
                            count.feed(chunk)
                            chunk = f.read(SCAN_CHUNK)
                        count.feed(b"")
    except RosterError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError) as e:
        raise RosterError(MESSAGES["xlsx"]) from e


def read_xlsx(data: bytes) -> list:
    """The first worksheet of an .xlsx as rows of strings (openpyxl, read-only, streamed)."""
    check_zip(data)
    return list(iter_xlsx(data))


def iter_xlsx(data: bytes):
    try:
        import openpyxl
        from openpyxl.utils.exceptions import CellCoordinatesException

        from .xlsx_rows import sheet_rows
    except ImportError as e:
        raise RosterError(MESSAGES["no_xlsx_reader"]) from e
    scan_sheets(data)
    n, budget = 0, _Budget()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            ws = wb.worksheets[0]
            # iter_rows(values_only=True) after reset_dimensions(), in a lean loop (xlsx_rows.py);
            # a sheet's own <dimension> may claim A1:XFD1048576 and is never padded to
            for row in sheet_rows(wb, ws, CountedSheet):
                _check(row, n)
                n += 1
                cells = [_text(v) for v in row]
                budget.take(cells)
                yield cells
        finally:
            wb.close()
    except RosterError:
        raise
    except MemoryError:
        raise RosterError(MESSAGES["unzipped"]) from None
    except (CellCoordinatesException, ValueError) as e:
        if isinstance(e, CellCoordinatesException) or "column" in str(e):  # r="ZZZZZZZZZZ2": far beyond XFD
            raise RosterError(MESSAGES["too_wide"]) from e
        raise RosterError(MESSAGES["xlsx"]) from e
    except Exception as e:  # openpyxl's many ways to fail on a broken file: one message
        raise RosterError(MESSAGES["xlsx"]) from e


def _text(v) -> str:
    """An Excel cell value as the text a person typed."""
    if v is None:
        return ""
    if v.__class__ is str:  # most cells: the same as the end of this function, tested first
        s = v.strip()
        if len(s) > MAX_CELL_CHARS:
            raise RosterError(MESSAGES["cell"])
        return s
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        # Excel may store 12000 as 12000.000000000002: back to the fen people typed
        try:
            d = Decimal(repr(v))
            q = d.quantize(Decimal("0.01"))
        except ArithmeticError:  # inf, nan, 1e300: calc says what is wrong with it
            return repr(v)
        return format(q.normalize(), "f") if abs(d - q) < Decimal("1e-6") else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    s = str(v).strip()
    if len(s) > MAX_CELL_CHARS:
        raise RosterError(MESSAGES["cell"])
    return s
