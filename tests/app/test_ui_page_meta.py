"""The reading pane's header shows what the web page says about a fully fetched story."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.model import PageMeta
from reader.ui.screens.main import MainScreen
from tests.support.app import build_app, make_library, settle
from tests.support.feedserver import FeedServer

WIDE = (140, 40)
PAGE_META = PageMeta(
    source="河南日報",
    author="王明",
    editor="鄧高靖",
    chief_editor="石麗敏",
    published=datetime(2023, 3, 17, 8, 41, 51, tzinfo=timezone(timedelta(hours=8))),
    original_title="十號線一期正式載客運營",
)


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    library = make_library(tmp_path, feed_server)
    yield library
    library.close()


async def test_header_shows_the_page_meta_with_the_full_story_in_every_script(
    library: Library,
) -> None:
    first = library.store.listings("要聞", limit=1)[0]
    library.store.set_full_text(first.id, "<p>網頁上的完整報導全文。</p>", PAGE_META)
    app = build_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        header = screen.pane.body_text.split("\n\n", 1)[0]  # the app's zone is UTC
        assert header.splitlines()[-1] == (
            "來源 河南日報 · 作者 王明 · 編輯 鄧高靖 · 責編 石麗敏 · 2023-03-17 00:41"
            " · 原標題 十號線一期正式載客運營"
        )
        await pilot.press("t")  # 简体: converted like the feed's text
        await settle(app, pilot)
        assert app.view.mode == "hans"
        assert "来源 河南日报 · 作者 王明 · 编辑 邓高靖 · 责编 石丽敏" in screen.pane.body_text
        assert "原标题 十号线一期正式载客运营" in screen.pane.body_text
        await pilot.press("f")  # the feed's text: the page's meta goes with the page's story
        await settle(app, pilot)
        assert "责编" not in screen.pane.body_text and "网页上的完整报导全文" not in (
            screen.pane.body_text
        )
