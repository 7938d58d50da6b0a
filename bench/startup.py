"""Time from launching a terminal program to a known text on its screen, in a real terminal.

The program runs in a detached tmux session of a fixed size on a private tmux server
(`tmux -L`); the screen is polled with `capture-pane` until one of the expected strings
shows. CPU seconds (which a loaded machine disturbs far less than wall time) and peak memory
(VmHWM) are the process's at that moment (the program keeps running until
we kill its session, so the figure is what it took to draw the first screen).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StartupResult:
    """How long until the screen showed what we waited for, and the memory it took."""

    seconds: float | None  # None: the text never showed within the timeout
    peak_rss_mb: float | None
    matched: str | None
    screen: str  # the last screen seen, for the report when nothing matched
    cpu_s: float | None = None  # the program's CPU seconds (user+system) when the text showed


def _tmux(server: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", server, *args], capture_output=True, text=True, check=False
    )


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of `pid` so far (threads included), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_screen(
    argv: Sequence[str],
    expected: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    size: tuple[int, int] = (120, 40),
    timeout: float = 60.0,
    poll: float = 0.02,
) -> StartupResult:
    """Launch `argv` in a `size` terminal and wait for any of `expected` to appear on screen."""
    server = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    assignments = [f"{key}={value}" for key, value in env.items()]
    # `exec env -i ...`: the program gets exactly `env`, and becomes the pane's process.
    command = "exec env -i " + shlex.join([*assignments, *argv])
    if cwd is not None:
        command = f"cd {shlex.quote(str(cwd))} && {command}"
    width, height = size
    started = time.perf_counter()
    launched = _tmux(
        server, "-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height),
        "-s", "bench", command,
    )  # fmt: skip
    if launched.returncode != 0:
        raise RuntimeError(f"tmux failed: {launched.stderr.strip()}")
    pane_pid = int(
        _tmux(server, "display-message", "-p", "-t", "bench", "#{pane_pid}").stdout.strip()
    )
    screen = ""
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            captured = _tmux(server, "capture-pane", "-p", "-t", "bench")
            screen = captured.stdout
            for text in expected:
                if text in screen:
                    seconds = time.perf_counter() - started
                    return StartupResult(
                        seconds, _vm_hwm_mb(pane_pid), text, screen, _cpu_seconds(pane_pid)
                    )
            if captured.returncode != 0:  # the program ended and took the session with it
                break
            time.sleep(poll)
        return StartupResult(None, _vm_hwm_mb(pane_pid), None, screen)
    finally:
        _tmux(server, "kill-server")
        _wait_gone(pane_pid)


def _wait_gone(pid: int, patience: float = 10.0) -> None:
    """Wait for the program to exit after its terminal went away (it may hold a lock file,
    as newsboat does); kill it if it will not."""
    deadline = time.perf_counter() + patience
    while Path(f"/proc/{pid}").exists():
        if time.perf_counter() > deadline:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            deadline += patience
        time.sleep(0.05)
