"""What leaves the roster page: the result as CSV or .xlsx. ID numbers are never in it (no column of
the input is copied except name and 村/乡镇), and no cell can run as a formula in Excel.

CSV: a cell that starts with = + - @ TAB or CR is prefixed with ' (the OWASP CSV-injection rule),
except plain numbers (-12.5 stays a number). .xlsx: every text cell, header and footer included, is
written as a string cell, so it is never a formula either; it is made only on request (the browser
loads openpyxl then). Control characters are removed from every text cell of both.
"""
import csv
import io
import re

from .format import GROUP, NAME

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
# Characters XML 1.0 (so .xlsx) cannot hold, and that no one can see in a cell: removed from every
# text cell of every export. compute.py notes it on the row when a name held one.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(value) -> str:
    return CONTROL.sub("", "" if value is None else str(value))


def safe_cell(value) -> str:
    text = clean_text(value)
    if text.startswith(DANGEROUS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def header(cols: list, with_group: bool) -> list:
    return ["行号", NAME] + ([GROUP] if with_group else []) + ["按此身份计算"] + [c["label"] for c in cols] + ["输入有误"]


def table(rows: list, cols: list, with_group: bool):
    """Rows of the export as values (numbers as text in fen, as calc gives them)."""
    for r in rows:
        head = [r["line"], r["name"]] + ([r["group"]] if with_group else [])
        notes = "；".join(r.get("notes") or ())
        if r["ok"]:
            yield head + [r["identity"]] + [_cell(r, c["key"]) for c in cols] + [notes]
        else:
            yield head + [""] + [""] * len(cols) + ["；".join([e.get("text") or e["message"] for e in r["errors"]]
                                                              + ([notes] if notes else []))]


def _cell(r, key):
    """A payer's amount, or for the slip check column its words."""
    return r.get("check", {}).get("words", "") if key == "check" else r["year"].get(key, "")


def result_csv(rows: list, cols: list, with_group: bool, head: bool = True) -> str:
    """The result as CSV text (BOM and header when `head`: the page asks for a county list in parts)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if head:
        w.writerow(header(cols, with_group))
    for line in table(rows, cols, with_group):
        w.writerow([safe_cell(v) for v in line])
    return ("\ufeff" if head else "") + buf.getvalue()


class XlsxBook:
    """The result as an Excel workbook (openpyxl write-only), filled in parts; amounts as numbers,
    names always text cells (never a formula)."""

    def __init__(self, cols: list, with_group: bool):
        import openpyxl
        self.cols, self.with_group = cols, with_group
        self.wb = openpyxl.Workbook(write_only=True)
        self.ws = self.wb.create_sheet("批量测算结果")
        self.ws.append([self.text(h) for h in header(cols, with_group)])
        self.money = {3 + with_group + i for i, c in enumerate(cols) if c["key"] != "check"}

    def text(self, value):
        """A text cell, never a formula, whatever it starts with; no character XML cannot hold."""
        from openpyxl.cell import WriteOnlyCell
        cell = WriteOnlyCell(self.ws, value=clean_text(value))
        cell.data_type = "s"
        return cell

    def add(self, rows: list) -> None:
        from openpyxl.cell import WriteOnlyCell
        for line in table(rows, self.cols, self.with_group):
            out = []
            for i, v in enumerate(line):
                if i in self.money and v != "":
                    out.append(float(v))  # fen-exact: every amount has at most 2 decimals
                elif i == 0:
                    cell = WriteOnlyCell(self.ws, value=int(v) if str(v).isdigit() else clean_text(v))
                    cell.data_type = "n" if str(v).isdigit() else "s"
                    out.append(cell)
                else:
                    out.append(self.text(v))
            self.ws.append(out)

    def finish(self, footer: str = "") -> bytes:
        if footer:
            self.ws.append([])
            self.ws.append([self.text(footer)])  # the office's name may start with "="
        buf = io.BytesIO()
        self.wb.save(buf)
        return stable_xlsx(buf.getvalue())


def result_xlsx(rows: list, cols: list, with_group: bool, footer: str = "") -> bytes:
    book = XlsxBook(cols, with_group)
    book.add(rows)
    return book.finish(footer)


STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def stable_xlsx(data: bytes) -> bytes:
    """The same rows give the same bytes: no save-time clock in the zip or in docProps/core.xml."""
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            z.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body,
                       compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
