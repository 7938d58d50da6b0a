"""Run a command as a child process and measure it: wall and CPU seconds, peak memory.

CPU and peak RSS come from `os.wait4`, so they cover the child and every descendant it
waited for (a process pool's workers included); peak RSS there is the largest single
process. A sampler thread also sums VmRSS and PSS over the whole process tree every 20 ms:
RSS counts the pages forked workers share with their parent once per process, PSS splits each
shared page between its sharers, so the PSS sum is what the tree really holds in memory.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """What one run of a command cost."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # the largest single process of the tree
    peak_tree_rss_mb: float  # the largest sum over the tree, sampled
    peak_tree_pss_mb: float  # the largest sum of PSS over the tree, sampled
    returncode: int
    stdout: str
    stderr: str


def tree_memory_kb(root: int) -> tuple[int, int]:
    """Sums of RSS and PSS (kB) over `root` and its descendants (from /proc/PID/smaps_rollup,
    following /proc/PID/task/*/children)."""
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return rss, pss


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 900.0,
    sample_tree: bool = True,
) -> Measurement:
    """Run `argv` to completion (killed after `timeout` seconds) and measure it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak_tree = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_pss
        while not done.wait(0.02):
            rss, pss = tree_memory_kb(process.pid)
            peak_tree, peak_pss = max(peak_tree, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_tree:
        sampler.start()
    outputs: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda: outputs.__setitem__("out", process.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: outputs.__setitem__("err", process.stderr.read())),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        done.set()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    if sample_tree:
        sampler.join()
    return Measurement(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        peak_tree_rss_mb=peak_tree / 1024,
        peak_tree_pss_mb=peak_pss / 1024,
        returncode=process.returncode,
        stdout=outputs.get("out", b"").decode("utf-8", "replace"),
        stderr=outputs.get("err", b"").decode("utf-8", "replace"),
    )
