"""The demo's own news content: sections, feeds and articles loaded from the package data.

Articles are written in a small block format (data/README.md) with dates as "hours ago", so the
Chinese text stays easy to write and the demo always looks fresh.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal

FeedFormat = Literal["rss", "atom", "json"]

_HEADER_KEYS = {"title", "hours_ago", "author", "summary", "original_title"}
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One article as written for the demo; `body` uses the block format, not HTML."""

    article_id: str
    title: str
    hours_ago: float
    author: str
    summary: str
    body: str
    original_title: str | None = None

    def published(self, anchor: datetime) -> datetime:
        """When the article appears to have been published, relative to `anchor`."""
        return anchor - timedelta(hours=self.hours_ago)

    def photos(self) -> list[tuple[str, str]]:
        """(image file name, caption) for every photo block, in order."""
        found = []
        for block in split_blocks(self.body):
            if block.startswith("!"):
                name, _, caption = block.lstrip("!").partition("|")
                found.append((name.strip(), caption.strip()))
        return found


@dataclass(frozen=True, slots=True)
class DemoFeed:
    """One demo feed: how it is served and what the reader should be told about it."""

    slug: str
    title: str
    description: str
    format: FeedFormat
    language: str
    region: str | None
    summary_only: bool  # the feed carries a one-line summary and a link, not the story
    full_text: bool  # what the demo config asks the reader to do during refresh
    feed_charset: str  # encoding of the feed document itself
    page_charset: str  # encoding of the article pages
    simplified: bool  # page chrome in Simplified script
    source: str
    editor: str
    duty_editor: str
    articles: tuple[DemoArticle, ...]

    @property
    def path(self) -> str:
        """The feed's path on the demo server."""
        extension = {"rss": "xml", "atom": "atom", "json": "json"}[self.format]
        return f"/feeds/{self.slug}.{extension}"


@dataclass(frozen=True, slots=True)
class DemoSection:
    """A nav-bar section of the demo portal with its feeds."""

    name: str
    feeds: tuple[DemoFeed, ...]


@dataclass(frozen=True, slots=True)
class DemoContent:
    """Everything the demo serves."""

    portal_name: str
    portal_name_hans: str
    icp_number: str
    sections: tuple[DemoSection, ...]

    def feeds(self) -> list[DemoFeed]:
        """All feeds in section order."""
        return [feed for section in self.sections for feed in section.feeds]


def split_blocks(body: str) -> list[str]:
    """The body's blocks: runs of lines separated by blank lines."""
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


def parse_articles(text: str, slug: str) -> tuple[DemoArticle, ...]:
    """Read a feed's article file, written in the block format of data/README.md: `@@ id`,
    `key: value` headers, a line `--`, then the body."""
    articles = []
    for chunk in re.split(r"^@@ ", text, flags=re.MULTILINE)[1:]:
        id_line, _, rest = chunk.partition("\n")
        header_text, separator, body = rest.partition("\n--\n")
        if not separator:
            raise ValueError(f"demo article {slug}/{id_line.strip()}: no '--' before the body")
        header: dict[str, str] = {}
        for line in header_text.splitlines():
            if line.strip():
                key, _, value = line.partition(":")
                if key.strip() not in _HEADER_KEYS:
                    raise ValueError(f"demo article {id_line.strip()}: unknown key {key!r}")
                header[key.strip()] = value.strip()
        articles.append(
            DemoArticle(
                article_id=id_line.strip(),
                title=header["title"],
                hours_ago=float(header["hours_ago"]),
                author=header["author"],
                summary=header["summary"],
                body=body.strip(),
                original_title=header.get("original_title"),
            )
        )
    return tuple(articles)


def _inline_html(text: str, base_url: str) -> str:
    """Escape a run of text, turning `[text](/path)` into links (site paths made absolute)."""
    parts = []
    position = 0
    for match in _LINK.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=False))
        href = match.group(2)
        if href.startswith("/"):
            href = base_url + href
        parts.append(f'<a href="{html.escape(href)}">{html.escape(match.group(1))}</a>')
        position = match.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)


def body_html(body: str, base_url: str, skip_first_photo: bool = False) -> str:
    """Render a body in the block format as HTML; every piece of text is escaped."""
    out = []
    photo_seen = False
    for block in split_blocks(body):
        lines = [line.strip() for line in block.splitlines()]
        if block.startswith("!"):
            name, _, caption = block.lstrip("!").partition("|")
            first, photo_seen = not photo_seen, True
            if skip_first_photo and first:
                continue
            src = html.escape(f"{base_url}/images/{name.strip()}")
            caption_html = _inline_html(caption.strip(), base_url)
            if block.startswith("!!"):
                out.append(f'<p style="text-align:center"><img src="{src}" alt=""></p>')
                out.append(f'<p class="caption">{caption_html}</p>')
            else:
                out.append(
                    f'<figure><img src="{src}" alt="">'
                    f"<figcaption>{caption_html}</figcaption></figure>"
                )
        elif block.startswith("## "):
            out.append(f"<h3>{_inline_html(block[3:].strip(), base_url)}</h3>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline_html(line[2:], base_url)}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(line.startswith(">") for line in lines):
            quoted = "".join(line[1:].strip() for line in lines)
            out.append(f"<blockquote><p>{_inline_html(quoted, base_url)}</p></blockquote>")
        else:
            out.append(f"<p>{_inline_html(''.join(lines), base_url)}</p>")
    return "\n".join(out)


def body_text(body: str) -> str:
    """The body's readable text (no photo file names, no link targets), one block a line."""
    lines = []
    for block in split_blocks(body):
        if block.startswith("!"):
            lines.append(block.lstrip("!").partition("|")[2].strip())
        else:
            text = "".join(line.strip().lstrip("#->").strip() for line in block.splitlines())
            lines.append(_LINK.sub(r"\1", text))
    return "\n".join(lines)


@cache
def load_demo_content() -> DemoContent:
    """Load (once) the demo's sections, feeds and articles from the package data."""
    package = resources.files("reader.demo")
    described = json.loads((package / "feeds.json").read_text(encoding="utf-8"))
    sections = []
    for section in described["sections"]:
        feeds = []
        for feed in section["feeds"]:
            article_file = package / "data" / f"{feed['slug']}.txt"
            articles = parse_articles(article_file.read_text(encoding="utf-8"), feed["slug"])
            feeds.append(
                DemoFeed(
                    slug=feed["slug"],
                    title=feed["title"],
                    description=feed["description"],
                    format=feed["format"],
                    language=feed["language"],
                    region=feed.get("region"),
                    summary_only=feed.get("summary_only", False),
                    full_text=feed.get("full_text", False),
                    feed_charset=feed.get("feed_charset", "utf-8"),
                    page_charset=feed.get("page_charset", "utf-8"),
                    simplified=feed.get("simplified", False),
                    source=feed["source"],
                    editor=feed["editor"],
                    duty_editor=feed["duty_editor"],
                    articles=articles,
                )
            )
        sections.append(DemoSection(section["name"], tuple(feeds)))
    portal = described["portal"]
    return DemoContent(portal["name"], portal["name_hans"], portal["icp"], tuple(sections))
