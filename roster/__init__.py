"""批量测算: a roster of people (CSV, .xlsx; one row each) -> an estimate per person and totals.

A package of its own beside calc: it imports calc, calc never imports it. Its modules:

    format    the format: columns, help, template, limits, whole-file messages (RosterError)
    read      a file -> rows of cells (CSV in every encoding staff have, .xlsx via openpyxl), limits
    header    the header row: title rows, two-level headers, column words
    words     staff words -> calc ids, per region (低保户, 特困供养, 五保户, 脱贫户, 一般户 …)
    compute   rows -> estimates (amounts only, no trace text) -> totals
    export    safe CSV (no formulas) and .xlsx
    sheets    一户一单: one printed sheet per person
    worker    the browser worker's calls (JSON text in and out)
    cli       python -m roster FILE --region ID (python -m calc roster … forwards here)
"""
from .compute import payers, prepare, run, run_parallel, summarise, totals  # noqa: F401
from .format import (GROUP, HELP, IDENTITY, MESSAGES, NAME, OUTPATIENT, STAY, STAY_FIELDS,  # noqa: F401
                     TEMPLATE_ROWS, RosterError, columns, template_csv)
