"""The whole test run: one id shared by its worker processes (`pytest -n`, see tests/builds.py)."""
import os
import uuid


def pytest_configure(config):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ.setdefault("MBZ_TEST_RUN", uuid.uuid4().hex[:12])


def pytest_unconfigure(config):
    """The run's shared production build goes with the run (only its first process removes it)."""
    run = os.environ.get("MBZ_TEST_RUN")
    if run and not os.environ.get("PYTEST_XDIST_WORKER"):
        import shutil
        import tempfile
        shutil.rmtree(os.path.join(tempfile.gettempdir(), f"mbz-deployed-{run}"), ignore_errors=True)
