"""批量测算 (/staff/roster/): a 200-row CSV with 5 bad rows gives 195 estimates equal to calc's, the
5 rows carry calc's messages, the totals add up, the CSV download says the same; the same roster as
an .xlsx (read with zipfile + ElementTree inside Pyodide) gives the same totals."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from benchmarks.roster import sample, xlsx_bytes
import roster
from calc.api import estimate_dict

from .conftest import BOOT_TIMEOUT_MS


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
        else:
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
