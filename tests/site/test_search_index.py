"""Chinese search: the index is built with lang zh (jieba segmentation), and a Chinese query's
words all occur in the right region page's entries."""
import json

import jieba
import pytest


def _index(built_site):
    return json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))


def test_index_is_chinese_and_segmented(built_site):
    idx = _index(built_site)
    assert "zh" in idx["config"]["lang"]
    assert any("\u200b" in d["text"] for d in idx["docs"]), "jieba segmentation markers missing"


@pytest.mark.parametrize("query,region", [("倾斜救助", "xianning"), ("再救助", "yiyuan"),
                                          ("低保", "yangcheng"), ("先诊疗后付费", "chongqing")])
def test_chinese_query_finds_region_page(built_site, query, region):
    words = [w for w in jieba.cut(query) if w.strip()]
    hits = {d["location"].split("/")[0] for d in _index(built_site)["docs"]
            if all(w in (d["title"] + d["text"]).replace("\u200b", "") for w in words)}
    assert region in hits, f"{query} does not find /{region}/ (hits: {sorted(hits)})"
