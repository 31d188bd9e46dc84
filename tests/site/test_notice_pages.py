"""A yearly notice ([update.<year>], README's own example) reaches the region page, the 明白纸 and the
answer as the figures it replaces: no raw key, the new notice cited, never the old document for a
new figure, and the year says which figures are carried forward (national ones included)."""
from __future__ import annotations

import json
import pathlib
import re
import tempfile
import tomllib

import pytest

from calc import api, params

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = pathlib.Path(__file__).parent / "data" / "yangcheng-2026.toml"
OLD_DOC = "阳医保发〔2022〕2号"


def _doc_examples():
    """Every TOML block in README.md and docs/ that shows an [update.2026] example."""
    out = []
    for f in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for block in re.findall(r"```toml\n(.*?)```", f.read_text("utf-8"), re.S):
            if "[update.2026]" in block:
                out.append((f.name, tomllib.loads(block)))
    return out


def test_the_fixture_is_the_documented_example():
    found = _doc_examples()
    assert found, "README.md or docs/ should show an [update.2026] example"
    mine = tomllib.loads(FIXTURE.read_text("utf-8"))["update"]
    assert any(data.get("update") == mine for _, data in found), [n for n, _ in found]


@pytest.fixture(scope="module")
def notice():
    """yangcheng with the fixture's blocks, rendered as the build renders it (page, 明白纸, answer)."""
    from sitegen import build, instant, publish, resident, settings as site_settings, staff
    original = params._FILES.get("yangcheng") or (params.region_ids() and params._FILES["yangcheng"])
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="notice-"))
    region = tmp / "yangcheng.toml"
    block = FIXTURE.read_text("utf-8").split("\n", 1)[1]       # the file without its `region = ` line
    region.write_text(pathlib.Path(original).read_text("utf-8") + "\n" + block, "utf-8")
    params.register(region)
    try:
        settings = site_settings.load(env={}, log=None)
        meta = json.loads(api.meta())
        rm = next(r for r in meta["regions"] if r["id"] == "yangcheng")
        e = build.env()
        data = build.region_data(rm)
        data.update(resident.page_data(meta, rm, meta["regions"], data))
        data.update(publish.page_data(rm))
        data["page_url"] = f"{settings.base_url}yangcheng/"
        for ident in data["identities"]:
            ident["url"] = ident["print_url"] = data["page_url"]
        data["settings"] = settings.for_pages()
        data.update(instant.page_data(rm, data["settings"]))
        page = e.get_template("region.md.j2").render(**data)
        sheets = {}
        staff.write_sheets(tmp / "docs", rm, settings, e, lambda rel, text: sheets.__setitem__(rel, text))
        answer = api.estimate_dict({"region": "yangcheng", "identities": ["dibao"],
                                    "stays": [{"total": "200000"}] * 3})
        yield {"page": page, "sheets": sheets, "answer": answer, "rm": rm}
    finally:
        params._FILES["yangcheng"] = original
        params.load.cache_clear()


def test_the_notice_year_is_computed(notice):
    assert notice["rm"]["default_year"] == 2026 and notice["answer"]["input"]["year"] == 2026


def test_no_raw_key_anywhere(notice):
    texts = [notice["page"], *notice["sheets"].values(), json.dumps(notice["answer"], ensure_ascii=False)]
    assert all("update.2026" not in t and "update." not in re.sub(r"update-banner|updated", "", t) for t in texts)


def test_new_figures_cite_the_new_notice_never_the_old_document(notice):
    page = notice["page"]
    for path in ("assistance.dibao.cap", "assistance.dibao.ratio"):
        row = re.search(rf'<tr data-param="{re.escape(path)}">.*?</tr>', page).group(0)
        assert "阳医保发〔2026〕1号 一、四是" in row and OLD_DOC not in row
    # under the rule whose clause is the 2022 document's, each new figure names its own notice
    rule = re.search(r'<section class="rule" id="yc-ast-3">.*?</section>', page, re.S).group(0)
    for li in re.findall(r"<li>.*?</li>", rule):
        if "70,000 元" in li or "75%" in li:
            assert "阳医保发〔2026〕1号" in li, li
    answer = notice["answer"]
    for key in ("assistance.dibao.cap", "assistance.dibao.ratio"):
        assert answer["figures"][key]["cite"].startswith("阳医保发〔2026〕1号")
    steps = [s for s in answer["trace"] if "assistance.dibao.cap" in s["figures"]]
    assert steps and all(s["cite"].startswith("阳医保发〔2026〕1号") and OLD_DOC not in s["text"] for s in steps)
    sheet = notice["sheets"]["yangcheng/print/dibao/index.md"]
    line = next(l for l in sheet.splitlines() if "70,000 元" in l)
    assert "阳医保发〔2026〕1号" in line and OLD_DOC not in line


def test_the_carried_figures_are_named_on_the_page_the_answer_and_the_sheet(notice):
    answer = notice["answer"]
    year_note = next(n["text"] for n in answer["notes"] if n["kind"] == "year")
    assert "阳医保发〔2026〕1号" in year_note and "沿用2022年" in year_note
    assert "居民医保个人缴费标准" in year_note and "沿用2025年" in year_note   # a national figure
    assert year_note in notice["page"]                                      # above the calculator
    sheet = notice["sheets"]["yangcheng/print/dibao/index.md"]
    assert "mb-year-note" in sheet and year_note in sheet
    # the step that quotes the notice says which of its figures are carried, not "文件没有写这一年"
    step = next(s for s in answer["trace"] if "assistance.dibao.cap" in s["figures"])
    assert "沿用此前的规定" in step["text"] and "文件没有写这一年" not in step["text"]
    assert "适用对象" in step["text"]


def test_a_national_figure_no_source_renews_is_marked_carried(notice):
    answer = notice["answer"]
    fig = answer["figures"]["premium.contribution"] if "premium.contribution" in answer["figures"] else None
    rp = params.load("yangcheng")
    p = rp.get("premium.contribution", 2026)
    assert p.provenance == "assumption" and p.carried and "2025" in p.reason
    assert rp.get("premium.contribution", 2025).provenance == "public"   # its own year stays public
    row = re.search(r'<tr data-param="premium.contribution">.*?</tr>', notice["page"]).group(0)
    assert "假设" in row and "2025" in row
    assert fig is None or fig["provenance"] == "assumption"
