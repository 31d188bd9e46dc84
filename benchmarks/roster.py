"""Roster benchmark (批量测算): the browser page on 1,000 rows, and the command line on a county.

    python -m benchmarks.roster [--site site] [--rows 1000] [--county 35084] [--report docs/benchmarks.md]
                                [--native-only]

(a) browser: /staff/roster/ in Chromium (engine already booted), a 1,000-row CSV pasted and an
    .xlsx of the same rows opened; time from the click on 计算 until the table is drawn.
(b) native: `python -m roster` logic (roster.run_parallel) on a county-sized roster
    (沂源 listed 35,084 people in 2020): one process and all cores, rows per second.
(c) the browser's engine alone: Pyodide in Node with the site's wheel (benchmarks/roster_engine.mjs),
    CPU time per row on one core: what the page's engines cost whatever else the machine runs.
Rows judged against the budgets (NATIVE_MS_PER_ROW, BROWSER_COUNTY_ROWS_PER_S) read PASS or FAIL.
Figures go between the roster markers in docs/benchmarks.md (the rest of that file belongs to
benchmarks/load.py). `sample()` is also the test suite's roster generator.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import statistics
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START, END = "<!-- roster:start -->", "<!-- roster:end -->"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COUNTY_ROWS = 35_084  # 沂源县's 2020 list of people covered by the document
# The budgets the roster rows are judged against (PASS/FAIL in the report): the native cost of one
# row on one core (CPU time, so other work on a shared machine does not count), and a county list
# in the browser, from the click on 计算 to the drawn result.
NATIVE_MS_PER_ROW = 0.25
BROWSER_COUNTY_ROWS_PER_S = 3_000
COUNTY_REPEATS = 3

LEVEL_WORDS = {"1": ["一级", "1"], "2": ["二级", "二级医院"], "3": ["三级", "三甲"]}
PLACE_WORDS = {"county": ["县域内", "县内"], "city": ["县外市内", "市级"], "province": ["省内市外", "省级"],
               "outside": ["省外"]}
# Five kinds of bad row, each refused by calc with its own message.
BAD = [
    ("total", "三万多点"), ("out_of_policy", "不清楚啊"), ("identity", "外星人"),
    ("level", "五级"), ("oop_over_total", None),
]


def _amount_words(n: int, rng) -> str:
    forms = [str(n), f"{n:,}", f"{n}元"]
    if n % 1000 == 0:
        forms.append(f"{n / 10000:g}万")
    return rng.choice(forms)


def sample(n: int, region: str = "xianning", bad_rows: int = 0, seed: int = 12, max_stays: int = 3):
    """-> (csv_text, people). people[i] = {"line", "name", "group", "input": the estimate input
    written directly (not through calc.roster), "bad": kind or None}. Deterministic."""
    import json

    import roster
    from calc import api, fields, vocab
    rng = random.Random(seed)
    meta = next(r for r in json.loads(api.meta())["regions"] if r["id"] == region)
    idents = [(i["id"], i["label"]) for i in meta["identities"]]
    short = {i: vocab.IDENTITIES[i][0] for i, _ in idents}
    levels = [l["id"] for l in meta["levels"]]
    places = [p["id"] for p in meta["places"]]
    bad_at = set(rng.sample(range(n), bad_rows)) if bad_rows else set()
    bad_kinds = iter(BAD * (bad_rows // len(BAD) + 1))
    header = roster.columns(max_stays)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    people = []
    for i in range(n):
        bad = next(bad_kinds)[0] if i in bad_at else None
        k = rng.randrange(1, 3) if rng.random() < .35 else 1
        ids = [iid for iid, _ in rng.sample(idents, k)]
        words = [rng.choice([short[iid], iid, dict(idents)[iid]]) for iid in ids]
        cells = {roster.NAME: f"{i + 1:04d}", roster.GROUP: f"第{i % 4 + 1}村", roster.IDENTITY: "、".join(words)}
        inp = {"region": region, "identities": ids, "stays": []}
        for s in range(rng.randrange(0 if rng.random() < .1 else 1, max_stays + 1)):
            total = rng.randrange(2, 300) * 1000 + rng.choice([0, 0, 500, 37])
            stay = {"total": _amount_words(total, rng), "level": rng.choice(levels), "place": rng.choice(places),
                    "referral": rng.random() < .7}
            col = lambda what: roster.STAY.format(n=s + 1, what=what)  # noqa: E731
            cells[col("总费用")] = stay["total"]
            if rng.random() < .75:
                stay["out_of_policy"] = str(total * rng.randrange(0, 20) // 100)
                cells[col("目录外")] = stay["out_of_policy"]
            cells[col("医院等级")] = rng.choice(LEVEL_WORDS[stay["level"]])
            cells[col("就医地点")] = rng.choice(PLACE_WORDS[stay["place"]])
            said = "是" if stay["referral"] else "否"   # an empty cell means the field's declared default
            cells[col("规范转诊")] = rng.choice([said, ""]) if stay["referral"] == fields.STAY["referral"].default else said
            inp["stays"].append(stay)
        if rng.random() < .3:
            inp["outpatient"] = {"chronic": str(rng.randrange(1, 80) * 100)}
            cells["门诊慢特病"] = inp["outpatient"]["chronic"]
        if bad:
            if not inp["stays"]:
                inp["stays"].append({"total": "20000", "level": "2", "place": "county"})
                cells.update({"住院1总费用": "20000", "住院1医院等级": "二级", "住院1就医地点": "县域内"})
            first = inp["stays"][0]
            if bad == "total":
                first["total"] = cells["住院1总费用"] = "三万多点"
            elif bad == "out_of_policy":
                first["out_of_policy"] = cells["住院1目录外"] = "不清楚啊"
            elif bad == "identity":
                inp["identities"] = ["外星人"]
                cells[roster.IDENTITY] = "外星人"
            elif bad == "level":
                first["level"] = cells["住院1医院等级"] = "五级"
            elif bad == "oop_over_total":
                first["total"] = cells["住院1总费用"] = "5000"
                first["out_of_policy"] = cells["住院1目录外"] = "8000"
        w.writerow([cells.get(c, "") for c in header])
        people.append({"line": i + 2, "name": cells[roster.NAME], "group": cells[roster.GROUP],
                       "input": inp, "bad": bad, "cells": cells})
    return buf.getvalue(), people


def xlsx_bytes(csv_text: str) -> bytes:
    """The same roster as an Excel file (openpyxl, as Excel would write it; amounts as numbers)."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in csv.reader(io.StringIO(csv_text)):
        ws.append([int(c) if c.isdigit() and not c.startswith("0") else c for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def browser(site: Path, sizes=(1000, COUNTY_ROWS)) -> dict:
    """{(rows, kind): seconds from the click on 计算 to the drawn result} for CSV and .xlsx files
    opened with the file picker, plus ("sheets", rows): 每人打印一张明白纸 ready for 1,000 people."""
    from playwright.sync_api import sync_playwright

    from scripts.serve import start
    tmp = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    files = {}
    for n in sizes:
        text, _ = sample(n, "yiyuan", bad_rows=0, seed=7)
        (tmp / f"{n}.csv").write_text(text, "utf-8")
        (tmp / f"{n}.xlsx").write_bytes(xlsx_bytes(text))
        files[n] = {"csv": tmp / f"{n}.csv", "xlsx": tmp / f"{n}.xlsx"}
    server, url = start(site)
    out = {}
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            page.goto(f"{url}staff/roster/?region=yiyuan")
            page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=180_000)
            page.wait_for_timeout(8_000)  # let the extra engines (roster-pool.js) finish starting
            out["workers"] = page.evaluate("navigator.hardwareConcurrency")
            runs = 0
            for n in sizes:
                for kind in ("csv", "xlsx"):
                    times = []
                    # the county list three times, its median kept: one run on a shared machine varies by a second or two
                    for _ in range(COUNTY_REPEATS if n == max(sizes) else 1):
                        page.set_input_files("#ro-file", str(files[n][kind]))
                        runs += 1
                        t = time.perf_counter()
                        page.click("#ro-run")
                        page.wait_for_selector(f'#ro-output[data-runs="{runs}"][data-state="done"], '
                                               '#ro-output[data-state="error"]', state="attached", timeout=900_000)
                        secs = time.perf_counter() - t
                        if page.get_attribute("#ro-output", "data-state") == "error":
                            times = "failed: " + page.inner_text("#ro-error")[:200]
                            print(f"[roster bench] {n} {kind}: {times}", flush=True)
                            page.reload()
                            page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=180_000)
                            runs = 0
                            break
                        print(f"[roster bench] {n} {kind}: {secs:.2f} s", flush=True)
                        got = int(page.get_attribute("#ro-output", "data-people"))
                        assert got == n, f"{kind}: {got} of {n} rows computed"
                        times.append(secs)
                    out[(n, kind)] = times if isinstance(times, str) else statistics.median(times)
                    if not isinstance(times, str) and len(times) > 1:
                        out[("runs", n, kind)] = times
                if n == sizes[0] and not isinstance(out.get((n, "xlsx")), str):
                    page.evaluate("window.print = () => {}")
                    t = time.perf_counter()
                    page.click("#ro-sheets-print")
                    page.wait_for_selector(f'#ro-sheets[data-sheets="{n}"]', state="attached", timeout=300_000)
                    out[("sheets", n)] = time.perf_counter() - t
                    print(f"[roster bench] {n} sheets: {out[('sheets', n)]:.2f} s", flush=True)
            b.close()
    finally:
        server.shutdown()
    return out


def native(rows: int) -> dict:
    import roster
    text, _ = sample(rows, "yiyuan", bad_rows=0, seed=3)
    data = text.encode()
    roster.run(sample(50, "yiyuan", seed=4)[0], "yiyuan")  # warm caches (region files, meta) first
    out = {"rows": rows, "cores": os.cpu_count() or 1}
    for label, jobs in (("one", 1), ("all", 0)):
        before = _cpu()
        t = time.perf_counter()
        res = roster.run_parallel(data, "yiyuan", None, jobs)
        out[label] = time.perf_counter() - t
        out[label + "_cpu"] = _cpu() - before
        assert res["totals"]["all"]["people"] == rows
    return out


def pyodide_engine(site: Path, rows: int = 5_000) -> dict:
    """The browser's engine (Pyodide in Node, the site's calc wheel) on one core: CPU seconds for
    `rows` rows. Independent of the page and of other work on the machine; None without Node."""
    import json
    import shutil
    import subprocess
    wheels = sorted(site.glob("wheels/*/calc-*.whl"))
    if not wheels or not shutil.which("node"):
        return {}
    text, _ = sample(rows, "yiyuan", bad_rows=0, seed=3)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as f:
        f.write(text)
    try:
        run = subprocess.run(["node", str(ROOT / "benchmarks" / "roster_engine.mjs"), str(wheels[-1]), f.name, "yiyuan"],
                             capture_output=True, text=True, timeout=1200)
    finally:
        os.unlink(f.name)
    if run.returncode != 0:
        return {"error": run.stderr[-300:]}
    return {"rows": rows, **json.loads(run.stdout.strip().splitlines()[-1])}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def verdict_native(n: dict) -> str:
    return "PASS" if n["one_cpu"] / n["rows"] * 1000 <= NATIVE_MS_PER_ROW else "FAIL"


def verdict_browser(rows: int, secs: float) -> str:
    return "PASS" if rows / secs >= BROWSER_COUNTY_ROWS_PER_S else "FAIL"


def section(b: dict, n: dict, rows: int, engine: dict | None = None) -> str:
    today = datetime.date.today().isoformat()
    load = os.getloadavg()[0]
    lines = [START, "## Roster (批量测算)", "",
             f"Generated by `python -m benchmarks.roster` on {today} ({n['cores']} cores, load average "
             f"{load:.1f} at the end: other work on the machine slows and flattens the multi-core figure). "
             "Rows are generated people with 0-3 stays, mixed identities and amounts written as people "
             "write them (3.5万, 12,000, 8000元).", "",
             "| where | rows | time | rows per second | CPU time | budget |", "|---|---|---|---|---|---|"]
    county = max((k[0] for k in b if isinstance(k, tuple) and k[0] not in ("sheets", "runs")), default=None)
    for key, secs in b.items():
        if isinstance(key, tuple) and key[0] not in ("sheets", "runs"):
            rows_n, kind = key
            label = {"csv": "browser, CSV file opened", "xlsx": "browser, .xlsx file opened (openpyxl in the worker)"}[kind]
            budget = f"≥ {BROWSER_COUNTY_ROWS_PER_S:,} rows/s" if rows_n == county else ""
            if isinstance(secs, str):
                lines.append(f"| {label} | {rows_n:,} | {secs} | – | | {budget + ': FAIL' if budget else ''} |")
            else:
                verdict = verdict_browser(rows_n, secs) if budget else ""
                runs = b.get(("runs", rows_n, kind))
                each = f" (median of {', '.join(f'{x:.2f}' for x in runs)})" if runs else ""
                lines.append(f"| {label} | {rows_n:,} | {secs:.2f} s{each} | {rows_n / secs:,.0f} | | "
                             f"{budget + ': ' + verdict if budget else ''} |")
    for key, secs in b.items():
        if isinstance(key, tuple) and key[0] == "sheets":
            lines.append(f"| browser, 每人打印一张明白纸 ready (sheets + QR codes) | {key[1]:,} | {secs:.2f} s | "
                         f"{key[1] / secs:,.0f} | | |")
    for key, label in (("one", "1 process"), ("all", f"all {n['cores']} cores")):
        budget = (f"≤ {NATIVE_MS_PER_ROW} ms CPU per row: {n['one_cpu'] / n['rows'] * 1000:.3f} ms "
                  f"{verdict_native(n)}") if key == "one" else ""
        lines.append(f"| native `python -m roster`, {label} | {n['rows']:,} | {n[key]:.2f} s | "
                     f"{n['rows'] / n[key]:,.0f} | {n[key + '_cpu']:.1f} s | {budget} |")
    if engine and "cpu" in engine:
        per = engine["cpu"] / engine["rows"] * 1000
        lines.append(f"| the browser's engine alone (Pyodide {engine['pyodide']} in Node, 1 core, `roster.run`) | "
                     f"{engine['rows']:,} | | {engine['rows'] / engine['cpu']:,.0f} per CPU-second | "
                     f"{engine['cpu']:.1f} s | {per:.3f} ms CPU per row: two engines on an idle 2-core machine "
                     f"≈ {2 * engine['rows'] / engine['cpu']:,.0f} rows/s before reading and drawing |")
    per_cpu = n["rows"] / n["all_cpu"]  # includes the pool's own overhead
    lines += ["", f"{n['rows']:,} rows is 沂源县's 2020 list; the browser time is from the click on 计算 "
              f"until the result is drawn (the first {300} rows of the table; the rest on demand), with the page's "
              f"engine and, on this {b.get('workers', '?')}-core machine, the extra engines of roster-pool.js. Wall-clock figures on a shared machine depend on what else runs; "
              f"the CPU time does not: all cores together spent {n['all_cpu']:.1f} CPU-seconds, i.e. "
              f"{per_cpu:,.0f} rows per CPU-second, so an otherwise idle {n['cores']}-core machine does about "
              f"{per_cpu * n['cores']:,.0f} rows per second (沂源's list in {n['rows'] / (per_cpu * n['cores']):.0f} s).",
              END]
    return "\n".join(lines)


def write(report: Path, text: str) -> None:
    old = report.read_text("utf-8") if report.is_file() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    report.write_text(new, "utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--county", type=int, default=COUNTY_ROWS)
    ap.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--native-only", action="store_true", help="only the command-line part; prints, writes no report")
    args = ap.parse_args(argv)
    if args.native_only:
        n = native(args.county)
        print("\n".join(section({}, n, args.rows, pyodide_engine(Path(args.site))).splitlines()[5:-3]))
        return
    site = Path(args.site)
    if not (site / "staff" / "roster" / "index.html").is_file():
        raise SystemExit(f"{site} has no staff/roster/ page: build the site first (make build)")
    b = browser(site, (args.rows, args.county))
    n = native(args.county)
    text = section(b, n, args.rows, pyodide_engine(site))
    write(Path(args.report), text)
    print(text)


if __name__ == "__main__":
    main()
