"""The answer's jargon explained where it first appears (sitegen/glossary.toml `official`, glossFirst):
目录内的自付, 行动计划, 全国参考数, 倾斜救助 and 基本医保年度最高支付限额 each get one plain line right
after the first sentence of the answer that uses it (the 注意 list unfolded), never twice."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .test_calculator_ui import open_input

TERMS = ["目录内的自付", "行动计划", "全国参考数", "倾斜救助", "基本医保年度最高支付限额"]
GLOSSARY = tomllib.loads((Path(__file__).resolve().parents[2] / "sitegen" / "glossary.toml").read_text("utf-8"))["word"]

# the answer's sentences in page order (the 算账单 explains its own words), and the definitions after each
SENTENCES = """() => [...document.querySelectorAll('#calc-result :is(.calc-year-past, #calc-summary, #calc-year-sum, #calc-payers-used, #calc-notes > li)')]
  .map(e => ({text: (e.matches('li') ? e.querySelector(':scope > span') : e).textContent,
              defs: [...(e.matches('li') ? e.querySelectorAll(':scope > .calc-define') : [e.nextElementSibling, e.nextElementSibling?.nextElementSibling]
                        .filter(d => d && d.matches('.calc-define')))].map(d => d.dataset.word)}))"""


def test_the_answers_words_are_explained_where_first_used(calc_page):
    page = calc_page("yangcheng")
    inp = {"region": "yangcheng", "year": 2024, "identities": ["dibao"], "stays": [{"total": "200000"}]}
    assert open_input(page, inp) == "done"
    more = page.locator("#calc-notes-more")
    if more.count():
        more.click()
    sentences = page.evaluate(SENTENCES)
    keys = {t: next(w for w in GLOSSARY if t in w["terms"])["terms"][0] for t in TERMS}
    for term in TERMS:
        first = next((i for i, s in enumerate(sentences) if term in s["text"]), None)
        assert first is not None, f"{term} is not in this answer: pick another case"
        assert keys[term] in sentences[first]["defs"], (term, sentences[first])
        assert all(keys[term] not in s["defs"] for s in sentences[first + 1:]), f"{term} explained twice"
        plain = next(w for w in GLOSSARY if term in w["terms"])["plain"]
        shown = page.locator(f'#calc-result .calc-define[data-word="{keys[term]}"]').first
        assert shown.is_visible() and plain in shown.text_content()
    # a shorter word inside a longer one at the same place is not explained again (目录内 in 目录内的自付)
    inner = sentences[next(i for i, s in enumerate(sentences) if "目录内的自付" in s["text"])]["defs"]
    assert "政策范围内" not in inner, inner
