"""Every hand-worked case in tests/cases/ computes to its hand-worked amounts, and every rule has one."""
import pytest

from calc.rules import RULES

from .cases import check, load_all

ALL = load_all()


@pytest.mark.parametrize("cid,region,rule,case", ALL, ids=[c[0] for c in ALL])
def test_case(cid, region, rule, case):
    assert rule in RULES and RULES[rule].region == region, (cid, rule)
    assert case["arithmetic"].strip() and case["title"].strip()
    check(region, rule, case)


def test_every_rule_has_a_hand_worked_case():
    have = {rule for _, _, rule, _ in ALL}
    assert sorted(set(RULES) - have) == []
