"""Decompressing a response body ourselves, gzip/deflate, under a size cap.

A client's own decoders bound nothing; decoding chunk by chunk with a limit on each chunk's output
means neither a long body nor a small compressed bomb can allocate more than the cap.
"""

from __future__ import annotations

import zlib

from reader.core.backends.base import FetchFailed

SUPPORTED_ENCODINGS = frozenset({"identity", "", "gzip", "x-gzip", "deflate"})


def format_size(limit: int) -> str:
    """`10485760` -> `10 MB`, `204800` -> `200 kB`: sizes as people say them."""
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} kB"
    return f"{limit} bytes"


class CappedDecoder:
    """Decompresses gzip/deflate chunk by chunk, refusing to produce more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.produced = 0
        self._raw_deflate_tried = False
        self._decompressor = self._new_decompressor()

    def _new_decompressor(self) -> zlib._Decompress | None:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def _too_large(self) -> FetchFailed:
        return FetchFailed(f"body larger than {format_size(self.limit)}")

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of the next raw chunk; raise FetchFailed past the cap."""
        decompressor = self._decompressor
        if decompressor is None:
            self.produced += len(data)
            if self.produced > self.limit:
                raise self._too_large()
            return data
        pieces: list[bytes] = []
        while data:
            room = self.limit - self.produced + 1
            try:
                piece = decompressor.decompress(data, room)
            except zlib.error as error:
                if self.encoding == "deflate" and not self._raw_deflate_tried and not pieces:
                    # Some servers send raw deflate without the zlib header.
                    self._raw_deflate_tried = True
                    decompressor = self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchFailed(f"could not decompress body ({error})") from error
            self.produced += len(piece)
            if self.produced > self.limit:
                raise self._too_large()
            pieces.append(piece)
            if decompressor.unconsumed_tail:
                data = decompressor.unconsumed_tail
            elif decompressor.eof and decompressor.unused_data:
                data = decompressor.unused_data  # another gzip member follows
                decompressor = self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = b""
        return b"".join(pieces)
