"""Malformed and hostile feed documents: each is either read as far as it is sound, or refused
with a readable message; nothing expands, hangs or takes the rest of a refresh down."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.parse import ParsedFeed, parse_feed
from tests.hostile.cases import assert_terminal_safe
from tests.hostile.harness import HERE, corpus_file, rss, rss_item, run_cli, write_config
from tests.support.feedserver import FeedServer

URL = "http://127.0.0.1/feed"
REPO = Path(__file__).resolve().parents[2]


def parse_file(name: str, **options: object) -> ParsedFeed:
    return parse_feed(corpus_file(name), URL, **options)  # type: ignore[arg-type]


def titles(parsed: ParsedFeed) -> list[str]:
    return [article.title for article in parsed.articles]


# ---- entity bombs and external entities ----------------------------------------------------

BOMB_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)
from reader.core.feeds.parse import parse_feed
data = open(sys.argv[1], "rb").read() if sys.argv[1] != "-" else sys.stdin.buffer.read()
parsed = parse_feed(data, "http://127.0.0.1/feed")
texts = [a.title + a.text for a in parsed.articles]
print(len(parsed.articles), max(map(len, texts)), sum(t.count("笑") + t.count("爆") for t in texts))
"""


def parse_in_limited_child(path: str, stdin: bytes | None = None) -> str:
    """Parse in a child with 1.5 GB of address space: an expanding bomb dies there, not here."""
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, path],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode()


def test_billion_laughs_is_not_expanded() -> None:
    count, longest, expanded = map(
        int, parse_in_limited_child(str(HERE / "billion_laughs.xml")).split()
    )
    assert count >= 1 and longest < 1000 and expanded == 0
    parsed = parse_file("billion_laughs.xml")
    assert "炸彈之後的正常新聞" in titles(parsed)
    assert all("笑" not in a.title + a.text for a in parsed.articles)


def test_quadratic_blowup_is_not_expanded() -> None:
    """One 200 KB entity used 20,000 times would be 4 GB once expanded."""
    big = "爆" * 200_000
    uses = "&big;" * 20_000
    document = (
        f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f'<rss version="2.0"><channel><title>二次方</title><item><title>炸{uses}</title>'
        "<link>http://127.0.0.1/q/1</link></item></channel></rss>"
    ).encode()
    count, longest, expanded = map(int, parse_in_limited_child("-", stdin=document).split())
    assert count == 1 and expanded == 0 and longest <= len("炸" + uses), (
        "references stay unexpanded"
    )


def test_external_entities_are_never_read() -> None:
    parsed = parse_file("external_entity.xml")
    text = " ".join(a.title + a.text for a in parsed.articles)
    assert "root:" not in text and "/bin/" not in text
    assert titles(parsed) and titles(parsed)[0].startswith("讀取檔案")


# ---- broken XML ---------------------------------------------------------------------------


def test_truncated_feed_keeps_complete_items() -> None:
    parsed = parse_file("truncated_mid_item.xml")
    assert titles(parsed) == ["完整的第一條", "完整的第二條"] or set(titles(parsed)) == {
        "完整的第一條",
        "完整的第二條",
    }


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.8, 0.97])
def test_feed_cut_anywhere_never_raises_anything_but_feed_parse_error(cut: float) -> None:
    whole = rss(
        "截斷", [rss_item(f"第{n}條新聞", f"<p>正文{n}</p>", n) for n in range(10)]
    ).encode()
    part = whole[: int(len(whole) * cut)]
    try:
        parsed = parse_feed(part, URL)
    except FeedParseError as error:
        assert str(error)
        return
    assert all(a.title.startswith("第") for a in parsed.articles)


def test_undefined_entities_do_not_lose_the_feed() -> None:
    parsed = parse_file("undefined_entities.xml")
    assert "第二條&正常" in titles(parsed)
    first = (
        parsed.articles[0] if parsed.articles[0].title.startswith("標題") else parsed.articles[1]
    )
    assert first.title.startswith("標題含")
    assert_terminal_safe(first.title + first.text)


def test_big5_without_any_declaration_reads_correctly() -> None:
    parsed = parse_file("big5_undeclared.xml")
    assert titles(parsed) == ["香港天文台發出暴雨警告"]
    assert parsed.title == "香港日報"


def test_gbk_bytes_declared_as_big5_read_correctly() -> None:
    parsed = parse_file("gbk_declared_big5.xml")
    assert titles(parsed) == ["郑州市发布暴雨预警信号"]


def test_html_page_is_refused_as_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="HTML"):
        parse_file("html_page.html")


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\xef\xbb\xbf", b"\x00\x00\x00"])
def test_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body, URL)


@pytest.mark.parametrize(
    "body",
    [
        b"<",
        b"<?xml",
        b"<rss",
        b"\xff\xfe<\x00r\x00",
        b"]]>",
        b"<!DOCTYPE [",
        b"<!DOCTYPE x [<!ENTITY a 'b'",
        b"{",
        b"[1,2,3]",
        b"null",
        b'"x"',
    ],
)
def test_fragments_give_a_readable_error_or_nothing(body: bytes) -> None:
    try:
        parsed = parse_feed(body, URL)
    except FeedParseError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert parsed.articles == ()


# ---- JSON Feed ----------------------------------------------------------------------------


def test_json_feed_that_is_not_json() -> None:
    with pytest.raises(FeedParseError, match="JSON"):
        parse_file("json_not_json.json")


def test_json_feed_items_not_a_list() -> None:
    with pytest.raises(FeedParseError, match="items"):
        parse_file("json_items_not_list.json")


def test_json_feed_with_wrong_types_keeps_what_is_sound() -> None:
    parsed = parse_file("json_wrong_types.json")
    assert parsed.title is None and parsed.language is None
    by_title = {a.title: a for a in parsed.articles}
    assert "正常的一條" in by_title and "型別錯誤的作者與日期" in by_title
    good = by_title["正常的一條"]
    assert good.entry_id == "99" and good.author == "王記者" and good.published is not None
    odd = by_title["型別錯誤的作者與日期"]
    assert odd.author is None and odd.published is None and odd.link == "http://127.0.0.1/j/2"
    assert all(a.link is None or a.link.startswith("http") for a in parsed.articles)


# ---- size ---------------------------------------------------------------------------------


def fifty_thousand_items() -> bytes:
    items = [
        f"<item><title>第{n}條快訊</title><link>http://127.0.0.1/n/{n}</link><guid>n{n}</guid>"
        f"<pubDate>Thu, 12 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0800</pubDate>"
        "</item>"
        for n in range(50_000)
    ]
    return rss("五萬條", items).encode()


def test_fifty_thousand_items_are_capped_with_a_notice(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.add("/many.xml", fifty_thousand_items(), content_type="application/rss+xml")
    options = [
        "--config",
        str(write_config(tmp_path / "config.toml", [url], max_items_per_feed=500)),
    ]
    code, out, err = run_cli("fetch", "--json", *options)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["new_articles"] == 500
    [feed] = summary["feeds"]
    assert feed["notice"] and "500" in feed["notice"] and "50,000" in feed["notice"]
    code, out, _ = run_cli("fetch", *options)
    assert code == 0
    code, out, _ = run_cli("list", "--json", "--limit", "100000", *options)
    kept = json.loads(out)
    assert len(kept) == 500
    assert kept[0]["title"] == "第49999條快訊" or kept[0]["published"] >= kept[-1]["published"]


# ---- one bad feed among good ones ---------------------------------------------------------


def test_every_bad_feed_fails_alone_and_readably(tmp_path: Path, feed_server: FeedServer) -> None:
    good = feed_server.add("/good.xml", rss("好", [rss_item("正常新聞", "<p>好</p>", 1)]))
    bad = {
        "/bomb.xml": corpus_file("billion_laughs.xml"),
        "/page.html": corpus_file("html_page.html"),
        "/notjson.json": corpus_file("json_not_json.json"),
        "/empty.xml": b"",
        "/garbage.xml": bytes(range(256)) * 8,
    }
    urls = [good] + [feed_server.add(path, body) for path, body in bad.items()]
    options = ["--config", str(write_config(tmp_path / "config.toml", urls))]
    code, out, err = run_cli("fetch", "--json", *options)
    summary = json.loads(out)
    assert code == 1
    failed = {item["url"].rsplit("/", 1)[-1]: item["error"] for item in summary["failed"]}
    assert {"page.html", "notjson.json", "empty.xml", "garbage.xml"} <= set(failed)
    for message in failed.values():
        assert message and len(message) < 300 and "Traceback" not in message
        assert_terminal_safe(message)
    code, listed, _ = run_cli("list", "--json", *options)
    assert "正常新聞" in {item["title"] for item in json.loads(listed)}
    code, text_out, _ = run_cli("fetch", *options)
    assert code in (0, 1) and "failed" in text_out
    assert_terminal_safe(text_out)


def test_json_feed_with_lone_surrogate_escapes_is_stored(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    # JSON may escape half a surrogate pair; no UTF-8 database can hold one. It used to fail
    # the cache write of every feed written in the same batch.
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "源\\udfff",'
        ' "items": [{"id": "1", "url": "http://127.0.0.1/a/1", "title": "鄭州\\ud800新聞\\ud83d\\ude00",'
        ' "content_html": "<p>半個\\udc00字</p>", "authors": [{"name": "記者\\ud800"}]}]}'
    ).encode()
    url = feed_server.add("/surrogates.json", body)
    good = feed_server.add("/good.xml", rss("好", [rss_item("正常新聞", "<p>好</p>", 1)]))
    options = ["--config", str(write_config(tmp_path / "config.toml", [url, good]))]
    code, out, err = run_cli("fetch", "--json", *options)
    assert code == 0, err
    code, listed, _ = run_cli("list", "--json", *options)
    titles = {item["title"] for item in json.loads(listed)}
    assert titles == {"鄭州\ufffd新聞😀", "正常新聞"}
    code, found, _ = run_cli("search", "新聞", "--json", *options)
    assert len(json.loads(found)) == 2
