"""Load benchmark: our region page vs a bare Pyodide floor page, in Chromium (Playwright).

    python -m benchmarks.load [--runs 5] [--no-build] [--region xianning]

Interleaved in one run, median of N runs each:
  floor  benchmarks/floor/ — boots the same Pyodide runtime in a module worker (the stock
         python_stdlib.zip, no options) and runs 1+1; its repeat visit is the same page again from
         the HTTP cache (runtime served immutable), i.e. a bare Pyodide boot from cache.
  ours   /<region>/#calc=<shared estimate> until the first estimate is on screen
         (#calc-result[data-state="done"]); its repeat visit comes after the service worker is
         installed and the worker has stored its memory snapshot, as for a returning visitor.
Profiles: none (no throttling) and phone: every browser thread limited to a quarter of one core
(cpu_quota.py, cgroup CPU quotas — this slows Web Workers too, which DevTools CPU throttling does
not) and a 1.6 Mbit/s, 150 ms-per-response downlink applied by the server to every request,
including the worker's (DevTools network emulation of a page does not cover its workers).
Bytes = response body bytes the server sent (encoded, i.e. brotli where accepted).
Row "phone, first answer": phone profile, a first visit, a share link to a case the build
precomputed (sitegen/instant.py); navigation start -> that answer on screen, budget FIRST_ANSWER_S.
`--first-answer-only` measures just that row (e.g. --no-build --runs 3).
Writes docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import cpu_quota, roster  # noqa: E402
from scripts.serve import Shaper, start  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}
SAMPLE = {"region": "xianning", "year": 2022, "identities": ["dibao"],
          "stays": [{"total": "50000", "out_of_policy": "5000", "level": "2", "place": "county", "referral": True}]}
TIMEOUT = 300_000
PROFILES = {"none": {"link": None, "cpu": 1}, "phone": {"link": (1.6e6, 0.150), "cpu": 4}}
BUDGETS = {"phone_time": 0.80, "phone_bytes": 0.75, "none_time": 1.00, "repeat": 0.40}
FIRST_ANSWER_S = 3.0  # phone, first visit, share link to a precomputed case -> answer on screen
# When the answer appears, on the page's own clock (navigation start = 0), and whose it is.
ANSWER_CLOCK = """
new MutationObserver(() => {
  const r = document.getElementById("calc-result");
  if (r && r.dataset.state === "done" && window.__answerAt === undefined) {
    window.__answerAt = performance.now(); window.__answerSource = r.dataset.source;
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""


def share_code(inp):
    """The calculator's share-link format: base64url (no padding) of the UTF-8 JSON input."""
    raw = json.dumps(inp, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def runtime_dir(site: Path) -> str:
    """Site-relative folder of the versioned Pyodide runtime (from the manifest)."""
    return json.loads((site / "assets" / "calc-manifest.json").read_text())["runtime"]


def serve_tree(site: Path) -> Path:
    """A copy of site/ (hard links) plus the floor page at /__floor__/, pointed at the same versioned
    runtime directory; site/ itself is not touched. (serve.py refuses symlinks leading outside.)"""
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(site, tmp, dirs_exist_ok=True, copy_function=link)
    (tmp / "__floor__").mkdir()
    for f in (ROOT / "benchmarks" / "floor").iterdir():
        (tmp / "__floor__" / f.name).write_text(f.read_text().replace("__RUNTIME__", runtime_dir(site)))
    return tmp


def fcp(page):
    return page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null")


def visit(context, url, kind):
    page = context.new_page()
    page.goto(url, wait_until="commit")
    if kind == "floor":
        page.wait_for_selector("body[data-done='1']", state="attached", timeout=TIMEOUT)
        r = {"t": page.evaluate("() => window.__doneAt")}
    else:
        # The URL carries a shared estimate (#calc=…), as a link from publicity staff does: the UI
        # computes it as soon as the worker is ready, so this is the time until it is on screen.
        # (the engine's answer: an answer calc computed at build time would show earlier)
        page.wait_for_selector('#calc-result[data-state="done"][data-source="engine"]', state="attached", timeout=TIMEOUT)
        r = {"t": page.evaluate("() => performance.now()"),
             "boot": page.evaluate("() => (window.__calcStatus || {}).boot || 'unknown'")}
    r["fcp"] = fcp(page)
    return page, r


def settle_returning_visitor(page):
    """What happens after a first visit before the resident comes back: the service worker
    installs and the worker stores its snapshot (in idle time). Returns the worker's status."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    try:
        page.wait_for_function("() => { const s = window.__calcStatus || {}; return s.snapshot && s.snapshot !== 'pending'; }",
                               timeout=TIMEOUT)
    except Exception:  # reported as 'no snapshot' below; the repeat visit then boots normally
        pass
    status = page.evaluate("() => window.__calcStatus || {}")
    status["storage"] = page.evaluate("""async () => { const e = await navigator.storage.estimate();
        return {usage: e.usage, details: e.usageDetails || null}; }""")
    return status


def measure(browser, base, runs, stats, handler, region, quota, profiles=tuple(PROFILES)):
    res, statuses, throttled = {}, [], {}
    for i in range(runs):
        for prof in profiles:
            spec = PROFILES[prof]
            handler.shaper = Shaper(*spec["link"]) if spec["link"] else None
            if quota:
                quota.set_slowdown(spec["cpu"])
                before = quota.throttled_seconds()
            for kind in ("floor", "ours"):  # interleaved
                url = base + ("__floor__/" if kind == "floor" else f"{region}/#calc={share_code(SAMPLE)}")
                ctx = browser.new_context(**PHONE)
                stats.update(bytes=0, requests=0)
                page, r = visit(ctx, url, kind)
                r["bytes"] = stats["bytes"]
                res.setdefault((prof, kind, "first"), []).append(r)
                if kind == "ours":
                    st = settle_returning_visitor(page)
                    st["profile"] = prof
                    statuses.append(st)
                page.close()
                stats.update(bytes=0, requests=0)
                page2, r2 = visit(ctx, url, kind)
                r2["bytes"] = stats["bytes"]
                res.setdefault((prof, kind, "repeat"), []).append(r2)
                ctx.close()
                print(f"run {i + 1}/{runs} {prof:5s} {kind:5s} first {r['t'] / 1000:6.2f} s {r['bytes'] / 1e6:6.3f} MB"
                      f" | repeat {r2['t'] / 1000:6.2f} s {r2['bytes'] / 1e6:6.3f} MB {r2.get('boot', '')}", flush=True)
            if quota:
                throttled.setdefault(prof, []).append(quota.throttled_seconds() - before)
    handler.shaper = None
    if quota:
        quota.set_slowdown(1)
    return res, statuses, throttled


def first_answer_input(region):
    """A share link to a precomputed case: what the form's share button puts in a link for 低保对象
    (or the region's first identity) and 30,000 yuan (sitegen/instant.py)."""
    from calc.api import meta_dict
    from sitegen.instant import form_input

    rm = next(r for r in meta_dict()["regions"] if r["id"] == region)
    ids = [i["id"] for i in rm["identities"]]
    return form_input(rm, "dibao" if "dibao" in ids else ids[0], 30000)


def first_answer(browser, base, runs, stats, handler, region, quota):
    """Row "phone, first answer": phone profile, first visit (a fresh browser profile),
    a share link to a precomputed case; navigation start -> the answer on screen. Nothing is held
    back: the engine's runtime downloads over the same link meanwhile, as on a real first visit."""
    spec = PROFILES["phone"]
    url = base + f"{region}/#calc={share_code(first_answer_input(region))}"
    out = []
    handler.shaper = Shaper(*spec["link"])
    if quota:
        quota.set_slowdown(spec["cpu"])
    try:
        for i in range(runs):
            ctx = browser.new_context(**PHONE)
            ctx.add_init_script(ANSWER_CLOCK)
            page = ctx.new_page()
            stats.update(bytes=0, requests=0)
            page.goto(url, wait_until="commit")
            page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=TIMEOUT)
            page.wait_for_function("() => window.__answerAt !== undefined", timeout=TIMEOUT)
            r = {"t": page.evaluate("() => window.__answerAt"), "source": page.evaluate("() => window.__answerSource"),
                 "fcp": fcp(page), "bytes": stats["bytes"]}
            out.append(r)
            ctx.close()
            print(f"run {i + 1}/{runs} phone first answer {r['t'] / 1000:6.2f} s ({r['source']}), "
                  f"{r['bytes'] / 1e6:.3f} MB by then", flush=True)
    finally:
        handler.shaper = None
        if quota:
            quota.set_slowdown(1)
    return out


def first_answer_budget(rows):
    t = med(rows, "t")
    ok = t is not None and t <= FIRST_ANSWER_S * 1000 and all(r["source"] == "instant" for r in rows)
    return (f"phone, first answer (share link to a precomputed case): time <= {FIRST_ANSWER_S:.1f} s",
            ok, "n/a" if t is None else f"{t / 1000:.2f} s")


def worker_call_time(browser, base, region, n=20):
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(base + f"{region}/")
    page.wait_for_selector('#calculator[data-ready="true"]', state="attached", timeout=TIMEOUT)
    ms = page.evaluate("""async ([s, n]) => { const c = await window.__calcReady; await c.estimate(s);
        const t0 = performance.now(); for (let i = 0; i < n; i++) await c.estimate(s);
        return (performance.now() - t0) / n; }""", [SAMPLE, n])
    ctx.close()
    return ms


def native_time(n=50):
    import calc.api

    text = json.dumps(SAMPLE)
    out = json.loads(calc.api.estimate(text))
    t0 = time.perf_counter()
    for _ in range(n):
        calc.api.estimate(text)
    return (time.perf_counter() - t0) / n * 1000, len(out.get("trace", []))


def med(rs, key):
    vals = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def _ms(x):
    return "n/a" if x is None else f"{x:.0f} ms"


def load_average():
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    ver = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "chromium": ver, "python": platform.python_version()}


def stdlib_figures(site: Path):
    """Sizes of the stock and the trimmed standard library as served (file, brotli), and the
    trimming report of the build (buildtools/stdlib_trim.py keeps it in .build/stdlib/<key>/)."""
    files = json.loads((site / "assets" / "calc-manifest.json").read_text())["files"]
    out = {}
    for key, role in (("full", "stdlib_full"), ("trim", "stdlib")):
        p = site / files[role]["url"]
        br = p.with_name(p.name + ".br")
        out[key] = {"bytes": p.stat().st_size, "br": br.stat().st_size if br.is_file() else None}
    for rep in (ROOT / ".build" / "stdlib").glob("*/report.json"):
        data = json.loads(rep.read_text())
        if data.get("zip_bytes") == out["trim"]["bytes"]:
            out["report"] = data
    return out


def precache_line(site: Path) -> str:
    """What the service worker keeps after one visit (build_site writes assets/precache.json)."""
    try:
        pc = json.loads((site / "assets" / "precache.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "- service worker cache: no assets/precache.json in the built site"
    roles = ", ".join(f"{k} {v['bytes'] / 1e6:.2f} MB" for k, v in sorted(pc["roles"].items(), key=lambda kv: -kv[1]["bytes"]))
    return (f"- service worker cache after one visit to any page (precache by role, `buildtools/precache.py`): "
            f"{pc['urls']} URLs, {pc['bytes'] / 1e6:.2f} MB stored ({roles}); a phone without WebAssembly "
            f"keeps the pages only (`sw.js?engine=0`)")


def write_report(res, statuses, throttled, quota_note, quota_model, runs, site, worker_ms, native_ms, trace_len, loads,
                 report, first=None):
    man = json.loads((site / "assets" / "calc-manifest.json").read_text())
    m = machine()
    n = PROFILES["phone"]["cpu"]
    phone_cpu = (f"**no CPU slowdown**: {quota_note}" if quota_note else
                 f"every thread of the browser — the page, the Web Worker booting Pyodide, V8's compiler threads — "
                 f"limited to 1/{n} of one core by a cgroup CFS quota of its own (`benchmarks/cpu_quota.py`, model "
                 f"\"{quota_model}\"): a phone whose cores are each {n}x slower than this machine's. DevTools CPU "
                 f"throttling, used before, slows only a page's main thread, never its workers"
                 if quota_model == "per-thread" else
                 f"all threads of the browser together limited to 1/{n} of one core (cgroup CFS quota, "
                 f"`benchmarks/cpu_quota.py`, model \"{quota_model}\"): harsher than a phone for work that overlaps")
    lines = [
        "# 加载性能测试 (benchmarks)", "",
        f"Generated by `python -m benchmarks.load` on {datetime.date.today().isoformat()}; machine: {m['nproc']} "
        f"cores, {m['cpu']}, shared with other work (load average 1/5/15 min: {loads[0]} at the start, "
        f"{loads[1]} at the end); {m['chromium']}; Pyodide {man.get('pyodide')}.", "",
        f"Median of {runs} runs each, floor and ours interleaved in the same browser. Time = from navigation "
        "start to the first estimate shown (ours, a shared-estimate link) / `1+1` returned (floor: a bare "
        "Pyodide boot in a module worker, stock standard library). Bytes = encoded response bytes the server "
        "sent. Repeat = the same page again in the same browser profile: the floor boots from the HTTP cache; "
        "ours after its service worker is installed and its memory snapshot stored.", "",
        f"Phone profile: {phone_cpu}; and a 1.6 Mbit/s, 150 ms-per-response downlink applied by the server "
        "to every request (DevTools network emulation does not cover a page's workers).", "",
        "| profile | visit | floor time | ours time | ratio | floor bytes | ours bytes | ratio | ours FCP | ours boot |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    s = {}
    for prof in PROFILES:
        for visit_kind in ("first", "repeat"):
            f, o = res[(prof, "floor", visit_kind)], res[(prof, "ours", visit_kind)]
            ft, ot, fb, ob = med(f, "t"), med(o, "t"), med(f, "bytes"), med(o, "bytes")
            boots = ",".join(sorted({f"{r.get('boot')}×{sum(1 for x in o if x.get('boot') == r.get('boot'))}" for r in o}))
            s[(prof, visit_kind)] = dict(ft=ft, ot=ot, fb=fb, ob=ob, fcp=med(o, "fcp"), boots=[r.get("boot") for r in o])
            bytes_ratio = f"{ob / fb:.3f}" if fb else "–"
            lines.append(f"| {prof} | {visit_kind} | {ft / 1000:.2f} s | {ot / 1000:.2f} s | {ot / ft:.2f} | "
                         f"{fb / 1e6:.3f} MB | {ob / 1e6:.3f} MB | {bytes_ratio} | {_ms(med(o, 'fcp'))} | {boots} |")
    if first:  # the answer calc computed at build time, before the engine is there
        srcs = ",".join(sorted({f"{r['source']}×{sum(1 for x in first if x['source'] == r['source'])}" for r in first}))
        lines.append(f"| phone | first answer | – | {med(first, 't') / 1000:.2f} s | – | – | {med(first, 'bytes') / 1e6:.3f} MB "
                     f"by then | – | {_ms(med(first, 'fcp'))} | {srcs} |")
    pf, nf = s[("phone", "first")], s[("none", "first")]
    pr, nr = s[("phone", "repeat")], s[("none", "repeat")]
    budgets = [
        (f"phone, first visit: time <= {BUDGETS['phone_time']:.2f}x floor", pf["ot"] <= BUDGETS["phone_time"] * pf["ft"],
         f"{pf['ot'] / pf['ft']:.2f}x"),
        (f"phone, first visit: bytes <= {BUDGETS['phone_bytes']:.2f}x floor", pf["ob"] <= BUDGETS["phone_bytes"] * pf["fb"],
         f"{pf['ob'] / pf['fb']:.3f}x"),
        (f"no throttling, first visit: time <= {BUDGETS['none_time']:.2f}x floor", nf["ot"] <= BUDGETS["none_time"] * nf["ft"],
         f"{nf['ot'] / nf['ft']:.2f}x"),
        (f"phone, repeat visit: time <= {BUDGETS['repeat']:.2f}x the floor's repeat visit",
         pr["ot"] <= BUDGETS["repeat"] * pr["ft"], f"{pr['ot'] / pr['ft']:.2f}x"),
        (f"no throttling, repeat visit: time <= {BUDGETS['repeat']:.2f}x the floor's repeat visit",
         nr["ot"] <= BUDGETS["repeat"] * nr["ft"], f"{nr['ot'] / nr['ft']:.2f}x"),
        ("every repeat visit booted from the stored snapshot", all(b == "snapshot" for b in pr["boots"] + nr["boots"]),
         ", ".join(sorted(set(map(str, pr["boots"] + nr["boots"]))))),
        ("phone, repeat visit re-downloads no runtime (< 200 kB from the server)", pr["ob"] < 200_000,
         f"{pr['ob'] / 1e3:.1f} kB"),
        ("phone, FCP < 10% of the time to the first estimate", pf["fcp"] is not None and pf["fcp"] < 0.10 * pf["ot"],
         f"{pf['fcp'] / pf['ot'] * 100:.1f}%" if pf["fcp"] is not None else "no FCP recorded"),
    ]
    if first is not None:
        budgets.append(first_answer_budget(first))
    lines += ["", "## Budgets", "", "| budget | result | value |", "|---|---|---|"]
    lines += [f"| {b} | {'PASS' if ok else 'FAIL'} | {v} |" for b, ok, v in budgets]
    lines += ["", "Where a repeat visit's time goes without throttling: the floor's repeat is almost all CPython "
              "starting up, which ours skips; ours still re-reads and re-checks (sha256) the 13 MB runtime from the "
              "phone's cache and runs it from those checked bytes (`blob:` imports and a wasm made from "
              "bytes), so V8 recompiles Pyodide's JavaScript and wasm on every visit instead of using its code "
              "caches as the floor does; and the region page itself renders before the answer shows. On the "
              "phone profile the floor's start-up grows fourfold and these fixed costs matter less."]
    if throttled:
        lines += ["", "CPU quota check (seconds the kernel held the browser back, median per run): " +
                  ", ".join(f"{p} {statistics.median(v):.1f} s" for p, v in throttled.items()) + "."]

    # ---- what ships, what the phone keeps
    saved = [st for st in statuses if st.get("snapshot") == "saved"]
    std = stdlib_figures(site)
    rep = std.get("report", {})
    lines += [
        "", "## What ours ships instead of the floor's", "",
        f"- **Trimmed standard library** `python_stdlib_trim.zip` (`buildtools/stdlib_trim.py`): "
        f"{len(rep.get('modules', [])) or '?'} modules as CPython {rep.get('python', '3.14')} bytecode made by the same "
        f"Pyodide, {std['trim']['bytes'] / 1e6:.2f} MB stored ({std['trim']['br'] / 1e6:.2f} MB brotli on the wire) "
        f"instead of `python_stdlib.zip`, {std['full']['bytes'] / 1e6:.2f} MB of deflated source "
        f"({std['full']['br'] / 1e6:.2f} MB on the wire) that CPython compiles again on every boot. The modules are not a "
        f"hand list: the build records every call the engine's tests make into `calc.api` (tests/unit, "
        f"tests/cases) plus `meta()` and a sweep over every region, year, identity, scheme and tier "
        f"({rep.get('corpus_calls', '?')} calls), replays them in Pyodide under Node exactly as the worker boots, keeps "
        f"what was imported, and fails unless the trimmed zip — and a snapshot of it — gives every answer unchanged. "
        f"Docstrings are dropped outside Pyodide's own packages (as `-OO` does; asserts stay). The stock zip stays "
        f"published as the worker's fallback (an import error reboots on it) and is never fetched otherwise.",
        "- **No optional-package lockfile**: the worker gives `loadPyodide` a lockfile listing no packages instead "
        "of downloading Pyodide's 119 kB list of 357 packages it never loads.",
        "- **The worker starts at once**: `calc-client.js` is an async module in the page head, so the worker "
        "starts when that file arrives, not after the page has been parsed.",
        "- **Memory snapshot for returning visitors** (`docs/assets/runtime/snapshot.js`): a fresh engine takes an image of "
        "its wasm memory (Pyodide 314's private `makeMemorySnapshot`) right after importing calc — before the page "
        "sends anything the resident typed, so the image holds no amounts or identities (an e2e test searches it) "
        "— and stores it in idle time after the first estimate. The next visit restores it (`_loadSnapshot`) "
        "instead of starting Python. Refused and deleted unless it is for the same runtime, wheel and standard "
        "library, decompresses intact (gzip CRC), passes Pyodide's build-id check and answers `meta()` exactly as "
        "when it was made; then the normal boot runs, with no message to the resident.",
        "",
        "## On the phone", "",
    ]
    if saved:
        st = saved[-1]
        usage = st.get("storage", {})
        det = usage.get("details") or {}
        lines.append(f"- memory snapshot: {st['snapshot_raw'] / 1e6:.1f} MB of wasm memory, kept as "
                     f"{statistics.median(x['snapshot_bytes'] for x in saved) / 1e6:.2f} MB (all-zero 4 KiB pages "
                     f"left out, gzip via CompressionStream) in IndexedDB `calc-snapshot`; stored in "
                     f"{len(saved)} of {len(statuses)} first visits")
        lines.append(f"- all storage the site used after a first visit: {usage.get('usage', 0) / 1e6:.1f} MB"
                     + (f" (service worker cache {det.get('caches', 0) / 1e6:.1f} MB, IndexedDB "
                        f"{det.get('indexedDB', 0) / 1e6:.1f} MB)" if det else "") + " (`navigator.storage.estimate()`)")
    else:
        lines.append("- memory snapshot: none stored — " + "; ".join(sorted({str(st.get('snapshot')) for st in statuses})))
    lines.append(precache_line(site))
    lines += [
        "- clean-up: one snapshot at most — a single IndexedDB record, replaced when a new one is stored; keyed by "
        "the runtime directory (Pyodide version + hash of its files), the wheel's sha256 and the trimmed standard "
        "library's sha256, and deleted on the first visit after any of them changes, or as soon as it fails a "
        "check. Like any site data the browser may evict it under storage pressure, and clearing the site's data "
        "removes it.",
        "- a snapshot made at build time and served over the network instead: the same 31 MB image is 4.6 MB with "
        "brotli (q9, measured on one made in Node) — more on the wire than the whole 0.8 MB standard library it would "
        "replace on a first visit (the phone's budget is bytes), and on later visits it restores exactly like the "
        "one the phone made itself. It cannot win either visit, so it was not built.",
        "",
        "## Engine", "",
        f"- wheel `{Path(man['files']['wheel']['url']).name}`: {man['files']['wheel']['bytes']:,} bytes",
        f"- one estimate natively (CPython {m['python']}, full trace of {trace_len} steps): {native_ms:.2f} ms",
        f"- one estimate through the worker (postMessage + JSON + Pyodide, page already booted): {worker_ms:.2f} ms",
        "",
    ]
    # The roster section belongs to benchmarks.roster: carry it over rather than drop it.
    old = report.read_text("utf-8") if report.is_file() else ""
    kept = old[old.index(roster.START): old.index(roster.END) + len(roster.END)] \
        if roster.START in old and roster.END in old else ""
    report.write_text("\n".join(lines + ([kept, ""] if kept else [])), "utf-8")
    print("\n".join(lines))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--region", default="xianning")
    ap.add_argument("--site", default=str(ROOT / "site"), help="built site to serve (default site/)")
    ap.add_argument("--report", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--profiles", default=",".join(PROFILES),
                    help="comma-separated subset to measure while working (the report needs all)")
    ap.add_argument("--first-answer-only", action="store_true",
                    help="measure only the row \"phone, first answer\" and print it (no report)")
    args = ap.parse_args(argv)
    profiles = args.profiles.split(",")
    site = Path(args.site).resolve()
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "build_site.py")], check=True, cwd=ROOT)
    tree = serve_tree(site)
    stats = {"bytes": 0, "requests": 0}
    server, base = start(tree, stats=stats)
    handler = server.RequestHandlerClass
    quota = cpu_quota.CpuQuota.create()
    quota_note = "" if quota else cpu_quota.why_not
    if quota_note:
        print(f"warning: the phone profile cannot slow the CPU: {quota_note}", flush=True)
    loads = [load_average()]
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            exe = quota.launcher(CHROMIUM) if quota else CHROMIUM
            browser = p.chromium.launch(executable_path=exe, args=ARGS)
            first = first_answer(browser, base, args.runs, stats, handler, args.region, quota) if "phone" in profiles else None
            if args.first_answer_only:
                browser.close()
                b, ok, v = first_answer_budget(first)
                print(f"| {b} | {'PASS' if ok else 'FAIL'} | {v} |")
                return
            res, statuses, throttled = measure(browser, base, args.runs, stats, handler, args.region, quota, profiles)
            worker_ms = worker_call_time(browser, base, args.region)
            browser.close()
    finally:
        server.shutdown()
        if quota:
            quota.close()
        shutil.rmtree(tree, ignore_errors=True)
    loads.append(load_average())
    if set(profiles) != set(PROFILES):
        return  # a partial run while working: the lines above are the result
    try:
        native_ms, trace_len = native_time()
    except Exception as e:  # calc not importable natively: report it rather than crash
        print(f"native timing skipped: {e!r}")
        native_ms, trace_len = float("nan"), 0
    write_report(res, statuses, throttled, quota_note, quota.model if quota else "", args.runs, site, worker_ms,
                 native_ms, trace_len, loads, Path(args.report), first=first)


if __name__ == "__main__":
    main()
