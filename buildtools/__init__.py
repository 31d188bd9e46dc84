"""Build helpers for build_site.py that are not page generation (see stdlib_trim.py)."""
