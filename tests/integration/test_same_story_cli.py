"""`reader list/show/search --json` give every article `same_story` (issue 15): the CLI against
the loopback feed server and a real cache, with a story two portals carry in two scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.test_cli import run
from tests.integration.test_same_story import LUOYANG, RENEWAL, RENEWAL_HANT
from tests.support.feedserver import FeedServer

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>
{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>http://127.0.0.1/{guid}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>"""


def feed(title: str, *items: tuple[str, str, str, str]) -> str:
    return RSS.format(
        title=title,
        items="".join(
            ITEM.format(guid=guid, title=t, body=body, date=date) for guid, t, body, date in items
        ),
    )


@pytest.fixture
def config(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.add(
        "/wire.xml",
        feed(
            "新华通稿",
            ("w1", "郑州启动城市更新", RENEWAL, "Tue, 17 Mar 2026 08:00:00 +0800"),
            ("w2", "张明在洛阳调研", LUOYANG, "Tue, 17 Mar 2026 09:00:00 +0800"),
        ),
    )
    feed_server.add(
        "/portal.xml",
        feed(
            "中原熱線", ("p1", "鄭州城市更新啟動", RENEWAL_HANT, "Tue, 17 Mar 2026 10:00:00 +0800")
        ),
    )
    path = tmp_path / "config.toml"
    path.write_text(
        f"""[settings]
refresh_on_start = false

[[section]]
name = "要聞"

[[section.feed]]
url = "{feed_server.url("/wire.xml")}"

[[section.feed]]
url = "{feed_server.url("/portal.xml")}"
""",
        encoding="utf-8",
    )
    return path


def test_json_gives_every_article_the_other_copies_of_its_story(config: Path) -> None:
    cfg = ["--config", str(config)]
    assert run("fetch", *cfg)[0] == 0
    listed = json.loads(run("list", "--json", *cfg)[1])
    by_title = {item["title"]: item for item in listed}
    assert set(by_title) == {"郑州启动城市更新", "张明在洛阳调研"}  # the story once
    everything = {
        item["title"]: item for item in json.loads(run("list", "--all", "--json", *cfg)[1])
    }
    wire, portal = everything["郑州启动城市更新"], everything["鄭州城市更新啟動"]
    assert wire["same_story"] == [portal["id"]] and portal["same_story"] == [wire["id"]]
    assert everything["张明在洛阳调研"]["same_story"] == []
    shown = json.loads(run("show", str(portal["id"]), "--json", *cfg)[1])
    assert shown["same_story"] == [wire["id"]]
    found = {item["id"]: item for item in json.loads(run("search", "郑州", "--json", *cfg)[1])}
    assert found[wire["id"]]["same_story"] == [portal["id"]]
    # `show` read the portal's copy, and with it the wire's.
    assert all(
        item["read"]
        for item in json.loads(run("list", "--all", "--json", *cfg)[1])
        if item["same_story"]
    )
