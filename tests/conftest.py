"""The whole test run: one id shared by its worker processes (`pytest -n`), and the builds some site
and e2e tests need started at once, while the first tests run (tests/builds.py)."""
import os
import shutil
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Arguments that select the tests needing those builds (whole folders: a single file does not wait for them)
NEEDS_BUILDS = {ROOT, ROOT / "tests", ROOT / "tests" / "site", ROOT / "tests" / "e2e"}


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    os.environ.setdefault("MBZ_TEST_RUN", uuid.uuid4().hex[:12])
    args = [Path(a.split("::")[0]).resolve() for a in config.args] or [Path.cwd().resolve()]
    if not os.environ.get("DEPLOYED_SITE_DIR") and any(a in NEEDS_BUILDS for a in args):
        from tests.builds import start_in_background
        start_in_background()


def pytest_unconfigure(config):
    """The run's builds go with the run (only its first process removes them)."""
    run = os.environ.get("MBZ_TEST_RUN")
    if run and not os.environ.get("PYTEST_XDIST_WORKER"):
        from tests.builds import stop_background
        stop_background()
        shutil.rmtree(os.path.join(tempfile.gettempdir(), f"mbz-builds-{run}"), ignore_errors=True)
