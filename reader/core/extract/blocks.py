"""HTML to a flat list of paragraphs and images, and the story's blocks of a whole page:
readability-lxml's pick, trafilatura's when readability's is too short or a fragment of it,
else the element that directly holds the most sentence text.

Photo captions, which both libraries lose in some layouts, are looked up again in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree
import lxml.html

__all__ = [
    "Block",
    "choose_candidate",
    "html_blocks",
    "parse_page",
    "prose_holder_blocks",
    "story_blocks",
    "visible_lines",
]

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd div dl dt fieldset figcaption figure footer"
    " form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead tr ul"
    " html".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript template head iframe object embed svg button select option"
    " textarea input".split()
)
_IMAGE_SOURCE_ATTRS = ("data-original", "data-src", "data-lazy-src", "src")
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_CAPTION_HINT = re.compile(
    r"^[（(\[【]?\s*(?:图|圖|图为|圖為|图片|圖片|上图|上圖|下图|下圖)[:：为為\s]|[摄攝]\s*[)）]?$|[摄攝]影\s*[:：]"
)
_CAPTION_MAX_CHARS = 120
_FALLBACK_BELOW_CHARS = 200
_NOTHING_FOUND_CHARS = 20
_FRAGMENT_FOUND_SHARE = 0.8  # paragraph text of the first candidate found in the second
_ADDED_PROSE_SHARE = 0.5  # "mostly" sentence paragraphs
_PROSE_PARAGRAPH_CHARS = 80
_SENTENCE_END = re.compile(r"[。！？!?]")
_HOLDER_TAGS = frozenset("article blockquote dd div li main section td body".split())


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph (`text`) or one image (`image_url`, with its `caption` when known)."""

    text: str | None = None
    image_url: str | None = None
    caption: str | None = None


def parse_page(html: str) -> lxml.html.HtmlElement:
    """Parse decoded page text leniently; an empty document still gives a root."""
    try:
        root = lxml.html.document_fromstring(html or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html></html>")
    return root


def visible_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The page's visible text, one line per block, as a reader sees it."""
    return [block.text for block in html_blocks(root, None) if block.text]


def html_blocks(root: lxml.html.HtmlElement, base_url: str | None) -> list[Block]:
    """Flatten an element into paragraphs (split at block tags and <br>) and images."""
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            blocks.append(Block(text=text))

    def walk(element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _SKIP_TAGS or not tag:  # comments and processing instructions
            return
        tag = tag.lower()
        if tag == "img":
            source = _image_source(element, base_url)
            if source:
                flush()
                blocks.append(Block(image_url=source))
        elif tag == "br":
            flush()
        elif tag == "figcaption":
            flush()
            caption = _SPACES.sub(" ", element.text_content()).strip()
            if caption:
                _attach_caption(blocks, caption)
                blocks.append(Block(text=caption))
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            flush()
        if element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if is_block:
            flush()

    walk(root)
    flush()
    return blocks


def story_blocks(html: str, root: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    """The story's blocks: readability or trafilatura, else the page's densest prose element;
    captions found again in the page."""
    blocks = choose_candidate(_readability_blocks(html, url), _trafilatura_blocks(html, url))
    if _text_length(blocks) < _NOTHING_FOUND_CHARS:
        own = prose_holder_blocks(root, url)
        if _text_length(own) > _text_length(blocks):
            blocks = own
    return _with_captions(blocks, _page_captions(root, url))


def choose_candidate(first: list[Block], second: list[Block]) -> list[Block]:
    """The first library's story blocks, unless the second's should replace them.

    They do when the first is too short to be a story, or when the first is a fragment of the
    second (four fifths of its text found there) and what the second adds is longer than the
    fragment and mostly sentence paragraphs: the first library fixed on one reply or a
    signature inside a longer story. Extra lists of links or short titles do not count.
    """
    first_length, second_length = _text_length(first), _text_length(second)
    if first_length < _FALLBACK_BELOW_CHARS:
        return second if second_length > first_length else first
    return second if _is_fragment_of(first, second) else first


def _is_fragment_of(first: list[Block], second: list[Block]) -> bool:
    """True when `second` holds `first` and adds more text, mostly sentence paragraphs."""
    fragment, second_texts = _squeezed_texts(first), _squeezed_texts(second)
    fragment_chars = sum(len(text) for text in fragment)
    second_joined = "".join(second_texts)
    found = sum(len(text) for text in fragment if text in second_joined)
    if found < _FRAGMENT_FOUND_SHARE * fragment_chars:
        return False
    added = [_without(text, fragment) for text in second_texts]
    added_chars = sum(len(text) for text in added)
    added_prose = sum(len(text) for text in added if _is_prose_paragraph(text))
    return added_chars > fragment_chars and added_prose >= _ADDED_PROSE_SHARE * added_chars


def _without(text: str, paragraphs: list[str]) -> str:
    """`text` with each of `paragraphs` it contains cut out once: what it has beyond them."""
    for paragraph in paragraphs:
        if len(paragraph) <= len(text) and paragraph in text:
            text = text.replace(paragraph, "", 1)
    return text


def _squeezed_texts(blocks: list[Block]) -> list[str]:
    """Paragraph texts without any whitespace, so that two libraries' layouts compare."""
    squeezed = (_SPACES.sub("", block.text) for block in blocks if block.text)
    return [text for text in squeezed if text]


def _is_prose_paragraph(text: str) -> bool:
    """A paragraph of running text: long enough and with at least one full stop, ! or ?."""
    return len(text) >= _PROSE_PARAGRAPH_CHARS and _SENTENCE_END.search(text) is not None


def prose_holder_blocks(root: lxml.html.HtmlElement, base_url: str | None) -> list[Block]:
    """The blocks of the element whose own text (not its child blocks', not links) holds the
    most sentence paragraphs: the story on pages both libraries give up on."""
    best: lxml.html.HtmlElement | None = None
    best_chars = 0
    for element in root.iter():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag not in _HOLDER_TAGS:
            continue
        prose_chars = sum(
            len(piece) for piece in _own_text_pieces(element) if _is_prose_paragraph(piece)
        )
        if prose_chars > best_chars:
            best, best_chars = element, prose_chars
    return html_blocks(best, base_url) if best is not None else []


def _own_text_pieces(element: lxml.html.HtmlElement) -> list[str]:
    """The element's text outside its block children and links, cut at <br>, squeezed."""
    pieces: list[str] = []
    buffer: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br" or tag in _BLOCK_TAGS:
            pieces.append("".join(buffer))
            buffer = []
        elif tag and tag != "a" and tag not in _SKIP_TAGS:
            buffer.append(child.text_content())
        buffer.append(child.tail or "")
    pieces.append("".join(buffer))
    return [squeezed for squeezed in (_SPACES.sub("", piece) for piece in pieces) if squeezed]


def _trafilatura_blocks(html: str, url: str | None) -> list[Block]:
    import trafilatura  # heavy import, only when a page is extracted

    result = trafilatura.extract(
        html,
        url=url,
        output_format="html",
        include_images=True,
        include_tables=False,
        include_comments=False,
        include_links=False,
    )
    if not result:
        return []
    return html_blocks(parse_page(result), url)


def _readability_blocks(html: str, url: str | None) -> list[Block]:
    from readability import Document  # heavy, only when needed

    try:
        summary = Document(html, url=url).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on pages it cannot score
        return []
    return html_blocks(parse_page(summary), url)


def _page_captions(root: lxml.html.HtmlElement, base_url: str | None) -> dict[str, str]:
    """Image URL -> caption, from <figure><figcaption> and caption-like text right after images."""
    captions: dict[str, str] = {}
    for figure in root.iter("figure"):
        caption_element = next(figure.iter("figcaption"), None)
        if caption_element is None:
            continue
        caption = _SPACES.sub(" ", caption_element.text_content()).strip()
        for image in figure.iter("img"):
            source = _image_source(image, base_url)
            if source and caption:
                captions.setdefault(source, caption)
    return captions


def _with_captions(blocks: list[Block], captions: dict[str, str]) -> list[Block]:
    """Give images their captions; put a caption the extractor dropped back as a paragraph."""
    result: list[Block] = []
    for index, block in enumerate(blocks):
        if block.image_url is None:
            if (
                result
                and result[-1].image_url
                and result[-1].caption is None
                and _looks_like_caption(block.text)
            ):
                result[-1] = Block(image_url=result[-1].image_url, caption=block.text)
            result.append(block)
            continue
        caption = block.caption or captions.get(block.image_url)
        result.append(Block(image_url=block.image_url, caption=caption))
        following = blocks[index + 1].text if index + 1 < len(blocks) else None
        if caption and block.caption is None and following != caption:
            result.append(Block(text=caption))
    return result


def _looks_like_caption(text: str | None) -> bool:
    return (
        bool(text)
        and len(text or "") <= _CAPTION_MAX_CHARS
        and _CAPTION_HINT.search(text or "") is not None
    )


def _attach_caption(blocks: list[Block], caption: str) -> None:
    for position in range(len(blocks) - 1, max(-1, len(blocks) - 3), -1):
        block = blocks[position]
        if block.image_url and block.caption is None:
            blocks[position] = Block(image_url=block.image_url, caption=caption)
            return


def _image_source(image: lxml.html.HtmlElement, base_url: str | None) -> str | None:
    for attribute in _IMAGE_SOURCE_ATTRS:
        value = (image.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            absolute = urljoin(base_url, value) if base_url else value
            if absolute.startswith(("http://", "https://")) or not base_url:
                return absolute
    return None


def _text_length(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks if block.text)
