"""Query sections and filter rules through `reader`: sections, list --section, list --all,
search, counts, read/star on first store only, and a bad rule's config error (exit 2)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.hostile.harness import rss, rss_item, run_cli, write_config
from tests.support.feedserver import FeedServer

BAD_RULES = {
    "syntax": ('[[filter]]\nquery = "title:(推广"\naction = "hide"\n', 5, "column 7"),
    "action": ('[[filter]]\nquery = "推广"\naction = "delete"\n', 6, "filter.action"),
    "query_type": ('[[query]]\nname = "x"\nquery = ["a"]\n', 6, "query.query"),
}


@pytest.mark.parametrize("name", BAD_RULES)
def test_a_bad_rule_stops_every_command_with_exit_2(tmp_path: Path, name: str) -> None:
    rules, line, fragment = BAD_RULES[name]
    config = tmp_path / "config.toml"
    config.write_text('[[section]]\nname = "要聞"\n\n' + rules, encoding="utf-8")
    before = hashlib.sha256(config.read_bytes()).hexdigest()
    for command in (["list"], ["sections"], ["search", "郑州"], ["fetch"]):
        code, out, err = run_cli(*command, "--config", str(config))
        assert code == 2, (command, err)
        assert f"{config}:{line}:" in err and fragment in err, err
        assert err.count("\n") == 1 and "Traceback" not in err and out == ""
    assert hashlib.sha256(config.read_bytes()).hexdigest() == before


def feed(*items: tuple[int, str, str]) -> str:
    return rss("新聞", [rss_item(title, f"<p>{body}</p>", n) for n, title, body in items])


ITEMS = [
    (1, "鄭州地鐵新線開通", "臺灣遊客搭乘體驗"),
    (2, "廣告：房產推廣", "限時優惠"),
    (3, "郑州发布暴雨预警", "气象部门提醒"),
    (4, "洛阳牡丹花会开幕", "郑州游客涌入洛阳"),
    (5, "推广：夜市美食节", "开封夜市"),
]
RULES = """
[[query]]
name = "鄭州"
query = "title:郑州"

[[filter]]
query = "title:广告 OR title:推廣"   # 简体 and 繁體 words: either hides both scripts
action = "hide"

[[filter]]
query = "洛阳"
action = "read"

[[filter]]
query = "title:暴雨"
action = "star"

[[filter]]
query = "title:地铁"
action = "highlight"
"""


def configure(tmp_path: Path, server: FeedServer) -> list[str]:
    url = server.add("/news.xml", feed(*ITEMS), content_type="application/rss+xml")
    config = write_config(tmp_path / "config.toml", [url], section="要聞")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(RULES)
    code, _, err = run_cli("fetch", "--config", str(config))
    assert code == 0, err
    return ["--config", str(config)]


def listed(*argv: str) -> list[dict[str, object]]:
    code, out, err = run_cli("list", "--json", *argv)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_hide_keeps_ads_out_of_lists_counts_and_search_and_all_shows_them(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    cfg = configure(tmp_path, feed_server)
    shown = {item["title"] for item in listed(*cfg)}
    assert shown == {"鄭州地鐵新線開通", "郑州发布暴雨预警", "洛阳牡丹花会开幕"}
    everything = listed("--all", *cfg)
    assert {item["title"]: item["hidden"] for item in everything} == {
        "鄭州地鐵新線開通": False,
        "廣告：房產推廣": True,
        "郑州发布暴雨预警": False,
        "洛阳牡丹花会开幕": False,
        "推广：夜市美食节": True,
    }
    code, out, _ = run_cli("search", "推广 OR 优惠 OR 郑州", "--json", *cfg)
    assert code == 0 and {item["title"] for item in json.loads(out)} == shown
    code, out, _ = run_cli("sections", *cfg)
    # 3 shown, 洛阳 marked read by its rule: 2 unread; the two ads are not counted.
    assert "要聞  (2 unread)" in out
    code, out, _ = run_cli("list", "--all", *cfg)
    assert code == 0 and "廣告：房產推廣" in out


def test_query_sections_list_and_count_like_the_others(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    cfg = configure(tmp_path, feed_server)
    code, out, err = run_cli("sections", *cfg)
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index("鄭州  (2 unread)")
    assert lines[at + 1] == "  query: title:郑州" and at > lines.index("要聞  (2 unread)")
    items = listed("--section", "鄭州", *cfg)
    assert {item["title"] for item in items} == {"鄭州地鐵新線開通", "郑州发布暴雨预警"}
    assert listed("--section", "鄭州", "--query", "暴雨", *cfg)[0]["title"] == "郑州发布暴雨预警"
    first = items[0]["id"]
    assert run_cli("mark", str(first), "--read", *cfg)[0] == 0
    assert [i["id"] for i in listed("--section", "鄭州", "--unread", *cfg)] == [items[1]["id"]]
    assert "鄭州  (1 unread)" in run_cli("sections", *cfg)[1]
    code, out, _ = run_cli("search", "暴雨", "--section", "鄭州", "--json", *cfg)
    assert code == 0 and len(json.loads(out)) == 1
    code, _, err = run_cli("list", "--section", "鄭州", "--query", "(x", *cfg)
    assert code == 2 and "column 3" in err
    assert run_cli("list", "--section", "沒有", *cfg)[0] == 2


def test_read_star_and_highlight_rules(tmp_path: Path, feed_server: FeedServer) -> None:
    cfg = configure(tmp_path, feed_server)
    marks = {i["title"]: (i["read"], i["starred"], i["highlighted"]) for i in listed(*cfg)}
    assert marks == {
        "鄭州地鐵新線開通": (False, False, True),
        "郑州发布暴雨预警": (False, True, False),
        "洛阳牡丹花会开幕": (True, False, False),
    }
    ids = {item["title"]: item["id"] for item in listed(*cfg)}
    assert run_cli("mark", str(ids["洛阳牡丹花会开幕"]), "--unread", *cfg)[0] == 0
    assert run_cli("mark", str(ids["郑州发布暴雨预警"]), "--unstar", *cfg)[0] == 0
    # The feed changes (a new item, an edited one), so the next fetch stores them all again.
    again = [*ITEMS[:3], (4, "洛阳牡丹花会开幕", "郑州游客涌入洛阳，更新"), (6, "洛阳新闻", "洛阳")]
    feed_server.add("/news.xml", feed(*again), content_type="application/rss+xml")
    code, _, err = run_cli("fetch", *cfg)
    assert code == 0, err
    marks = {i["title"]: (i["read"], i["starred"]) for i in listed(*cfg)}
    assert marks["洛阳牡丹花会开幕"] == (False, False), "unmarked by the user: stays so"
    assert marks["郑州发布暴雨预警"] == (False, False)
    assert marks["洛阳新闻"] == (True, False), "a new article is marked as it arrives"
