"""An article as Markdown (title, meta line, body, photos, source URL) for `S` and
`reader show --markdown`; feed text is escaped so it never reads as Markdown syntax.

Pure functions over blocks, plus the one write that never overwrites a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reader.core.text.blocks import Block

__all__ = ["article_markdown", "escape_markdown", "markdown_file_name", "write_new_file"]

# Characters that mean something to Markdown wherever they stand (CommonMark lets every ASCII
# punctuation character be escaped with a backslash).
_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>|~&!])")
# Characters that mean something only at the start of a line: headings, quotes, list markers,
# setext underlines; and the "." or ")" of a numbered item ("1." / "1)").
_LINE_START = re.compile(r"^([#>+\-=])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\d+)([.)])", re.MULTILINE)
NAME_BYTES = 200  # a file name's cap in UTF-8 bytes, leaving room for "-NN.md" under 255
MAX_SAME_NAME = 999  # "-2" ... up to this before giving up


def escape_markdown(text: str) -> str:
    """`text` with every Markdown-significant character escaped, and lines' leading spaces
    dropped (four would start a code block)."""
    return _line_starts(_escape_inline(text))


def _escape_inline(text: str) -> str:
    return _ANYWHERE.sub(r"\\\1", text)


def _line_starts(text: str) -> str:
    """Escape what only counts at the start of a line, once a line is put together."""
    text = re.sub(r"^[ \t]+", "", text, flags=re.MULTILINE)
    text = _LINE_START.sub(r"\\\1", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def _url(url: str) -> str:
    """A URL safe inside `<...>` in a link: no angle brackets, spaces or line breaks."""
    return (
        url.replace("<", "%3C")
        .replace(">", "%3E")
        .replace(" ", "%20")
        .replace("\n", "")
        .replace("\r", "")
    )


def _inline(block: Block) -> str:
    """A block's text escaped, its links written as [text](<url>)."""
    pieces: list[str] = []
    at = 0
    for start, end, url in sorted(block.spans):
        if start < at:
            continue  # overlapping spans: keep the first
        pieces.append(_escape_inline(block.text[at:start]))
        pieces.append(f"[{_escape_inline(block.text[start:end])}](<{_url(url)}>)")
        at = end
    pieces.append(_escape_inline(block.text[at:]))
    # A line break inside a paragraph stays one (two spaces before it).
    return _line_starts("".join(pieces)).replace("\n", "  \n")


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _block_markdown(block: Block, image_label: str) -> str:
    if block.kind == "rule":
        return "---"
    if block.kind == "image":
        caption = escape_markdown(block.text or image_label).replace("\n", " ")
        return f"![{caption}](<{_url(block.url)}>)" if block.url else caption
    if block.kind == "preformatted":
        fence = _fence(block.text)
        return f"{fence}\n{block.text}\n{fence}"
    text = _inline(block)
    if block.kind == "heading":
        return "#" * min(6, max(2, block.level + 1)) + " " + text.replace("  \n", " ")
    if block.kind == "list_item":
        indent = "   " * max(0, block.level - 1)
        marker = f"{block.ordinal}." if block.ordinal is not None else "-"
        return indent + marker + " " + text.replace("\n", "\n" + indent + "   ")
    if block.kind == "quote":
        prefix = "> " * max(1, block.level)
        return prefix + text.replace("\n", "\n" + prefix)
    return text


def article_markdown(
    title: str,
    meta: str,
    blocks: Sequence[Block],
    source_url: str | None,
    *,
    image_label: str = "圖",
    source_label: str = "Source",
) -> str:
    """The article as a Markdown document: `# title`, the meta line in italics, the body's
    blocks (photos as image links) and the source URL last."""
    parts = [f"# {escape_markdown(title).replace(chr(10), ' ')}"]
    meta_lines = [line for line in meta.splitlines() if line.strip()]
    if meta_lines:
        parts.append("  \n".join(f"*{escape_markdown(line)}*" for line in meta_lines))
    previous: Block | None = None
    for block in blocks:
        text = _block_markdown(block, image_label)
        if previous is not None and previous.kind == block.kind == "list_item":
            parts[-1] += "\n" + text  # one list, not a paragraph per item
        else:
            parts.append(text)
        previous = block
    if source_url:
        parts.append(f"{escape_markdown(source_label)}: <{_url(source_url)}>")
    return "\n\n".join(part for part in parts if part) + "\n"


def markdown_file_name(published: datetime | None, title: str, today: datetime) -> str:
    """`YYYY-MM-DD title.md`: safe on every file system (no separators, `..`, control
    characters or reserved Windows names) and at most NAME_BYTES bytes before `.md`."""
    from pathvalidate import sanitize_filename  # only when saving: start-up stays quick

    day = (published or today).strftime("%Y-%m-%d")
    flat = " ".join(title.split())  # line breaks and runs of spaces become one space
    stem = sanitize_filename(f"{day} {flat}", platform="universal", max_len=NAME_BYTES)
    stem = re.sub(r"\.{2,}", ".", stem)  # no "..", even inside a name
    stem = stem.strip(" .") or day
    return f"{stem}.md"


def write_new_file(directory: Path, name: str, text: str) -> Path:
    """Write `text` to `directory/name`, or to `name-2`, `name-3` ... when that exists; an
    existing file is never overwritten. Creates `directory` when needed."""
    directory.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for number in range(1, MAX_SAME_NAME + 1):
        candidate = name if number == 1 else f"{stem}-{number}{dot}{suffix}"
        path = directory / candidate
        try:
            with path.open("x", encoding="utf-8") as handle:  # "x": fails if it exists
                handle.write(text)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{directory / name} and {MAX_SAME_NAME - 1} numbered copies exist")
