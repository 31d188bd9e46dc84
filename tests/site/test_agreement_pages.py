"""The built pages carry calc's field declaration and show calc's answer for the agreement cases
(tests/agreement/cases.toml): the 明白纸's rows are the calculator's answer for the identity and
the total alone, and every page that builds a form gets the declared fields and limits."""
from __future__ import annotations

import html
import json
import re
from decimal import Decimal

from calc import fields
from calc.api import estimate_dict
from tests.agreement import _data

META = re.compile(r'<script type="application/json" id="calc-meta">(.*?)</script>', re.S)
LB = re.compile(r'<script type="application/json" id="lb-data">(.*?)</script>', re.S)
ROWS = re.compile(r'<td data-label="住院总费用">([\d,.]+) 元</td><td class="mb-you" data-label="您自己付"><strong>([\d,.]+) 元')


def _block(rx, page: str) -> dict:
    m = rx.search(page)
    assert m, rx.pattern
    return json.loads(html.unescape(m.group(1)) if m.group(1).lstrip().startswith("&") else m.group(1))


def _plain(s: str) -> str:
    return f"{Decimal(s.replace(',', '')):.2f}"


def test_every_form_page_carries_calcs_fields_and_limits(built_site, regions):
    want = json.loads(json.dumps(fields.meta(), ensure_ascii=False))
    for r in regions:
        m = _block(META, (built_site / r["id"] / "index.html").read_text("utf-8"))
        assert m["fields"] == want and m["limits"] == fields.LIMITS, r["id"]
    lb = _block(LB, (built_site / "staff" / "link" / "index.html").read_text("utf-8"))
    assert lb["fields"] == want and lb["limits"] == fields.LIMITS
    page = (built_site / "staff" / "link" / "index.html").read_text("utf-8")
    for f in fields.OUTPATIENT.values():   # the link builder's outpatient controls, one per field
        assert f'data-field="{f.path}"' in page, f.path


def test_mingbai_rows_are_calcs_answer_for_identity_and_total_alone(built_site, regions):
    """Each 明白纸 row equals calc's answer (and so the instant answer and the roster) for the input
    with only the identity and the total; the agreement totals are among the rows."""
    seen = set()
    for r in regions:
        for ident in r["identities"]:
            page = (built_site / r["id"] / "print" / ident["id"] / "index.html").read_text("utf-8")
            rows = ROWS.findall(page)
            assert rows, (r["id"], ident["id"])
            assert f"（{r['default_year']}年度）" in page
            for total, resident in rows:
                total = _plain(total)
                out = estimate_dict({"region": r["id"], "identities": [ident["id"]], "stays": [{"total": total}]})
                assert out["ok"] and out["input"]["year"] == r["default_year"]
                assert _plain(resident) == out["year"]["resident"], (r["id"], ident["id"], total)
                seen.add(int(Decimal(total)))
    assert set(_data()["every_identity"]) & seen, "the 明白纸 shows none of the agreement totals"
