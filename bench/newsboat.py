"""newsboat on the benchmark feeds: its config, URL file and cache in a folder of their own.

newsboat 2.21 (Debian) is driven non-interactively with `-x reload` (refresh) and
`-x print-unread` (opens the cache, prints the unread count: its start-up without a screen).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from bench.measure import Measurement, run_measured

RELOAD_THREADS = 8


def available() -> bool:
    return shutil.which("newsboat") is not None


def version() -> str:
    import subprocess

    if not available():
        return "not installed"
    first = subprocess.run(["newsboat", "-v"], capture_output=True, text=True).stdout.splitlines()
    return first[0] if first else "unknown"


class Newsboat:
    """One newsboat set-up (config, urls, cache) in `folder`."""

    def __init__(
        self, folder: Path, urls: Sequence[str] | None = None, reload_threads: int = RELOAD_THREADS
    ):
        """Write config and URL file for `urls`; without `urls`, use the folder as it is."""
        self.folder = folder
        self.urls_file = folder / "urls"
        self.config_file = folder / "config"
        self.cache_file = folder / "cache.db"
        if urls is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "home").mkdir(exist_ok=True)
        self.urls_file.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
        self.config_file.write_text(
            f"reload-threads {reload_threads}\n"
            "show-read-feeds yes\n"
            "cleanup-on-quit no\n"
            "confirm-exit no\n",
            encoding="utf-8",
        )

    def env(self) -> dict[str, str]:
        home = str(self.folder / "home")
        return {
            **os.environ,
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/.config",
            "XDG_DATA_HOME": home + "/.local/share",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        }

    def argv(self, *extra: str) -> list[str]:
        return [
            "newsboat",
            "-u", str(self.urls_file),
            "-c", str(self.cache_file),
            "-C", str(self.config_file),
            *extra,
        ]  # fmt: skip

    def reload(self, timeout: float = 1800.0) -> Measurement:
        """Refresh every feed; returns what it cost."""
        return run_measured(self.argv("-x", "reload"), env=self.env(), timeout=timeout)

    def print_unread(self, timeout: float = 1800.0) -> Measurement:
        return run_measured(self.argv("-x", "print-unread"), env=self.env(), timeout=timeout)

    def cache_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("cache.db*") if p.is_file())
