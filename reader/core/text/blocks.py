"""Feed HTML as a flat list of plain-text blocks (paragraphs, headings, list items, quotes,
images) for the reading pane and `reader show`.

lxml's HTML parser drives a target object, so no tree is built and deep nesting costs nothing;
blocks hold cleaned plain text and safe absolute URLs only, never markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from reader.core.text.cells import clean_line, clean_text
from reader.core.text.segments import HTML_SPACE_RUN, Segment, join_segments
from reader.core.text.urls import resolve_url

__all__ = ["Block", "BlockKind", "Link", "html_to_blocks", "text_to_blocks"]

BlockKind = Literal["paragraph", "heading", "list_item", "quote", "preformatted", "image", "rule"]


@dataclass(frozen=True, slots=True)
class Link:
    """A link the reader may follow: its visible text and a safe absolute URL."""

    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article body, as plain cleaned text."""

    kind: BlockKind
    text: str  # cleaned plain text ("" for a rule)
    level: int = 0  # heading level 1-6; list or quote nesting depth
    ordinal: int | None = None  # number of an ordered list item
    url: str | None = None  # image source, absolute http(s) only
    links: tuple[Link, ...] = ()  # links inside the block, in order
    spans: tuple[tuple[int, int, str], ...] = ()  # (start, end, url) of link text in `text`


# Elements whose whole content is dropped (the tokenizer already treats script/style as raw).
_DROPPED = frozenset(
    "script style iframe object embed noscript template svg math head title select textarea "
    "button canvas audio video applet frameset frame noembed noframes datalist".split()
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen".split()
)
_BLOCK = frozenset(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre "
    "section summary table tbody tfoot thead tr ul legend".split()
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = frozenset(("ul", "ol", "menu"))
# Block starts that close an open <p> (HTML's "close a p element" rule, simplified).
_CLOSES_P = _BLOCK - {"caption", "tbody", "tfoot", "thead", "tr", "figcaption"}
# Block contexts that decide a flushed block's kind (innermost wins).
_CONTEXTS = frozenset({"pre", "li", "blockquote", "figcaption", *_HEADINGS})

_FEED_CHUNK = 65536


@dataclass(slots=True)
class _Open:
    """An open element on the parser's stack and what it means for the text inside."""

    tag: str
    link_url: str | None = None  # for <a>: its safe URL
    link_id: int = 0  # for <a>: identifies one link across inline children
    counter: int = 1  # for <ol>: the next item number
    level: int = 0  # heading level, list depth or quote depth
    ordinal: int | None = None  # for <li> in <ol>: its number, used by the first block only
    image_url: str | None = None  # for <figure>: its first image
    image_alt: str = ""
    image_links: list[Link] = field(default_factory=list)
    has_image: bool = False
    caption: tuple[str, tuple[tuple[int, int, str], ...]] | None = None


class _BlockBuilder:
    """An lxml parser target: consumes HTML events and emits Blocks, keeping only a bounded
    stack of open elements."""

    def __init__(self, base_url: str | None, max_blocks: int, max_depth: int) -> None:
        self.base_url = base_url
        self.max_blocks = max_blocks
        self.max_depth = max(max_depth, 1)
        self.blocks: list[Block] = []
        self.stack: list[_Open] = []
        self.segments: list[Segment] = []
        self.overflow = 0  # elements opened beyond max_depth, treated as transparent
        self.skip_tag: str | None = None  # inside a dropped element
        self.skip_nesting = 0
        self.next_link_id = 0
        self.open_links: list[_Open] = []  # open <a> elements, innermost last
        self.pre_depth = 0  # open <pre> elements
        # Consecutive text with the same link and whitespace rule, joined once at the end.
        self.pending_text: list[str] = []
        self.pending_key: tuple[bool, str | None, int] = (False, None, 0)

    @property
    def full(self) -> bool:
        return len(self.blocks) >= self.max_blocks

    # -- the parser's callbacks -------------------------------------------------

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_nesting += 1
            return
        if tag == "br":
            self._commit_text()
            self.segments.append(Segment("\n", True))
            return
        if tag in _DROPPED:
            if tag not in _VOID:
                self.skip_tag, self.skip_nesting = tag, 1
            return
        if tag == "img":
            self._image(attrib)
            return
        if tag == "hr":
            self._flush()
            self._emit(Block("rule", ""))
            return
        if tag in _VOID:
            return
        if tag in ("td", "th"):
            self._commit_text()
            self.segments.append(Segment("  ", True))
        if len(self.stack) >= self.max_depth:
            self.overflow += 1
            return
        self._close_implied(tag)
        if tag in _BLOCK:
            self._flush()
        element = self._open(tag, attrib)
        self.stack.append(element)
        if tag == "a":
            self.open_links.append(element)
        elif tag == "pre":
            self.pre_depth += 1

    def end(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_nesting -= 1
                if self.skip_nesting == 0:
                    self.skip_tag = None
            return
        if tag in _VOID or tag in _DROPPED:
            return
        if self.overflow:
            self.overflow -= 1
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                self._close_to(index)
                return

    def data(self, data: str) -> None:
        if self.skip_tag is not None or not data:
            return
        key = (self.pre_depth > 0, *self._current_link())
        if key != self.pending_key:
            self._commit_text()
            self.pending_key = key
        self.pending_text.append(data)

    def _commit_text(self) -> None:
        """Turn the pending text into one segment."""
        if self.pending_text:
            self.segments.append(Segment("".join(self.pending_text), *self.pending_key))
            self.pending_text = []

    def close(self) -> list[Block]:
        self._close_to(0)
        self._flush()
        return self.blocks

    # -- structure ----------------------------------------------------------------

    def _open(self, tag: str, attributes: Mapping[str, str]) -> _Open:
        element = _Open(tag)
        if tag == "a":
            element.link_url = resolve_url(attributes.get("href"), self.base_url, allow_mailto=True)
            self.next_link_id += 1
            element.link_id = self.next_link_id
        elif tag in _HEADINGS:
            element.level = _HEADINGS[tag]
        elif tag == "ol":
            element.counter = _int_or(attributes.get("start"), 1)
        elif tag == "li":
            lists = [item for item in self.stack if item.tag in _LISTS]
            element.level = max(len(lists), 1)
            if lists and lists[-1].tag == "ol":
                element.ordinal = _int_or(attributes.get("value"), lists[-1].counter)
                lists[-1].counter = element.ordinal + 1
        elif tag == "blockquote":
            element.level = 1 + sum(1 for item in self.stack if item.tag == "blockquote")
        return element

    def _close_implied(self, tag: str) -> None:
        """Close what HTML closes implicitly when `tag` starts: an open p, li, dt/dd, tr, td."""
        if tag in _CLOSES_P:
            self._close_nearest("p", stop=_BLOCK)
        if tag == "li":
            self._close_nearest("li", stop=_LISTS)
        elif tag in ("dt", "dd"):
            self._close_nearest(("dt", "dd"), stop=frozenset({"dl"}))
        elif tag == "tr":
            self._close_nearest("tr", stop=frozenset({"table"}))
        elif tag in _HEADINGS and self.stack and self.stack[-1].tag in _HEADINGS:
            self._close_to(len(self.stack) - 1)

    def _close_nearest(self, tags: str | tuple[str, ...], stop: frozenset[str]) -> None:
        """Close the innermost open element among `tags`, unless a `stop` element is nearer."""
        for index in range(len(self.stack) - 1, -1, -1):
            open_tag = self.stack[index].tag
            if open_tag == tags or open_tag in tags:
                self._close_to(index)
                return
            if open_tag in stop:
                return

    def _close_to(self, index: int) -> None:
        """Close every open element from the top of the stack down to `index`, inclusive."""
        while len(self.stack) > index:
            element = self.stack[-1]
            if element.tag in _BLOCK:
                self._flush()
            self.stack.pop()
            if element.tag == "a":
                self.open_links.pop()
            elif element.tag == "pre":
                self.pre_depth -= 1
            elif element.tag == "figure":
                self._finish_figure(element)

    def _current_link(self) -> tuple[str | None, int]:
        if self.open_links:
            return self.open_links[-1].link_url, self.open_links[-1].link_id
        return None, 0

    # -- images ---------------------------------------------------------------------

    def _image(self, attributes: Mapping[str, str]) -> None:
        url = self._image_url(attributes)
        alt = clean_line(attributes.get("alt", ""))
        if _is_inline_icon(attributes):
            if alt:
                self.data(alt)
            return
        link_url, _ = self._current_link()
        links = [Link(alt or link_url, link_url)] if link_url else []
        figure = next((item for item in reversed(self.stack) if item.tag == "figure"), None)
        if figure is not None:
            if not figure.has_image:
                figure.has_image, figure.image_url, figure.image_alt = True, url, alt
                figure.image_links = links
            return
        if url is None and not alt:
            return
        self._flush()
        self._emit(Block("image", alt, url=url, links=tuple(links)))

    def _image_url(self, attributes: Mapping[str, str]) -> str | None:
        """The first usable source: src, the lazy-loading attributes news sites use, srcset."""
        srcset = attributes.get("srcset", "").strip().split(",")[0].strip().split(" ")[0]
        for name in ("src", "data-src", "data-original", "data-lazy-src"):
            url = resolve_url(attributes.get(name), self.base_url)
            if url:
                return url
        return resolve_url(srcset, self.base_url)

    def _finish_figure(self, figure: _Open) -> None:
        caption_text, caption_spans = figure.caption or ("", ())
        if not figure.has_image:
            if caption_text:
                self._emit(_block("paragraph", caption_text, caption_spans))
            return
        text = caption_text or figure.image_alt
        spans = caption_spans if caption_text else ()
        links = tuple(Link(text[start:end], url) for start, end, url in spans)
        if not text and figure.image_url is None:
            return
        self._emit(
            Block(
                "image",
                text,
                url=figure.image_url,
                links=links + tuple(figure.image_links),
                spans=spans,
            )
        )

    # -- text -> blocks -------------------------------------------------------------

    def _flush(self) -> None:
        """Turn the pending text into one block whose kind the innermost context decides."""
        self._commit_text()
        if not self.segments:
            return
        context = next((item for item in reversed(self.stack) if item.tag in _CONTEXTS), None)
        preformatted = context is not None and context.tag == "pre"
        text, spans = join_segments(self.segments, preformatted)
        self.segments = []
        if not text:
            return
        if context is None:
            self._emit(_block("paragraph", text, spans))
        elif context.tag == "figcaption":
            figure = next((item for item in reversed(self.stack) if item.tag == "figure"), None)
            if figure is not None and figure.caption is None:
                figure.caption = (text, spans)
            else:
                self._emit(_block("paragraph", text, spans))
        elif context.tag == "pre":
            self._emit(_block("preformatted", text, spans))
        elif context.tag == "li":
            self._emit(_block("list_item", text, spans, context.level, context.ordinal))
            context.ordinal = None
        elif context.tag == "blockquote":
            self._emit(_block("quote", text, spans, context.level))
        else:
            self._emit(_block("heading", text, spans, context.level))

    def _emit(self, block: Block) -> None:
        if not self.full:
            self.blocks.append(block)


def _block(
    kind: BlockKind,
    text: str,
    spans: tuple[tuple[int, int, str], ...],
    level: int = 0,
    ordinal: int | None = None,
) -> Block:
    links = tuple(Link(text[start:end], url) for start, end, url in spans)
    return Block(kind, text, level=level, ordinal=ordinal, links=links, spans=spans)


def _int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _is_inline_icon(attributes: Mapping[str, str]) -> bool:
    """Small images (emoji, icons, tracking pixels) stay inline instead of breaking a paragraph."""
    width, height = _int_or(attributes.get("width"), 0), _int_or(attributes.get("height"), 0)
    return 0 < width <= 40 and 0 < height <= 40


def html_to_blocks(
    html: str, base_url: str | None = None, *, max_blocks: int = 5000, max_depth: int = 200
) -> list[Block]:
    """The blocks of an HTML fragment, in reading order, with unsafe content dropped.

    Elements nested deeper than `max_depth` are read as plain inline text; parsing stops
    after `max_blocks` blocks. Relative links and image sources resolve against `base_url`.
    """
    # A target, not a tree: lxml's tree silently drops text nested below 2,048 levels.
    builder = _BlockBuilder(base_url, max_blocks, max_depth)
    # Bytes with a fixed encoding: lxml refuses str input that carries an encoding
    # declaration, and a <meta charset> in the fragment must not change how it is read.
    parser = etree.HTMLParser(
        target=builder,
        encoding="utf-8",
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    data = clean_text(html).encode("utf-8", "replace")
    try:
        for start in range(0, len(data), _FEED_CHUNK):
            parser.feed(data[start : start + _FEED_CHUNK])
            if builder.full:
                return builder.blocks
        parser.close()
    except etree.Error:  # recover mode rarely gives up; keep what was read
        builder.close()
    return builder.blocks


def text_to_blocks(text: str) -> list[Block]:
    """Paragraph blocks from plain text (a feed that gives no HTML): blank lines separate
    paragraphs, single newlines stay line breaks. Nothing in `text` is read as markup."""
    blocks = []
    for chunk in re.split(r"\n[^\S\n]*\n\s*", clean_text(text)):
        lines = [HTML_SPACE_RUN.sub(" ", line).strip() for line in chunk.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            blocks.append(Block("paragraph", paragraph))
    return blocks
