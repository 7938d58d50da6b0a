"""How commands print articles: listing rows as JSON or columns, times in the local zone.

Everything a feed wrote is cleaned of control characters before it reaches the terminal.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from reader.core.library import Library
from reader.core.model import Listing, ScriptMode
from reader.core.script.view import ScriptView
from reader.core.text.cells import cell_len, clean_line, pad_cells, truncate_cells
from reader.core.text.times import local_minute


def script_view(library: Library, mode: ScriptMode | None) -> ScriptView:
    """Feed text in `mode` (the configured script when None), with each feed's own overrides."""
    languages = {state.url: state.language for state in library.store.feed_states()}
    return ScriptView.for_config(library.config, languages, mode)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def local_time(moment: datetime | None) -> str:
    """`2023-03-17 08:41` in the computer's zone, or a dash for an article without a date."""
    return local_minute(moment) or "—"


def listing_json(item: Listing, view: ScriptView) -> dict[str, Any]:
    """One article's row for `--json`, its feed text in the view's script."""
    return {
        "id": item.id,
        "section": view.text(item.section),
        "feed": view.text(item.feed_title, item.feed_url),
        "feed_url": item.feed_url,
        "title": view.text(item.title, item.feed_url),
        "link": item.link,
        "author": view.text(item.author, item.feed_url) if item.author else None,
        "published": iso(item.published),
        "read": item.read,
        "starred": item.starred,
        "same_story": list(item.same_story),  # the other copies' ids (issue 15), [] when none
    }


def print_listings(items: Sequence[Listing], view: ScriptView, out: TextIO, as_json: bool) -> None:
    """A JSON array, or one line an article (id, star/unread marks, time, feed, title) cut to
    the terminal's width in cells."""
    if as_json:
        json.dump([listing_json(i, view) for i in items], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    if not items:
        print("(no articles)", file=out)
        return
    width = shutil.get_terminal_size((100, 24)).columns
    id_width = max(len(str(i.id)) for i in items)
    feed_width = min(
        16, max(cell_len(clean_line(view.text(i.feed_title, i.feed_url))) for i in items)
    )
    for item in items:
        marks = ("★" if item.starred else " ") + (" " if item.read else "●")
        feed = pad_cells(
            truncate_cells(clean_line(view.text(item.feed_title, item.feed_url)), feed_width),
            feed_width,
        )
        head = f"{item.id:>{id_width}} {marks} {local_time(item.published)}  {feed}  "
        title = clean_line(view.text(item.title, item.feed_url))
        print(head + truncate_cells(title, max(20, width - cell_len(head))), file=out)
