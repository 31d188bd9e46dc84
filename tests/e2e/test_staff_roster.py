"""批量测算 (/staff/roster/): a 200-row CSV with 5 bad rows gives 195 estimates equal to calc's, the
5 rows carry calc's messages, the totals add up, the CSV download says the same; the same roster as
an .xlsx (read with openpyxl inside Pyodide) gives the same totals; a GBK and a UTF-8-BOM CSV file
opened with the file picker compute (the trimmed standard library ships their codecs); 每人打印一张明白纸
prints one A4 page per computed person, with office, hotline and date."""
from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

from benchmarks.roster import sample, xlsx_bytes
import roster
from calc.api import estimate_dict

from .conftest import BOOT_TIMEOUT_MS

STAFF_CSV = """2024年示例村困难群众名单
序号,姓名,身份证号,人员类别,村,住院1总费用,住院1医院等级
1,张三,410101199001011234,低保户,东村,30000,二级
2,李四,410101199001015678,特困供养,东村,50000,三级
3,王五,410101199001019999,一般户、监测户,西村,20000,二级
4,赵六,410101199001018888,外星人,西村,8000,二级
"""


def yuan(s: str) -> str:
    whole, frac = s.split(".")
    return f"{int(whole):,}.{frac}"


def run(page, runs: int):
    page.click("#ro-run")
    page.wait_for_selector(f'#ro-output[data-runs="{runs}"][data-state="done"]', state="attached", timeout=60_000)


def test_roster_200_rows_5_bad_totals_download_and_xlsx(calc_context, server_url, tmp_path):
    text, people = sample(200, "xianning", bad_rows=5, seed=21)
    expected = {p["line"]: estimate_dict(p["input"]) for p in people}
    good = [e for e in expected.values() if e["ok"]]
    cols = roster.payers([{"ok": True, "year": good[0]["year"]}])

    page = calc_context.new_page()
    page.goto(f"{server_url}staff/roster/?region=xianning")
    assert "不会上传" in page.inner_text(".staff-privacy")
    page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    page.fill("#ro-text", text)
    run(page, 1)

    rows = page.eval_on_selector_all("#ro-rows tbody tr", """trs => trs.map(tr => ({
        line: Number(tr.dataset.line), ok: tr.dataset.ok === 'true', cells: [...tr.cells].map(c => c.textContent)}))""")
    assert len(rows) == 200
    assert sum(r["ok"] for r in rows) == 195
    for r in rows:
        want = expected[r["line"]]
        if not r["ok"]:
            assert not want["ok"]
            if want["errors"][0]["field"] == "identities":  # the roster quotes the word with the region's list
                assert "“外星人”认不出来" in r["cells"][-1], r
            else:
                for e in want["errors"]:
                    assert e["message"] in r["cells"][-1], (r, e)
            continue
        assert r["cells"][3] == want["identity"]["label"]
        assert r["cells"][4:] == [yuan(want["year"][c["key"]]) for c in cols], r
    totals = page.eval_on_selector_all("#ro-totals tr.ro-total-all td[data-key]",
                                       "tds => Object.fromEntries(tds.map(td => [td.dataset.key, td.textContent]))")
    sums = {c["key"]: sum(Decimal(e["year"][c["key"]]) for e in good) for c in cols}
    assert totals == {k: yuan(f"{v:.2f}") for k, v in sums.items()}

    with page.expect_download() as d:
        page.click("#ro-download")
    data = list(csv.reader(io.StringIO(open(d.value.path(), encoding="utf-8-sig").read())))
    assert data[0] == ["行号", roster.NAME, roster.GROUP, "按此身份计算"] + [c["label"] for c in cols] + ["输入有误"]
    assert len(data) == 201
    for line in data[1:]:
        want = expected[int(line[0])]
        if want["ok"]:
            assert line[4:-1] == [want["year"][c["key"]] for c in cols] and line[-1] == ""
        elif want["errors"][0]["field"] != "identities":
            assert all(e["message"] in line[-1] for e in want["errors"])

    # the same list as an Excel file, opened in the page: zipfile + xml.etree run in the worker
    xlsx = tmp_path / "名单.xlsx"
    xlsx.write_bytes(xlsx_bytes(text))
    page.set_input_files("#ro-file", str(xlsx))
    run(page, 2)
    again = page.eval_on_selector_all("#ro-totals tr.ro-total-all td[data-key]",
                                      "tds => Object.fromEntries(tds.map(td => [td.dataset.key, td.textContent]))")
    assert again == totals
    assert page.locator('#ro-rows tr[data-ok="false"]').count() == 5

    template = page.request.get(f"{server_url}staff/roster/roster-template.csv").text()
    assert next(csv.reader(io.StringIO(template.lstrip("\ufeff")))) == roster.columns()
    page.close()


def _totals(page):
    return page.eval_on_selector_all("#ro-totals tr.ro-total-all td[data-key]",
                                     "tds => Object.fromEntries(tds.map(td => [td.dataset.key, td.textContent]))")


def test_gbk_and_utf8_bom_files_from_the_file_picker_compute_and_sheets_print_one_page_each(calc_context, server_url, tmp_path):
    import unicodedata

    from pypdf import PdfReader
    want = roster.run(STAFF_CSV, "xianning")
    good = [r for r in want["rows"] if r["ok"]]
    assert len(good) == 3
    page = calc_context.new_page()
    page.goto(f"{server_url}staff/roster/?region=xianning")
    page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    runs = 0
    for name, data in (("名单-GBK.csv", STAFF_CSV.encode("gbk")), ("名单-UTF8.csv", ("\ufeff" + STAFF_CSV).encode("utf-8"))):
        path = tmp_path / name
        path.write_bytes(data)
        page.set_input_files("#ro-file", str(path))
        runs += 1
        run(page, runs)
        assert page.locator("#ro-error").is_hidden(), page.inner_text("#ro-error")
        assert page.locator('#ro-rows tr[data-ok="true"]').count() == 3
        assert page.locator('#ro-rows tr[data-ok="false"]').count() == 1
        assert _totals(page) == {k: yuan(v) for k, v in want["totals"]["all"]["sums"].items()}
        names = page.eval_on_selector_all('#ro-rows tr[data-ok="true"] td:nth-child(2)', "tds => tds.map(t => t.textContent)")
        assert names == ["张三", "李四", "王五"]  # not 序号
        assert "4101011990" not in page.inner_text("#ro-result")
    office = page.inner_text("#ro-office")
    assert "电话" in office and "数字核对日期" in office

    page.evaluate("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    page.click("#ro-sheets-print")
    page.wait_for_selector("#ro-sheets[data-sheets]", state="attached", timeout=60_000)
    assert page.evaluate("window.__printed") >= 1
    assert page.get_attribute("#ro-sheets", "data-sheets") == "3", (page.inner_text("#ro-status"), page.inner_text("#ro-error"))
    assert page.locator("#ro-sheets .ro-sheet .qr svg").count() == 3
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) == 3, len(pdf.pages)
    for p, r in zip(pdf.pages, good):
        text = unicodedata.normalize("NFKC", p.extract_text()).replace("\n", "").replace(" ", "")
        assert r["name"] in text and yuan(r["year"]["resident"]) in text, text[:300]
        assert "电话" in text and "数字核对日期" in text and unicodedata.normalize("NFKC", r["identity"]) in text
        assert not [n for n in ("张三", "李四", "王五") if n != r["name"] and n in text]  # one person per page
        # the caveats every 明白纸 carries (roster/sheets.py; the same layout as the print pages)
        assert "(假设)" in text and "目录外" in text and "请注意:" in text, text[:600]  # NFKC: full-width signs become ASCII
    page.close()


# In the page's engine: after the acknowledgement of the first reading step, the worker is busy for
# `ms` more, as a phone is while it imports openpyxl and opens a workbook with the roster's extra
# engines starting beside it.
SLOW_FIRST_STEP = """(ms) => {
    const handle = self.onmessage;
    const post = self.postMessage.bind(self);
    let slow = null;
    self.postMessage = (m, ...rest) => {
        const out = post(m, ...rest);
        if (slow !== null && m && m.id === slow && m.type === "received") {
            slow = -1;
            const until = Date.now() + ms;
            while (Date.now() < until) {}
        }
        return out;
    };
    self.onmessage = (ev) => {
        if (slow === null && String(ev.data && ev.data.payload).includes("prepare_json")) slow = ev.data.id;
        return handle(ev);
    };
}"""


def test_a_first_xlsx_step_slower_than_an_estimates_deadline_is_waited_for(calc_context, server_url, tmp_path):
    """A staff call is not an estimate: an .xlsx whose first step takes longer than an estimate may
    (8 s, as on a slow phone) still computes, and is not told as a file that stopped the engine."""
    from .delivery_helpers import engine_workers

    page = calc_context.new_page()
    page.goto(f"{server_url}staff/roster/?region=xianning")
    page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    [engine] = [w for w in engine_workers(page) if w.evaluate("() => self.name").startswith("calc-engine-")]
    engine.evaluate(SLOW_FIRST_STEP, 9_000)
    xlsx = tmp_path / "名单.xlsx"
    xlsx.write_bytes(xlsx_bytes(STAFF_CSV.split("\n", 1)[1]))
    page.set_input_files("#ro-file", str(xlsx))
    started = time.monotonic()
    page.click("#ro-run")
    page.wait_for_selector('#ro-output[data-state="done"], #ro-output[data-state="error"]', state="attached",
                           timeout=60_000)
    assert page.locator("#ro-error").is_hidden(), page.text_content("#ro-error")
    assert time.monotonic() - started > 9
    assert page.get_attribute("#ro-output", "data-people") == "3"
    page.close()
