"""Feed text in the script the reader chose, feed by feed (per-feed overrides and regions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from reader.core.model import FeedConfig, Listing, ScriptMode, Variant
from reader.core.text.times import local_minute

if TYPE_CHECKING:
    from reader.core.config import Config


@dataclass
class ScriptView:
    """Converts feed text for display: the global mode, unless the feed overrides it.

    Conversion loads OpenCC on first use only, so building a ScriptView costs nothing."""

    mode: ScriptMode = "original"
    variant: Variant = "t"
    feeds: Mapping[str, FeedConfig] = field(default_factory=dict)
    languages: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def for_config(
        cls, config: Config, languages: Mapping[str, str | None], mode: ScriptMode | None = None
    ) -> ScriptView:
        """The view for `config`'s feeds in `mode` (the configured script when None), with each
        feed's declared language (by URL) as the cache recorded it."""
        feeds = {feed.url: feed for section in config.sections for feed in section.feeds}
        return cls(
            mode=mode or config.settings.script,
            variant=config.settings.traditional_variant,
            feeds=feeds,
            languages=languages,
        )

    def byline(self, item: Listing, zone: tzinfo | None = None) -> tuple[str, str, str]:
        """The article's time (to the minute, in `zone`), feed title and author for its header,
        each converted like the feed's text; empty strings for what it lacks."""
        author = self.text(item.author, item.feed_url) if item.author else ""
        return local_minute(item.published, zone), self.text(item.feed_title, item.feed_url), author

    def mode_for(self, feed_url: str | None) -> ScriptMode:
        feed = self.feeds.get(feed_url) if feed_url else None
        return feed.script if feed is not None and feed.script else self.mode

    def _context(self, feed_url: str | None) -> tuple[str | None, str | None]:
        feed = self.feeds.get(feed_url) if feed_url else None
        region = feed.region if feed is not None else None
        language = self.languages.get(feed_url) if feed_url else None
        return region, language

    def text(self, text: str, feed_url: str | None = None) -> str:
        mode = self.mode_for(feed_url)
        if mode == "original" or not text:
            return text
        from reader.core.script.convert import convert_text

        region, language = self._context(feed_url)
        return convert_text(text, mode, self.variant, region, language)

    def html(self, html: str, feed_url: str | None = None) -> str:
        mode = self.mode_for(feed_url)
        if mode == "original" or not html:
            return html
        from reader.core.script.convert import convert_html

        region, language = self._context(feed_url)
        return convert_html(html, mode, self.variant, region, language)

    def cached_text(self, text: str, feed_url: str | None = None) -> str | None:
        """`text` in the feed's script if that needs no conversion work (as published, or
        converted before and still cached), else None. Never loads or runs OpenCC."""
        mode = self.mode_for(feed_url)
        if mode == "original" or not text:
            return text
        from reader.core.script.convert import cached_text

        region, language = self._context(feed_url)
        return cached_text(text, mode, self.variant, region, language)
