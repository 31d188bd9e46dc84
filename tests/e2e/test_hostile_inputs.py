"""Hostile inputs along the user's path, in the real browser: a share link whose 600 keys are lone
surrogates and one nested 3,000 deep, each opened in a new tab (one Chinese message, then the next
calculation works); a roster name with a control character exported to .xlsx; a 5 KB-class .xlsx
whose one 10,000-character shared string fills 10,000 rows, opened with the file picker (a Chinese
message within 60 s, the worker still computes); the paste box is not kept by the browser on disk."""
from __future__ import annotations

import base64
import io
import time
from pathlib import Path

import openpyxl
import pytest

import roster
from roster.format import MESSAGES

from tests import hostile_files
from tests.unit.test_hostile_links import HOSTILE, code_of

from .conftest import BOOT_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS
from .test_calculator_ui import open_input, wait_result

GOOD = {"region": "yangcheng", "identities": ["dibao"], "stays": [{"total": "30000"}]}


@pytest.mark.parametrize("name", ["surrogate_keys", "nested_3000"])
def test_a_hostile_link_in_a_new_tab_gives_one_chinese_message_and_the_next_calculation_works(
        calc_context, server_url, name):
    page = calc_context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(f"{server_url}yangcheng/#calc={code_of(HOSTILE[name])}")
    page.wait_for_function("() => (document.querySelector('#calc-general-error')?.textContent || '').trim() !== ''",
                           timeout=BOOT_TIMEOUT_MS)
    text = page.text_content("#calculator")
    assert "无法读取" in text
    for bad in ("Traceback", "Pyodide", "fatally", "\\ud800", "undefined"):
        assert bad not in text
    # the next calculation, by the engine (a page whose engine is still starting may first show the
    # precomputed answer and then work it out again)
    open_input(page, GOOD)
    page.wait_for_selector('#calc-result[data-state="done"][data-source="engine"]', state="attached",
                           timeout=BOOT_TIMEOUT_MS)
    assert "元" in page.text_content("#calc-result")
    assert not [m for m in messages if "fatally" in m]
    page.close()


def _roster_page(calc_context, server_url):
    page = calc_context.new_page()
    page.goto(f"{server_url}staff/roster/?region=yangcheng")
    page.wait_for_selector('#ro-output[data-state="ready"]', state="attached", timeout=BOOT_TIMEOUT_MS)
    return page


def test_a_control_character_in_a_name_exports_to_xlsx(calc_context, server_url):
    page = _roster_page(calc_context, server_url)
    page.fill("#ro-text", "姓名,身份,住院1总费用\n张\u0001三,低保,30000\n李四,特困,20000\n")
    page.click("#ro-run")
    page.wait_for_selector('#ro-output[data-runs="1"][data-state="done"]', state="attached", timeout=60_000)
    with page.expect_download(timeout=120_000) as d:  # loads openpyxl into the worker first
        page.click("#ro-download-xlsx")
    assert page.locator("#ro-error").is_hidden(), page.text_content("#ro-error")
    ws = openpyxl.load_workbook(io.BytesIO(Path(d.value.path()).read_bytes())).active
    assert ws["B2"].value == "张三" and MESSAGES["control"] in ws.cell(2, ws.max_column).value
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert ws["B3"].value == "李四"
    page.close()


def test_a_small_xlsx_that_expands_to_100_million_characters_ends_in_a_message(calc_context, server_url, tmp_path):
    page = _roster_page(calc_context, server_url)
    bomb = tmp_path / "名单.xlsx"
    bomb.write_bytes(hostile_files.shared_string_rows(chars=10_000, rows=10_000))
    page.set_input_files("#ro-file", str(bomb))
    started = time.monotonic()
    page.click("#ro-run")
    page.wait_for_selector('#ro-output[data-state="error"]', state="attached", timeout=60_000)
    assert time.monotonic() - started < 60
    assert MESSAGES["text"] in page.text_content("#ro-error")
    # the worker is alive: the next list computes
    page.set_input_files("#ro-file", [])
    page.fill("#ro-text", "姓名,身份,住院1总费用\n张三,低保,30000\n")
    page.evaluate("() => { document.querySelector('#ro-file').value = ''; }")
    page.click("#ro-run")
    page.wait_for_selector('#ro-output[data-state="done"]', state="attached", timeout=60_000)
    page.close()


def test_the_paste_box_is_not_kept_by_the_browser_on_disk(playwright, server_url, tmp_path):
    """Names and ID numbers typed into the paste box are nowhere in the profile after the browser
    closes (Chromium's Sessions/, Tabs_, form state, caches)."""
    profile = tmp_path / "profile"
    ident, name = "410101199001017777", "钱七柒"
    ctx = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = ctx.new_page()
    page.goto(f"{server_url}staff/roster/?region=yangcheng")
    assert page.get_attribute("#ro-text", "autocomplete") == "off"
    page.fill("#ro-text", f"姓名,身份证号,身份,住院1总费用\n{name},{ident},低保,30000\n")
    page.goto(f"{server_url}yangcheng/")  # leave the page as staff do, then close everything
    page.wait_for_timeout(500)
    ctx.close()
    needles = [s.encode(enc) for s in (ident, name) for enc in ("utf-8", "utf-16-le")]
    found = []
    for f in profile.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            found += [f"{f.relative_to(profile)}" for n in needles if n in data]
    assert not found, found
