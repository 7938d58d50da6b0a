"""Rewrite only the visible text of an HTML fragment (text nodes, alt and title values) and copy
every byte of markup as it was, <script>, <style>, <pre> and <code> contents included.

Markup that does not close (a stray `<p` at the end) is copied from there on, never converted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Elements whose contents are not prose: raw text, or code that must stay as written.
_RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "xmp", "plaintext"})
_VERBATIM_ELEMENTS = frozenset({"pre", "code", "kbd", "samp", "tt", "var"})
_TEXT_ATTRIBUTES = frozenset({"alt", "title"})

_MARKUP_RE = re.compile(
    r"""<!--.*?-->                               # comment
      | <!\[CDATA\[.*?\]\]>                      # CDATA section
      | <[!?][^>]*>                              # doctype, processing instruction
      | </?[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>  # start or end tag, quoted '>' allowed
    """,
    re.DOTALL | re.VERBOSE,
)
_MARKUP_START_RE = re.compile(r"<(?:[A-Za-z!?/])")
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTRIBUTE_RE = re.compile(
    r"""(?P<name>[^\s"'>/=]+)(?P<equals>\s*=\s*)
        (?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'=<>`]+))""",
    re.VERBOSE,
)
_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")


def _convert_keeping_entities(text: str, convert: Callable[[str], str]) -> str:
    """Convert the text between character references; the references stay as written."""
    if "&" not in text:
        return convert(text)
    parts: list[str] = []
    position = 0
    for entity in _ENTITY_RE.finditer(text):
        parts.append(convert(text[position : entity.start()]))
        parts.append(entity.group())
        position = entity.end()
    parts.append(convert(text[position:]))
    return "".join(parts)


def _convert_tag_attributes(tag: str, convert: Callable[[str], str]) -> str:
    """A start tag with its alt and title values converted, everything else byte-identical."""
    name_match = _TAG_NAME_RE.match(tag)
    if name_match is None or tag.startswith("</") or tag.isascii():
        return tag
    parts: list[str] = []
    position = name_match.end()
    parts.append(tag[:position])
    for attribute in _ATTRIBUTE_RE.finditer(tag, position):
        if attribute.group("name").lower() not in _TEXT_ATTRIBUTES:
            continue
        value_group = next(
            g for g in ("double", "single", "bare") if attribute.group(g) is not None
        )
        start, end = attribute.span(value_group)
        parts.append(tag[position:start])
        parts.append(_convert_keeping_entities(tag[start:end], convert))
        position = end
    parts.append(tag[position:])
    return "".join(parts)


def _raw_text_end(html: str, element: str, start: int) -> int:
    """Where the closing tag of a raw-text element begins (or the end of the document)."""
    closing = re.compile(rf"</{re.escape(element)}[\s/>]", re.IGNORECASE)
    found = closing.search(html, start)
    return found.start() if found else len(html)


def convert_html_text_nodes(html: str, convert: Callable[[str], str]) -> str:
    """Return html with its text nodes (and alt/title values) passed through convert."""
    parts: list[str] = []
    position = 0
    verbatim_depth = 0
    length = len(html)
    while position < length:
        next_markup = _MARKUP_START_RE.search(html, position)
        text_end = next_markup.start() if next_markup else length
        if text_end > position:
            text = html[position:text_end]
            parts.append(text if verbatim_depth else _convert_keeping_entities(text, convert))
            position = text_end
        if next_markup is None:
            break
        markup = _MARKUP_RE.match(html, position)
        if markup is None:
            # Markup that never closes: copy the rest rather than guess where text resumes.
            parts.append(html[position:])
            break
        tag = markup.group()
        position = markup.end()
        name_match = _TAG_NAME_RE.match(tag)
        if name_match is None:
            parts.append(tag)
            continue
        name = name_match.group(1).lower()
        is_end_tag = tag.startswith("</")
        if is_end_tag:
            if name in _VERBATIM_ELEMENTS and verbatim_depth:
                verbatim_depth -= 1
            parts.append(tag)
            continue
        parts.append(tag if verbatim_depth else _convert_tag_attributes(tag, convert))
        if name in _RAW_TEXT_ELEMENTS:
            raw_end = _raw_text_end(html, name, position)
            parts.append(html[position:raw_end])
            position = raw_end
        elif name in _VERBATIM_ELEMENTS and not tag.endswith("/>"):
            verbatim_depth += 1
    return "".join(parts)
