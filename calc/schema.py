"""The parameter schema: every path the engine may read, declared beside the code that reads it.

Each payer step (calc/tiers/*.py) lists the paths it reads in `READS`; the region notes the answer
carries are declared here, and so are the few figures a page shows without any step computing
with them. In a pattern, `*` is one table named in the data (a group such as
`assistance.dibao_fanpin`), `{place}` and `{level}` are the hospital places and levels of vocab.

`python -m calc check` refuses a parameter in a region file, overlay or [update.<year>] block
that no pattern declares, naming the nearest declared one (`caps` → "did you mean cap"): a
misspelled key would otherwise be read as absent and silently switch a rule off. The engine, for
its part, raises UndeclaredParameter when a step reads a path it did not declare.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import vocab
from .tiers import (assistance, basic, cap136, cost_control, critical, other, outpatient, premium, reassist,
                    resident, split, tilt, warning)

STEPS = (split, cost_control, basic, critical, assistance, tilt, other, reassist, cap136, resident, outpatient,
         premium, warning)
# Region notes shown with the answer when they concern a held identity (calc.api).
NOTES = ("notes.*.text", "notes.*.identities", "notes.*.when", "notes.*.kind")
# Figures a region page shows beside the ones the engine uses, though no step computes with them:
# the document states them and a reader looks for them.
SHOWN = ("basic.outpatient.general_ratio",   # 普通门诊 (the calculator covers stays and 慢特病 only)
         "premium.tier2.benefits")           # what 二档 changes in benefits, in words


class UndeclaredParameter(LookupError):
    """A step read a path no schema pattern declares (a bug in the step, never bad data)."""


def patterns() -> tuple:
    return tuple(dict.fromkeys(p for m in STEPS for p in m.READS)) + NOTES + SHOWN


_SLOTS = {"*": "[A-Za-z0-9_]+",
          "{place}": "(?:" + "|".join(map(re.escape, vocab.PLACES)) + ")",
          "{level}": "(?:" + "|".join(map(re.escape, vocab.LEVELS)) + ")"}
_SLOT = re.compile(r"\*|\{place\}|\{level\}")


def _regex(pattern: str) -> str:
    out, last = [], 0
    for m in _SLOT.finditer(pattern):
        out += [re.escape(pattern[last:m.start()]), _SLOTS[m.group()]]
        last = m.end()
    return "".join(out) + re.escape(pattern[last:])


_DECLARED = re.compile("|".join(f"(?:{_regex(p)})" for p in patterns()))


@lru_cache(maxsize=2048)   # bounded: callers may ask about any text
def declared(path: str) -> bool:
    return isinstance(path, str) and _DECLARED.fullmatch(path) is not None


def nearest(path: str):
    """The declared path most like `path` (a pattern filled in with the path's own table names), or None."""
    import difflib   # here, not at the top: only `calc check` and refused data need it (the browser's stdlib is trimmed)
    parts = path.split(".")
    candidates = set()
    for pat in patterns():
        segs = pat.split(".")
        if abs(len(segs) - len(parts)) > 1:
            continue
        filled = []
        for i, seg in enumerate(segs):
            if seg == "*":
                seg = parts[i] if i < len(parts) else "x"
            for slot, words in (("{place}", vocab.PLACES), ("{level}", vocab.LEVELS)):
                if slot in seg:
                    seg = [seg.replace(slot, w) for w in words]
            filled.append(seg if isinstance(seg, list) else [seg])
        options = [""]
        for seg in filled:
            options = [f"{o}.{s}" if o else s for o in options for s in seg]
        candidates.update(options)
    found = difflib.get_close_matches(path, sorted(candidates), n=1, cutoff=0.75)
    return found[0] if found else None


def problem(path: str):
    """(zh, en) when `path` is not declared, else None."""
    if declared(path):
        return None
    near = nearest(path)
    if near is None:
        return (f"参数 {path} 不认识：计算里没有哪一步读它（拼写对吗？）",
                f"unknown parameter {path}: no step reads it (misspelled?)")
    key = near.rsplit(".", 1)[-1]
    return (f"参数 {path} 不认识，是不是 {near}（{key}）？写错的参数会被当作没有写，规则就悄悄不算了",
            f"unknown parameter {path}; did you mean {key} ({near})?")
