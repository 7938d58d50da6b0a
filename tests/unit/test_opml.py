"""OPML import and export: sections, nesting, hostile addresses, duplicates, round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from reader.core.feeds.opml import UNCATEGORISED, read_opml, write_opml
from reader.core.model import FeedConfig, Section

# Written by hand the way real exports look: raw & in a title and a URL, a nested category,
# a feed at the top level, a file: and a javascript: feed, and a feed listed twice.
HAND_WRITTEN = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>我的訂閱 & 收藏</title></head>
  <body>
    <outline text="要聞">
      <outline text="河南日報 & 大河網" type="rss" xmlUrl="https://henan.example.cn/rss?cat=1&fmt=xml"/>
      <outline text="地方">
        <outline text="鄭州晚報" type="rss" xmlUrl="https://zz.example.cn/feed.xml"/>
        <outline text="更深一層">
          <outline text="開封新聞" type="rss" xmlUrl="https://kf.example.cn/atom"/>
        </outline>
      </outline>
    </outline>
    <outline title="國際播報">
      <outline title="豫見國際" type="rss" xmlUrl="https://intl.example.cn/feed"/>
      <outline text="本機檔案" type="rss" xmlUrl="file:///etc/passwd"/>
      <outline text="腳本" type="rss" xmlUrl="javascript:alert(1)"/>
      <outline text="重複的鄭州晚報" type="rss" xmlUrl="https://ZZ.example.cn/feed.xml"/>
    </outline>
    <outline text="散落的訂閱" type="rss" xmlUrl="http://loose.example.cn/rss"/>
  </body>
</opml>
""".encode()


def test_hand_written_opml_with_raw_ampersands_and_nesting() -> None:
    result = read_opml(HAND_WRITTEN)
    assert result.sections == [
        Section(
            "要聞",
            (
                FeedConfig("https://henan.example.cn/rss?cat=1&fmt=xml", "河南日報 & 大河網"),
                FeedConfig("https://zz.example.cn/feed.xml", "鄭州晚報"),
                FeedConfig("https://kf.example.cn/atom", "開封新聞"),
            ),
        ),
        Section("國際播報", (FeedConfig("https://intl.example.cn/feed", "豫見國際"),)),
        Section(UNCATEGORISED, (FeedConfig("http://loose.example.cn/rss", "散落的訂閱"),)),
    ]


def test_unsafe_schemes_and_duplicates_are_skipped_with_reasons() -> None:
    skipped = read_opml(HAND_WRITTEN).skipped
    assert len(skipped) == 3
    assert any("file:///etc/passwd" in reason and "http(s)" in reason for reason in skipped)
    assert any("javascript:alert(1)" in reason for reason in skipped)
    assert any("重複的鄭州晚報" in reason and "要聞" in reason for reason in skipped)


def test_round_trip_keeps_sections_feeds_and_titles() -> None:
    sections = [
        Section(
            "要聞 & 頭條",
            (
                FeedConfig("https://a.example.cn/rss?x=1&y=2", '河南 "日報" <晚間版>'),
                FeedConfig("https://b.example.cn/feed"),  # no title
            ),
        ),
        Section("金融", (FeedConfig("https://c.example.cn/atom.xml", "財經快訊"),)),
        Section("国际播报", (FeedConfig("https://d.example.cn/", "简体标题"),)),
    ]
    data = write_opml(sections, title="我的 & 訂閱")
    assert read_opml(data).sections == sections
    assert read_opml(data).skipped == []


def test_written_opml_is_well_formed_opml_2() -> None:
    data = write_opml(
        [Section("文旅 & 生活", (FeedConfig("https://e.example.cn/rss?a=1&b=2", "洛陽<牡丹>"),))]
    )
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(data)  # a strict parser accepts it
    assert root.tag == "opml" and root.get("version") == "2.0"
    (group,) = root.find("body") or []
    assert group.get("text") == "文旅 & 生活"
    (feed,) = list(group)
    assert feed.get("xmlUrl") == "https://e.example.cn/rss?a=1&b=2"
    assert feed.get("text") == "洛陽<牡丹>" and feed.get("type") == "rss"
    assert b"&amp;" in data and b"&lt;" in data


def test_control_characters_never_reach_the_file_or_the_import() -> None:
    sections = [
        Section("要聞\x1b[31m", (FeedConfig("https://f.example.cn/rss", "標題\x07\u202e"),))
    ]
    data = write_opml(sections)
    assert b"\x1b" not in data and b"\x07" not in data
    ElementTree.fromstring(data)
    hostile = (
        '<opml version="2.0"><body><outline text="分類&#x202e;">'
        '<outline text="新聞&#x1b;]0;t&#7;" xmlUrl="https://g.example.cn/rss"/></outline></body></opml>'
    ).encode()
    (section,) = read_opml(hostile).sections
    assert section.name == "分類"
    assert section.feeds[0].title == "新聞"


def test_encodings_with_and_without_declarations() -> None:
    body = '<opml version="2.0"><body><outline text="要聞"><outline text="鄭州晚報" xmlUrl="https://zz.example.cn/rss"/></outline></body></opml>'
    expected = [Section("要聞", (FeedConfig("https://zz.example.cn/rss", "鄭州晚報"),))]
    assert read_opml(body.encode("utf-8")).sections == expected
    assert read_opml(b"\xef\xbb\xbf" + body.encode("utf-8")).sections == expected
    for codec in ("gb18030", "big5"):
        declared = f'<?xml version="1.0" encoding="{codec}"?>\n{body}'.encode(codec)
        assert read_opml(declared).sections == expected


def test_garbage_gives_a_reason_not_an_exception() -> None:
    for data in (
        b"",
        b"\x00\xff\xfe not xml at all",
        b"<html><body>not opml</body></html>",
        b"<opml><body>",
    ):
        result = read_opml(data)
        assert result.sections == []
        assert result.skipped and "no feeds" in result.skipped[0]


def test_opml_that_only_lists_a_url_string_is_not_fetched() -> None:
    result = read_opml(b"https://example.invalid/list.opml")
    assert result.sections == []


def test_the_same_url_in_two_sections_is_kept_in_the_first() -> None:
    data = """<opml version="2.0"><body>
      <outline text="金融"><outline text="財經日報" xmlUrl="https://money.example.cn/rss"/></outline>
      <outline text="要聞"><outline text="財經日報" xmlUrl="https://money.example.cn/rss"/>
        <outline text="要聞快訊" xmlUrl="https://news.example.cn/rss"/></outline>
    </body></opml>""".encode()
    result = read_opml(data)
    assert result.sections == [
        Section("金融", (FeedConfig("https://money.example.cn/rss", "財經日報"),)),
        Section("要聞", (FeedConfig("https://news.example.cn/rss", "要聞快訊"),)),
    ]
    assert len(result.skipped) == 1 and "要聞" in result.skipped[0] and "金融" in result.skipped[0]
