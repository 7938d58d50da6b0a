"""Runs of text from HTML joined the way a browser lays them out, shared by the block builder
and the quick plain-text path so both give the same text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.core.text.cells import WIDE_CHARACTERS, clean_text

__all__ = ["CJK_LINE_BREAK", "HTML_SPACE_RUN", "Segment", "join_plain_run", "join_segments"]

HTML_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
# A line break between two CJK characters: browsers show no space there.
CJK_LINE_BREAK = re.compile(
    rf"(?<=[{WIDE_CHARACTERS}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{WIDE_CHARACTERS}])"
)


@dataclass(slots=True)
class Segment:
    """A run of text waiting to become part of a block."""

    text: str
    preserve: bool  # inside <pre> or a <br>: whitespace kept as is
    link_url: str | None = None
    link_id: int = 0


def join_segments(
    segments: Sequence[Segment], preformatted: bool = False
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
            text = HTML_SPACE_RUN.sub(" ", CJK_LINE_BREAK.sub("", text))
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


def join_plain_run(text: str) -> str:
    """`join_segments` for a single ordinary run of already clean text, without its
    bookkeeping: CJK line breaks dropped, HTML whitespace collapsed, ends stripped."""
    if "\n" in text:
        text = CJK_LINE_BREAK.sub("", text)
    return HTML_SPACE_RUN.sub(" ", text).strip()
