"""Blocks as plain text: the text of an HTML fragment for listing and search, and the
readable text of an article for `reader show`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reader.core.text.blocks import Block, html_to_blocks
from reader.core.text.cells import cell_len, wrap_cells

__all__ = ["IMAGE_LABEL", "blocks_to_text", "html_to_plain"]


def html_to_plain(html: str) -> str:
    """Plain text of an HTML fragment: blocks separated by blank lines, for listing and search."""
    return "\n\n".join(block.text for block in html_to_blocks(html) if block.text)


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
