"""Layering: the core never imports Textual, and the CLI's commands don't pay for the TUI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import reader.core

ROOT = Path(__file__).resolve().parents[2]


def imported_after(code: str) -> set[str]:
    """Top-level package names in sys.modules after running `code` in a fresh interpreter."""
    script = (
        f"{code}\nimport sys\n"
        # A None entry in sys.modules is an import refused on purpose, not a loaded module.
        "print(' '.join(sorted({m.split('.')[0] for m, v in sys.modules.items() if v is not None})))"
    )
    return _printed_names(script)


def modules_after(code: str, prefixes: tuple[str, ...]) -> set[str]:
    """Full names of the modules starting with `prefixes` loaded after running `code`."""
    return _printed_names(
        f"import sys\n{code}\nprint(' '.join(m for m in sys.modules if m.startswith({prefixes!r})))"
    )


def _printed_names(script: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@cache
def after_importing_the_whole_core() -> frozenset[str]:
    """Top-level packages loaded by importing every module of reader.core (one interpreter)."""
    names = [m.name for m in pkgutil.walk_packages(reader.core.__path__, "reader.core.")]
    assert len(names) > 20
    return frozenset(imported_after("\n".join(f"import {name}" for name in names)))


def test_no_core_module_imports_textual() -> None:
    loaded = after_importing_the_whole_core()
    assert "textual" not in loaded
    assert "reader" in loaded


def test_cli_commands_do_not_load_the_tui_or_opencc() -> None:
    loaded = imported_after("import reader.cli.main\nreader.cli.main.build_parser()")
    assert "textual" not in loaded
    assert "opencc" not in loaded, "the script converter loads on first use only"
    assert "feedparser" not in loaded and "trafilatura" not in loaded


def test_cli_start_up_leaves_story_extraction_unloaded() -> None:
    # Every command pays for what the parser imports: extraction (readability, trafilatura and
    # our extract modules, about 50 ms) loads only when `reader extract` runs.
    loaded = modules_after("import reader.cli.main\nreader.cli.main.build_parser()", ("reader.",))
    assert "reader.cli.main" in loaded
    assert not loaded & {
        "reader.cli.extract",
        "reader.core.extract.story",
        "reader.core.refresh.fulltext",
    }


def test_reading_commands_start_without_the_http_stack() -> None:
    # list/show/search only read the cache: HTTP and the refresh load on the first fetch.
    loaded = imported_after("import reader.cli.main\nreader.cli.main.build_parser()")
    assert not loaded & {"pycurl", "httpx", "httpcore"}


def test_every_download_goes_through_libcurl() -> None:
    # Feeds, pages, photos and the sync servers' APIs: one HTTP stack (httpx is for tests only).
    loaded = after_importing_the_whole_core()
    assert "pycurl" in loaded
    assert not loaded & {"httpx", "httpcore", "anyio"}


def test_opening_the_library_leaves_the_html_block_builder_unloaded() -> None:
    # `reader fetch` and the first list never draw an article: lxml's HTML side loads with one.
    loaded = modules_after("import reader.cli.setup, reader.core.library", ("reader.", "lxml"))
    assert "reader.core.library" in loaded
    assert not loaded & {"reader.core.script.shown", "reader.core.text.blocks", "lxml.html"}
