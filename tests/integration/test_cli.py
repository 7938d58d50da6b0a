"""The CLI contract, end to end: a config pointing at the loopback feed server, real cache files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli.main import main
from tests.support.feedserver import FeedServer

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>
<language>{language}</language>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>http://127.0.0.1/a/{n}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><author>{author}</author>
<description><![CDATA[<p>{body}</p><p>第二段：<a href="/more/{n}">詳情</a></p>]]></description></item>"""


def make_feed(title: str, language: str, items: list[tuple[str, str]], prefix: str) -> str:
    rendered = [
        ITEM.format(
            title=t,
            body=b,
            n=n,
            guid=f"{prefix}-{n}",
            author="記者 林小文",
            date=f"Wed, {10 + n:02d} Nov 2026 08:00:00 +0800",
        )
        for n, (t, b) in enumerate(items)
    ]
    return RSS.format(title=title, language=language, items="\n".join(rendered))


TW_ITEMS = [
    ("鄭州地鐵新線今日通車", "鄭州市民搭乘新線，沿線共有十二座車站。"),
    ("臺灣軟體產業年會登場", "來自各地的軟體工程師聚集在臺北，討論開源與資訊安全。"),
    ("颱風過境 北部停班停課", "氣象單位表示，颱風中心已於清晨離開。"),
]
CN_ITEMS = [
    ("郑州发布新版城市规划", "郑州市政府今天发布规划，提出建设更多公园。"),
    ("台湾海峡航运恢复正常", "航运公司表示，台湾海峡天气好转。"),
]


def write_config(path: Path, server: FeedServer) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""[settings]
refresh_on_start = false
feed_deadline = 5.0

[[section]]
name = "要聞"

[[section.feed]]
url = "{server.url("/tw.xml")}"
title = "臺北日報"
region = "tw"

[[section]]
name = "大陆"

[[section.feed]]
url = "{server.url("/cn.xml")}"

[[section.feed]]
url = "{server.url("/missing.xml")}"
title = "失蹤的源"
""",
        encoding="utf-8",
    )


@pytest.fixture
def configured(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.add("/tw.xml", make_feed("臺北日報", "zh-TW", TW_ITEMS, "tw"), etag='"tw-1"')
    feed_server.add("/cn.xml", make_feed("郑州晚报", "zh-CN", CN_ITEMS, "cn"), etag='"cn-1"')
    config = tmp_path / "config.toml"
    write_config(config, feed_server)
    return config


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_fetch_list_show_search_mark(configured: Path, feed_server: FeedServer) -> None:
    cfg = ["--config", str(configured)]
    code, out, err = run("fetch", *cfg)
    assert code == 1, "one feed is missing, so the fetch reports a failure"
    assert "2 ok, 0 not modified, 1 failed; 5 new articles" in out
    assert "missing.xml" in out and "404" in out

    code, out, _ = run("list", "--json", *cfg)
    items = json.loads(out)
    assert code == 0 and len(items) == 5
    assert {
        "id",
        "section",
        "feed",
        "title",
        "link",
        "author",
        "published",
        "read",
        "starred",
    } <= set(items[0])
    published = [i["published"] for i in items]
    assert published == sorted(published, reverse=True)
    assert all(p.endswith("+00:00") for p in published)
    tw = next(i for i in items if i["title"] == "鄭州地鐵新線今日通車")
    assert tw["section"] == "要聞" and tw["feed"] == "臺北日報" and tw["read"] is False

    # The global option works after the subcommand as well as before it.
    code, out, _ = run("--config", str(configured), "list", "--section", "大陆", "--json")
    assert {i["title"] for i in json.loads(out)} == {t for t, _ in CN_ITEMS}

    code, out, _ = run("show", str(tw["id"]), *cfg)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "鄭州地鐵新線今日通車"
    assert "臺北日報" in lines[1] and "林小文" in lines[1]
    assert "鄭州市民搭乘新線" in out and "/more/0" in out

    code, out, _ = run("list", "--unread", "--json", *cfg)
    assert tw["id"] not in [i["id"] for i in json.loads(out)], "show marks the article read"

    assert run("mark", str(tw["id"]), "--star", *cfg)[0] == 0
    code, out, _ = run("list", "--starred", "--json", *cfg)
    assert [i["id"] for i in json.loads(out)] == [tw["id"]]

    # Search ignores script: the simplified query finds the traditional title and vice versa.
    code, out, _ = run("search", "郑州", "--json", *cfg)
    titles = {i["title"] for i in json.loads(out)}
    assert {"鄭州地鐵新線今日通車", "郑州发布新版城市规划"} <= titles
    code, out, _ = run("search", "臺灣", "--json", *cfg)
    assert {"臺灣軟體產業年會登場", "台湾海峡航运恢复正常"} <= {i["title"] for i in json.loads(out)}

    # A second fetch: the server sees the validators and answers 304, nothing new.
    code, out, _ = run("fetch", "--json", *cfg)
    summary = json.loads(out)
    assert summary["not_modified"] == 2 and summary["new_articles"] == 0
    assert feed_server.requests_for("/tw.xml")[-1].headers.get("if-none-match") == '"tw-1"'


def test_script_modes_on_list_and_show(configured: Path) -> None:
    cfg = ["--config", str(configured)]
    run("fetch", *cfg)
    code, out, _ = run("list", "--script", "hans", "--json", *cfg)
    titles = {i["title"] for i in json.loads(out)}
    assert "郑州地铁新线今日通车" in titles
    assert "台湾软件产业年会登场" in titles
    code, out, _ = run("list", "--script", "hant", "--json", *cfg)
    assert "鄭州發佈新版城市規劃" in {
        i["title"] for i in json.loads(out)
    } or "鄭州發布新版城市規劃" in {i["title"] for i in json.loads(out)}


def test_script_modes_on_show_and_search(configured: Path) -> None:
    cfg = ["--config", str(configured)]
    run("fetch", *cfg)
    code, out, _ = run("search", "郑州", "--script", "hant", "--json", *cfg)
    titles = {i["title"] for i in json.loads(out)}
    assert "鄭州地鐵新線今日通車" in titles and not any("郑" in t for t in titles)
    article_id = next(i["id"] for i in json.loads(out) if i["title"].startswith("鄭州地鐵"))
    code, out, _ = run("show", str(article_id), "--script", "hans", *cfg)
    assert out.splitlines()[0] == "郑州地铁新线今日通车"
    assert "郑州市民搭乘新线" in out and "台北日报" in out
    # Region-aware: the feed is configured region = "tw", so 软件 comes back from 軟體 as 软件.
    code, out, _ = run("search", "软件", "--script", "hans", "--json", *cfg)
    assert "台湾软件产业年会登场" in {i["title"] for i in json.loads(out)}


def test_usage_and_unknown_things(configured: Path) -> None:
    cfg = ["--config", str(configured)]
    assert run("show", "999", *cfg)[0] == 1
    code, _, err = run("list", "--section", "沒有這個", *cfg)
    assert code == 2 and "沒有這個" in err
    with pytest.raises(SystemExit) as caught:
        run("list", "--script", "latin", *cfg)
    assert caught.value.code == 2


def test_broken_config_exits_2_with_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    broken = "[settings]\nconcurrency = 'many'\n"
    config.write_text(broken, encoding="utf-8")
    code, out, err = run("list", "--config", str(config))
    assert code == 2
    assert f"{config}:2" in err and "settings.concurrency" in err
    assert "Traceback" not in err
    assert config.read_text(encoding="utf-8") == broken


def test_add_remove_sections_and_opml_round_trip(tmp_path: Path, configured: Path) -> None:
    cfg = ["--config", str(configured)]
    assert (
        run(
            "add", "https://news.example.org/rss", "--section", "科技", "--title", "科技&新知", *cfg
        )[0]
        == 0
    )
    assert run("add", "file:///etc/passwd", *cfg)[0] == 2
    code, out, _ = run("sections", *cfg)
    assert "科技" in out and "科技&新知" in out
    opml = tmp_path / "feeds.opml"
    assert run("export", str(opml), *cfg)[0] == 0

    other = tmp_path / "other.toml"
    other.write_text("", encoding="utf-8")
    code, out, _ = run("import", str(opml), "--config", str(other))
    assert code == 0 and "imported 4 feeds in 3 sections" in out
    code, out, _ = run("export", "--config", str(other))
    assert out == opml.read_text(encoding="utf-8")
    code, out, _ = run("import", str(opml), "--config", str(other))
    assert "imported 0 feeds" in out and "already there" in out

    assert run("remove", "https://news.example.org/rss", *cfg)[0] == 0
    assert run("remove", "https://news.example.org/rss", *cfg)[0] == 1


def test_paths_json_follows_xdg(xdg_dirs: dict[str, Path]) -> None:
    code, out, _ = run("paths", "--json")
    paths = json.loads(out)
    assert set(paths) == {"config", "data", "cache", "database"}
    assert paths["config"].startswith(str(xdg_dirs["config"]))
    assert paths["database"].startswith(str(xdg_dirs["data"]))


def test_feed_text_is_cleaned_before_the_terminal(tmp_path: Path, feed_server: FeedServer) -> None:
    hostile = [("\x1b]52;c;aGk=\x07標題\x1b[31m紅\u202e字", "正文\x1b[2J內容")]
    feed_server.add("/evil.xml", make_feed("惡意\x1b]0;pwned\x07源", "zh-TW", hostile, "e"))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[section]]\nname = "x"\n[[section.feed]]\nurl = "{feed_server.url("/evil.xml")}"\n',
        encoding="utf-8",
    )
    cfg = ["--config", str(config)]
    run("fetch", *cfg)
    _, listed, _ = run("list", *cfg)
    code, out, _ = run("search", "標題", "--json", *cfg)
    article_id = json.loads(out)[0]["id"]
    _, shown, _ = run("show", str(article_id), *cfg)
    for text in (listed, shown):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "標題" in shown and "內容" in shown


def test_two_processes_fetch_into_one_cache(configured: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    command = [sys.executable, "-m", "reader", "fetch", "--json", "--config", str(configured)]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 1, err.decode()  # 1: the missing feed, never a locked database
        assert b"locked" not in err and b"Traceback" not in err
    code, out, _ = run("list", "--json", "--config", str(configured))
    assert len(json.loads(out)) == 5


def test_demo_end_to_end_fetch_list_show_full(xdg_dirs: dict[str, Path]) -> None:
    code, out, _ = run("--demo", "fetch", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["failed"] == [] and summary["new_articles"] >= 48
    assert sum(feed["articles"] for feed in summary["feeds"]) == summary["new_articles"]
    code, out, _ = run("list", "--demo", "--json", "--limit", "500", "--all")
    every_copy = json.loads(out)
    assert len(every_copy) == summary["new_articles"]
    # The demo's one republished story (the evening paper's copy of a portal's) is listed once.
    code, out, _ = run("list", "--demo", "--json", "--limit", "500")
    items = json.loads(out)
    copies = [i for i in every_copy if i["same_story"]]
    assert len(copies) == 2 and len(items) == len(every_copy) - 1
    sections = {i["section"] for i in items}
    assert {"要聞", "城市", "原創", "文旅", "金融", "國際播報"} <= sections
    assert all(sum(i["section"] == s for i in items) >= 8 for s in sections)
    # The demo keeps its own cache: the user's is untouched.
    code, out, _ = run("list", "--json")
    assert json.loads(out) == []
    # A summary-only article reads in full once its page is fetched from the demo server.
    short = next(i for i in items if i["section"] == "國際播報")
    _, before, _ = run("show", str(short["id"]), "--demo")
    code, after, _ = run("show", str(short["id"]), "--demo", "--full")
    assert code == 0 and len(after) > len(before) + 200
    assert "版權" not in after and "未經授權" not in after


def test_demo_comes_back_on_the_port_its_cached_links_use(xdg_dirs: dict[str, Path]) -> None:
    """When the usual port was busy, the demo ran elsewhere; later runs return to that port so
    the cached articles' links (full text) still work."""
    import socket

    from reader.demo.launch import DEMO_PORT

    blocker = socket.socket()
    try:
        blocker.bind(("127.0.0.1", DEMO_PORT))
        blocker.listen()
    except OSError:
        blocker.close()
        blocker = None  # someone else holds it already: the same situation
    try:
        code, out, _ = run("--demo", "fetch", "--json")
        assert code == 0
    finally:
        if blocker is not None:
            blocker.close()
    code, out, _ = run("list", "--demo", "--json", "--section", "國際播報", "--limit", "1")
    item = json.loads(out)[0]
    assert f":{DEMO_PORT}/" not in item["link"]
    code, full, err = run("show", str(item["id"]), "--demo", "--full")
    assert code == 0 and "full text not available" not in err
    assert "各國加強保障" in full or len(full) > 400


def test_a_feed_can_always_show_in_one_script(tmp_path: Path, feed_server: FeedServer) -> None:
    """Per-feed `script` overrides the global mode for that feed's text only."""
    feed_server.add("/cn.xml", make_feed("郑州晚报", "zh-CN", CN_ITEMS, "cn"))
    feed_server.add("/tw.xml", make_feed("臺北日報", "zh-TW", TW_ITEMS, "tw"))
    config = tmp_path / "config.toml"
    config.write_text(
        f"""[[section]]
name = "混合"

[[section.feed]]
url = "{feed_server.url("/cn.xml")}"
script = "hant"

[[section.feed]]
url = "{feed_server.url("/tw.xml")}"
""",
        encoding="utf-8",
    )
    cfg = ["--config", str(config)]
    assert run("fetch", *cfg)[0] == 0
    titles = {i["title"] for i in json.loads(run("list", "--json", *cfg)[1])}
    assert "鄭州發佈新版城市規劃" in titles or "鄭州發布新版城市規劃" in titles  # converted
    assert "臺灣軟體產業年會登場" in titles  # the other feed as published
    assert "郑州发布新版城市规划" not in titles
    # The global mode still applies to the feeds without an override.
    titles = {i["title"] for i in json.loads(run("list", "--json", "--script", "hans", *cfg)[1])}
    assert "台湾软件产业年会登场" in titles
    assert any(t.startswith("鄭州發") for t in titles), "the override wins over --script too"


# ---- the query language (issue 15) ------------------------------------------------------------


def test_list_query_and_search_take_the_query_language(configured: Path) -> None:
    cfg = ["--config", str(configured)]
    run("fetch", *cfg)
    code, out, _ = run("list", "--query", "title:郑州 -feed:臺北", "--json", *cfg)
    assert code == 0 and {i["title"] for i in json.loads(out)} == {"郑州发布新版城市规划"}
    code, out, _ = run("list", "--query", "title:鄭州 OR title:臺灣", "--unread", "--json", *cfg)
    assert "鄭州地鐵新線今日通車" in {i["title"] for i in json.loads(out)}
    code, out, _ = run("search", "鄭州 section:要聞", "--json", *cfg)
    rows = json.loads(out)
    assert [row["title"] for row in rows] == ["鄭州地鐵新線今日通車"]
    assert "鄭州" in rows[0]["snippet"] or "鄭州" in rows[0]["title"]
    assert all(isinstance(row["snippet"], str) for row in rows)


@pytest.mark.parametrize(("command", "column"), [("search", 5), ("list", 5)])
def test_a_bad_query_exits_2_with_its_column(configured: Path, command: str, column: int) -> None:
    cfg = ["--config", str(configured)]
    argv = [command, "郑州 ("] if command == "search" else [command, "--query", "郑州 ("]
    code, _, err = run(*argv, *cfg)
    assert code == 2 and f"column {column}: expected ')'" in err
