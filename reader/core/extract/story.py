"""The whole story from a news web page: text, photos with captions, and the portal's metadata.

`extract_story` turns page bytes into a `Story` (decoding, main-text extraction, then our
own layer: boilerplate line filter, meta-line parser, publish-time finder). `fetch_page`
downloads a page through a backend session, under the same limits as feeds.
"""

from __future__ import annotations

import html as html_escaping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html

from reader.core.backends.base import FeedSession, FetchFailed
from reader.core.extract.blocks import Block, parse_page, story_blocks, visible_lines
from reader.core.extract.boilerplate import trim_boilerplate
from reader.core.extract.meta import (
    MetaFields,
    find_published,
    is_meta_line,
    meta_near_title,
    parse_credit,
    parse_machine_date,
    parse_meta_line,
    parse_original_title,
)
from reader.core.feeds.decode import decode_html
from reader.core.model import DEFAULT_TIMEZONE, PageMeta

__all__ = ["ExtractError", "Image", "Story", "extract_story", "fetch_page"]

_TITLE_SEPARATORS = ("_", "|", "｜", " - ", " – ", " — ", "-", "—")
_MACHINE_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:release_date", "pubdate",
    "publishdate", "publish_date", "publish-date", "publishtime", "publish_time", "datepublished",
    "dc.date.issued", "dc.date", "dcterms.created", "sailthru.date", "weibo:article:create_at",
)  # fmt: skip
_MIN_STORY_CHARS = 20
_CHINA_TIME = ZoneInfo(DEFAULT_TIMEZONE)


class ExtractError(Exception):
    """A page could not be fetched or holds no story; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Image:
    """A photo of the story and its caption, when it has one."""

    url: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """The story of a page: what a reader shows instead of the feed's summary."""

    url: str | None
    title: str | None
    published: datetime | None  # timezone-aware
    source: str | None  # 來源/来源
    author: str | None  # 作者/記者/通訊員
    editor: str | None  # 編輯
    body: str  # paragraphs separated by a blank line; captions are paragraphs too
    images: tuple[Image, ...] = ()
    chief_editor: str | None = None  # 責編/責任編輯
    original_title: str | None = None  # 原標題: the headline the story first ran under

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: url, title, published (ISO 8601 with offset), source, ..."""
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "author": self.author,
            "editor": self.editor,
            "chief_editor": self.chief_editor,
            "original_title": self.original_title,
            "body": self.body,
            "images": [{"url": image.url, "caption": image.caption} for image in self.images],
        }

    def page_meta(self) -> PageMeta:
        """What the page says about the story, as the cache keeps it beside the body."""
        return PageMeta(
            source=self.source,
            author=self.author,
            editor=self.editor,
            chief_editor=self.chief_editor,
            published=self.published,
            original_title=self.original_title,
        )

    def to_html(self) -> str:
        """A clean HTML fragment (<p>, <figure>) of the body, every piece of text escaped.

        A captioned photo stands where its caption paragraph is; photos without a caption
        follow the first paragraph.
        """
        by_caption = {image.caption: image for image in self.images if image.caption}
        uncaptioned = [image for image in self.images if not image.caption]
        parts: list[str] = []
        for paragraph in self.body.split("\n\n"):
            if not paragraph:
                continue
            image = by_caption.pop(paragraph, None)
            if image is not None:
                parts.append(_figure_html(image))
            else:
                parts.append(f"<p>{html_escaping.escape(paragraph)}</p>")
            if uncaptioned and len(parts) == 1:
                parts.extend(_figure_html(extra) for extra in uncaptioned)
                uncaptioned = []
        parts.extend(_figure_html(image) for image in [*uncaptioned, *by_caption.values()])
        return "\n".join(parts)


def extract_story(
    data: bytes,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    default_tz: tzinfo = _CHINA_TIME,
) -> Story:
    """Extract the story from page bytes; raise ExtractError when there is none."""
    page_text = decode_html(data, http_charset)
    root = parse_page(page_text)
    base_url = _canonical_base(root, url)
    title = _find_title(root)
    lines = visible_lines(root)
    blocks = story_blocks(page_text, root, base_url)

    fields = meta_near_title(lines, title, default_tz)
    original_title: str | None = None
    story_parts: list[Block] = []
    for block in blocks:
        if block.text and is_meta_line(block.text):
            fields = fields.merged_with(parse_meta_line(block.text, default_tz))
        elif block.text and title and block.text.strip() == title.strip():
            continue
        elif block.text and original_title is None and parse_original_title(block.text):
            original_title = parse_original_title(block.text)  # shown with the meta, not twice
        else:
            story_parts.append(block)
    story_parts = trim_boilerplate(story_parts, lambda block: block.text)
    texts = [block.text for block in story_parts if block.text]
    if sum(len(text) for text in texts) < _MIN_STORY_CHARS:
        raise ExtractError("no story found on the page")
    if fields.author is None:
        credits = (parse_credit(text) for text in reversed(texts[-3:]))
        fields = fields.merged_with(MetaFields(author=next((c for c in credits if c), None)))
    machine_dates = _machine_dates(root, default_tz)
    published = find_published(lines, title, machine_dates, default_tz)
    return Story(
        url=url,
        title=title,
        published=published or fields.published,
        source=fields.source,
        author=fields.author or _meta_content(root, "author"),
        editor=fields.editor,
        body="\n\n".join(texts),
        images=tuple(
            Image(block.image_url, block.caption) for block in story_parts if block.image_url
        ),
        chief_editor=fields.chief_editor,
        original_title=original_title,
    )


async def fetch_page(url: str, session: FeedSession) -> tuple[bytes, str | None, str]:
    """Download a page: (body, HTTP charset, final URL). Raise ExtractError on any failure.

    The session is a feed backend's, so pages get the same limits as feeds: http(s) only at
    every redirect hop, a total deadline, a size cap on the decompressed body."""
    try:
        page = await session.fetch_page(url)
    except FetchFailed as failure:
        raise ExtractError(f"{url}: {failure.message}") from None
    return page.body, page.charset, page.url


def _find_title(root: lxml.html.HtmlElement) -> str | None:
    """The headline: an <h1>/<h2> found in <title>, else og:title, else <title>'s first part."""
    page_title = " ".join((root.findtext(".//title") or "").split())
    og_title = _meta_content(root, "og:title")
    for tag in ("h1", "h2"):
        for heading in root.iter(tag):
            text = " ".join(heading.text_content().split())
            if len(text) >= 4 and (text in page_title or (og_title and text in og_title)):
                return text
    if og_title:
        return og_title
    if not page_title:
        return None
    for separator in _TITLE_SEPARATORS:
        if separator in page_title:
            head = page_title.split(separator)[0].strip()
            if len(head) >= 4:
                return head
    return page_title


def _meta_content(root: lxml.html.HtmlElement, key: str) -> str | None:
    for meta in root.iter("meta"):
        names = (meta.get("name"), meta.get("property"), meta.get("itemprop"))
        if any(name and name.strip().lower() == key for name in names):
            value = " ".join(str(meta.get("content") or "").split())
            if value:
                return value
    return None


def _machine_dates(root: lxml.html.HtmlElement, default_tz: tzinfo) -> list[datetime]:
    found: list[datetime] = []
    for key in _MACHINE_DATE_KEYS:
        parsed = parse_machine_date(_meta_content(root, key), default_tz)
        if parsed:
            found.append(parsed)
    for time_element in root.iter("time"):
        parsed = parse_machine_date(time_element.get("datetime"), default_tz)
        if parsed:
            found.append(parsed)
    return found


def _canonical_base(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The page's own URL, else its <base href>: images are resolved against it."""
    base: str | None = next((str(b.get("href")) for b in root.iter("base") if b.get("href")), None)
    if url and base:
        return urljoin(url, base)
    return url or base


def _figure_html(image: Image) -> str:
    source = html_escaping.escape(image.url, quote=True)
    caption = (
        f"<figcaption>{html_escaping.escape(image.caption)}</figcaption>" if image.caption else ""
    )
    return f'<figure><img src="{source}" alt="">{caption}</figure>'
