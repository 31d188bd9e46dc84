"""Rows -> estimate inputs -> every person's year, totals per payer and per 村/乡镇.

The batch path asks calc for the amounts only (calc.api.amounts: what estimate_dict computes
before it writes the trace text): a roster shows no trace, so it does not pay for one.
tests/unit/test_roster.py holds it equal to estimate_dict row by row.
"""
import contextlib
import gc
import json
import re
from decimal import Decimal

from calc import api, fields, slip, vocab
from calc.engine import YEAR_KEYS
from calc.input import InputError
from calc.money import s

from . import words
from .export import CONTROL
from .format import (IDENTITY, MAX_NAME_CHARS, MAX_ROWS, MAX_TITLE_ROWS, MESSAGES, OUTPATIENT, STAY, STAY_LINES,
                     RosterError)
from .header import find_header
from .read import read_rows

# how a stay cell is read, by the declared kind of its field (an amount goes to calc as written)
CELL_READERS = {"level": words.level, "place": words.place, "flag": words.referral}
ROW_FAILED = "这一行算不出来（计算程序出错）。请检查这一行的数字，或单独用计算器算。"
# The rows staff put under a list: totals and signatures, not people (skipped with a note).
FOOTER = re.compile(r"^[\s　]*(合\s*计|总\s*计|小\s*计|制表|填表|填报|审核|审批|负责人|单位负责人|经办人|复核|备注|说明|打印)")


def name_of(cell: str) -> tuple:
    """姓名/编号 as it goes into every result: control characters removed, at most MAX_NAME_CHARS
    characters (a 10,000-character name would be copied into every export); notes say so."""
    notes = []
    name = CONTROL.sub("", cell)
    if name != cell:
        notes.append(MESSAGES["control"])
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS] + "…"
        notes.append(MESSAGES["name_cut"])
    return name, notes


def is_footer(row: list, layout: dict) -> bool:
    """A 合计 / 制表人 row under the list: its first filled cell says so and it names no identity."""
    first = next((c for c in row if c), "")
    if not FOOTER.match(first):
        return False
    ident = next((row[i] for i, (kind, _, _) in layout.items() if kind == "identity" and i < len(row)), "")
    return not ident or bool(FOOTER.match(ident))


def region_meta(region: str):
    return next((r for r in json.loads(api.meta())["regions"] if r["id"] == region), None)


def plan_of(layout: dict) -> tuple:
    """A header's columns, sorted once for every row: (name, group, identity) column indexes (the
    last of each kind, as a left-to-right reading would keep) and the amount cells in order."""
    one = {"name": None, "group": None, "identity": None}
    cells = []
    for i, (kind, n, key) in layout.items():
        if kind in one:
            one[kind] = i
        elif kind == "outpatient":
            cells.append((i, None, key, None))
        elif kind == "stay":
            read = None if key.startswith("slip.") else CELL_READERS.get(fields.STAY[key].kind)
            cells.append((i, n, key, read))
    return one["name"], one["group"], one["identity"], tuple(cells)


def person_input(row: list, plan: tuple, labels, region: str, year) -> tuple:
    """One data row, read by its header's plan (plan_of) -> (name, group, estimate input, stay
    numbers, errors found before calc)."""
    name_i, group_i, ident_i, cells = plan
    width = len(row)
    name, notes = name_of(row[name_i] if name_i < width else "") if name_i is not None else ("", [])
    group = CONTROL.sub("", row[group_i])[:MAX_NAME_CHARS] if group_i is not None and group_i < width else ""
    ident_cell = row[ident_i] if ident_i is not None and ident_i < width else ""
    stays, outpatient, errors = {}, {}, []
    for i, n, key, read in cells:
        cell = row[i] if i < width else ""
        if not cell:
            continue
        if n is None:
            outpatient[key] = cell
            continue
        stay = stays.setdefault(n, {})
        if key.startswith("slip."):
            stay.setdefault("slip", {})[key[5:]] = cell
        else:
            stay[key] = read(cell) if read else cell
    ids, unknown = labels.identities(ident_cell)
    # a stay with any cell filled counts; calc says what is missing in it
    inp = {"region": region, "identities": ids, "stays": [stays[k] for k in sorted(stays)], "outpatient": outpatient}
    if year is not None:
        inp["year"] = year
    if not ident_cell:
        errors.append({"field": "identities", "message": MESSAGES["identity_empty"]})
    elif unknown:
        errors.append({"field": "identities", "message": labels.unknown_message(unknown)})
    return name, group, inp, sorted(stays), errors, notes


def column_of(field: str, stay_numbers: list) -> str:
    """calc's error field -> the roster column it came from."""
    m = re.match(r"stays\[(\d+)\](?:\.([\w.]+))?", field)
    if m:
        n = stay_numbers[int(m[1])] + 1 if int(m[1]) < len(stay_numbers) else int(m[1]) + 1
        word = {v: k for k, v in STAY_LINES.items()}.get(m[2] or "", "")
        return STAY.format(n=n, what=word or "总费用") if word or m[2] is None else f"住院{n}"
    if field.startswith("outpatient."):
        return {v: k for k, v in OUTPATIENT.items()}.get(field.split(".", 1)[1], "门诊")
    if field == "identities":
        return IDENTITY
    return ""


def _failed(line, name, group, errors, stay_numbers):
    return {"line": line, "name": name, "group": group, "ok": False,
            "errors": [{"field": e["field"], "message": e["message"], "column": column_of(e["field"], stay_numbers)}
                       for e in errors]}


def estimate_one(job) -> dict:
    """(line, name, group, input, stay_numbers, early_errors) -> one row of results. Pure."""
    line, name, group, inp, stay_numbers, early, *rest = job
    notes = rest[0] if rest else []
    row = estimate_row(line, name, group, inp, stay_numbers, early)
    if notes:
        row["notes"] = list(notes)
    return row


def estimate_row(line, name, group, inp, stay_numbers, early) -> dict:
    if early:
        return _failed(line, name, group, early, stay_numbers)
    try:
        rp, person, care, overrides, run = api.amounts(inp)
        checked = slip.check(rp, person, care, overrides, run) if any(st.slip for st in care.stays) else None
    except InputError as e:
        return _failed(line, name, group, e.errors, stay_numbers)
    except (ArithmeticError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return _failed(line, name, group, [{"field": "", "message": ROW_FAILED}], stay_numbers)
    main = run.ctx.schedule["assistance"]
    return {"line": line, "name": name, "group": group, "ok": True, **_checked(checked, stay_numbers),
            "identity": rp.label_of(main), "identity_id": main, "year_of": person.year,
            "year": {k: s(run.year[k]) for k in YEAR_KEYS},
            "stays": [{"total": s(st.total), "resident": s(st.resident), "level": given.level,
                       "place": given.place, "referral": given.referral,
                       "out_of_policy": s(st.out_of_policy), "oop_assumed": given.out_of_policy is None}
                      for st, given in zip(run.stays, care.stays)],
            # the assumed figures this person's sums used (their 明白纸 names them, roster/sheets.py)
            "assumed": [path for path, p in run.ctx.sums_used.items() if p.provenance == "assumption"],
            "outpatient": {k: s(v) for k, v in run.outpatient.items() if k in ("total", "resident")},
            # the office's own figures this row used (本地标准), for its sheet
            "local": list(dict.fromkeys(f"{p.label}（{p.reason}）" if p.reason else p.label
                                        for p in run.ctx.sums_used.values() if p.provenance == "local"))}


def _checked(rows, stay_numbers) -> dict:
    """A row's slip check: the payers that paid less than the notice gives (flagged), and how many
    lines rest on an assumed figure."""
    if rows is None:
        return {}
    less = [{"stay": stay_numbers[r["stay"]] + 1, "payer": r["payer"], "label": r["label"], "slip": r["slip"],
             "expected": r["expected"], "short": s(Decimal(r["expected"]) - Decimal(r["slip"])), "text": r["text"]}
            for r in rows if r["status"] == "less" and r["payer"] in slip.PAYERS]
    out = {"check": {"less": less, "depends": sum(r["status"] == "depends" for r in rows), "lines": len(rows)}}
    out["check"]["words"] = check_words(out)
    return out


def check_words(r) -> str:
    """The flagged payers of a row in one line: 住院1 医疗救助支付少 1,126.00 元（按文件 9,126.00 元）."""
    c = r.get("check")
    if not c:
        return ""
    parts = [f"住院{x['stay']} {x['label']}少 {Decimal(x['short']):,.2f} 元（按文件 {Decimal(x['expected']):,.2f} 元）"
             for x in c["less"]]
    if c["depends"]:
        parts.append(f"{c['depends']} 项要看当地数字")
    return "；".join(parts) if parts else "一致或多给"


@contextlib.contextmanager
def cycle_collector_paused():
    """Reading a list and estimating its rows make many small lists and dicts and no reference
    cycles; the cycle collector walked all of them again each time they piled up (it more than
    doubled the time to read a county list, and cost Pyodide a sixth of its estimating time).
    Paused during a step (refcounting still frees everything), then as it was."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Reading:
    """A file being read: the header first, then jobs as far as they are taken (see worker.py)."""

    def __init__(self, data, region: str, year=None):
        with cycle_collector_paused():
            self._start(data, region, year)

    def _start(self, data, region, year):
        self.rows = read_rows(data)
        head = []
        for row in self.rows:
            head.append(row)
            if len(head) > MAX_TITLE_ROWS + 1:
                break
        self.start, self.layout, self.unknown, self.costlike = find_header(head)
        self.plan = plan_of(self.layout)
        self.pending = enumerate(head[self.start:], start=self.start + 1)  # line = the row number a spreadsheet shows
        self.line = len(head)
        self.labels = words.Labels(region_meta(region))
        self.region, self.year, self.count, self.done = region, year, 0, False
        self.skipped = []  # lines of 合计 / 制表人 rows, not people

    def take_skipped(self) -> list:
        out, self.skipped = self.skipped, []
        return out

    def jobs(self, limit=None, seconds=None) -> list:
        with cycle_collector_paused():
            return self._jobs(limit, seconds)

    def _jobs(self, limit, seconds) -> list:
        import time
        until = None if seconds is None else time.monotonic() + seconds
        out = []
        while limit is None or len(out) < limit:
            item = next(self.pending, None)
            if item is None:
                row = next(self.rows, None)
                if row is None:
                    self.done = True
                    break
                self.line += 1
                item = (self.line, row)
            line, row = item
            if any(row) and is_footer(row, self.layout):
                self.skipped.append(line)
            elif any(row):
                self.count += 1
                if self.count > MAX_ROWS:
                    raise RosterError(MESSAGES["too_many"])
                out.append((line, *person_input(row, self.plan, self.labels, self.region, self.year)))
            if until is not None and len(out) % 200 == 0 and time.monotonic() > until:
                break
        return out


def prepare(data, region: str, year=None) -> tuple:
    """File content -> (jobs for estimate_one, unused columns, cost-like unused columns, skipped
    footer lines). Raises RosterError."""
    r = Reading(data, region, year)
    return r.jobs(), r.unknown, r.costlike, r.take_skipped()


# A list speaks about other people: "您自己付" (calc.vocab) becomes "个人自付" here.
LABELS = {"total": "总费用", "resident": "个人自付"}


# With slip columns, one more column: the payers that paid less than the notice gives (its words).
CHECK_COLUMN = {"key": "check", "label": "核对结算单（少给的项目）"}


def payers(rows: list, checked: bool = False) -> list:
    """Payer columns in settlement order (calc.vocab.PAYERS), those the engine reported."""
    seen = next((r["year"] for r in rows if r["ok"]), None)
    keys = ["total"] + [k for k in vocab.PAYERS if seen is None or k in seen]
    cols = [{"key": k, "label": LABELS.get(k) or vocab.PAYERS[k]} for k in keys]
    return cols + [CHECK_COLUMN] if checked or any("check" in r for r in rows) else cols


def partial_totals(rows: list) -> dict:
    """Sums of some rows, mergeable (merge_totals): {"all": t, "groups": {group: t}}, t = {"people",
    "errors", "sums": {payer: "yuan"}}. Each worker sums its own chunks; the page merges them."""
    def empty():
        return {"people": 0, "errors": 0, "sums": dict.fromkeys(YEAR_KEYS, Decimal(0)), "flagged": 0,
                "short": dict.fromkeys(slip.PAYERS, Decimal(0))}
    overall, groups = empty(), {}
    for r in rows:
        for t in (overall, groups.setdefault(r["group"], empty()) if r["group"] else None):
            if t is None:
                continue
            if not r["ok"]:
                t["errors"] += 1
                continue
            t["people"] += 1
            sums, year = t["sums"], r["year"]
            for k in YEAR_KEYS:
                sums[k] += Decimal(year[k])
            less = r.get("check", {}).get("less", ())
            t["flagged"] += bool(less)
            for x in less:
                t["short"][x["payer"]] += Decimal(x["short"])
    fmt = lambda t: {"people": t["people"], "errors": t["errors"], "sums": {k: str(v) for k, v in t["sums"].items()},  # noqa: E731
                     "flagged": t["flagged"], "short": {k: str(v) for k, v in t["short"].items()}}
    return {"all": fmt(overall), "groups": {g: fmt(t) for g, t in groups.items()}}


def merge_totals(parts: list, cols: list) -> dict:
    """Partial totals (in row order) -> {"all": {...}, "groups": [{"group", ...}]} for the columns."""
    keys = [c["key"] for c in cols if c["key"] in YEAR_KEYS]

    def empty():
        return {"people": 0, "errors": 0, "sums": dict.fromkeys(keys, Decimal(0)), "flagged": 0,
                "short": dict.fromkeys(slip.PAYERS, Decimal(0))}

    def add(into, t):
        into["people"] += int(t["people"])
        into["errors"] += int(t["errors"])
        for k in keys:
            into["sums"][k] += Decimal(str(t["sums"].get(k, "0")))
        into["flagged"] += int(t.get("flagged", 0))
        for k in slip.PAYERS:
            into["short"][k] += Decimal(str(t.get("short", {}).get(k, "0")))
    overall, groups = empty(), {}
    for part in parts:
        add(overall, part["all"])
        for g, t in part["groups"].items():
            add(groups.setdefault(g, empty()), t)
    fmt = lambda t: {"people": t["people"], "errors": t["errors"], "sums": {k: f"{v:.2f}" for k, v in t["sums"].items()},  # noqa: E731
                     "flagged": t["flagged"], "short": {k: f"{v:.2f}" for k, v in t["short"].items()}}
    return {"all": fmt(overall), "groups": [dict(fmt(t), group=g) for g, t in groups.items()]}


def totals(rows: list, cols: list) -> dict:
    """{"all": {...}, "groups": [{"group", ...}]}: sums per payer, people counted, rows with errors."""
    return merge_totals([partial_totals(rows)], cols)


def estimate_chunk(jobs: list, seconds=None) -> dict:
    """A chunk of jobs -> its rows and their partial totals (the worker's estimate step). With
    `seconds`, it stops once that much time has gone (after at least one row): the rows answer the
    first len(rows) jobs and the caller sends the rest again."""
    import time
    until = None if seconds is None else time.monotonic() + seconds
    rows = []
    with cycle_collector_paused():  # a row leaves no cycles (calc's quiet runs are freed at once)
        for j in jobs:
            rows.append(estimate_one(tuple(j)))
            if until is not None and time.monotonic() > until:
                break
    for r in rows:
        for e in r.get("errors", ()):
            e["text"] = say(e)
    return {"ok": True, "rows": rows, "totals": partial_totals(rows),
            "with_group": any(r["group"] for r in rows), "seen": any(r["ok"] for r in rows),
            "with_check": any("check" in r for r in rows)}


def summary(parts: list, region: str, unknown=(), costlike=(), skipped=()) -> dict:
    """The chunks' answers (without their rows) -> columns, totals, with_group."""
    cols = payers([], any(p.get("with_check") for p in parts))
    return {"ok": True, "region": region, "columns": cols, "totals": merge_totals([p["totals"] for p in parts], cols),
            "with_group": any(p["with_group"] for p in parts), "unknown_columns": list(unknown),
            "costlike_columns": list(costlike), **skipped_note(skipped)}


def skipped_note(lines) -> dict:
    """{"skipped_rows": [line…], "skipped_note": Chinese} for 合计 / 制表人 rows left out."""
    lines = [int(n) for n in lines][:1000]
    if not lines:
        return {"skipped_rows": [], "skipped_note": ""}
    shown = "、".join(str(n) for n in lines[:10]) + ("等" if len(lines) > 10 else "")
    return {"skipped_rows": lines, "skipped_note": f"第{shown}行：{MESSAGES['footer']}。"}


def say(e) -> str:
    col = e.get("column")
    return f"{col}：{e['message']}" if col and not e["message"].startswith(col) else e["message"]


def summarise(rows: list, unknown: list, region: str, costlike=(), skipped=()) -> dict:
    from .export import result_csv
    cols = payers(rows)
    with_group = any(r["group"] for r in rows)
    for r in rows:
        for e in r.get("errors", ()):
            e["text"] = say(e)
    return {"ok": True, "region": region, "columns": cols, "rows": rows, "totals": totals(rows, cols),
            "with_group": with_group, "unknown_columns": unknown, "costlike_columns": list(costlike),
            "csv": result_csv(rows, cols, with_group), **skipped_note(skipped)}


def run(data, region: str, year=None) -> dict:
    """The whole roster in this process."""
    try:
        jobs, unknown, costlike, skipped = prepare(data, region, year)
    except RosterError as e:
        return {"ok": False, "message": str(e)}
    return summarise([estimate_one(j) for j in jobs], unknown, region, costlike, skipped)


def run_parallel(data, region: str, year=None, jobs: int = 0) -> dict:
    """The same as run(), rows spread over processes (all cores by default). Raises RosterError."""
    import multiprocessing
    import os
    work, unknown, costlike, skipped = prepare(data, region, year)
    n = jobs or os.cpu_count() or 1
    if n == 1 or len(work) < 200:
        rows = [estimate_one(j) for j in work]
    else:
        with multiprocessing.Pool(n) as pool:
            rows = pool.map(estimate_one, work, chunksize=max(1, len(work) // (n * 8)))
    return summarise(rows, unknown, region, costlike)
