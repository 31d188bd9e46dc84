"""Hypothesis: for any valid input every payment >= 0, payers + resident == bill to the fen, caps hold,
the resident's share never falls when the last stay's cost rises; any hostile input gets a bounded
Chinese answer, never an exception (see benchmarks/fuzz.py for the 100,000-input soak)."""
from hypothesis import HealthCheck, given, settings

from benchmarks.fuzz import check, check_hostile, hostile, inputs


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(inputs())
def test_invariants_hold_for_any_valid_input(d):
    check(d)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile())
def test_hostile_input_never_raises_and_stays_bounded(d):
    check_hostile(d)
