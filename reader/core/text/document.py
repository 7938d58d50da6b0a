"""Feed HTML turned into a flat list of plain-text blocks for the reading pane and `reader show`.

Parsed with lxml's HTML parser (libxml2, recover mode) driving a *target* object: it is
fast (about ten times the standard library's ``html.parser`` on large bodies), forgiving
of broken markup, and with a target no tree is built, so nesting depth costs nothing:
10,000 nested ``<div>`` are just 10,000 events (building a tree instead silently drops
text below 2,048 levels). We keep only a bounded stack of open elements.

Nothing here produces markup: every block is plain, cleaned text plus link URLs that are
absolute http(s) (or mailto) and never ``javascript:``, ``data:`` or ``file:``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, urljoin, urlsplit

from lxml import etree  # type: ignore[import-untyped]

from reader.core.text.cells import _WIDE, cell_len, clean_line, clean_text, wrap_cells

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


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

_URL_STRIP = "".join(chr(code) for code in range(0x21))
_URL_INNER_WHITESPACE = re.compile(r"[\t\n\r]")
_URL_OTHER_WHITESPACE = re.compile(r"\s")


def resolve_url(
    href: str | None, base_url: str | None = None, *, allow_mailto: bool = False
) -> str | None:
    """`href` made absolute against `base_url` if it is http(s) (or mailto when allowed),
    else None. Browsers ignore tabs and newlines inside URLs, so ``java\\tscript:`` is
    caught too."""
    if not href:
        return None
    return _resolve_url(href, base_url, allow_mailto)


@lru_cache(maxsize=4096)
def _resolve_url(href: str, base_url: str | None, allow_mailto: bool) -> str | None:
    """resolve_url, cached: pages repeat the same links and image paths many times."""
    href = _URL_INNER_WHITESPACE.sub("", clean_text(href)).strip(_URL_STRIP)
    if not href:
        return None
    try:
        absolute = urljoin(base_url or "", href) if base_url else href
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            return None
    elif not (allow_mailto and scheme == "mailto"):
        return None
    if _URL_OTHER_WHITESPACE.search(absolute):  # spaces stay part of the URL, encoded
        absolute = _URL_OTHER_WHITESPACE.sub(lambda match: quote(match.group()), absolute)
    return absolute


# ---------------------------------------------------------------------------
# HTML -> blocks
# ---------------------------------------------------------------------------

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

_HTML_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")
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


@dataclass(slots=True)
class _Segment:
    """A run of text waiting to become part of a block."""

    text: str
    preserve: bool  # inside <pre> or a <br>: whitespace kept as is
    link_url: str | None = None
    link_id: int = 0


class _BlockBuilder:
    """An lxml parser target: consumes HTML events and emits Blocks, keeping only a bounded
    stack of open elements."""

    def __init__(self, base_url: str | None, max_blocks: int, max_depth: int) -> None:
        self.base_url = base_url
        self.max_blocks = max_blocks
        self.max_depth = max(max_depth, 1)
        self.blocks: list[Block] = []
        self.stack: list[_Open] = []
        self.segments: list[_Segment] = []
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
            self.segments.append(_Segment("\n", True))
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
            self.segments.append(_Segment("  ", True))
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
            self.segments.append(_Segment("".join(self.pending_text), *self.pending_key))
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
        text, spans = _join_segments(self.segments, preformatted)
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


def _join_segments(
    segments: Sequence[_Segment], preformatted: bool = False
) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """Concatenate text runs the way a browser lays them out (collapsed spaces, no space
    around line breaks) and record where each link's text ended up. Preformatted text
    keeps its indentation and loses only blank lines at its ends."""
    pieces: list[str] = []
    position = 0
    last_char = "\n"
    link_ranges: dict[int, tuple[int, int, str]] = {}  # link id -> (start, end, url)
    for segment in segments:
        text = clean_text(segment.text)
        if not segment.preserve:
            text = _HTML_SPACE_RUN.sub(" ", _CJK_LINE_BREAK.sub("", text))
            if last_char in " \n":
                text = text.lstrip(" ")
        elif text.startswith("\n") and last_char == " " and pieces:
            pieces[-1] = pieces[-1][:-1]
            position -= 1
            for link_id, (start, end, url) in link_ranges.items():
                link_ranges[link_id] = (start, min(end, position), url)
        if not text:
            continue
        start = position
        pieces.append(text)
        position += len(text)
        last_char = text[-1]
        if segment.link_url is not None and not text.isspace():
            first_start = link_ranges.get(segment.link_id, (start, 0, ""))[0]
            link_ranges[segment.link_id] = (first_start, position, segment.link_url)
    joined = "".join(pieces)
    if not joined.strip():
        return "", ()
    if preformatted:
        leading_lines = joined[: len(joined) - len(joined.lstrip())].rpartition("\n")[0]
        offset = len(leading_lines) + (1 if leading_lines or joined.startswith("\n") else 0)
        stripped = joined[offset:].rstrip()
    else:
        stripped = joined.strip()
        offset = len(joined) - len(joined.lstrip())
    spans: list[tuple[int, int, str]] = []
    for raw_start, raw_end, url in link_ranges.values():
        start = max(raw_start - offset, 0)
        end = min(raw_end - offset, len(stripped))
        while start < end and stripped[start].isspace():
            start += 1
        while end > start and stripped[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end, str(url)))
    return stripped, tuple(spans)


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
        lines = [_HTML_SPACE_RUN.sub(" ", line).strip() for line in chunk.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            blocks.append(Block("paragraph", paragraph))
    return blocks


def html_to_plain(html: str) -> str:
    """Plain text of an HTML fragment: blocks separated by blank lines, for listing and search."""
    return "\n\n".join(block.text for block in html_to_blocks(html) if block.text)


# ---------------------------------------------------------------------------
# Blocks -> readable text
# ---------------------------------------------------------------------------

IMAGE_LABEL = "[圖]"
_RULE = "─" * 20


def blocks_to_text(
    blocks: Sequence[Block], *, width: int | None = None, image_label: str = IMAGE_LABEL
) -> str:
    """Readable plain text for `reader show`: blank lines between blocks, "• " list items,
    "> " quotes, "[圖] caption <url>" images, "[n]" after link texts and the links listed
    at the end. With `width`, lines are wrapped by terminal cells. `image_label` lets a
    简体 view say "[图]"."""
    numbers: dict[str, int] = {}
    chunks: list[str] = []
    previous: Block | None = None
    for block in blocks:
        text = _with_link_markers(block, numbers)
        lines = _render_block(block, text, width, image_label)
        if not lines:
            continue
        if previous is not None:
            chunks.append("\n" if _same_list(previous, block) else "\n\n")
        chunks.append("\n".join(lines))
        previous = block
    if numbers:
        chunks.append("\n\n")
        chunks.append("\n".join(f"[{number}] {url}" for url, number in numbers.items()))
    return "".join(chunks)


def _same_list(previous: Block, block: Block) -> bool:
    """Whether two list items look like one list (no blank line between them): a switch
    between bulleted and numbered items at the same depth starts a new list."""
    if previous.kind != "list_item" or block.kind != "list_item":
        return False
    if previous.level != block.level:
        return True
    return (previous.ordinal is None) == (block.ordinal is None)


def _with_link_markers(block: Block, numbers: dict[str, int]) -> str:
    """The block's text with "[n]" after each link's text; n is shared by equal URLs."""
    for link in block.links:
        numbers.setdefault(link.url, len(numbers) + 1)
    text = block.text
    marked_urls = set()
    for _start, end, url in sorted(block.spans, key=lambda span: span[1], reverse=True):
        text = f"{text[:end]}[{numbers[url]}]{text[end:]}"
        marked_urls.add(url)
    unmarked = [link.url for link in block.links if link.url not in marked_urls]
    return text + "".join(f"[{numbers[url]}]" for url in dict.fromkeys(unmarked))


def _render_block(block: Block, text: str, width: int | None, image_label: str) -> list[str]:
    """The lines of one block, with its prefix, wrapped to `width` cells when given."""
    if block.kind == "rule":
        return [_RULE[: width or len(_RULE)]]
    if block.kind == "preformatted":
        return text.split("\n")
    first, rest = "", ""
    if block.kind == "list_item":
        bullet = f"{block.ordinal}. " if block.ordinal is not None else "• "
        indent = "  " * max(block.level - 1, 0)
        first, rest = indent + bullet, indent + " " * cell_len(bullet)
    elif block.kind == "quote":
        first = rest = "> " * max(block.level, 1)
    elif block.kind == "image":
        first = f"{image_label} "
        rest = " " * cell_len(first)
        text = " ".join(part for part in (text, f"<{block.url}>" if block.url else "") if part)
    lines = _prefixed(text, first, rest, width)
    if block.kind == "heading" and block.level <= 2:
        longest = max(cell_len(line) for line in lines)
        lines.append(("═" if block.level == 1 else "─") * min(longest, width or longest))
    return lines


def _prefixed(text: str, first: str, rest: str, width: int | None) -> list[str]:
    body_width = None if width is None else max(width - cell_len(first), 2)
    raw_lines: Iterable[str] = (
        text.split("\n") if body_width is None else wrap_cells(text, body_width)
    )
    return [(first if index == 0 else rest) + line for index, line in enumerate(raw_lines)]
