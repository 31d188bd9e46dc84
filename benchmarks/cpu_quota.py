"""Slow the whole browser — page, Web Workers, wasm compiler threads — like a cheap phone's CPU.

DevTools CPU throttling (`Emulation.setCPUThrottlingRate`) slows only a page's main thread, never
its Web Workers, so it cannot slow a Pyodide boot. Here Chromium runs inside a Linux cgroup with
CFS CPU quotas instead; every process and thread it starts inherits the cgroup.

Model "per-thread" (cgroup v1, which lets single threads move between groups): a watcher gives
every browser thread a cgroup of its own limited to 1/N of one core, so each thread runs N times
slower and threads still run in parallel — a phone whose cores are each N times slower than this
machine's, with the page's main thread, the worker and V8's compiler threads on different cores.
Model "shared" (cgroup v2, or v1 if threads cannot move): all browser threads together get 1/N of
one core — harsher for anything that overlaps (the page rendering while the worker boots).

    quota = CpuQuota.create()           # None (reason in cpu_quota.why_not) when not possible
    browser = chromium.launch(executable_path=quota.launcher(CHROMIUM), ...)
    quota.set_slowdown(4)  /  quota.set_slowdown(1)   # switch between profiles at any time
    quota.close()
"""
from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path

PERIOD_US = 10_000
WATCH_S = 0.02
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")

why_not = ""


def _write(path: Path, text: str) -> None:
    path.write_text(text + "\n")


class CpuQuota:
    def __init__(self, group: Path, v2: bool):
        self.group, self.v2 = group, v2
        self.model = "shared" if v2 else "per-thread"
        self.slowdown = 1.0
        self._script: Path | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._throttled_gone = 0.0  # throttled time of per-thread groups already removed

    @classmethod
    def create(cls) -> "CpuQuota | None":
        """A fresh cgroup for the browser, or None (reason in cpu_quota.why_not)."""
        global why_not
        name = f"mbz-bench-{os.getpid()}"
        candidates = []
        if (V1 / "cpu.cfs_quota_us").is_file():
            candidates.append((V1 / name, False))
        if (V2 / "cgroup.controllers").is_file() and "cpu" in (V2 / "cgroup.controllers").read_text().split():
            candidates.append((V2 / name, True))
        if not candidates:
            why_not = "no cgroup CPU controller is mounted (neither /sys/fs/cgroup/cpu nor cgroup v2 with cpu)"
            return None
        errors = []
        for group, v2 in candidates:
            try:
                group.mkdir(exist_ok=True)
                q = cls(group, v2)
                q._apply(group, 1)
                return q
            except OSError as e:
                errors.append(f"{group}: {e.strerror}")
                try:
                    group.rmdir()
                except OSError:
                    pass
        why_not = "cannot create a CPU-limited cgroup (" + "; ".join(errors) + ")"
        return None

    # ---- quotas
    def _apply(self, group: Path, factor: float) -> None:
        quota = -1 if factor <= 1 else int(PERIOD_US / factor)
        if self.v2:
            _write(group / "cpu.max", f"{'max' if quota < 0 else quota} {PERIOD_US}")
        else:
            _write(group / "cpu.cfs_period_us", str(PERIOD_US))
            _write(group / "cpu.cfs_quota_us", str(quota))

    def _thread_groups(self):
        return [d for d in self.group.iterdir() if d.is_dir() and d.name.startswith("t")]

    def set_slowdown(self, factor: float) -> None:
        """factor 1 = no limit; factor N = each browser thread (per-thread) or all of them together
        (shared) get 1/N of one core."""
        with self._lock:
            self.slowdown = max(1.0, factor)
            if self.model == "shared":
                self._apply(self.group, self.slowdown)
            else:
                for d in self._thread_groups():
                    try:
                        self._apply(d, self.slowdown)
                    except OSError:
                        pass

    # ---- per-thread watcher (cgroup v1)
    def _adopt(self, tid: str) -> None:
        d = self.group / f"t{tid}"
        d.mkdir(exist_ok=True)
        self._apply(d, self.slowdown)
        _write(d / "tasks", tid)

    def _watch_once(self) -> None:
        with self._lock:
            for tid in (self.group / "tasks").read_text().split():
                try:
                    self._adopt(tid)
                except OSError:
                    pass  # the thread ended meanwhile
            for d in self._thread_groups():
                try:
                    tids = (d / "tasks").read_text().split()
                except OSError:
                    continue
                owner = d.name[1:]
                for tid in tids:  # threads started by this thread inherited its group
                    if tid != owner:
                        try:
                            self._adopt(tid)
                        except OSError:
                            pass
                if not tids:
                    try:
                        self._throttled_gone += self._throttled(d)
                        d.rmdir()
                    except OSError:
                        pass

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_S):
            try:
                self._watch_once()
            except OSError:
                pass

    def launcher(self, executable: str) -> str:
        """A tiny script that joins the cgroup and execs the browser (same PID: Playwright's pipe stays)."""
        fd, path = tempfile.mkstemp(prefix="chromium-in-cgroup-", suffix=".sh")
        with os.fdopen(fd, "w") as f:
            f.write(f"#!/bin/sh\necho $$ > {self.group / 'cgroup.procs'}\nexec {executable} \"$@\"\n")
        os.chmod(path, stat.S_IRWXU)
        self._script = Path(path)
        if self.model == "per-thread" and self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, daemon=True, name="cpu-quota-watcher")
            self._watcher.start()
        return path

    # ---- reporting and clean-up
    @staticmethod
    def _throttled(group: Path) -> float:
        fields = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines() if line.strip())
        if "throttled_usec" in fields:
            return int(fields["throttled_usec"]) / 1e6
        return int(fields.get("throttled_time", 0)) / 1e9

    def throttled_seconds(self) -> float:
        """Total time the kernel held browser threads back (sanity check that the quota bites)."""
        with self._lock:
            groups = [self.group] + (self._thread_groups() if self.model == "per-thread" else [])
            total = self._throttled_gone
            for g in groups:
                try:
                    total += self._throttled(g)
                except OSError:
                    pass
            return total

    def close(self) -> None:
        self._stop.set()
        if self._watcher:
            self._watcher.join(timeout=2)
        if self._script:
            self._script.unlink(missing_ok=True)
        parent = self.group.parent / ("cgroup.procs" if self.v2 else "tasks")
        for d in (self._thread_groups() if not self.v2 else []) + [self.group]:
            try:
                for tid in (d / ("cgroup.procs" if self.v2 else "tasks")).read_text().split():
                    try:  # a browser that failed to quit goes back to the parent group
                        _write(parent, tid)
                    except OSError:
                        pass
                d.rmdir()
            except OSError:
                pass
