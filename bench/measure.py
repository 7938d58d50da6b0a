"""Run a command as a child process and measure it: wall and CPU seconds, peak memory.

CPU and peak RSS come from `os.wait4`, so they cover the child and every descendant it
waited for (a process pool's workers included); peak RSS there is the largest single
process. A sampler thread also sums VmRSS over the whole process tree every 20 ms, which
is what a pool really costs in memory.
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
    returncode: int
    stdout: str
    stderr: str


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS (kB) over `root` and its descendants, following /proc/PID/task/*/children."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


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
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.02):
            peak_tree = max(peak_tree, tree_rss_kb(process.pid))

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
        returncode=process.returncode,
        stdout=outputs.get("out", b"").decode("utf-8", "replace"),
        stderr=outputs.get("err", b"").decode("utf-8", "replace"),
    )
