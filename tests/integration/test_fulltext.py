"""Full story text: `full_text = true` feeds during refresh, `reader show --full`, failures kept readable."""

from __future__ import annotations

import io
import json
from pathlib import Path

from reader.cli.main import main
from tests.support.feedserver import FeedServer

PAGES = Path(__file__).parents[1] / "pages"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>河南頻道</title><link>{base}/</link>
<item><title>郑州地铁十号线今日开通</title><link>{base}/story.html</link><guid>s1</guid>
<pubDate>Fri, 17 Mar 2023 08:41:51 +0800</pubDate><description>一句话摘要。</description></item>
<item><title>失联的网页</title><link>{base}/gone.html</link><guid>s2</guid>
<pubDate>Fri, 17 Mar 2023 07:00:00 +0800</pubDate><description>只有摘要的新闻。</description></item>
</channel></rss>"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def setup(tmp_path: Path, server: FeedServer, full_text: bool) -> list[str]:
    base = server.url("")
    server.add("/feed.xml", FEED.format(base=base))
    server.add(
        "/story.html",
        (PAGES / "footer-hans.html").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[section]]\nname = "河南"\n[[section.feed]]\nurl = "{server.url("/feed.xml")}"\n'
        f"full_text = {'true' if full_text else 'false'}\n",
        encoding="utf-8",
    )
    return ["--config", str(config)]


def ids_by_title(cfg: list[str]) -> dict[str, int]:
    _, out, _ = run("list", "--json", *cfg)
    return {item["title"]: item["id"] for item in json.loads(out)}


def test_full_text_feed_fetches_stories_during_refresh(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    cfg = setup(tmp_path, feed_server, full_text=True)
    code, out, _ = run("fetch", *cfg)
    assert code == 0
    assert "full text: 1 stories fetched, 1 kept their summary" in out
    assert "gone.html: HTTP 404" in out
    assert len(feed_server.requests_for("/story.html")) == 1
    assert len(feed_server.requests_for("/gone.html")) == 1
    ids = ids_by_title(cfg)
    _, shown, _ = run("show", str(ids["郑州地铁十号线今日开通"]), *cfg)
    assert "从郑州西站到二七广场只要三十分钟左右" in shown
    assert "相关新闻" not in shown and "版权" not in shown
    assert "市民在新开通的十号线车厢内留影" in shown, "the photo caption is part of the story"
    # The page that failed keeps the feed's summary.
    _, shown, _ = run("show", str(ids["失联的网页"]), *cfg)
    assert "只有摘要的新闻" in shown
    # A second refresh does not fetch pages again.
    run("fetch", *cfg)
    assert len(feed_server.requests_for("/story.html")) == 1


def test_show_full_fetches_on_demand_and_caches(tmp_path: Path, feed_server: FeedServer) -> None:
    cfg = setup(tmp_path, feed_server, full_text=False)
    run("fetch", *cfg)
    assert feed_server.requests_for("/story.html") == []
    ids = ids_by_title(cfg)
    story_id = str(ids["郑州地铁十号线今日开通"])
    _, plain, _ = run("show", story_id, *cfg)
    assert "一句话摘要" in plain and "二七广场" not in plain
    code, full, _ = run("show", story_id, "--full", *cfg)
    assert code == 0 and "二七广场" in full
    # Cached: offline (server gone) it still reads in full.
    feed_server.stop()
    code, again, _ = run("show", story_id, *cfg)
    assert "二七广场" in again

    code, out, err = run("show", str(ids["失联的网页"]), "--full", *cfg)
    assert code == 0 and "只有摘要的新闻" in out
    assert "full text not available" in err
