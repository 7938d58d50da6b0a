"""The reader's keys in one table: footer, help screen, command palette and [keys] remaps
all come from it, so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from reader.ui.strings import label


@dataclass(frozen=True)
class Key:
    """One binding: id (for [keys] remaps), default keys, action, label key, footer flag."""

    id: str
    keys: str
    action: str
    label_key: str
    show: bool = False
    priority: bool = False
    help_keys: str = ""  # how the help screen spells the keys, when not the key names


MAIN_KEYS: tuple[Key, ...] = (
    Key("open", "enter", "open_article", "key_open", show=True, help_keys="Enter"),
    Key("back", "escape", "back", "key_back", show=True, help_keys="Esc"),
    Key("cursor_down", "j,down", "cursor_down", "key_down", help_keys="j ↓"),
    Key("cursor_up", "k,up", "cursor_up", "key_up", help_keys="k ↑"),
    Key("first", "g,home", "first", "key_first", help_keys="g Home"),
    Key("last", "G,end", "last", "key_last", help_keys="G End"),
    Key("page", "space,pagedown", "page", "key_page", priority=True, help_keys="Space PgDn"),
    Key(
        "next_section",
        "tab,right_square_bracket",
        "next_section",
        "key_next_section",
        priority=True,
        help_keys="Tab ]",
    ),
    Key(
        "prev_section",
        "shift+tab,left_square_bracket",
        "prev_section",
        "key_prev_section",
        priority=True,
        help_keys="Shift+Tab [",
    ),
    Key("next_unread", "n", "next_unread", "key_next_unread", show=True),
    Key("prev_unread", "p", "prev_unread", "key_prev_unread"),
    Key("toggle_read", "m", "toggle_read", "key_toggle_read"),
    Key("mark_section_read", "A", "mark_section_read", "key_mark_section"),
    Key("toggle_star", "s", "toggle_star", "key_star"),
    Key("open_browser", "o", "open_browser", "key_browser"),
    Key("copy_link", "y", "copy_link", "key_copy"),
    Key("cycle_script", "t", "cycle_script", "key_script", show=True),
    Key("full_text", "f", "full_text", "key_full_text"),
    Key("next_copy", "c", "next_copy", "key_next_copy"),
    Key("toggle_images", "i", "toggle_images", "key_images"),
    Key("refresh", "r", "refresh", "key_refresh", show=True),
    Key("refresh_all", "R", "refresh_all", "key_refresh_all"),
    Key("search", "slash", "search", "key_search", show=True, help_keys="/"),
    Key("failed_feeds", "F", "failed_feeds", "key_failed"),
    Key("narrow_list", "less_than_sign", "split(-5)", "key_narrow_list", help_keys="<"),
    Key("widen_list", "greater_than_sign", "split(5)", "key_widen_list", help_keys=">"),
    Key("list_only", "z", "list_only", "key_list_only"),
    Key("row_lines", "v", "row_lines", "key_row_lines"),
    Key("help", "question_mark", "help", "key_help", show=True, help_keys="?"),
    Key("quit", "q", "app.quit", "key_quit", show=True),
    # The footer shows Textual's palette key on its right; this gives it our description.
    Key(
        "palette", "ctrl+p", "app.command_palette", "key_palette", priority=True, help_keys="Ctrl+P"
    ),
) + tuple(Key(f"section_{n}", str(n), f"section({n - 1})", "key_section") for n in range(1, 10))

# The habits newsboat users bring (issue 17); run by ReaderApp.action_habit (reader/ui/habits.py).
# Digits open the open article's numbered links while it fills the screen (priority: they come
# before the section keys, which take the digits everywhere else); Enter ends a longer number.
HABIT_KEYS: tuple[Key, ...] = (
    Key("pipe", "vertical_line", "app.habit('pipe')", "key_pipe", help_keys="|"),
    Key("save", "S", "app.habit('save')", "key_save"),
    Key("bookmark", "b", "app.habit('bookmark')", "key_bookmark"),
    Key("links", "L", "app.habit('links')", "key_links"),
    Key("hide_read", "h", "app.habit('hide_read')", "key_hide_read"),
    Key("sort", "O", "app.habit('sort')", "key_sort"),
    Key(
        "link_go", "enter", "app.habit('link_go')", "key_link_go", priority=True, help_keys="Enter"
    ),
) + tuple(
    Key(f"link_{n}", str(n), f"app.habit('link_digit', {n})", "key_link_number", priority=True)
    for n in range(10)
)
MAIN_KEYS = MAIN_KEYS + HABIT_KEYS


def main_bindings(mode: str, ui_language: str) -> list[Binding]:
    """The main screen's bindings with descriptions in the UI's language."""
    return [
        Binding(
            key.keys,
            key.action,
            label(key.label_key, mode, ui_language),
            show=key.show,
            priority=key.priority,
            id=key.id,
        )
        for key in MAIN_KEYS
    ]


def help_rows(mode: str, ui_language: str, keymap: dict[str, str]) -> list[tuple[str, str]]:
    """(keys, description) for the help screen, remapped keys shown as the user set them."""
    rows: list[tuple[str, str]] = []
    for key in MAIN_KEYS:
        if key.id.startswith("section_") and key.id != "section_1":
            continue
        if key.id.startswith("link_") and key.id not in ("link_0", "link_go"):
            continue  # the digits are one row
        if key.id in keymap:
            keys = keymap[key.id]
        elif key.id == "section_1":
            keys = "1-9"
        elif key.id == "link_0":
            keys = "0-9"
        else:
            keys = key.help_keys or " ".join(key.keys.split(","))
        rows.append((keys, label(key.label_key, mode, ui_language)))
    return rows
