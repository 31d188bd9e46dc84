"""读给我听 (privacy): the answer is read with a voice the phone itself has
(`localService`); where only a speech service's voice exists, the page says first that the text goes
there and reads only if the person says so. What is read is short (<= 150 characters): the amount,
the identity, what each payer pays and one caveat — every figure computed by calc (compared with the
native estimate of the same input)."""
from __future__ import annotations

import json
import re

import pytest

from .conftest import wait_ready
from .test_calculator_ui import native_ok, open_input

# A fake speech engine (the test machine has none): records what would be said and by which voice.
FAKE_SPEECH = """(voices) => {
    window.__spoken = [];
    class FakeUtterance { constructor(text) { this.text = text; this.voice = null; this.lang = ''; } }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', {configurable: true, value: FakeUtterance});
    Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
        speaking: false, onvoiceschanged: null, getVoices: () => voices, cancel() {},
        speak(u) { window.__spoken.push({text: u.text, voice: u.voice && u.voice.name, lang: u.lang}); }}});
}"""

LOCAL = {"lang": "zh-CN", "name": "手机自带普通话", "localService": True}
LOCAL_HK = {"lang": "zh-HK", "name": "手机自带粤语", "localService": True}
NETWORK = {"lang": "zh-CN", "name": "Google 普通话（中国大陆）", "localService": False}
ENGLISH = {"lang": "en-US", "name": "English", "localService": True}


@pytest.fixture()
def speech_page(calc_context, server_url):
    """speech_page(region, voices): a NEW tab on the region page with that fake speech engine (a
    fresh page: the person's choice about a speech service lasts for one page only)."""
    opened = []

    def get(region, voices):
        page = calc_context.new_page()
        opened.append(page)
        page.add_init_script(f"({FAKE_SPEECH})({json.dumps(voices)})")
        page.goto(server_url + region + "/")
        wait_ready(page)
        return page

    yield get
    for p in opened:
        p.close()


def said(t: str) -> str:
    """A sentence as read: no thousands separators, no ".00", no closing 。."""
    t = re.sub(r"(\d),(?=\d{3})", r"\1", t)
    return re.sub(r"(\d)\.00(?!\d)", r"\1", t).strip().rstrip("。")


def spoken(page):
    return page.evaluate("window.__spoken")


XIANNING = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "30000"}]}
YANGCHENG_2021 = {"region": "yangcheng", "year": 2021, "identities": ["dibao"], "stays": [{"total": "30000"}]}


XIANNING_BIG = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "123456"}]}
SPOKEN_MAX = 150  # characters: short enough to take in by ear in one go


@pytest.mark.parametrize("inp", [XIANNING, YANGCHENG_2021, XIANNING_BIG], ids=["xianning", "yangcheng-2021", "xianning-warning"])
def test_a_local_voice_reads_amount_identity_payers_and_one_caveat(speech_page, inp):
    page = speech_page(inp["region"], [NETWORK, ENGLISH, LOCAL_HK, LOCAL])
    assert open_input(page, inp) == "done"
    native = native_ok(inp)
    assert page.is_visible("#calc-speak")
    page.click("#calc-speak")
    out = spoken(page)
    assert len(out) == 1, out
    assert out[0]["voice"] == LOCAL["name"]  # the phone's own mainland voice, never the service's
    assert page.locator("#calc-speak-ask").count() == 0  # nothing to ask
    text = out[0]["text"]
    assert len(text) <= SPOKEN_MAX, (len(text), text)
    assert text.startswith(f"您自己大约要付 {said(native['year']['resident'])} 元"), text
    assert native["identity"]["label"] in text
    labels = {p["id"]: p["label"] for p in json.loads(page.text_content("#calc-meta"))["vocab"]["payers"]}
    paid = [k for k, v in native["year"].items() if k in labels and k != "resident" and float(v) != 0]
    assert paid
    for k in paid:  # every payer that paid, with calc's amount
        assert f"{re.sub(r'（[^）]*）', '', labels[k])} {said(native['year'][k])} 元" in text, (k, text)
    # one caveat: calc's warning first (its first sentence, without the bracketed detail)
    warnings = [w["message"] for w in native.get("warnings") or []]
    if warnings:
        first = re.sub(r"（[^）]*）", "", warnings[0].split("。")[0])
        assert said(first) in text, (first, text)
    else:
        assert "结算为准" in text or "仍按" in text, text
    # no clause numbers, no lists of assumed figures
    assert "假设" not in text and "“高级”" not in text and "上一次算的结果" not in text
    assert not re.search(r"\d,\d{3}|\d\.00(?!\d)", text), text


def test_only_a_service_voice_asks_first_and_reads_only_on_yes(speech_page):
    page = speech_page("xianning", [NETWORK, ENGLISH])
    assert open_input(page, XIANNING) == "done"
    assert page.is_visible("#calc-speak")
    page.click("#calc-speak")
    assert spoken(page) == []  # nothing has gone anywhere yet
    ask = page.locator("#calc-speak-ask")
    assert ask.is_visible() and "语音服务" in ask.inner_text() and "金额" in ask.inner_text()
    page.click("#calc-speak-ask >> text=不用了")
    assert spoken(page) == [] and page.locator("#calc-speak-ask").count() == 0
    page.click("#calc-speak")
    page.click("#calc-speak-ask >> text=仍然朗读")
    out = spoken(page)
    assert len(out) == 1 and out[0]["voice"] == NETWORK["name"]
    assert out[0]["text"].startswith("您自己大约要付")
    page.click("#calc-speak")  # the person said yes on this page: no second question
    assert len(spoken(page)) == 2 and page.locator("#calc-speak-ask").count() == 0


def test_a_new_page_asks_again(speech_page):
    for _ in range(2):
        page = speech_page("xianning", [NETWORK])
        assert open_input(page, XIANNING) == "done"
        page.click("#calc-speak")
        assert page.locator("#calc-speak-ask").is_visible() and spoken(page) == []
    # The choice is not stored anywhere on the phone.
    assert page.evaluate("Object.keys(localStorage).filter(k => /speak|voice|朗读/i.test(k))") == []


def test_no_chinese_voice_no_button(speech_page):
    page = speech_page("xianning", [ENGLISH])
    assert open_input(page, XIANNING) == "done"
    assert page.is_hidden("#calc-speak")
