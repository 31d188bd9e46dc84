"""Fixtures for checks over the built site/ (built by `make site` / `python build_site.py`)."""
from __future__ import annotations

import json
import os
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def built_site() -> Path:
    site = Path(os.environ.get("SITE_DIR") or ROOT / "site")  # SITE_DIR: test another build
    if not (site / "index.html").is_file() or not (site / "xianning" / "index.html").is_file():
        pytest.fail("site/ is missing or has no region pages: build it first with "
                    "`make site` or `.venv/bin/python build_site.py`")
    return site


@pytest.fixture(scope="session")
def meta() -> dict:
    from calc import api
    return json.loads(api.meta())


@pytest.fixture(scope="session")
def regions(meta) -> list[dict]:
    return meta["regions"]


class PageParser(HTMLParser):
    """Collects element ids, links and the figure/example table cells of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.figures: dict[str, dict] = {}    # param path -> {"value": data-value, "display": text}
        self.examples: dict[str, list[list[str]]] = {}  # identity -> rows of cell text
        self._param = None
        self._in_value = False
        self._value_text = []
        self._ex_ident = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if a.get("src"):
            self.srcs.append(a["src"])
        if tag == "tr" and "data-param" in a:
            self._param = a["data-param"]
        if tag == "td" and self._param and "value" in (a.get("class") or "").split():
            self.figures[self._param] = {"value": a.get("data-value")}
            self._in_value, self._value_text = True, []
        if tag == "table" and a.get("data-kind") == "examples":
            self._ex_ident = a.get("data-identity")
            self.examples[self._ex_ident] = []
        if tag == "tr" and self._ex_ident:
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._in_value:
            self.figures[self._param]["display"] = "".join(self._value_text).strip()
            self._in_value = False
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr":
            self._param = None
            if self._row:
                self.examples[self._ex_ident].append(self._row)
            self._row = None
        if tag == "table":
            self._ex_ident = None

    def handle_data(self, data):
        if self._in_value:
            self._value_text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_page(path: Path) -> PageParser:
    p = PageParser()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="session")
def pages(built_site, regions) -> dict[str, PageParser]:
    return {r["id"]: parse_page(built_site / r["id"] / "index.html") for r in regions}
