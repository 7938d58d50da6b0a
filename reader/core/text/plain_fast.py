"""Exactly ``reader.core.text.plain.html_to_plain`` without the block builder, for the simple
HTML most feed bodies are: paragraphs of text with a little inline formatting and line breaks.

That shape is checked strictly and joined by the builder's own ``join_segments``, so the text
is the same; anything else (links, images, lists, odd entities, misnesting) goes to the builder.
"""

from __future__ import annotations

import re

from reader.core.text.cells import clean_text
from reader.core.text.plain import html_to_plain as full_html_to_plain
from reader.core.text.segments import Segment, join_plain_run, join_segments

__all__ = ["NotPlain", "html_to_plain", "simple_plain"]

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


class NotPlain(Exception):
    """The fragment is not of the simple shape: the block builder must read it."""


def html_to_plain(html: str) -> str:
    """Exactly ``reader.core.text.plain.html_to_plain(html)``, faster for simple HTML."""
    try:
        return simple_plain(html)
    except NotPlain:
        return full_html_to_plain(html)


def _decode(text: str) -> str:
    """Entities the way libxml2 decodes them, for the few forms we accept."""
    if "&" not in text:
        return text
    position = 0
    pieces = []
    for match in _ENTITY.finditer(text):
        if "&" in text[position : match.start()]:
            raise NotPlain("an entity of another form")
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
                raise NotPlain("a character reference libxml2 may treat specially")
            pieces.append(chr(code))
        position = match.end()
    if "&" in text[position:]:
        raise NotPlain("an entity of another form")
    pieces.append(text[position:])
    return "".join(pieces)


def simple_plain(html: str) -> str:
    """The plain text of `html` read by the quick path alone; NotPlain for any other shape."""
    html = _clean(html)
    if len(html) > _MAX_LENGTH or "\ufffe" in html or "\uffff" in html:
        raise NotPlain("too long or a non-character")
    if not html.isascii():  # lone surrogates become "?" on the way to libxml2
        html = html.encode("utf-8", "replace").decode("utf-8")
    if _ONLY_PARAGRAPHS.fullmatch(html):
        paragraphs = (join_plain_run(text) for text in _PARAGRAPH_TEXT.findall(html))
        return "\n\n".join(text for text in paragraphs if text)
    blocks: list[str] = []
    segments: list[Segment] = []
    text_run: list[str] = []
    stack: list[str] = []

    def flush() -> None:
        if text_run:
            segments.append(Segment("".join(text_run), False))
            text_run.clear()
        if not segments:
            return
        if len(segments) == 1 and not segments[0].preserve:
            text = join_plain_run(segments[0].text)
        else:
            text = join_segments(segments)[0]
        segments.clear()
        if text:
            blocks.append(text)

    for index, piece in enumerate(_PIECES.split(html)):
        if index % 2 == 0:  # text between tags
            if "<" in piece:
                raise NotPlain("a '<' that starts no simple tag")
            if piece:
                decoded = _decode(piece)
                # Text straight from the cleaned fragment is clean; decoded entities may not be.
                text_run.append(decoded if decoded is piece else clean_text(decoded))
            continue
        match = _TAG.fullmatch(piece)
        if match is None:
            raise NotPlain(f"an unusual tag {piece[:40]!r}")
        closing, name, _attributes, self_closing = match.groups()
        name = name.lower()
        if name == "br":
            if closing:
                raise NotPlain("</br>")
            if text_run:
                segments.append(Segment("".join(text_run), False))
                text_run.clear()
            segments.append(Segment("\n", True))
            continue
        if self_closing:
            raise NotPlain("a self-closed element")
        if closing:
            if not stack or stack[-1] != name:
                raise NotPlain("misnested tags")
            stack.pop()
            if name in _BLOCKS:
                flush()
            continue
        if name in _BLOCKS:
            if stack and (stack[-1] != "div" or name == "p" and "p" in stack):
                raise NotPlain("a block inside a paragraph or inline element")
            flush()
        elif name not in _INLINE:
            raise NotPlain(f"element {name}")
        stack.append(name)
        if len(stack) > _MAX_DEPTH:
            raise NotPlain("deep nesting")
    if stack:
        raise NotPlain("unclosed elements")
    flush()
    return "\n\n".join(blocks)
