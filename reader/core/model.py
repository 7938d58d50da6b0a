"""Plain data passed between the layers: feeds, articles, fetch results, stored rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Literal, NamedTuple

FetchStatus = Literal["ok", "not_modified", "failed"]
Region = Literal["cn", "tw", "hk"]
REGIONS: tuple[Region, ...] = ("cn", "tw", "hk")
# How feed text is shown: as published, 简体 or 繁體; and which 繁體 (OpenCC standard, Taiwan,
# Taiwan with phrases, Hong Kong).
ScriptMode = Literal["original", "hans", "hant"]
SCRIPT_MODES: tuple[ScriptMode, ...] = ("original", "hans", "hant")
Variant = Literal["t", "tw", "twp", "hk"]
VARIANTS: tuple[Variant, ...] = ("t", "tw", "twp", "hk")
UiLanguage = Literal["zh", "en"]
UI_LANGUAGES: tuple[UiLanguage, ...] = ("zh", "en")
# Most Chinese news is published in China's time: the zone for feed times given without one.
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One feed as the user configured it."""

    url: str
    title: str | None = None
    region: Region | None = None  # where the text comes from; None: from the feed's language
    full_text: bool = False  # fetch each new article's web page during refresh
    script: ScriptMode | None = None  # per-feed script override
    # Issue 17, only ever from the user's own config (never from OPML): a program that pipes
    # the downloaded body before parsing, and an HTTP basic login (the password never shown).
    filter: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    password_command: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A named, ordered group of feeds: one tab in the UI."""

    name: str
    feeds: tuple[FeedConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class Validators:
    """What we remember of a feed's last response to make the next one cheap."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # sha256 of the last body parsed; equal body -> skip parsing


@dataclass(frozen=True, slots=True)
class Article:
    """One feed entry, normalised; HTML is kept exactly as published."""

    feed_url: str
    entry_id: str  # stable and unique within the feed
    title: str
    link: str | None = None  # absolute http(s) only
    author: str | None = None
    published: datetime | None = None  # timezone-aware
    summary_html: str = ""
    content_html: str = ""

    @property
    def text(self) -> str:
        """Plain text of the content (else the summary), derived on use.

        Not a field: nothing on the refresh path reads it, and computing it for every parsed
        item made parsing slower and parse workers' results larger.
        """
        from reader.core.text.plain_fast import html_to_plain  # HTML parsing loads only if asked

        body = self.content_html or self.summary_html
        return html_to_plain(body) if body else ""


class RowValues(NamedTuple):
    """The values the cache derives from an article and stores with it."""

    digest: str  # a hash of every stored field, so an unchanged article costs no writes
    summary_blob: bytes  # the summary HTML, packed by the store's codec
    content_blob: bytes  # the content HTML, packed likewise
    # The search index words of the title and HTML, UTF-8 encoded: FTS5 reads a blob as UTF-8
    # text, so the bytes go from a parse worker into SQLite with no decoding and re-encoding.
    words: bytes
    # The keys under which same-story grouping looks for copies (store/stories/text.py).
    story_keys: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article as the cache writes it: the fields stored as they are, and the values derived
    from the rest (`stored`), computed where it was parsed so the store's writer only runs SQL.

    It carries no raw HTML (the packed bodies hold it), so a parse worker sends less back.
    Only `reader.core.store.prepare.prepare` makes one: values and fields always agree.
    """

    feed_url: str
    entry_id: str
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    stored: RowValues = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching one feed: new articles and validators, or a readable error."""

    url: str
    status: FetchStatus
    # Parsed articles; PreparedArticles when the parse worker also prepared them for the store.
    articles: tuple[Article | PreparedArticle, ...] = ()
    validators: Validators = field(default_factory=Validators)
    error: str | None = None
    feed_title: str | None = None
    language: str | None = None  # the feed's language tag, e.g. zh-TW
    http_status: int | None = None
    notice: str | None = None  # non-fatal remark, e.g. "kept 2,000 of 50,000 items"


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed as the cache knows it: where it belongs and how its last fetch went."""

    url: str
    section: str
    title: str | None  # configured title, else the feed's own
    validators: Validators
    last_status: FetchStatus | None
    last_error: str | None
    last_fetched: datetime | None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """An article as a list shows it: no bodies, cheap to page through."""

    id: int  # the cache's own id, stable for the life of the cache
    feed_url: str
    feed_title: str
    section: str
    title: str
    link: str | None
    author: str | None
    published: datetime | None  # timezone-aware (UTC)
    read: bool
    starred: bool
    # Set by the config's [[filter]] rules when a page is read (issue 15).
    hidden: bool = False  # a hide rule matches it (only `list --all` shows such articles)
    highlighted: bool = False  # a highlight rule matches it: the list colours its row
    # The same story from other feeds (stories/): its group, the other copies' ids, earliest
    # first, and the titles of the feeds they are from (not this article's own).
    story_id: int | None = None
    same_story: tuple[int, ...] = ()
    also_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What an article's web page says about its story (the portal's meta line and 原標題),
    kept beside the full text; None where the page says nothing."""

    source: str | None = None  # 來源
    author: str | None = None  # 作者/記者/通訊員
    editor: str | None = None  # 編輯
    chief_editor: str | None = None  # 責編/責任編輯
    published: datetime | None = None  # the page's own publish time, timezone-aware
    original_title: str | None = None  # 原標題

    def to_json(self) -> dict[str, str | None]:
        """A JSON-ready dict of every field; the time in ISO 8601 with the page's offset."""
        return {
            "source": self.source,
            "author": self.author,
            "editor": self.editor,
            "chief_editor": self.chief_editor,
            "published": self.published.isoformat() if self.published else None,
            "original_title": self.original_title,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageMeta:
        """Back from `to_json`'s dict; fields of the wrong type or a bad time count as absent."""

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        published: datetime | None = None
        if (moment := text("published")) is not None:
            try:
                published = datetime.fromisoformat(moment)
            except ValueError:
                published = None
        return cls(
            source=text("source"),
            author=text("author"),
            editor=text("editor"),
            chief_editor=text("chief_editor"),
            published=published if published and published.tzinfo else None,
            original_title=text("original_title"),
        )

    def display_line(self, zone: tzinfo | None = None) -> str:
        """The fields as one line with the portal's own 繁體 labels (來源 … · 編輯 … · 責編 …) and
        the time in `zone` (the computer's own when None), as the byline shows times; a ScriptView
        converts it like the feed's text. Empty when the page said nothing."""
        parts = [
            f"{label} {value}"
            for label, value in (
                ("來源", self.source),
                ("作者", self.author),
                ("編輯", self.editor),
                ("責編", self.chief_editor),
            )
            if value
        ]
        if self.published:
            parts.append(self.published.astimezone(zone).strftime("%Y-%m-%d %H:%M"))
        if self.original_title:
            parts.append(f"原標題 {self.original_title}")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article with everything needed to read it."""

    listing: Listing
    summary_html: str
    content_html: str
    text: str
    full_html: str | None = None  # the story extracted from the web page, when fetched
    language: str | None = None
    page_meta: PageMeta | None = None  # what the web page said about the story, with full_html

    def shown_html(self, full_text: bool = True) -> str:
        """The HTML to show: the web page's story when asked for and stored, else the feed's."""
        if full_text and self.full_html:
            return self.full_html
        return self.content_html or self.summary_html

    def shown_page_meta(self, full_text: bool = True) -> PageMeta | None:
        """The web page's meta when its story is what `shown_html` gives, else None."""
        return self.page_meta if full_text and self.full_html else None


@dataclass(frozen=True, slots=True)
class ArticleMark:
    """An article's read and star state by feed URL and GUID: what carries marks between caches
    (`reader export --state`, issue 17)."""

    feed_url: str
    entry_id: str
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class MarksImported:
    """What importing marks did: articles changed, already so, and not in this cache."""

    changed: int
    unchanged: int
    unknown: int
