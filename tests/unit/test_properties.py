"""Hypothesis: for any valid input every payment >= 0, payers + resident == bill to the fen, caps hold,
and the resident's share never falls when a stay's cost rises (see benchmarks/fuzz.py)."""
from hypothesis import HealthCheck, given, settings

from benchmarks.fuzz import check, inputs


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(inputs())
def test_invariants_hold_for_any_valid_input(d):
    check(d)
