"""parse_feed: feed documents in, normalised articles out (pure: no network here)."""

from __future__ import annotations

import pickle
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reader.core.feeds.dates import parse_feed_date
from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.parse import ParsedFeed, parse_feed
from reader.core.feeds.utf8_xml import strip_doctype

FEEDS = Path(__file__).parents[1] / "feeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def parse_file(name: str, url: str | None = None, **kwargs: object) -> ParsedFeed:
    return parse_feed(feed_bytes(name), url or f"http://news.example.cn/feeds/{name}", **kwargs)  # type: ignore[arg-type]


def by_title(parsed: ParsedFeed) -> dict[str, object]:
    return {article.title: article for article in parsed.articles}


# --- formats ------------------------------------------------------------------


def test_rss20_items_are_normalised() -> None:
    parsed = parse_file("rss20.xml")
    assert parsed.title == "中原晨報 · 要聞"
    assert parsed.language == "zh-CN"
    assert parsed.notice is None
    titles = [a.title for a in parsed.articles]
    # The repeated guid and the item with neither title nor link are gone.
    assert titles == [
        "鄭州至開封城際公交新線今日開通",
        "豫東麥田春灌進入高峰 & 農機手忙碌",
        "洛陽牡丹文化節籌備工作全面啟動",
        "許昌發布春季森林防火提示",
    ]
    first, second, third, fourth = parsed.articles
    assert first.entry_id == "zyc-1001"
    assert first.link == "http://news.example.cn/yaowen/2023/0317/1001.html"
    assert first.author == "本報記者 李曉雲"
    assert first.published == datetime(2023, 3, 17, 8, 41, 51, tzinfo=CST)
    assert first.content_html.startswith("<p>本報訊　鄭州至開封城際公交新線今日清晨首發")
    assert "<b>早晚高峰</b>" in first.content_html  # HTML kept as published
    assert first.summary_html == "新線全程約一小時，沿途設站十二個。"
    assert "早晚高峰每十分鐘一班" in first.text and "<" not in first.text
    # A relative link is resolved against the feed's address.
    assert second.link == "http://news.example.cn/yaowen/2023/0317/1002.html"
    assert second.text == "連日來，商丘、周口等地小麥陸續進入春灌期。"
    # A javascript: link is no link, but the item stays (it has a title).
    assert third.link is None
    # Without a guid, the link is the id.
    assert fourth.entry_id == "http://news.example.cn/yaowen/2023/0316/0990.html"
    assert all(a.feed_url == "http://news.example.cn/feeds/rss20.xml" for a in parsed.articles)


def test_rss10_rdf_feed() -> None:
    parsed = parse_file("rss10.rdf")
    assert parsed.title == "城市遠洋"
    assert parsed.language == "zh-TW"
    port, fishing = parsed.articles
    assert port.title == "連雲港新泊位投入試運行"
    assert port.entry_id == "http://city.example.cn/a/501.html"
    assert port.author == "張港"
    assert port.published == datetime(2023, 3, 15, 9, 20, tzinfo=CST)
    # dc:date without a zone is Shanghai time, not UTC.
    assert fishing.published == datetime(2023, 3, 14, 18, 5, tzinfo=CST)
    assert fishing.title == "遠洋漁船返港　漁獲量同比增長"


def test_atom_links_resolve_against_xml_base() -> None:
    parsed = parse_file("atom_xmlbase.xml", "http://feeds.example.cn/original.atom")
    assert parsed.title == "原創 專欄"  # an HTML title becomes plain text
    assert parsed.language == "zh-CN"
    river, postman, market = parsed.articles
    assert river.link == "http://yuan.example.cn/original/2023/03/huanghe.html"
    assert postman.link == "http://yuan.example.cn/columns/postman.html"  # entry's own base
    assert market.link == "http://other.example.cn/night-market"
    assert market.title == "古城夜市重開"  # XHTML title flattened
    assert river.published == datetime(2023, 3, 17, 6, 0, tzinfo=CST)  # published wins
    assert postman.published == datetime(2023, 3, 16, 20, 0, tzinfo=UTC)  # else updated
    assert river.author == "周文"
    assert river.content_html.startswith("<p>清晨的灘區")
    assert river.summary_html == ""  # not a copy of the content
    assert river.text == "清晨的灘區，霧氣還沒有散去。\n\n新修的堤路上，已經有村民騎車趕集。"


def test_json_feed_reads_good_items_and_skips_bad_ones() -> None:
    parsed = parse_file("jsonfeed.json", "http://view.example.cn/feed.json")
    assert parsed.title == "直觀中國"
    assert parsed.language == "zh-Hans"
    assert [a.entry_id for a in parsed.articles] == ["view-301", "302", "view-305"]
    chart, cafe, bad_date = parsed.articles
    assert chart.author == "數據新聞組"
    assert chart.summary_html == "<p>春運數據一覽</p>"
    assert chart.published == datetime(2023, 3, 17, 8, 0, tzinfo=CST)
    assert cafe.link == "http://view.example.cn/2023/302.html"
    assert cafe.author == "陳小舟"
    assert cafe.published == datetime(2023, 3, 16, 21, 30, tzinfo=CST)
    assert cafe.content_html == (
        "<p>越來越多年輕人回到縣城開店。</p><p>他們說，房租低是最大的吸引力。</p>"
    )
    assert cafe.text.startswith("越來越多年輕人回到縣城開店。")
    assert bad_date.published is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": ', "broken JSON"),
        (b'{"title": "no items"}', "items"),
        (b"this is plain text, not a feed", "not a feed"),
    ],
)
def test_not_a_feed_is_a_readable_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, "http://x.example.cn/feed")


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_file("page.html")


def test_feed_without_items_is_fine() -> None:
    body = '<rss version="2.0"><channel><title>空頻道</title></channel></rss>'.encode()
    parsed = parse_feed(body, "http://x.example.cn/empty")
    assert parsed.title == "空頻道"
    assert parsed.articles == ()


# --- encodings ------------------------------------------------------------------


def test_gbk_feed_declared_gb2312() -> None:
    parsed = parse_file("gbk.xml")
    assert parsed.title == "河南日报 金融频道"
    assert parsed.articles[0].title == "省内首家县域数字银行网点在兰考开业"
    assert "王堃" in parsed.articles[0].text  # a GBK character outside GB2312


def test_gbk_feed_mislabelled_as_utf8() -> None:
    parsed = parse_feed(feed_bytes("gbk_labelled_utf8.xml"), "http://x/f", http_charset="utf-8")
    assert [a.title for a in parsed.articles] == [
        "省内首家县域数字银行网点在兰考开业",
        "一季度小微企业贷款余额稳步增长",
    ]


def test_big5_feed_with_hong_kong_characters() -> None:
    parsed = parse_file("big5_hk.xml")
    assert parsed.title == "香港街坊報"
    market, cafe = parsed.articles
    assert market.title == "深水埗街市翻新 街坊話啲檔口終於有冷氣"
    assert market.text == "有檔主話：「以前夏天熱到噉，而家舒服好多㗎。」"
    assert cafe.title == "茶餐廳老闆：呢度嘅奶茶三十年無變過"


def test_truncated_feed_cut_inside_a_character_keeps_complete_items() -> None:
    data = feed_bytes("truncated.xml")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really ends inside a character
    parsed = parse_feed(data, "http://news.example.cn/feeds/rss20.xml")
    assert [a.entry_id for a in parsed.articles] == ["zyc-1001", "zyc-1002"]
    assert parsed.articles[0].title == "鄭州至開封城際公交新線今日開通"


def test_truncated_atom_keeps_complete_entries() -> None:
    data = feed_bytes("atom_xmlbase.xml")
    cut = data.index("一位老郵遞員".encode())
    parsed = parse_feed(data[:cut], "http://feeds.example.cn/original.atom")
    assert [a.title for a in parsed.articles] == ["黃河灘區的春天"]


# --- dates ------------------------------------------------------------------


def test_chinese_and_naive_dates_use_the_configured_zone() -> None:
    parsed = parse_file("chinese_dates.xml")
    got = {a.title: a.published for a in parsed.articles}
    expected_local = datetime(2023, 3, 17, 8, 41, 51, tzinfo=CST)
    assert got["甲"] == expected_local  # 2023年03月17日 08:41:51 (feedparser alone: 1 Nov)
    assert got["乙"] == expected_local
    assert got["丙"] == datetime(2023, 3, 17, 8, 41, tzinfo=CST)
    assert got["丁"] == expected_local  # RFC 822 without a zone
    assert got["戊"] == expected_local  # 00:41:51 GMT is the same instant
    assert got["己"] == expected_local  # Java's Date.toString with CST
    assert got["庚"] is None
    assert all(d is None or d.tzinfo is not None for d in got.values())


def test_default_zone_is_configurable() -> None:
    parsed = parse_file("chinese_dates.xml", default_tz=UTC)
    got = {a.title: a.published for a in parsed.articles}
    assert got["甲"] == datetime(2023, 3, 17, 8, 41, 51, tzinfo=UTC)
    assert got["戊"] == datetime(2023, 3, 17, 0, 41, 51, tzinfo=UTC)  # explicit zone kept


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023年3月17日 下午2:05", datetime(2023, 3, 17, 14, 5, tzinfo=CST)),
        ("2023年03月17日 08时41分51秒", datetime(2023, 3, 17, 8, 41, 51, tzinfo=CST)),
        ("北京时间2023年03月17日 08:41", datetime(2023, 3, 17, 8, 41, tzinfo=CST)),
        ("2023-03-17T00:41:51Z", datetime(2023, 3, 17, 0, 41, 51, tzinfo=UTC)),
        ("2023.03.17", datetime(2023, 3, 17, tzinfo=CST)),
        ("Fri, 17 Mar 2023 08:41:51 -0500", datetime(2023, 3, 17, 13, 41, 51, tzinfo=UTC)),
        ("2023-02-30 08:00", None),
        ("昨天", None),
        ("", None),
    ],
)
def test_date_forms(raw: str, expected: datetime | None) -> None:
    assert parse_feed_date(raw, SHANGHAI) == expected


# --- ids, caps, hostile text ----------------------------------------------------


def test_ids_without_guid_or_link_are_stable_hashes() -> None:
    body = """<rss version="2.0"><channel><title>t</title>
    <item><title>只有標題的快訊一</title><pubDate>2023-03-17 08:00</pubDate></item>
    <item><title>只有標題的快訊二</title><pubDate>2023-03-17 08:00</pubDate></item>
    </channel></rss>""".encode()
    first = parse_feed(body, "http://x.example.cn/f")
    again = parse_feed(body, "http://x.example.cn/f")
    ids = [a.entry_id for a in first.articles]
    assert len(set(ids)) == 2
    assert ids == [a.entry_id for a in again.articles]
    assert all(i.startswith("sha1:") for i in ids)


def rss_with_items(count: int, date_of: object = None) -> bytes:
    items = []
    for i in range(count):
        date = (
            date_of(i)
            if callable(date_of)
            else datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
        )
        items.append(
            f"<item><title>第{i}條快訊</title><link>http://k.example.cn/{i}</link>"
            f"<pubDate>{date.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        )
    return (
        '<rss version="2.0"><channel><title>快訊</title>' + "".join(items) + "</channel></rss>"
    ).encode()


def test_cap_keeps_the_newest_in_feed_order() -> None:
    minutes = [5, 1, 9, 3, 7, 2]  # feed order is not date order
    body = rss_with_items(
        6, lambda i: datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes[i])
    )
    parsed = parse_feed(body, "http://k.example.cn/feed", max_items=3)
    assert [a.title for a in parsed.articles] == ["第0條快訊", "第2條快訊", "第4條快訊"]
    assert parsed.notice == "kept the newest 3 of 6 items"


@pytest.mark.slow
def test_fifty_thousand_items_are_capped() -> None:
    parsed = parse_feed(rss_with_items(50_000), "http://k.example.cn/feed", max_items=2000)
    assert len(parsed.articles) == 2000
    assert parsed.articles[0].title == "第48000條快訊"
    assert parsed.articles[-1].title == "第49999條快訊"
    assert parsed.notice == "kept the newest 2,000 of 50,000 items"


def test_control_and_bidi_characters_never_reach_titles() -> None:
    body = """<rss version="2.0"><channel><title>t&#x202E;x</title>
    <item><title>新聞&#x1b;[31m紅字&#x9b;2J&#x200F;標題</title><link>http://x.example.cn/1</link>
    <author>記者&#x7;甲</author></item></channel></rss>""".encode()
    parsed = parse_feed(body, "http://x.example.cn/f")
    assert parsed.title == "tx"
    article = parsed.articles[0]
    assert "\x1b" not in article.title and "\x9b" not in article.title
    assert "\u200f" not in article.title
    assert article.title.startswith("新聞") and article.title.endswith("標題")


BOMB_ENTITIES = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)


@pytest.mark.parametrize("separator", ["", "\n"])
def test_billion_laughs_neither_hangs_nor_blows_memory(separator: str) -> None:
    entities = separator.join(e + ">" for e in BOMB_ENTITIES.split(">")[:-1])
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{separator}{entities}{separator}]>\n'
        '<rss version="2.0"><channel><title>&a9;</title>'
        "<item><title>炸彈 &a9;</title><link>http://x.example.cn/1</link></item>"
        "</channel></rss>"
    ).encode()
    tracemalloc.start()
    try:
        parsed = parse_feed(body, "http://x.example.cn/f")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # fully expanded it would be 10 GB
    assert len(parsed.articles) == 1
    assert "哈哈哈" not in parsed.articles[0].title
    assert len(parsed.articles[0].title) < 100


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("機密內容", encoding="utf-8")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>外部&leak;實體</title><link>http://x.example.cn/1</link></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed(body, "http://x.example.cn/f")
    assert "機密" not in parsed.articles[0].title


def test_strip_doctype_removes_the_whole_internal_subset() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x "<b>]>">\n]>\n<rss/>'
    assert strip_doctype(text) == '<?xml version="1.0"?>\n\n<rss/>'
    assert strip_doctype("<rss><title>&lt;!DOCTYPE</title></rss>") == (
        "<rss><title>&lt;!DOCTYPE</title></rss>"
    )


def test_parse_feed_runs_in_a_process_pool() -> None:
    data = feed_bytes("rss20.xml")
    assert pickle.loads(pickle.dumps(parse_feed)) is parse_feed
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(parse_feed, data, "http://x.example.cn/f", default_tz=SHANGHAI)
        assert remote.result(timeout=60) == parse_feed(data, "http://x.example.cn/f")
