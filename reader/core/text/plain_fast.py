"""Article.text for plain, well-nested feed HTML without the full block builder.

``reader.core.text.document.html_to_plain`` drives libxml2's HTML parser with a Python target:
a few microseconds of Python for every tag and text run, about half a millisecond for a
typical 2,000-character story, which a cold refresh pays for every item. Most feed bodies
are nothing but paragraphs of text with a little inline formatting and line breaks. For
exactly that shape (checked strictly: known tags only, properly nested, simple attributes,
plain entities) the blocks are easy to find with one regular expression, and their text is
joined by the very function the builder uses, so the result is identical. Anything else
(links, images, lists, tables, comments, odd entities, misnesting) goes to html_to_plain.
"""

from __future__ import annotations

import re

from reader.core.text.cells import clean_text
from reader.core.text.document import _CJK_LINE_BREAK, _HTML_SPACE_RUN, _join_segments, _Segment
from reader.core.text.document import html_to_plain as full_html_to_plain

__all__ = ["html_to_plain"]

_BLOCKS = frozenset({"p", "div"})
_INLINE = frozenset("b strong em i u span font small big sub sup s strike".split())
_ATTRIBUTE = r"""\s+[A-Za-z_:][-A-Za-z0-9_:.]*(?:\s*=\s*(?:"[^"<>&]*"|'[^'<>&]*'|[^\s"'<>=`&]+))?"""
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9]*)((?:{_ATTRIBUTE})*)\s*(/?)>")
_PIECES = re.compile(r"(<[^<>]*>)")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|nbsp)|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "nbsp": "\xa0"}
# The commonest body of all: bare paragraphs of text, nothing else.
_ONLY_PARAGRAPHS = re.compile(r"\s*(?:<[pP]>[^<&]*</[pP]>\s*)+")
_PARAGRAPH_TEXT = re.compile(r"<[pP]>([^<&]*)</[pP]>")
_MAX_LENGTH = 60_000  # well inside the builder's first 64 KiB chunk
_MAX_DEPTH = 50


# Every character that can start something clean_text removes (all its patterns begin with a
# C0/C1 control, DEL, a bidi control or a zero-width character): a string with none of
# these and no \r is already clean, and a one-class search is far cheaper than its pattern.
_UNSAFE_START = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _clean(text: str) -> str:
    """clean_text(text), skipping the work when nothing in `text` could be removed."""
    if "\r" in text or _UNSAFE_START.search(text) is not None:
        return clean_text(text)
    return text


class _NotPlain(Exception):
    """The fragment is not of the simple shape: the full parser must read it."""


def html_to_plain(html: str) -> str:
    """Exactly ``reader.core.text.document.html_to_plain(html)``, faster for simple HTML."""
    try:
        return _simple_plain(html)
    except _NotPlain:
        return full_html_to_plain(html)


def _decode(text: str) -> str:
    """Entities the way libxml2 decodes them, for the few forms we accept."""
    if "&" not in text:
        return text
    position = 0
    pieces = []
    for match in _ENTITY.finditer(text):
        if "&" in text[position : match.start()]:
            raise _NotPlain("an entity of another form")
        pieces.append(text[position : match.start()])
        name, decimal, hexadecimal = match.groups()
        if name:
            pieces.append(_NAMED[name])
        else:
            code = int(decimal) if decimal else int(hexadecimal, 16)
            if not (
                0x20 <= code < 0x7F
                or 0xA0 <= code < 0xD800
                or 0xE000 <= code < 0xFFFE
                or 0x10000 <= code <= 0x10FFFF
                or code == 0x0A
            ):
                raise _NotPlain("a character reference libxml2 may treat specially")
            pieces.append(chr(code))
        position = match.end()
    if "&" in text[position:]:
        raise _NotPlain("an entity of another form")
    pieces.append(text[position:])
    return "".join(pieces)


def _simple_plain(html: str) -> str:
    html = _clean(html)
    if len(html) > _MAX_LENGTH or "\ufffe" in html or "\uffff" in html:
        raise _NotPlain("too long or a non-character")
    if not html.isascii():  # lone surrogates become "?" on the way to libxml2
        html = html.encode("utf-8", "replace").decode("utf-8")
    if _ONLY_PARAGRAPHS.fullmatch(html):
        paragraphs = (_join_one(text) for text in _PARAGRAPH_TEXT.findall(html))
        return "\n\n".join(text for text in paragraphs if text)
    blocks: list[str] = []
    segments: list[_Segment] = []
    text_run: list[str] = []
    stack: list[str] = []

    def flush() -> None:
        if text_run:
            segments.append(_Segment("".join(text_run), False))
            text_run.clear()
        if not segments:
            return
        if len(segments) == 1 and not segments[0].preserve:
            text = _join_one(segments[0].text)
        else:
            text = _join_segments(segments)[0]
        segments.clear()
        if text:
            blocks.append(text)

    for index, piece in enumerate(_PIECES.split(html)):
        if index % 2 == 0:  # text between tags
            if "<" in piece:
                raise _NotPlain("a '<' that starts no simple tag")
            if piece:
                decoded = _decode(piece)
                # Text straight from the cleaned fragment is clean; decoded entities may not be.
                text_run.append(decoded if decoded is piece else clean_text(decoded))
            continue
        match = _TAG.fullmatch(piece)
        if match is None:
            raise _NotPlain(f"an unusual tag {piece[:40]!r}")
        closing, name, _attributes, self_closing = match.groups()
        name = name.lower()
        if name == "br":
            if closing:
                raise _NotPlain("</br>")
            if text_run:
                segments.append(_Segment("".join(text_run), False))
                text_run.clear()
            segments.append(_Segment("\n", True))
            continue
        if self_closing:
            raise _NotPlain("a self-closed element")
        if closing:
            if not stack or stack[-1] != name:
                raise _NotPlain("misnested tags")
            stack.pop()
            if name in _BLOCKS:
                flush()
            continue
        if name in _BLOCKS:
            if stack and (stack[-1] != "div" or name == "p" and "p" in stack):
                raise _NotPlain("a block inside a paragraph or inline element")
            flush()
        elif name not in _INLINE:
            raise _NotPlain(f"element {name}")
        stack.append(name)
        if len(stack) > _MAX_DEPTH:
            raise _NotPlain("deep nesting")
    if stack:
        raise _NotPlain("unclosed elements")
    flush()
    return "\n\n".join(blocks)


def _join_one(text: str) -> str:
    """_join_segments for a single ordinary run of already clean text, without its
    bookkeeping: CJK line breaks dropped, HTML whitespace collapsed, ends stripped."""
    if "\n" in text:
        text = _CJK_LINE_BREAK.sub("", text)
    return _HTML_SPACE_RUN.sub(" ", text).strip()
