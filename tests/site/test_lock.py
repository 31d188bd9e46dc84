"""Every Python package the build and the tests install comes from a hashed lock, and `make`
installs from it with --require-hashes (so a fresh machine gets exactly these files)."""
from __future__ import annotations

import re
import subprocess
from importlib import metadata

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import ROOT

LOCKS = {"site": ROOT / "requirements-site.lock", "test": ROOT / "requirements-test.lock"}


def parse_lock(path):
    """{name: (version, [hashes])} from a pip-compile --generate-hashes file."""
    text = path.read_text("utf-8").replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)(.*)$", line)
        assert m, f"{path.name}: not an exact pin: {line!r}"
        out[canonicalize_name(m.group(1))] = (m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", m.group(3)))
    return out


def inputs(path):
    """Pinned top-level requirements of a human-edited requirements-*.txt (following -r)."""
    out = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            out.update(inputs(path.parent / line[3:].strip()))
        elif line:
            req = Requirement(line)
            out[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return out


def test_make_installs_only_from_the_hashed_locks():
    dry = subprocess.run(["make", "-n", "-B", "site-deps", "test-deps"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    installs = [l for l in dry.splitlines() if "pip install" in l]
    assert installs and all("--require-hashes" in l for l in installs), installs
    assert any("-r requirements-site.lock" in l for l in installs)
    assert any("-r requirements-test.lock" in l for l in installs)
    assert not any(re.search(r"-r requirements-\w+\.txt", l) for l in installs), installs


@pytest.mark.parametrize("kind", sorted(LOCKS))
def test_every_locked_package_is_pinned_with_hashes(kind):
    lock = parse_lock(LOCKS[kind])
    assert len(lock) > 10
    for name, (version, hashes) in lock.items():
        assert hashes, f"{name}=={version} has no hash"
    for name, version in inputs(ROOT / f"requirements-{kind}.txt").items():
        assert lock.get(name, (None,))[0] == version, f"{name}: requirements-{kind}.txt says {version}"


def test_lock_is_closed_under_dependencies_and_matches_the_environment():
    """Each locked package's own requirements (markers evaluated here) are locked too, so
    pip --require-hashes never meets an unpinned transitive package; the venv runs these versions."""
    lock = parse_lock(LOCKS["test"])
    site = parse_lock(LOCKS["site"])
    assert all(lock.get(n, (None,))[0] == v for n, (v, _) in site.items()), "site lock disagrees with test lock"
    env = default_environment()
    missing = []
    for name, (version, _) in lock.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(f"{name} not installed")
            continue
        assert dist.version == version, f"{name}: installed {dist.version}, lock {version}"
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker and not req.marker.evaluate({**env, "extra": ""}):
                continue
            dep = canonicalize_name(req.name)
            if dep not in lock:
                missing.append(f"{dep} (required by {name})")
            elif not req.specifier.contains(lock[dep][0], prereleases=True):
                missing.append(f"{dep}=={lock[dep][0]} does not satisfy {name}'s {req}")
    assert missing == []
