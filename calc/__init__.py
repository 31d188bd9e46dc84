"""医保明白账 rules engine: basic insurance, 大病保险, 医疗救助 (stdlib only)."""
from .api import estimate, estimate_dict, meta  # noqa: F401
