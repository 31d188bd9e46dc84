"""Chinese search on a phone: the search box, typed into as a phone keyboard does (the text is
committed by the input method, then a key is released), finds the right pages."""
import pytest

from .conftest import PHONE

REGION_PAGES = {"/xianning/", "/yangcheng/", "/dongzhi/", "/yiyuan/", "/chongqing/"}

# query -> (pages that must be among the results, pages that must come first or None,
#           least number of region pages found)
QUERIES = {
    "低保": (set(), None, 3),            # every region has 低保 rules
    "倾斜救助": ({"/xianning/"}, None, 1),
    "咸宁": ({"/xianning/"}, "/xianning/", 1),
    "大病": (set(), None, 3),            # 大病保险 is in every region
}


@pytest.fixture(scope="module", params=[360, 390], ids=["360px", "390px"])
def search_page(request, browser):
    context = browser.new_context(**{**PHONE, "viewport": {"width": request.param, "height": 740}})
    context.route("**/pyodide/**", lambda route: route.abort())  # search needs no calculator
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("query", list(QUERIES))
def test_chinese_search_finds_the_right_pages(search_page, server_url, query):
    page = search_page
    page.goto(server_url)
    page.click('label.md-header__button[for="__search"]')  # the magnifier in the phone header
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    page.keyboard.insert_text(query)  # what an input method commits
    page.keyboard.press("End")        # …and a key released afterwards
    page.wait_for_selector(".md-search-result__item a", timeout=20_000)
    paths = page.eval_on_selector_all(
        ".md-search-result__item > a", "els => els.map(e => new URL(e.href).pathname)")
    must, first, least = QUERIES[query]
    assert must <= set(paths), f"{query}: {paths}"
    if first:
        assert paths[0] == first, f"{query}: first result {paths[0]}"
    assert len(REGION_PAGES & set(paths)) >= least, f"{query}: {paths}"
    assert not any("/print/" in p for p in paths), "明白纸 pages are excluded from search"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
