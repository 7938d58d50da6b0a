"""Links from feed HTML made safe to follow: absolute http(s) (or mailto when asked), never
``javascript:``, ``data:`` or ``file:``."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit

from reader.core.text.cells import clean_text

__all__ = ["resolve_url"]

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
