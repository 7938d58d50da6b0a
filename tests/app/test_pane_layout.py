"""The reading pane in the real app: every demo article read page by page at three sizes, and
no drawn line starts with a closing mark or ends with an opening one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.core.config import Config, Settings
from reader.core.library import Library, open_library
from reader.core.paths import Paths
from reader.demo.server import demo_sections, start_demo_server
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from tests.support.app import NOW, settle
from tests.unit.test_layout import bad_breaks


@pytest.fixture(scope="module")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("demo")
    server = start_demo_server(0)
    paths = Paths(root / "config.toml", root / "data", root / "cache")
    config = Config(
        paths.config_file,
        tuple(demo_sections(server.base_url)),
        Settings(refresh_interval=0, refresh_on_start=False),
    )
    library = open_library(paths, config)
    try:
        library.refresh()
        yield library
    finally:
        library.close()
        server.stop()


def drawn_rows(screen: MainScreen) -> list[str]:
    """The pane's rows on screen now, as drawn."""
    pane = screen.pane
    body = pane.body
    top = round(pane.scroll_y)
    return [body.render_line(y).text.rstrip() for y in range(top, top + pane.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (140, 40)])
async def test_every_demo_article_page_by_page_has_no_bad_line(
    demo_library: Library, size: tuple[int, int]
) -> None:
    app = ReaderApp(demo_library, refresh_on_start=False, clock=lambda: NOW, warm_up=False)
    article_ids = [listing.id for listing in demo_library.store.listings(None, limit=500)]
    assert len(article_ids) > 40
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for article_id in article_ids:
            screen.pane.open(article_id)
            await settle(app, pilot)
            assert screen.pane.article_id == article_id
            pages = 0
            while True:
                rows = drawn_rows(screen)
                assert not bad_breaks(rows), (article_id, rows)
                assert all(not row.startswith(("，", "。", "、")) for row in rows)
                if screen.pane.at_end or pages > 40:
                    break
                screen.pane.page_down()
                await pilot.pause()
                pages += 1
