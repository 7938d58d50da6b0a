"""Photos kept on disk for offline reading: decoded once with Pillow, shrunk for display, and
stored as PNG files under the cache folder, the least recently used going first past a size cap.

Every file from a server is hostile until Pillow has read it under a pixel cap: anything that
is not a raster image of a known format (an HTML page, SVG, a truncated or gigantic file)
gives `BadImage` and is remembered as bad, so it is never downloaded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# Formats a news photo comes in; Pillow tries no other decoder (SVG is never rendered).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
MAX_SOURCE_PIXELS = 40_000_000  # an image declaring more is refused before any decoding
DISPLAY_SIZE = (480, 480)  # the stored copy fits in this box: enough for any pane's width
BAD_SUFFIX = ".bad"


class BadImage(Exception):
    """A download that is not an image we can show; str() says why."""


def decode_for_display(data: bytes) -> Image.Image:
    """The first frame of an image file as RGB, shrunk to fit `DISPLAY_SIZE` (aspect kept).

    Raises BadImage for anything Pillow cannot or must not decode."""
    from PIL import Image  # on the first photo: a refresh or start-up without one never pays

    try:
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError as error:
        raise BadImage(f"too many pixels ({error})") from None
    except Exception as error:  # noqa: BLE001 (Pillow raises many types for unknown bytes)
        raise BadImage(f"not an image ({type(error).__name__})") from None
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_SOURCE_PIXELS:
        raise BadImage(f"too many pixels ({width}x{height})")
    try:
        image.draft("RGB", DISPLAY_SIZE)  # JPEG decodes straight at a fraction of its size
        image.seek(0)  # an animated GIF or WebP: its first frame
        frame = image.convert("RGBA")
        frame.thumbnail(DISPLAY_SIZE, Image.Resampling.LANCZOS)
    except Exception as error:  # noqa: BLE001 (truncated and broken files fail while decoding)
        raise BadImage(f"broken image ({type(error).__name__}: {error})") from None
    # Transparent parts over a neutral dark grey, as most terminals' backgrounds are dark.
    flat = Image.new("RGB", frame.size, (24, 24, 24))
    flat.paste(frame, mask=frame.getchannel("A"))
    return flat


class ImageCache:
    """A folder of display-sized PNGs keyed by the image's URL, capped at `max_bytes` in all.

    A file's modification time is its last use, so the cap drops the photos shown longest ago.
    Safe to use from several threads: each write is a temporary file renamed into place."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def _path(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def get(self, url: str) -> Path | None:
        """The stored PNG for `url` (its use recorded), or None when it is not cached."""
        path = self._path(url).with_suffix(".png")
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def is_bad(self, url: str) -> bool:
        """Whether `url` gave something that is not an image before (so it is not fetched again)."""
        return self._path(url).with_suffix(BAD_SUFFIX).exists()

    def put(self, url: str, data: bytes) -> Path:
        """Decode, shrink and store a downloaded image; raise BadImage (remembered) when it is
        none. Older photos are dropped past the cap."""
        try:
            image = decode_for_display(data)
        except BadImage:
            self._write(self._path(url).with_suffix(BAD_SUFFIX), b"")
            raise
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        path = self._path(url).with_suffix(".png")
        self._write(path, buffer.getvalue())
        self.trim(keep=path)
        return path

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".image.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def trim(self, keep: Path | None = None) -> int:
        """Delete the least recently used photos until the folder fits the cap; how many went."""
        entries: list[tuple[float, int, Path]] = []
        try:
            with os.scandir(self.folder) as scan:
                for entry in scan:
                    if entry.name.endswith(".png") and entry.is_file():
                        stat = entry.stat()
                        entries.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed
