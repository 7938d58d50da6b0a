"""Image files for tests, made on the spot with Pillow: good photos and the hostile kinds a
server may send (truncated, gigantic, animated, SVG, HTML served as an image)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def photo_bytes(width: int = 64, height: int = 32, image_format: str = "JPEG") -> bytes:
    """A small picture: left half red, right half blue, so drawn cells can be checked."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut off halfway through its data."""
    whole = photo_bytes(200, 200)
    return whole[: len(whole) // 2]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def giant_png(side: int = 50_000) -> bytes:
    """A PNG whose header declares `side` x `side` pixels, with almost no data behind it."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def animated_gif() -> bytes:
    """Two frames: green, then magenta; the first is the one to show."""
    frames = [Image.new("RGB", (40, 20), colour) for colour in ((0, 200, 0), (200, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
HTML_PAGE = b"<!doctype html><html><body><h1>Not found</h1></body></html>"
