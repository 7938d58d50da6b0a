"""The real TUI (`python -m reader ...`) in a pseudo-terminal, for tests that kill it or run
several at once. A thread drains the terminal all the time, so the app never blocks on output;
everything it drew is kept for the test to search."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Escape sequences (CSI, OSC, other ESC forms): removed before searching the drawn text.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


class PtyApp:
    """One TUI process on its own pty, in its own session (so its helpers can be found)."""

    def __init__(
        self, argv: list[str], env: dict[str, str], columns: int = 120, rows: int = 36
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.master = master
        self.output = bytearray()
        self._lock = threading.Lock()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reader", *argv],
                cwd=REPO,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)},
                start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        """Read the terminal until every writer has closed it (EIO on Linux)."""
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def text(self) -> str:
        """Everything drawn so far, escape sequences removed."""
        with self._lock:
            raw = bytes(self.output)
        return _ESCAPES.sub("", raw.decode("utf-8", errors="replace"))

    def wait_for(self, needle: str, timeout: float) -> bool:
        """True once `needle` has been drawn; False after `timeout` seconds or if the app ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            if self.process.poll() is not None:
                return needle in self.text()
            time.sleep(0.02)
        return False

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def kill_9(self) -> None:
        """SIGKILL to the app's process only, as a crash would do; then reap it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def session_alive(self) -> list[int]:
        """Processes still in the app's session (helpers it forked), by pid."""
        alive = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid and fields[0] != "Z":  # session id, state
                alive.append(int(entry.name))
        return alive

    def close(self) -> None:
        """Kill whatever of this app's session is left (only processes this object started),
        then stop reading its terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        deadline = time.monotonic() + 5
        while (left := self.session_alive()) and time.monotonic() < deadline:
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        self._drainer.join(timeout=5)  # ends once no process holds the terminal open
        try:
            os.close(self.master)
        except OSError:
            pass
