"""What leaves the roster page: the result as CSV or .xlsx. ID numbers are never in it (no column of
the input is copied except name and 村/乡镇), and no cell can run as a formula in Excel.

CSV: a cell that starts with = + - @ TAB or CR is prefixed with ' (the OWASP CSV-injection rule),
except plain numbers (-12.5 stays a number). .xlsx: openpyxl writes every name as a string cell,
so it is never a formula either; it is made only on request (the browser loads openpyxl then).
"""
import csv
import io
import re

from .format import GROUP, NAME

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def header(cols: list, with_group: bool) -> list:
    return ["行号", NAME] + ([GROUP] if with_group else []) + ["按此身份计算"] + [c["label"] for c in cols] + ["输入有误"]


def table(rows: list, cols: list, with_group: bool):
    """Rows of the export as values (numbers as text in fen, as calc gives them)."""
    for r in rows:
        head = [r["line"], r["name"]] + ([r["group"]] if with_group else [])
        if r["ok"]:
            yield head + [r["identity"]] + [r["year"].get(c["key"], "") for c in cols] + [""]
        else:
            yield head + [""] + [""] * len(cols) + ["；".join(e.get("text") or e["message"] for e in r["errors"])]


def result_csv(rows: list, cols: list, with_group: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header(cols, with_group))
    for line in table(rows, cols, with_group):
        w.writerow([safe_cell(v) for v in line])
    return "\ufeff" + buf.getvalue()


def result_xlsx(rows: list, cols: list, with_group: bool, footer: str = "") -> bytes:
    """The same table as an Excel workbook (openpyxl write-only); amounts as numbers."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("批量测算结果")
    ws.append(header(cols, with_group))
    money = range(3 + with_group, 3 + with_group + len(cols))
    for line in table(rows, cols, with_group):
        out = []
        for i, v in enumerate(line):
            if i in money and v != "":
                out.append(float(v))  # fen-exact: every amount has at most 2 decimals
            else:
                cell = WriteOnlyCell(ws, value=str(v) if i else v)
                cell.data_type = "s" if i else "n"  # text, never a formula
                out.append(cell)
        ws.append(out)
    if footer:
        ws.append([])
        ws.append([footer])
    buf = io.BytesIO()
    wb.save(buf)
    return _stable(buf.getvalue())


STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable(data: bytes) -> bytes:
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
