"""Layering: the core never imports Textual, and the CLI's commands don't pay for the TUI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
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
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_no_core_module_imports_textual() -> None:
    names = [m.name for m in pkgutil.walk_packages(reader.core.__path__, "reader.core.")]
    assert len(names) > 20
    code = "\n".join(f"import {name}" for name in names)
    loaded = imported_after(code)
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
    script = (
        "import sys, reader.cli.main\nreader.cli.main.build_parser()\n"
        "print(' '.join(m for m in sys.modules if m.startswith('reader.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
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
    code = "\n".join(
        f"import {m.name}" for m in pkgutil.walk_packages(reader.core.__path__, "reader.core.")
    )
    loaded = imported_after(code)
    assert "pycurl" in loaded
    assert not loaded & {"httpx", "httpcore", "anyio"}


def test_opening_the_library_leaves_the_html_block_builder_unloaded() -> None:
    # `reader fetch` and the first list never draw an article: lxml's HTML side loads with one.
    script = (
        "import sys, reader.cli.setup, reader.core.library\n"
        "print(' '.join(m for m in sys.modules if m.startswith(('reader.', 'lxml'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    assert "reader.core.library" in loaded
    assert not loaded & {"reader.core.script.shown", "reader.core.text.blocks", "lxml.html"}
