"""How the cache stores article bodies: UTF-8 behind a one-byte format marker, usually compressed.

Unknown markers and damaged streams read as replacement characters, never as an exception, so a
damaged cache shows damage in the text instead of failing the whole query.
"""

from __future__ import annotations

import threading
import zlib

import zstandard

# A stored value is one of:
# - NULL (no full text yet), or an empty BLOB for the empty string;
# - RAW + UTF-8 bytes: stored as it is (short, or deflate would not make it smaller);
# - ZSTD + a Zstandard frame of the UTF-8 bytes (what is written now);
# - DEFLATED + a zlib stream of the UTF-8 bytes (written before schema 6, still read);
# - TEXT: a row written before bodies were packed, read as it is.
# Bodies are much of a cache's bytes and Chinese news HTML compresses to about half. A cold
# refresh packs every new article: Zstandard's level 1 is about three times quicker than zlib's
# level 1 on real Chinese news for a few per cent more bytes, and unpacks twice as fast
# (bench/README.md has the figures).
RAW = 0x00
DEFLATED = 0x01
ZSTD = 0x02
COMPRESSION_LEVEL = 1
# Below this many bytes compression rarely wins and the marker plus frame header would cost more.
_MIN_COMPRESSED_BYTES = 64
# No stored body is near this (pages and feeds are capped far lower).
_MAX_BODY_BYTES = 256 << 20
# Zstandard's (de)compressor objects are not safe to share between threads: one of each per
# thread (the store's writer, parse workers, the UI), made on first use.
_codecs = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    compressor: zstandard.ZstdCompressor | None = getattr(_codecs, "compressor", None)
    if compressor is None:
        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
    return compressor


def _decompressor() -> zstandard.ZstdDecompressor:
    decompressor: zstandard.ZstdDecompressor | None = getattr(_codecs, "decompressor", None)
    if decompressor is None:
        decompressor = _codecs.decompressor = zstandard.ZstdDecompressor()
    return decompressor


def pack(text: str) -> bytes:
    """A body as stored: the empty string as an empty BLOB, else a marker byte and the bytes."""
    return pack_utf8(text.encode("utf-8", "surrogatepass"))


def pack_utf8(data: bytes) -> bytes:
    """`pack` of text already encoded as `pack` encodes it (UTF-8, lone surrogates kept)."""
    if not data:
        return b""
    if len(data) >= _MIN_COMPRESSED_BYTES:
        squeezed = _compressor().compress(data)
        if len(squeezed) < len(data):
            return bytes((ZSTD,)) + squeezed
    return bytes((RAW,)) + data


def unpack(value: bytes | str | None) -> str | None:
    """A stored body back as text (None stays None), from any of the stored forms above."""
    if value is None or isinstance(value, str):
        return value
    if not value:
        return ""
    marker, payload = value[0], value[1:]
    if marker == ZSTD:
        try:
            # A damaged frame may claim any size: never allocate for more than a body can be.
            if not 0 <= zstandard.frame_content_size(payload) <= _MAX_BODY_BYTES:
                return "\ufffd"
            payload = _decompressor().decompress(payload)
        except zstandard.ZstdError:
            return "\ufffd"
    elif marker == DEFLATED:
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
