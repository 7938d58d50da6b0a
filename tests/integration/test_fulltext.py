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


def test_show_full_prints_the_pages_meta_line_and_json_fields(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    cfg = setup(tmp_path, feed_server, full_text=False)
    run("fetch", *cfg)
    story_id = str(ids_by_title(cfg)["郑州地铁十号线今日开通"])
    _, summary_only, _ = run("show", story_id, *cfg)
    assert "责编" not in summary_only and "責編" not in summary_only
    code, full, _ = run("show", story_id, "--full", *cfg)
    assert code == 0
    title, byline, page_line = full.splitlines()[:3]
    assert title == "郑州地铁十号线今日开通"
    page_time = byline.split(" · ")[0]  # the same moment as the feed's, in the same zone
    assert page_line == (
        f"來源 河南日报 · 作者 王明、李华 · 編輯 邓高靖 · 責編 石丽敏 · {page_time}"
        " · 原標題 十号线一期正式载客运营"
    )
    assert "原标题" not in full.split("\n\n", 1)[1], "the original title is not in the body twice"
    # Converted like the feed's text, and kept: offline it still shows.
    feed_server.stop()
    _, hans, _ = run("show", story_id, "--script", "hans", *cfg)
    assert "来源 河南日报 · 作者 王明、李华 · 编辑 邓高靖 · 责编 石丽敏" in hans
    _, hant, _ = run("show", story_id, "--script", "hant", *cfg)
    assert "來源 河南日報 · 作者 王明、李華 · 編輯 鄧高靖 · 責編 石麗敏" in hant
    _, encoded, _ = run("show", story_id, "--json", "--script", "hant", *cfg)
    page = json.loads(encoded)["page"]
    assert page == {
        "source": "河南日報",
        "author": "王明、李華",
        "editor": "鄧高靖",
        "chief_editor": "石麗敏",
        "published": "2023-03-17T08:41:51+08:00",
        "original_title": "十號線一期正式載客運營",
    }


def test_show_json_page_is_null_without_full_text(tmp_path: Path, feed_server: FeedServer) -> None:
    cfg = setup(tmp_path, feed_server, full_text=False)
    run("fetch", *cfg)
    story_id = str(ids_by_title(cfg)["失联的网页"])
    _, encoded, _ = run("show", story_id, "--json", *cfg)
    assert json.loads(encoded)["page"] is None
