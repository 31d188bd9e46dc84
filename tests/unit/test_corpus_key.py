"""The trimmed standard library is cached under a hash of its inputs (buildtools/stdlib_trim.py):
a build of an unchanged tree must hash the same, or every build, the test runs' included, replays
the whole corpus in Pyodide again (about a minute). The corpus's own files and calls carry no
save-time clock (zip entries and docProps have a resolution of 2 s and 1 s: 2.1 s apart)."""
from __future__ import annotations

import hashlib
import json
import time

from buildtools import corpus


def _digest() -> str:
    wheels, calls = corpus.staff_wheels_and_calls()
    h = hashlib.sha256(json.dumps(calls, ensure_ascii=False, sort_keys=True).encode())
    for name, data in wheels:
        h.update(name.encode() + hashlib.sha256(data).digest())
    return h.hexdigest()


def test_the_staff_calls_and_wheels_are_the_same_bytes_a_moment_later():
    first = _digest()
    time.sleep(2.1)
    assert _digest() == first
