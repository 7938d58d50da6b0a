"""Photos as coloured half-block cells: each cell shows two pixels, the upper one as the
foreground of `▀` and the lower one as its background, which any colour terminal (and tmux)
draws. Pure functions on Pillow, so workers can draw off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

MAX_IMAGE_ROWS = 16  # a tall photo is shrunk to this many lines, so the story stays near
MIN_IMAGE_ROWS = 4  # the row cap in a very low pane: still a recognisable thumbnail
GUESSED_ASPECT = (3, 2)  # width to height of a photo not downloaded yet: news photos' usual
UPPER_HALF = "▀"

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage


def _open(path: Path) -> PILImage:
    """Pillow's image at `path`: Pillow loads with the first photo, not with the app."""
    from PIL import Image

    return Image.open(path)


def max_image_rows(pane_height: int) -> int:
    """The row cap for photos in a pane `pane_height` lines high: at most half of it, so a
    photo never pushes the story off a small screen."""
    return max(MIN_IMAGE_ROWS, min(MAX_IMAGE_ROWS, pane_height // 2))


def box_size(
    image_size: tuple[int, int] | None, width: int, max_rows: int = MAX_IMAGE_ROWS
) -> tuple[int, int]:
    """Columns and rows a photo of `image_size` pixels takes in a pane `width` cells wide:
    as wide as allowed, aspect kept (a cell is one pixel wide and two high), rows capped."""
    pixel_width, pixel_height = image_size or GUESSED_ASPECT
    pixel_width, pixel_height = max(pixel_width, 1), max(pixel_height, 1)
    columns = max(1, width if image_size is None else min(width, pixel_width))
    rows = max(1, round(columns * pixel_height / pixel_width / 2))
    if rows > max_rows:
        rows = max_rows
        columns = max(1, min(columns, round(rows * 2 * pixel_width / pixel_height)))
    return columns, rows


def image_size(path: Path) -> tuple[int, int] | None:
    """A stored photo's size in pixels, from its header alone; None when it cannot be read."""
    try:
        with _open(path) as image:
            return image.size
    except (OSError, ValueError):
        return None


def draw_halfblocks(path: Path, columns: int, rows: int) -> list[Strip] | None:
    """The photo at `path` scaled into `columns` x `rows` cells, one Strip a row; None when the
    stored file cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            pixels = image.convert("RGB").resize((columns, rows * 2), Image.Resampling.BOX)
    except (OSError, ValueError):
        return None
    data = pixels.load()
    assert data is not None
    styles: dict[tuple[object, object], Style] = {}
    strips: list[Strip] = []
    for row in range(rows):
        segments: list[Segment] = []
        for column in range(columns):
            upper, lower = data[column, row * 2], data[column, row * 2 + 1]
            style = styles.get((upper, lower))
            if style is None:
                style = styles[(upper, lower)] = Style(
                    color=Color.from_rgb(*upper[:3]),  # type: ignore[index]
                    bgcolor=Color.from_rgb(*lower[:3]),  # type: ignore[index]
                )
            segments.append(Segment(UPPER_HALF, style))
        strips.append(Strip(Segment.simplify(segments), columns))
    return strips


def draw_in_box(path: Path, box_columns: int, box_rows: int) -> list[Strip] | None:
    """The photo drawn as large as fits a box laid out before its size was known (aspect
    kept), padded above with blank rows to the box's height: the text under it never moves
    and the photo stays right on its caption."""
    size = image_size(path)
    if size is None:
        return None
    columns, rows = box_size(size, box_columns, box_rows)
    if rows > box_rows:
        rows = box_rows
        columns = max(1, min(columns, round(rows * 2 * size[0] / max(size[1], 1))))
    strips = draw_halfblocks(path, columns, rows)
    if strips is None:
        return None
    return [Strip.blank(columns) for _ in range(box_rows - rows)] + strips
