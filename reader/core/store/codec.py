"""How the cache stores article bodies: UTF-8 behind a one-byte format marker, usually zlib'd.

Unknown markers and damaged streams read as replacement characters, never as an exception, so a
damaged cache shows damage in the text instead of failing the whole query.
"""

from __future__ import annotations

import zlib

# A stored value is one of:
# - NULL (no full text yet), or an empty BLOB for the empty string;
# - RAW + UTF-8 bytes: stored as it is (short, or deflate would not make it smaller);
# - DEFLATED + a zlib stream of the UTF-8 bytes;
# - TEXT: a row written before bodies were packed, read as it is.
# Bodies are much of a cache's bytes and Chinese news HTML deflates well; inflating one is too
# quick for the reading pane to notice.
RAW = 0x00
DEFLATED = 0x01
# A cold refresh compresses every new article: level 1 is much quicker than level 6 for a few
# more bytes (bench/README.md has the figures).
COMPRESSION_LEVEL = 1
# Below this many bytes deflate rarely wins and the marker plus zlib header would cost more.
_MIN_COMPRESSED_BYTES = 64


def pack(text: str) -> bytes:
    """A body as stored: the empty string as an empty BLOB, else a marker byte and the bytes."""
    return pack_utf8(text.encode("utf-8", "surrogatepass"))


def pack_utf8(data: bytes) -> bytes:
    """`pack` of text already encoded as `pack` encodes it (UTF-8, lone surrogates kept)."""
    if not data:
        return b""
    if len(data) >= _MIN_COMPRESSED_BYTES:
        squeezed = zlib.compress(data, COMPRESSION_LEVEL)
        if len(squeezed) < len(data):
            return bytes((DEFLATED,)) + squeezed
    return bytes((RAW,)) + data


def unpack(value: bytes | str | None) -> str | None:
    """A stored body back as text (None stays None), from any of the stored forms above."""
    if value is None or isinstance(value, str):
        return value
    if not value:
        return ""
    marker, payload = value[0], value[1:]
    if marker == DEFLATED:
        try:
            payload = zlib.decompress(payload)
        except zlib.error:
            return "\ufffd"
    elif marker != RAW:
        return "\ufffd" + _decoded(payload)
    return _decoded(payload)


def _decoded(data: bytes) -> str:
    """UTF-8 back to text exactly as packed (lone surrogates too), damaged bytes as U+FFFD."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")
