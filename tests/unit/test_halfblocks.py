"""The half-block renderer: box sizes that keep the aspect and cap the height, and a photo drawn
into a box laid out before its size was known, resting on its caption."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from reader.ui.halfblocks import (
    MAX_IMAGE_ROWS,
    MIN_IMAGE_ROWS,
    UPPER_HALF,
    box_size,
    draw_halfblocks,
    draw_in_box,
    max_image_rows,
)


def save(tmp_path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", size, colour).save(path)
    return path


def test_a_box_keeps_the_aspect_at_two_pixels_a_cell_and_caps_the_rows() -> None:
    assert box_size((80, 40), 60) == (60, 15)  # 60 cells wide: 60 x 30 pixels, 15 rows
    assert box_size((20, 10), 60) == (20, 5)  # never wider than the photo
    columns, rows = box_size((100, 1000), 60)  # a tall photo: shrunk to the row cap
    assert rows == MAX_IMAGE_ROWS and columns == round(MAX_IMAGE_ROWS * 2 * 100 / 1000)
    assert box_size(None, 60)[1] == MAX_IMAGE_ROWS  # unknown size: the guessed 3:2, capped
    assert box_size((80, 40), 60, max_rows=9) == (36, 9)  # a lower cap, the aspect kept


def test_a_photo_takes_at_most_half_a_low_pane() -> None:
    assert max_image_rows(40) == MAX_IMAGE_ROWS
    assert max_image_rows(19) == 9
    assert max_image_rows(0) == MIN_IMAGE_ROWS


def test_each_cell_shows_the_upper_pixel_in_front_and_the_lower_behind(tmp_path: Path) -> None:
    path = tmp_path / "two.png"
    image = Image.new("RGB", (4, 2), (255, 0, 0))
    image.paste((0, 0, 255), (0, 1, 4, 2))
    image.save(path)
    strips = draw_halfblocks(path, 4, 1)
    assert strips is not None and len(strips) == 1
    (segment,) = list(strips[0])
    assert segment.text == UPPER_HALF * 4
    assert segment.style is not None and segment.style.color and segment.style.bgcolor
    assert segment.style.color.get_truecolor() == (255, 0, 0)
    assert segment.style.bgcolor.get_truecolor() == (0, 0, 255)


def test_a_wide_photo_in_a_taller_box_is_padded_above_so_it_rests_on_its_caption(
    tmp_path: Path,
) -> None:
    path = save(tmp_path, (80, 20), (0, 200, 0))  # 4:1, in a box guessed at 3:2
    columns, rows = box_size(None, 40)
    strips = draw_in_box(path, columns, rows)
    assert strips is not None and len(strips) == rows  # the text under it never moves
    drawn = [strip.text.strip() for strip in strips]
    first = next(index for index, text in enumerate(drawn) if text)
    assert first > 0 and all(not text for text in drawn[:first])
    assert all(set(text) == {UPPER_HALF} for text in drawn[first:])


def test_a_file_that_cannot_be_read_draws_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"not a png")
    assert draw_in_box(path, 10, 5) is None
    assert draw_halfblocks(tmp_path / "missing.png", 10, 5) is None
