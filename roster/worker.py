"""The roster page's calls into Python (the worker's "call" message, JSON text in and out).

The page sends a roster in steps so that no single call runs long (calc-client restarts a worker
that is silent for seconds) and it can show progress, and so that several workers can share the
estimates: prepare_json (read + check the file) -> estimate_json per chunk (any worker) ->
summary_json; then, on request, sheets_json (一户一单) and xlsx_json (the .xlsx download).
Every answer is {"ok": true, ...} or {"ok": false, "message": Chinese}; never a traceback.
"""
import base64
import binascii
import itertools
import json

from calc import api

from .compute import Reading, estimate_chunk, summarise, summary
from .export import result_csv
from .export import XlsxBook
from .format import RosterError
from .sheets import sheets

BAD_CALL = "名单读不出来，请刷新页面再试。"
TOO_MUCH = "名单太大，这台设备的内存不够。请分成几个文件再算。"
FAILED = "这一步没能完成（名单里可能有表格程序不接受的内容）。请检查名单，或刷新页面再试。"


def _answer(fn, payload) -> str:
    try:
        p = json.loads(payload) if isinstance(payload, str) else None
        if not isinstance(p, dict):
            raise TypeError("payload is not an object")
        out = fn(p)
    except RosterError as e:
        out = {"ok": False, "message": str(e)}
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, binascii.Error):
        out = {"ok": False, "message": BAD_CALL}
    except MemoryError:
        out = {"ok": False, "message": TOO_MUCH}
    except Exception:  # openpyxl's own errors and the like: a message, never a traceback on the page
        out = {"ok": False, "message": FAILED}
    return json.dumps(out, ensure_ascii=False)


STEP_SECONDS = 2.0   # one reading call: well under a staff call's answer deadline (protocol.js ANSWER_MS), even on a phone
_readings: dict = {}  # the file being read in this worker (one at a time)
_serial = itertools.count(1)  # tokens: the same calls give the same answers


def _seconds(p: dict) -> float:
    """The step the page asks for ("seconds"), never longer than STEP_SECONDS."""
    asked = p.get("seconds")
    if isinstance(asked, (int, float)) and not isinstance(asked, bool) and 0 <= asked < STEP_SECONDS:
        return float(asked)
    return STEP_SECONDS


def _rows(p: dict):
    """At most this many jobs in a reading step ("rows", asked by the page), or no limit."""
    asked = p.get("rows")
    return asked if isinstance(asked, int) and not isinstance(asked, bool) and asked > 0 else None


def _more(token: str, reading, seconds: float = STEP_SECONDS, rows=None) -> dict:
    try:
        jobs = reading.jobs(limit=rows, seconds=seconds)
    except RosterError:
        _readings.pop(token, None)
        raise
    if reading.done:
        _readings.pop(token, None)
    return {"ok": True, "jobs": jobs, "more": None if reading.done else token, "skipped": reading.take_skipped()}


def _prepare(p: dict) -> dict:
    region = p.get("region")
    if region not in {r["id"] for r in json.loads(api.meta())["regions"]}:
        return {"ok": False, "message": "请选择地区"}
    data = base64.b64decode(p["base64"], validate=True) if p.get("base64") else str(p.get("text", ""))
    _readings.clear()
    reading = Reading(data, region, p.get("year") or None)
    token = f"r{next(_serial)}"
    _readings[token] = reading
    return {**_more(token, reading, _seconds(p), _rows(p)), "region": region, "unknown": reading.unknown, "costlike": reading.costlike}


def prepare_json(payload: str) -> str:
    """{"region", "year"?, "text" | "base64"} -> {"ok", "region", "jobs", "more", "unknown", "costlike"}:
    the first jobs; while "more" is a token, prepare_more_json({"more": token}) gives the next ones."""
    return _answer(_prepare, payload)


def prepare_more_json(payload: str) -> str:
    """{"more": token, "seconds"?, "rows"?} -> {"ok", "jobs", "more"}. "seconds" and "rows" (both
    calls): a shorter step than STEP_SECONDS, so rows reach the other engines sooner and steadily."""
    def step(p):
        reading = _readings.get(p["more"])
        if reading is None:
            return {"ok": False, "message": BAD_CALL}
        return _more(p["more"], reading, _seconds(p), _rows(p))
    return _answer(step, payload)


def estimate_json(payload: str) -> str:
    """{"jobs": [...], "seconds"?} (a slice of prepare_json's) -> {"ok", "rows", "totals" (partial),
    "with_group"}: rows for the first len(rows) jobs, as many as fit in the step (≤ STEP_SECONDS);
    the page sends the others again."""
    return _answer(lambda p: estimate_chunk(p["jobs"], _seconds(p)), payload)


def summary_json(payload: str) -> str:
    """{"region", "parts": estimate_json answers without rows, "unknown", "costlike"} -> columns,
    totals (merged), with_group. (Old form {"region", "rows", ...}: the whole run()-style answer.)"""
    def answer(p):
        if "rows" in p:
            return summarise(p["rows"], p.get("unknown", []), p["region"], p.get("costlike", []))
        return summary(p["parts"], p["region"], p.get("unknown", []), p.get("costlike", []), p.get("skipped", []))
    return _answer(answer, payload)


def csv_json(payload: str) -> str:
    """{"rows", "columns", "with_group", "head"} -> {"ok", "csv"}: a part of the CSV download."""
    return _answer(lambda p: {"ok": True, "csv": result_csv(p["rows"], p["columns"], bool(p.get("with_group")),
                                                             bool(p.get("head", True)))}, payload)


def sheets_json(payload: str) -> str:
    """{"region", "rows", "base_url"} -> {"ok", "sheets", "links"}: 每人一张明白纸."""
    return _answer(lambda p: sheets(p["rows"], p["region"], str(p["base_url"])), payload)


_books: dict = {}


def _xlsx(p: dict) -> dict:
    token = p.get("token")
    if token is None:
        _books.clear()
        book = XlsxBook(p["columns"], bool(p.get("with_group")))
        token = f"x{next(_serial)}"
        _books[token] = book
    book = _books.get(token)
    if book is None:
        return {"ok": False, "message": BAD_CALL}
    book.add(p.get("rows", []))
    if not p.get("end", True):
        return {"ok": True, "token": token}
    _books.pop(token, None)
    return {"ok": True, "base64": base64.b64encode(book.finish(str(p.get("footer", "")))).decode("ascii")}


def xlsx_json(payload: str) -> str:
    """{"rows", "columns", "with_group", "footer"?} -> {"ok", "base64"}: the result as .xlsx. A long
    list in parts: the first call with "end": false answers {"token"}; later calls send {"token",
    "rows", "end"}, the last one (end true, the default) gets the file."""
    return _answer(_xlsx, payload)
