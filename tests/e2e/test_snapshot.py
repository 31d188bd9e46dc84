"""Returning visitors boot from the memory snapshot their phone stored after the first estimate
(docs/assets/runtime/snapshot.js), get the same amounts, and a damaged or foreign snapshot only costs a
normal boot. The snapshot holds nothing the resident typed. The engine runs on the trimmed
standard library throughout.

window.__calcStatus (calc-client.js) carries the worker's own account of how it started:
boot "fresh" | "snapshot" | "full", stdlib "trim" | "full", snapshot "pending" | "saved" |
"restored" | "skipped: …" | "failed: …", and snapshot_rejected when a stored one was refused.
"""
from __future__ import annotations

import base64
import json

from .conftest import BOOT_TIMEOUT_MS, worker_call

INPUTS = [
    {"region": "xianning", "year": 2022, "identities": ["dibao"],
     "stays": [{"total": "37651.29", "out_of_policy": "4129.07", "level": "2", "place": "county", "referral": True}]},
    {"region": "chongqing", "identities": ["tekun"], "tier": 2,
     "stays": [{"total": "120000", "out_of_policy": "8000", "level": "3", "place": "city", "referral": True}],
     "outpatient": {"chronic": "3000"}},
    {"region": "yiyuan", "identities": ["fanpin"],
     "stays": [{"total": "80000", "out_of_policy": "2000", "level": "3", "place": "province", "referral": False,
                "hospital_waiver": "500", "tehuibao": "1000"}]},
]
SHARED = INPUTS[0]


def shared_link(server_url):
    code = base64.urlsafe_b64encode(json.dumps(SHARED, ensure_ascii=False, separators=(",", ":")).encode())
    return f"{server_url}xianning/#calc={code.decode().rstrip('=')}"


def open_estimate(context, url):
    """A visit to a shared estimate: the page, its amounts as shown, and the worker's status."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector('#calc-result[data-state="done"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    return page, page.inner_text("#calc-result")


def settled_status(page):
    """The worker's status once it has decided about the snapshot (made in idle time)."""
    page.wait_for_function(
        "() => { const s = window.__calcStatus || {}; return s.snapshot && s.snapshot !== 'pending'; }",
        timeout=BOOT_TIMEOUT_MS)
    return page.evaluate("() => ({...window.__calcStatus})")


def answers(page):
    return [worker_call(page, "estimate", inp) for inp in INPUTS]


def stored(page):
    """The snapshot record as the worker left it (key, sizes), via snapshot.js's own names."""
    return page.evaluate("""async () => {
        const s = await import('../assets/runtime/snapshot.js');
        const rec = await s.readRecord();
        return rec && {key: rec.key, raw: rec.raw, stored: rec.blob.size, saved: rec.saved};
    }""")


def snapshot_contains(page, needles):
    """Which of the strings occur anywhere in the stored memory image (freed memory included)."""
    return page.evaluate("""async (needles) => {
        const s = await import('../assets/runtime/snapshot.js');
        const text = new TextDecoder('latin1').decode(await s.gunzip((await s.readRecord()).blob));
        return needles.filter((n) => text.includes(n));
    }""", needles)


def rewrite(page, js_body):
    """Change the stored record in place: js_body gets (rec, s) and returns the record to store."""
    page.evaluate(f"""async () => {{
        const s = await import('../assets/runtime/snapshot.js');
        const rec = await s.readRecord();
        await s.writeRecord(await (async (rec, s) => {{ {js_body} }})(rec, s));
    }}""")


def test_repeat_visit_restores_the_snapshot_with_the_same_amounts(browser, browser_context_args, server_url):
    import calc.api

    native = [json.loads(calc.api.estimate(json.dumps(i))) for i in INPUTS]
    context = browser.new_context(**browser_context_args)
    try:
        first, shown_first = open_estimate(context, shared_link(server_url))
        st = settled_status(first)
        assert (st["boot"], st["stdlib"], st["snapshot"]) == ("fresh", "trim", "saved"), st
        rec = stored(first)
        assert rec["raw"] > 10_000_000 and 0 < rec["stored"] < rec["raw"] / 3, rec
        # The image is taken before the page sends the shared estimate: nothing typed is in it.
        assert snapshot_contains(first, ["37651", "4129.07"]) == []
        assert snapshot_contains(first, ["calc.api", "tomllib"]) == ["calc.api", "tomllib"]  # the check can see
        assert answers(first) == native
        # The chart (drawn when scrolled to) needs modules kept out of the first download: the
        # worker adds the extra zip for it, not the stock library.
        chart = first.evaluate("""(inp) => window.__calcReady.then((c) => c.chart(
            {input: inp, identities: ["dibao", "putong"], point: ["37651.29", "0"], uid: "t"}))""", SHARED)
        assert chart["ok"] is True and chart["svg"].startswith("<svg"), chart
        st = first.evaluate("() => ({...window.__calcStatus})")
        assert st["stdlib"] == "trim" and "trim_error" not in st, st
        first.close()

        again, shown_again = open_estimate(context, shared_link(server_url))
        st = settled_status(again)
        assert (st["boot"], st["stdlib"], st["snapshot"]) == ("snapshot", "trim", "restored"), st
        assert shown_again == shown_first and "元" in shown_again
        assert answers(again) == native  # every region, not only the one whose page this is
        assert stored(again) == rec      # the same single record, untouched
    finally:
        context.close()


def test_damaged_or_foreign_snapshot_falls_back_to_a_normal_boot(browser, browser_context_args, server_url):
    import calc.api

    native = [json.loads(calc.api.estimate(json.dumps(i))) for i in INPUTS]
    context = browser.new_context(**browser_context_args)
    try:
        page, shown = open_estimate(context, shared_link(server_url))
        assert settled_status(page)["snapshot"] == "saved"
        good = stored(page)
        cases = {  # name: (what to do to the stored record, words of the reason it is refused)
            # bytes damaged on the device: gzip's CRC refuses them
            "damaged": ("rec.blob = new Blob([new Uint8Array(await rec.blob.arrayBuffer()).map((b, i) => i > 64 ? b ^ 0x5a : b)]); return rec;", ""),
            # left by an older deployment (another runtime / wheel): deleted unread
            "other version": ("rec.key = rec.key.replace(/^[^|]*/, '0.0.0'); return rec;", "another version"),
            # right key but made by another Pyodide build: Pyodide's build-id check refuses it
            "other build": ("""
                const raw = await s.gunzip(rec.blob);
                const head = new Uint32Array(raw.buffer, 0, 3);
                const at = 12 + 4 * head[2];                 // first stored page = snapshot header
                new Uint32Array(raw.buffer, at + 16, 8).fill(0x40414243);  // its 256-bit build id
                rec.blob = await s.gzip(raw); return rec;""", "build id mismatch"),
        }
        for name, (body, why) in cases.items():
            rewrite(page, body)
            page.close()
            page, shown_again = open_estimate(context, shared_link(server_url))
            st = settled_status(page)
            assert st["boot"] == "fresh" and st.get("snapshot_rejected"), (name, st)
            assert why in st["snapshot_rejected"], (name, st)
            assert shown_again == shown, name
            assert answers(page) == native, name
            assert st["snapshot"] == "saved", (name, st)   # a new, good snapshot replaces it
            now = stored(page)
            assert (now["key"], now["raw"]) == (good["key"], good["raw"]) and now["saved"] > good["saved"], name
            good = now
    finally:
        context.close()
