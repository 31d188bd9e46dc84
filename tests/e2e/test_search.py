"""Chinese search in the browser: typing a Chinese term finds the right region page."""
import pytest


@pytest.mark.parametrize("query,region", [("倾斜救助", "xianning"), ("再救助", "yiyuan")])
def test_chinese_search_finds_region(browser, server_url, query, region):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.route("**/pyodide/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(server_url)
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.fill("input.md-search__input", query)
        page.press("input.md-search__input", "End")  # material searches on key events
        page.wait_for_selector(".md-search-result__item a", timeout=20_000)
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
        assert any(f"/{region}/" in h for h in hrefs), f"{query}: {hrefs}"
        assert "/print/" not in hrefs[0], "明白纸 pages are excluded from search"
    finally:
        context.close()
