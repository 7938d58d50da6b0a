"""The article's lines, laid out once per width by the core's line layout (kinsoku, phrase
breaks), of which only those on screen are drawn.

Links keep their `@click` meta, so they stay clickable, and text can be selected with the mouse.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Span, Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from reader.core.text.layout import line_spans
from reader.ui.article_text import IMAGE_META
from reader.ui.halfblocks import MAX_IMAGE_ROWS, box_size, max_image_rows

RECENT_TEXTS = 3  # texts whose drawn lines are kept: one article in the three scripts


class Wrapped(NamedTuple):
    """A text laid out at one width: its lines, the first line of each paragraph, and the rows
    a photo takes (row -> the photo's URL and its row within the photo)."""

    lines: list[Text]
    paragraph_rows: list[int]
    image_rows: dict[int, tuple[str, int]] = {}  # noqa: RUF012 (never mutated)


def image_url(line: Text) -> str | None:
    """The photo a line is the label of (see `article_text`), if any."""
    for span in line.spans:
        style = span.style
        if span.start == 0 and isinstance(style, RichStyle) and style._meta:
            url = style.meta.get(IMAGE_META)
            if isinstance(url, str):
                return url
    return None


_recent_wraps: LRUCache[tuple[str, int], tuple[tuple[object, list[Span]], Wrapped]] = LRUCache(6)
_NOT_WRAPPED = Wrapped([], [])


def wrap_text(text: Text, width: int) -> Wrapped:
    """`text` cut into lines of `width` cells where the line layout breaks each paragraph;
    the pieces keep their spans, so links and highlights survive."""
    lines: list[Text] = []
    paragraph_rows: list[int] = []
    for paragraph in text.split("\n", allow_blank=True):
        paragraph_rows.append(len(lines))
        if "\t" in paragraph.plain:
            paragraph.expand_tabs()
        spans = line_spans(paragraph.plain, width)
        if len(spans) == 1:
            start, end = spans[0]
            lines.append(paragraph if end - start == len(paragraph) else paragraph[start:end])
            continue
        offsets = sorted({offset for span in spans for offset in span} - {0, len(paragraph)})
        pieces = paragraph.divide(offsets)
        piece_at = dict(zip([0, *offsets], pieces, strict=True))
        lines.extend(piece_at[start] if end > start else Text() for start, end in spans)
    return Wrapped(lines, paragraph_rows)


class ArticleBody(Widget):
    """The article's lines: as tall as the wrapped text, drawing only the rows asked for, with
    each photo's rows above its caption (a blank placeholder until the photo is drawn)."""

    @dataclass
    class ImageWanted(Message):
        """A photo's rows are on screen but not drawn into a box of this many columns and rows."""

        url: str
        columns: int
        rows: int

    DEFAULT_CSS = """
    ArticleBody {
        height: auto;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()
        # The text laid out at a width and a photo row cap (which follows the pane's height).
        self._wrapped: tuple[tuple[int, int], Wrapped] = ((-1, 0), _NOT_WRAPPED)
        self._image_row_cap = MAX_IMAGE_ROWS
        self._strips: dict[int, Strip] = {}  # drawn lines of `text` at `_strips_width`
        self._strips_width = -1
        # Drawn lines of texts shown recently (the same article in each script), newest last.
        self._recent_strips: list[tuple[Text, int, dict[int, Strip]]] = []
        # Photos: pixel sizes known before layout, drawn rows per (URL, columns), failures.
        self.image_sizes: dict[str, tuple[int, int]] = {}
        self.image_strips: dict[tuple[str, int, int], list[Strip]] = {}
        self.failed_images: set[str] = set()

    def show(self, text: Text, image_sizes: dict[str, tuple[int, int]] | None = None) -> None:
        self._keep_strips()
        self.text = text
        if image_sizes is not None:
            self.image_sizes.update(image_sizes)
        self._wrapped = ((-1, 0), _NOT_WRAPPED)
        self._strips, self._strips_width = {}, -1
        for index, (shown, width, strips) in enumerate(self._recent_strips):
            if shown is text:  # the very Text shown before: its drawn lines still hold
                del self._recent_strips[index]
                self._strips, self._strips_width = strips, width
                break
        self.refresh(layout=True)

    def _keep_strips(self) -> None:
        """Remember the current text's drawn lines for when it is shown again."""
        if self._strips:
            self._recent_strips.append((self.text, self._strips_width, self._strips))
            del self._recent_strips[:-RECENT_TEXTS]

    def lines(self, width: int) -> list[Text]:
        """The text wrapped to `width` cells (once per text and width)."""
        return self._wrapped_at(width).lines

    def _wrapped_at(self, width: int) -> Wrapped:
        key = (width, self._max_image_rows())
        if self._wrapped[0] != key:
            self._image_row_cap = key[1]
            self._wrapped = (key, self._with_images(self._wrap(width), width))
        if self._strips_width != width:
            self._strips, self._strips_width = {}, width
        return self._wrapped[1]

    def _wrap(self, width: int) -> Wrapped:
        """Wrap, reusing the lines of an identical text seen recently (cycling the script
        shows the same three texts again)."""
        if width <= 0:
            return _NOT_WRAPPED
        text = self.text
        key = (text.plain, width)
        cached = _recent_wraps.get(key)
        if cached is not None and cached[0] == (text.style, text.spans):
            return cached[1]
        wrapped = wrap_text(text, width)
        _recent_wraps[key] = ((text.style, list(text.spans)), wrapped)
        return wrapped

    def _max_image_rows(self) -> int:
        """The photos' row cap for the height of the pane this body scrolls in."""
        parent = self.parent
        return max_image_rows(parent.size.height if isinstance(parent, Widget) else 0)

    def _box(self, url: str, width: int) -> tuple[int, int]:
        """Columns and rows a photo takes at `width` (a guessed shape until its size is known)."""
        return box_size(self.image_sizes.get(url), width, self._image_row_cap)

    def _with_images(self, wrapped: Wrapped, width: int) -> Wrapped:
        """`wrapped` with each photo's rows put above its label: as many as the photo takes at
        this width (a guessed shape until its size is known), none when it failed."""
        lines, starts = wrapped.lines, wrapped.paragraph_rows
        found = [
            (paragraph, url)
            for paragraph, row in enumerate(starts)
            if row < len(lines)
            and (url := image_url(lines[row])) is not None
            and url not in self.failed_images
        ]
        if not found:
            return wrapped
        new_lines = list(lines)
        new_starts = list(starts)
        image_rows: dict[int, tuple[str, int]] = {}
        for paragraph, url in reversed(found):  # from the end, so earlier rows stay put
            _columns, rows = self._box(url, width)
            at = starts[paragraph]
            new_lines[at:at] = [Text() for _ in range(rows)]
            for later in range(paragraph + 1, len(new_starts)):
                new_starts[later] += rows
        shift = 0
        for paragraph, url in found:
            _columns, rows = self._box(url, width)
            at = starts[paragraph] + shift
            new_starts[paragraph] = at
            image_rows.update({at + index: (url, index) for index in range(rows)})
            shift += rows
        return Wrapped(new_lines, new_starts, image_rows)

    def images_changed(self) -> None:
        """Photos were drawn or failed: lay out again (a failed photo's rows go)."""
        self._wrapped = ((-1, 0), _NOT_WRAPPED)
        self._strips.clear()
        self._recent_strips.clear()
        self.refresh(layout=True)

    def place_of_row(self, row: int) -> tuple[int, int]:
        """The paragraph shown at a row of the laid-out text and the row within it: the same
        place in another script, whose lines break elsewhere."""
        starts = self._wrapped[1].paragraph_rows
        if not starts:
            return 0, 0
        paragraph = max(bisect_right(starts, row) - 1, 0)
        return paragraph, row - starts[paragraph]

    def row_of_place(self, place: tuple[int, int]) -> int:
        """The row where a place from `place_of_row` is now, at the current width."""
        wrapped = self._wrapped_at(self.size.width)
        starts = wrapped.paragraph_rows
        if not starts:
            return 0
        paragraph, offset = place
        paragraph = min(paragraph, len(starts) - 1)
        end = starts[paragraph + 1] if paragraph + 1 < len(starts) else len(wrapped.lines)
        return starts[paragraph] + max(0, min(offset, end - starts[paragraph] - 1))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._recent_strips.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self.lines(width)
        base = self.rich_style
        if not 0 <= y < len(lines):
            return Strip.blank(width, base)
        image_row = self._wrapped[1].image_rows.get(y)
        if image_row is not None:
            return self._image_line(*image_row, width, base).apply_offsets(0, y)
        selection = self.text_selection
        strip = self._strips.get(y) if selection is None else None
        if strip is None:
            strip = self._draw(lines[y], y, width, base, selection)
            if selection is None:
                self._strips[y] = strip
        return strip

    def _image_line(self, url: str, index: int, width: int, base: RichStyle) -> Strip:
        """One row of a photo, or of its blank placeholder while it is fetched and drawn."""
        columns, rows = self._box(url, width)
        drawn = self.image_strips.get((url, columns, rows))
        if drawn is None or index >= len(drawn):
            self.post_message(self.ImageWanted(url, columns, rows))
            return Strip.blank(width, base)
        return drawn[index].crop_extend(0, width, base)

    def _draw(
        self, line: Text, y: int, width: int, base: RichStyle, selection: Selection | None
    ) -> Strip:
        """One wrapped line as a Strip: the widget's style under it, links in the link style,
        the selection reversed, offsets recorded so the mouse can select."""
        if selection is not None and (span := selection.get_span(y)) is not None:
            start, end = span
            line = line.copy()
            line.stylize(
                self.screen.get_component_rich_style("screen--selection"),
                start,
                len(line) if end == -1 else end,
            )
        console = self.app.console
        line_style = (
            base + console.get_style(line.style) if line.style else base
        )  # render() omits it
        link = self.link_style
        segments = [
            Segment(
                text, style + link if style and style._meta and "@click" in style.meta else style
            )
            for text, style, _ in Segment.apply_style(line.render(console), style=line_style)
        ]
        return Strip(segments).crop_extend(0, width, base).apply_offsets(0, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text; offsets count wrapped lines, as drawn."""
        lines = self._wrapped[1].lines
        return selection.extract("\n".join(line.plain for line in lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()
