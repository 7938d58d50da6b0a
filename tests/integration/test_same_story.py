"""The same story from several feeds shown once (issue 15): grouping at store time on real SQLite
files, its negatives, the list's one row, reading one copy reads all, schema 4 -> 5.

The texts are our own, written for these tests, in both scripts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators
from reader.core.store.database import Store
from reader.core.store.schema import SCHEMA_VERSION
from reader.core.store.stories.text import same_story, story_keys, story_lead

NOW = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)
WIRE = "http://127.0.0.1/wire.xml"
PORTAL = "http://127.0.0.1/portal.xml"
RADIO = "http://127.0.0.1/radio.xml"
SECTIONS = [
    Section("要聞", (FeedConfig(WIRE, title="新華通稿"), FeedConfig(PORTAL, title="中原熱線"))),
    Section("國際", (FeedConfig(RADIO, title="國際在線"),)),
]

# A wire story (简体) and its copy on a portal (繁體, its own dateline, a sentence shorter).
RENEWAL = (
    "新华社郑州3月17日电（记者 王小明）河南省郑州市17日启动新一轮城市更新行动，计划在三年内改造"
    "老旧小区四百个，新建口袋公园一百二十座。郑州市住房和城乡建设局负责人介绍，此次行动将优先解决"
    "加装电梯、停车难和雨污分流等居民反映集中的问题，改造资金由市区两级财政共同承担。据了解，首批"
    "五十个小区已于本月开工，预计年底前全部完工。市民李女士表示，小区改造后出行方便多了。"
)
RENEWAL_HANT = (
    "中原熱線訊 河南省鄭州市17日啟動新一輪城市更新行動，計劃在三年內改造老舊小區四百個，新建口袋"
    "公園一百二十座。鄭州市住房和城鄉建設局負責人介紹，此次行動將優先解決加裝電梯、停車難和雨污"
    "分流等居民反映集中的問題，改造資金由市區兩級財政共同承擔。據了解，首批五十個小區已於本月開工，"
    "預計年底前全部完工。"
)
# Hard negatives: the same official in two cities on two days; yesterday's story followed up;
# one template with other figures.
LUOYANG = (
    "省委书记张明17日在洛阳市调研文旅产业发展。他先后来到龙门石窟、洛阳博物馆和老城十字街，详细了解"
    "景区客流、文物保护和夜间经济情况。张明强调，要深入挖掘历史文化资源，推动文旅融合高质量发展，"
    "让更多游客走进洛阳、爱上洛阳。"
)
KAIFENG = (
    "省委書記張明18日在開封市調研文旅產業發展。他先後來到清明上河園、開封府和鼓樓夜市，詳細了解"
    "景區客流、非遺傳承和夜間經濟情況。張明強調，要深入挖掘歷史文化資源，推動文旅融合高質量發展，"
    "讓更多遊客走進開封、愛上開封。"
)
FOLLOW_UP = (
    "记者18日从郑州市住房和城乡建设局获悉，郑州17日启动的城市更新行动首周已有十二个小区完成电梯加装"
    "招标。负责人说，此次行动将优先解决加装电梯、停车难和雨污分流等居民反映集中的问题。目前已收到"
    "居民意见三千余条，相关部门将逐条研究答复。"
)
PRICES_OCT = (
    "国家统计局今天发布数据，10月份全国居民消费价格同比上涨0.2%，环比下降0.1%。其中，城市上涨0.3%，"
    "农村持平；食品价格下降2.9%，非食品价格上涨0.9%。"
)
PRICES_NOV = (
    "國家統計局今天發布數據，11月份全國居民消費價格同比上漲0.5%，環比上漲0.2%。其中，城市上漲0.6%，"
    "農村上漲0.1%；食品價格下降1.2%，非食品價格上漲1.1%。"
)


# Two items of one short template that differ only in their numbers.
ITEM_3 = "本報訊：鄭州地鐵新線通車（3-0），市民反應熱烈。第3號來源第0則。"
ITEM_9 = "本報訊：鄭州地鐵新線通車（9-0），市民反應熱烈。第9號來源第0則。"


def lead(text: str) -> str:
    return story_lead(text)


@pytest.mark.parametrize(
    ("first", "second"),
    [(RENEWAL, RENEWAL_HANT), (RENEWAL_HANT, RENEWAL), (PRICES_OCT, PRICES_OCT)],
)
def test_copies_in_either_script_are_the_same_story(first: str, second: str) -> None:
    assert same_story(lead(first), lead(second))
    assert len(set(story_keys("", first)) & set(story_keys("", second))) >= 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (LUOYANG, KAIFENG),
        (RENEWAL, FOLLOW_UP),
        (PRICES_OCT, PRICES_NOV),
        (ITEM_3, ITEM_9),
        (RENEWAL, LUOYANG),
    ],
    ids=[
        "same official, two cities",
        "yesterday's follow-up",
        "other figures",
        "one template, other numbers",
        "unrelated",
    ],
)
def test_different_events_in_similar_words_stay_apart(first: str, second: str) -> None:
    assert not same_story(lead(first), lead(second))


def article(feed: str, entry: str, title: str, text: str, hours_ago: float = 1.0) -> Article:
    return Article(
        feed_url=feed,
        entry_id=entry,
        title=title,
        link=f"{feed}/{entry}",
        published=NOW - timedelta(hours=hours_ago),
        content_html=f"<p>{text}</p>",
    )


def ok(feed: str, *articles: Article) -> FetchResult:
    return FetchResult(url=feed, status="ok", articles=articles, validators=Validators(etag='"1"'))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "cache.sqlite3")
    opened.sync_feeds(SECTIONS)
    return opened


def ids_by_entry(store: Store) -> dict[str, int]:
    listings = store.listings(None, limit=100, one_row_per_story=False)
    return {listing.link.rsplit("/", 1)[1]: listing.id for listing in listings if listing.link}


def test_a_copy_from_another_feed_joins_the_story_and_the_list_shows_it_once(store: Store) -> None:
    store.record_fetch(ok(WIRE, article(WIRE, "w1", "郑州启动城市更新", RENEWAL, 3)), NOW)
    store.record_fetches(
        [
            ok(PORTAL, article(PORTAL, "p1", "鄭州城市更新啟動", RENEWAL_HANT, 2)),
            ok(RADIO, article(RADIO, "r1", "郑州城市更新", RENEWAL, 1)),
        ],
        NOW,
    )
    ids = ids_by_entry(store)
    rows = store.listings(None, limit=100)
    assert [row.id for row in rows] == [ids["w1"]]  # the earliest copy stands for the story
    assert rows[0].same_story == (ids["p1"], ids["r1"])
    assert rows[0].also_in == ("中原熱線", "國際在線")
    # In each section the story is one row; counts count it once.
    assert [row.id for row in store.listings("國際")] == [ids["r1"]]
    assert store.unread_counts() == {"要聞": 1, "國際": 1}
    assert store.count(None) == 1 and store.count("要聞", unread_only=True) == 1
    # Every copy knows the others; `--all` lists every copy.
    copy = store.article(ids["p1"])
    assert copy is not None and copy.listing.same_story == (ids["w1"], ids["r1"])
    assert len(store.listings(None, one_row_per_story=False)) == 3


def test_reading_one_copy_reads_every_copy_through_the_outbox(store: Store) -> None:
    store.set_sync_service("ttrss")
    store.record_fetches(
        [
            ok(WIRE, article(WIRE, "w1", "郑州启动城市更新", RENEWAL, 3)),
            ok(PORTAL, article(PORTAL, "p1", "鄭州城市更新啟動", RENEWAL_HANT, 2)),
        ],
        NOW,
    )
    ids = ids_by_entry(store)
    store.set_read([ids["p1"]], True)
    assert all(row.read for row in store.listings(None, one_row_per_story=False))
    assert {change.remote_id for change in store.pending_changes()} == {"w1", "p1"}
    # A copy arriving after the story was read arrives read (and queued).
    store.record_fetch(ok(RADIO, article(RADIO, "r1", "郑州城市更新", RENEWAL, 1)), NOW)
    assert store.unread_counts() == {"要聞": 0, "國際": 0}
    assert "r1" in {change.remote_id for change in store.pending_changes()}


@pytest.mark.parametrize(
    ("second_feed", "hours_apart", "text"),
    [
        (WIRE, 1, RENEWAL_HANT),  # the same feed twice: not grouped (other feeds only)
        (PORTAL, 24 * 5, RENEWAL_HANT),  # outside the three-day window
        (PORTAL, 1, FOLLOW_UP),
        (PORTAL, 1, KAIFENG),
    ],
    ids=["same feed", "outside the window", "follow-up", "unrelated"],
)
def test_articles_that_are_not_copies_stay_alone(
    store: Store, second_feed: str, hours_apart: float, text: str
) -> None:
    store.record_fetch(ok(WIRE, article(WIRE, "w1", "郑州启动城市更新", RENEWAL, 1)), NOW)
    later = article(second_feed, "x2", "另一篇", text, 1 + hours_apart)
    store.record_fetch(ok(second_feed, later), NOW)
    rows = store.listings(None, limit=100)
    assert len(rows) == 2
    assert all(row.same_story == () and row.also_in == () for row in rows)


def test_a_refresh_with_nothing_similar_leaves_same_story_empty(store: Store) -> None:
    store.record_fetches(
        [
            ok(WIRE, article(WIRE, "w1", "城市更新", RENEWAL, 1)),
            ok(PORTAL, article(PORTAL, "p1", "文旅", LUOYANG, 2)),
            ok(RADIO, article(RADIO, "r1", "物价", PRICES_OCT, 3)),
        ],
        NOW,
    )
    rows = store.listings(None, limit=100)
    assert len(rows) == 3 and all(row.same_story == () for row in rows)


# A notice that leads every article of a site: one clause of 8+ characters, a key in each.
NOTICE = "本网站所刊登的各种新闻信息均来自合作媒体，转载请注明来源。"


def test_a_clause_in_every_article_becomes_one_boilerplate_mark_and_groups_nothing(
    store: Store, tmp_path: Path
) -> None:
    notices = [
        article(WIRE, f"n{n}", f"公告{n}", f"{NOTICE}第{n}号通知：请各单位于本周内报送材料{n}份。")
        for n in range(21)
    ]
    store.record_fetch(ok(WIRE, *notices), NOW)
    store.record_fetches(
        [
            ok(PORTAL, article(PORTAL, "p1", "鄭州城市更新啟動", NOTICE + RENEWAL_HANT, 2)),
            ok(RADIO, article(RADIO, "r1", "郑州城市更新", NOTICE + RENEWAL, 1)),
        ],
        NOW,
    )
    # The notice's key is one mark (article 0), stored once, never again with an article.
    notice_key = story_keys("", NOTICE)[0]
    raw = sqlite3.connect(tmp_path / "cache.sqlite3")
    rows = raw.execute("SELECT article_id FROM story_keys WHERE key = ?", (notice_key,)).fetchall()
    raw.close()
    assert rows == [(0,)]
    # The copies still group on their other clauses; the notices, alike only in it, stay alone.
    ids = ids_by_entry(store)
    grouped = {row.id: row.same_story for row in store.listings(None, limit=100) if row.same_story}
    assert grouped == {ids["p1"]: (ids["r1"],)}  # the earlier copy stands for the story


def test_a_version_4_cache_opens_loses_nothing_and_groups_its_recent_articles(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store:
        store.sync_feeds(SECTIONS)
        store.record_fetches(
            [
                ok(WIRE, article(WIRE, "w1", "郑州启动城市更新", RENEWAL, 3)),
                ok(PORTAL, article(PORTAL, "p1", "鄭州城市更新啟動", RENEWAL_HANT, 2)),
                ok(RADIO, article(RADIO, "r1", "物价", PRICES_OCT, 1)),
            ],
            NOW,
        )
        store.set_read([ids_by_entry(store)["r1"]], True)
    # Take the file back to what version 4 wrote.
    raw = sqlite3.connect(path)
    raw.execute("DROP TABLE story_keys")
    raw.execute("DROP INDEX articles_by_story")
    raw.execute("ALTER TABLE articles DROP COLUMN story_id")
    raw.execute("PRAGMA user_version = 4")
    raw.commit()
    raw.close()
    with Store.open(path) as store:
        rows = store.listings(None, limit=100, one_row_per_story=False)
        assert len(rows) == 3
        by_entry = {row.link.rsplit("/", 1)[1]: row for row in rows if row.link}
        assert by_entry["r1"].read and not by_entry["w1"].read
        assert by_entry["w1"].same_story == (by_entry["p1"].id,)
        assert store.article(by_entry["p1"].id) is not None
        assert len(store.search("郑州")) == 2
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()
