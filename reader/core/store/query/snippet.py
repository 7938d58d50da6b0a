"""What a query found, for showing: the words to highlight and a short window of the text
around the first of them."""

from __future__ import annotations

from reader.core.store.query.parse import (
    All,
    Any,
    Field,
    Node,
    QuerySyntaxError,
    Words,
    parse_query,
)

SNIPPET_CHARS = 80
_BEFORE_CHARS = 20


def query_words(text: str) -> str:
    """The words a query looks for in the text, space-separated (negated ones left out), for
    highlighting; a query that does not parse is taken as plain words."""
    try:
        tree = parse_query(text)
    except QuerySyntaxError:
        return text
    return " ".join(_positive_words(tree))


def _positive_words(node: Node) -> list[str]:
    if isinstance(node, Words):
        return node.text.split()
    if isinstance(node, Field) and node.name == "title":
        return node.text.split()
    if isinstance(node, All | Any):
        return [word for term in node.terms for word in _positive_words(term)]
    return []


def snippet(text: str, words: str, *, chars: int = SNIPPET_CHARS) -> str:
    """About `chars` characters of `text` on one line, starting a little before the first of
    `words` found in it (in any script), with an ellipsis where it was cut; the start when none
    is found."""
    from reader.core.script.convert import search_spellings
    from reader.core.script.fold import fold_for_search

    line = " ".join(text.split())
    folded = fold_for_search(line)
    found = [at for word in search_spellings(words) if (at := folded.find(word)) >= 0]
    start = max(0, min(found) - _BEFORE_CHARS) if found else 0
    window = line[start : start + chars]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + chars < len(line) else ""
    return prefix + window + suffix
