"""One amount parser (page, links, CLI, roster) and the share-link format."""
from decimal import Decimal

import pytest

from calc import share
from calc.amount import AmountError, parse_amount

OK = [("30000", "30000"), ("30,000", "30000"), ("30000元", "30000"), ("3万", "30000"), ("3.5万", "35000"),
      ("三万", "30000"), ("三万五", "35000"), ("三万五千", "35000"), ("两千五百", "2500"), ("一千五", "1500"),
      ("十万", "100000"), ("二十万", "200000"), ("一万零五百", "10500"), ("３万", "30000"), ("1.2万元", "12000"),
      ("5千", "5000"), ("一百二十", "120"), ("约3万元", "30000"), ("12，000", "12000"), (12000, "12000")]
BAD = ["万", "3万万", "abc", "-5", "1e5", "3,00", "", "三三", "NaN", "Infinity", "1" * 41, True, None, [1]]


@pytest.mark.parametrize("text,want", OK)
def test_amounts_as_people_write_them(text, want):
    assert parse_amount(text) == Decimal(want)


@pytest.mark.parametrize("text", BAD)
def test_unreadable_amounts_are_errors_in_chinese(text):
    with pytest.raises(AmountError) as e:
        parse_amount(text)
    assert any("\u4e00" <= c <= "\u9fff" for c in e.value.reason)


def test_share_roundtrip_and_garbage():
    inp = {"region": "xianning", "identities": ["dibao"], "stays": [{"total": "3万"}]}
    assert share.decode(share.encode(inp)) == (inp, None)
    assert share.fragment(inp).startswith("#calc=")
    for bad in ("!!!", "W10", "a" * 30000, "bm90IGpzb24"):
        data, err = share.decode(bad)
        assert data is None and err
