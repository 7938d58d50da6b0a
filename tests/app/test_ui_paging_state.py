"""The list pages through a big section; remembered state survives corrupt files; labels."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

from reader.core.config import Config, Settings
from reader.core.library import open_library
from reader.core.model import Article, FeedConfig, FetchResult, Section
from reader.core.paths import Paths
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.state import UiState, load_ui_state, save_ui_state
from reader.ui.strings import LABELS, label
from reader.ui.widgets.article_list import PAGE_SIZE
from tests.support.app import NOW, settle

FEED = "http://127.0.0.1:9/big.xml"  # never fetched: the cache is filled directly


def big_library(tmp_path: Path, count: int):  # type: ignore[no-untyped-def]
    paths = Paths(
        config_file=tmp_path / "config.toml",
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
    )
    config = Config(
        path=paths.config_file,
        sections=(Section("大量", (FeedConfig(FEED),)),),
        settings=Settings(refresh_interval=0, refresh_on_start=False),
    )
    library = open_library(paths, config)
    articles = tuple(
        Article(
            FEED,
            f"n{i}",
            f"第{i}條快訊",
            published=NOW - timedelta(minutes=i),
            summary_html=f"<p>快訊內容{i}</p>",
        )
        for i in range(count)
    )
    library.store.record_fetch(FetchResult(FEED, "ok", articles=articles), NOW)
    return library


async def test_list_loads_pages_as_the_reader_moves(tmp_path: Path) -> None:
    library = big_library(tmp_path, PAGE_SIZE * 2 + 50)
    app = ReaderApp(library, refresh_on_start=False, clock=lambda: NOW, zone=UTC, warm_up=False)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            articles = screen.article_list
            assert len(articles.listings) == PAGE_SIZE and articles.total == PAGE_SIZE * 2 + 50
            articles.highlighted = PAGE_SIZE - 5
            await settle(app, pilot)
            assert len(articles.listings) == PAGE_SIZE * 2
            await pilot.press("G")
            await settle(app, pilot)
            assert len(articles.listings) == PAGE_SIZE * 2 + 50
            assert (
                articles.current is not None
                and articles.current.title == f"第{PAGE_SIZE * 2 + 49}條快訊"
            )
            assert [item.title for item in articles.listings] == [
                f"第{i}條快訊" for i in range(PAGE_SIZE * 2 + 50)
            ]
    finally:
        library.close()


async def test_end_and_home_go_to_the_real_ends_of_a_big_section(tmp_path: Path) -> None:
    library = big_library(tmp_path, PAGE_SIZE * 2 + 50)
    app = ReaderApp(library, refresh_on_start=False, clock=lambda: NOW, zone=UTC, warm_up=False)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            articles = screen.article_list
            await pilot.press("end")
            await settle(app, pilot)
            assert articles.current is not None
            assert articles.current.title == f"第{PAGE_SIZE * 2 + 49}條快訊"
            await pilot.press("home")
            await settle(app, pilot)
            assert articles.current is not None and articles.current.title == "第0條快訊"
    finally:
        library.close()


def test_state_round_trip_and_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "ui-state.json"
    assert load_ui_state(path) == UiState()
    save_ui_state(path, UiState(section="財經", article_id=7, script_mode="hans", theme="nord"))
    assert load_ui_state(path) == UiState("財經", 7, "hans", "nord")
    path.write_text("{not json", encoding="utf-8")
    assert load_ui_state(path) == UiState()
    path.write_text('{"section": 3, "article_id": "x", "script_mode": "klingon"}', encoding="utf-8")
    assert load_ui_state(path) == UiState()


def test_labels_follow_mode_and_language() -> None:
    assert label("starred", "original") == "★ 星標"
    assert label("starred", "hant") == "★ 星標"
    assert label("starred", "hans") == "★ 星标"
    assert label("starred", "hans", "en") == "★ Starred"
    assert label("refreshing", "hans", done=12, total=40) == "更新中 12/40 个来源"
    assert all(len(forms) == 3 and all(forms) for forms in LABELS.values())
