"""The demo content as a news portal serves it: RSS, Atom, JSON Feed, article pages, PNG photos.

XML is built with ElementTree and text goes through html.escape: content never becomes markup."""

from __future__ import annotations

import hashlib
import html
import json
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache

from reader.demo.content import DemoArticle, DemoContent, DemoFeed, body_html

CHINA_TIME = timezone(timedelta(hours=8))
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class _PageChrome:
    """The words around a story on a portal page, in one script."""

    home: str
    here: str
    body: str
    source: str
    editor: str
    duty: str
    original: str
    reporter: str
    duty_full: str
    related: str
    hot: str
    share: str
    shares: tuple[str, ...]
    top: tuple[str, ...]
    footer: tuple[str, ...]
    copyright: str
    licence: str


# Both scripts, so the Simplified feed's pages look like a mainland portal's.
_TRADITIONAL_CHROME = _PageChrome(
    home="首頁",
    here="當前位置：",
    body="正文",
    source="來源: ",
    editor="編輯: ",
    duty="責編: ",
    original="原標題：",
    reporter="記者",
    duty_full="責任編輯",
    related="相關新聞",
    hot="熱點排行",
    share="分享到：",
    shares=("微信", "微博", "QQ空間", "複製連結"),
    top=("登錄", "註冊", "手機版", "無障礙"),
    footer=("關於我們", "聯繫我們", "廣告服務", "網站地圖", "違法和不良信息舉報"),
    copyright=(
        "版權聲明：凡註明「來源：{portal}」或「來源：{source}」的所有文字、圖片、音視頻等"
        "作品，版權均屬{portal}及相關權利人所有，未經授權不得轉載、摘編、複製或以其他方式"
        "使用上述作品。已經本網書面授權使用作品的，應在授權範圍內使用，並註明「來源：{portal}」。"
        "違反上述聲明者，本網將依法追究其相關法律責任。凡本網註明「來源：XXX（非本網）」的"
        "作品，均轉載自其他媒體，轉載目的在於傳遞更多信息，並不代表本網贊同其觀點和對其真實性"
        "負責。如因作品內容、版權和其他問題需要同本網聯繫的，請在作品發表之日起三十日內進行。"
    ),
    licence=(
        "互聯網新聞信息服務許可證編號：41120260017　{icp}　違法和不良信息舉報電話：0371-00000000"
    ),
)
_SIMPLIFIED_CHROME = _PageChrome(
    home="首页",
    here="当前位置：",
    body="正文",
    source="来源: ",
    editor="编辑: ",
    duty="责编: ",
    original="原标题：",
    reporter="记者",
    duty_full="责任编辑",
    related="相关新闻",
    hot="热点排行",
    share="分享到：",
    shares=("微信", "微博", "QQ空间", "复制链接"),
    top=("登录", "注册", "手机版", "无障碍"),
    footer=("关于我们", "联系我们", "广告服务", "网站地图", "违法和不良信息举报"),
    copyright=(
        "版权声明：凡注明“来源：{portal}”或“来源：{source}”的所有文字、图片、音视频等"
        "作品，版权均属{portal}及相关权利人所有，未经授权不得转载、摘编、复制或以其他方式"
        "使用上述作品。已经本网书面授权使用作品的，应在授权范围内使用，并注明“来源：{portal}”。"
        "违反上述声明者，本网将依法追究其相关法律责任。凡本网注明“来源：XXX（非本网）”的"
        "作品，均转载自其他媒体，转载目的在于传递更多信息，并不代表本网赞同其观点和对其真实性"
        "负责。如因作品内容、版权和其他问题需要同本网联系的，请在作品发表之日起三十日内进行。"
    ),
    licence=(
        "互联网新闻信息服务许可证编号：41120260017　{icp}　违法和不良信息举报电话：0371-00000000"
    ),
)


def article_url(base_url: str, article: DemoArticle) -> str:
    """Where the article's own web page is served."""
    return f"{base_url}/articles/{article.article_id}.html"


def _newest_first(feed: DemoFeed) -> list[DemoArticle]:
    return sorted(feed.articles, key=lambda article: article.hours_ago)


def feed_updated(feed: DemoFeed, anchor: datetime) -> datetime:
    """The time of the feed's newest article: its Last-Modified and updated stamp."""
    return max(article.published(anchor) for article in feed.articles).astimezone(CHINA_TIME)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def rss_document(feed: DemoFeed, section: str, base_url: str, anchor: datetime) -> bytes:
    """An RSS 2.0 document; full stories go in content:encoded, photos in enclosures."""
    # Namespaces are declared as attributes and used as literal prefixes, so nothing touches
    # ElementTree's process-wide prefix registry.
    rss = ET.Element(
        "rss",
        {
            "version": "2.0",
            "xmlns:content": _CONTENT_NS,
            "xmlns:dc": _DC_NS,
            "xmlns:atom": _ATOM_NS,
        },
    )
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", f"{base_url}/")
    _sub(channel, "description", feed.description)
    _sub(channel, "language", feed.language)
    _sub(channel, "lastBuildDate", format_datetime(feed_updated(feed, anchor)))
    _sub(channel, "generator", "reader demo server")
    _sub(channel, "atom:link", href=base_url + feed.path, rel="self", type="application/rss+xml")
    for article in _newest_first(feed):
        item = _sub(channel, "item")
        link = article_url(base_url, article)
        _sub(item, "title", article.title)
        _sub(item, "link", link)
        _sub(item, "guid", link, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(article.published(anchor).astimezone(CHINA_TIME)))
        _sub(item, "dc:creator", article.author)
        _sub(item, "category", section)
        _sub(item, "description", article.summary)
        if not feed.summary_only:
            _sub(item, "content:encoded", body_html(article.body, base_url))
        for name, _caption in article.photos()[:1]:
            _sub(
                item,
                "enclosure",
                url=f"{base_url}/images/{name}",
                type="image/png",
                length=str(len(demo_png(name))),
            )
    return _xml_bytes(rss, feed.feed_charset)


def atom_document(feed: DemoFeed, section: str, base_url: str, anchor: datetime) -> bytes:
    """An Atom 1.0 document; summary-only feeds have no <content>."""
    root = ET.Element("feed", {"xmlns": _ATOM_NS, _XML_LANG: feed.language})
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", feed.description)
    _sub(root, "id", base_url + feed.path)
    _sub(root, "updated", feed_updated(feed, anchor).isoformat())
    _sub(root, "link", rel="self", href=base_url + feed.path)
    _sub(root, "link", rel="alternate", href=f"{base_url}/")
    _sub(_sub(root, "author"), "name", feed.source)
    for article in _newest_first(feed):
        entry = _sub(root, "entry")
        published = article.published(anchor).astimezone(CHINA_TIME).isoformat()
        _sub(entry, "id", f"tag:demo.reader,2026:{article.article_id}")
        _sub(entry, "title", article.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=article_url(base_url, article))
        _sub(entry, "published", published)
        _sub(entry, "updated", published)
        _sub(_sub(entry, "author"), "name", article.author)
        _sub(entry, "category", term=section)
        _sub(entry, "summary", article.summary, type="text")
        if not feed.summary_only:
            _sub(entry, "content", body_html(article.body, base_url), type="html")
    return _xml_bytes(root, feed.feed_charset)


def json_feed_document(feed: DemoFeed, section: str, base_url: str, anchor: datetime) -> bytes:
    """A JSON Feed 1.1 document (always UTF-8, as the format requires)."""
    items = []
    for article in _newest_first(feed):
        item: dict[str, object] = {
            "id": article.article_id,
            "url": article_url(base_url, article),
            "title": article.title,
            "summary": article.summary,
            "date_published": article.published(anchor).astimezone(CHINA_TIME).isoformat(),
            "authors": [{"name": article.author}],
            "tags": [section],
        }
        if feed.summary_only:
            item["content_text"] = article.summary
        else:
            item["content_html"] = body_html(article.body, base_url)
        photos = article.photos()
        if photos:
            item["image"] = f"{base_url}/images/{photos[0][0]}"
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": f"{base_url}/",
        "feed_url": base_url + feed.path,
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.source}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _xml_bytes(root: ET.Element, charset: str) -> bytes:
    """Serialise with a declaration; characters outside the charset become references."""
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    declaration = f'<?xml version="1.0" encoding="{charset.upper()}"?>\n'
    return (declaration + text + "\n").encode(charset, errors="xmlcharrefreplace")


def article_page(
    content: DemoContent,
    feed: DemoFeed,
    section: str,
    article: DemoArticle,
    base_url: str,
    anchor: datetime,
) -> bytes:
    """A portal article page with all the clutter a real one has around the story."""
    words = _SIMPLIFIED_CHROME if feed.simplified else _TRADITIONAL_CHROME
    portal = content.portal_name_hans if feed.simplified else content.portal_name
    esc = html.escape
    published = article.published(anchor).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
    nav = "".join(
        f'<li><a href="/#{esc(other.name)}">{esc(other.name)}</a></li>'
        for other in content.sections
    )
    related = "".join(
        f'<li><a href="/articles/{esc(other.article_id)}.html">{esc(other.title)}</a></li>'
        for other in _newest_first(feed)
        if other is not article
    )
    hot = "".join(
        f'<li><a href="/articles/{esc(other.articles[0].article_id)}.html">'
        f"{esc(other.articles[0].title)}</a></li>"
        for other in content.feeds()
        if other is not feed
    )
    original = article.original_title or article.title
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(feed.language)}">',
        "<head>",
        f'<meta charset="{esc(feed.page_charset)}">',
        f"<title>{esc(article.title)}_{esc(section)}_{esc(portal)}</title>",
        f'<meta name="description" content="{esc(article.summary)}">',
        f'<meta name="author" content="{esc(article.author)}">',
        f'<meta name="publishdate" content="{published}">',
        '<link rel="stylesheet" href="/static/article.css">',
        "</head>",
        "<body>",
        '<div class="topbar">' + "".join(f'<a href="/">{esc(w)}</a>' for w in words.top) + "</div>",
        f'<div class="logo"><a href="/">{esc(portal)}</a></div>',
        f'<div class="nav"><ul><li><a href="/">{esc(words.home)}</a></li>{nav}</ul></div>',
        f'<div class="crumbs">{esc(words.here)}<a href="/">{esc(words.home)}</a> &gt; '
        f'<a href="/#{esc(section)}">{esc(section)}</a> &gt; {esc(words.body)}</div>',
        '<div class="main"><div class="article">',
        f"<h1>{esc(article.title)}</h1>",
        f'<div class="info"><span class="time">{published}</span>'
        f'<span class="source">{esc(words.source)}{esc(feed.source)}</span>'
        f'<span class="editor">{esc(words.editor)}{esc(feed.editor)}</span>'
        f'<span class="duty">{esc(words.duty)}{esc(feed.duty_editor)}</span></div>',
        '<div class="share">'
        + esc(words.share)
        + "".join(f'<a href="#" class="share-btn">{esc(w)}</a>' for w in words.shares)
        + "</div>",
        '<div class="content" id="content">',
        f'<p class="original-title">{esc(words.original)}{esc(original)}</p>',
        body_html(article.body, ""),
        f'<p class="reporter">（{esc(words.reporter)} {esc(article.author)}）</p>',
        "</div>",
        f'<div class="duty-editor">[{esc(words.duty_full)}：{esc(feed.duty_editor)}]</div>',
        '<div class="share share-bottom">'
        + esc(words.share)
        + "".join(f'<a href="#" class="share-btn">{esc(w)}</a>' for w in words.shares)
        + "</div>",
        f'<div class="related"><h3>{esc(words.related)}</h3><ul>{related}</ul></div>',
        "</div>",
        f'<div class="sidebar"><h3>{esc(words.hot)}</h3><ol>{hot}</ol></div>',
        "</div>",
        '<div class="copyright"><p>'
        + esc(words.copyright.format(portal=portal, source=feed.source))
        + "</p></div>",
        '<div class="footer"><p>'
        + "　|　".join(f'<a href="/">{esc(w)}</a>' for w in words.footer)
        + "</p>",
        f"<p>{esc(words.licence.format(icp=content.icp_number))}</p>",
        f"<p>Copyright © 2026 {esc(portal)} All Rights Reserved</p></div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines).encode(feed.page_charset, errors="xmlcharrefreplace")


@cache
def demo_png(name: str, width: int = 96, height: int = 64) -> bytes:
    """A small, deterministic gradient PNG whose colours come from the file name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    red, green, blue = digest[0], digest[1], digest[2]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        shade = y * 96 // height
        for x in range(width):
            rows += bytes(((red + shade) % 256, (green + x) % 256, (blue + shade // 2) % 256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )
