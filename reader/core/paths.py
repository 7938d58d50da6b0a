"""Where reader keeps its files, via platformdirs; functions, so nothing runs at import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "reader"


@dataclass(frozen=True, slots=True)
class Paths:
    """The files and folders one reader instance uses."""

    config_file: Path
    data_dir: Path
    cache_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "cache.sqlite3"

    @property
    def ui_state_file(self) -> Path:
        return self.data_dir / "ui-state.json"


def default_paths(config_file: Path | None = None) -> Paths:
    """The user's paths; XDG_* variables move them (platformdirs honours them)."""
    config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return Paths(
        config_file=config_file or config_dir / "config.toml",
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )


def demo_paths() -> Paths:
    """The demo's own config and cache, apart from the user's."""
    base = default_paths()
    return Paths(
        config_file=base.data_dir / "demo" / "config.toml",
        data_dir=base.data_dir / "demo",
        cache_dir=base.cache_dir / "demo",
    )


def default_save_dir() -> Path:
    """Where saved articles go when `save_dir` is not set: reader/ in the documents folder."""
    return Path(platformdirs.user_documents_dir()) / APP_NAME
