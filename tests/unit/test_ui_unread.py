"""Where `n` and `p` go, as a pure rule: the highlighted unread row first, then the nearest
unread row, then the next section with unread articles, wrapping around."""

from __future__ import annotations

from reader.ui.unread import UnreadTarget, nearest_unread_row, sections_in_order, unread_target

SECTIONS = ["要聞", "財經", "國際", "科技"]


def test_nearest_unread_row_looks_past_the_highlight_in_either_direction() -> None:
    read = [False, True, True, False, True]
    assert nearest_unread_row(read, 1, 1) == 3
    assert nearest_unread_row(read, 3, -1) == 0
    assert nearest_unread_row(read, 3, 1) is None
    assert nearest_unread_row(read, None, 1) == 0
    assert nearest_unread_row(read, None, -1) is None
    assert nearest_unread_row([], None, 1) is None


def test_sections_wrap_around_forwards_and_backwards() -> None:
    assert sections_in_order(SECTIONS, "財經", 1) == ["國際", "科技", "要聞"]
    assert sections_in_order(SECTIONS, "財經", -1) == ["要聞", "科技", "國際"]
    assert sections_in_order(SECTIONS, None, 1) == SECTIONS
    assert sections_in_order(SECTIONS, "not a section", -1) == SECTIONS


def test_a_highlighted_unread_article_not_yet_open_comes_first() -> None:
    target = unread_target([True, False, False], 1, False, 1, SECTIONS, "要聞", {})
    assert target == UnreadTarget(row=1)


def test_an_open_highlighted_article_moves_on_to_the_next_unread_row() -> None:
    target = unread_target([True, False, False], 1, True, 1, SECTIONS, "要聞", {})
    assert target == UnreadTarget(row=2)
    target = unread_target([False, False, True], 1, True, -1, SECTIONS, "要聞", {})
    assert target == UnreadTarget(row=0)


def test_no_unread_row_left_goes_to_the_next_section_with_unread_articles() -> None:
    counts = {"要聞": 0, "財經": 0, "國際": 0, "科技": 4}
    assert unread_target([True, True], 1, True, 1, SECTIONS, "要聞", counts) == UnreadTarget(
        section="科技"
    )
    counts = {"要聞": 2, "財經": 0, "國際": 0, "科技": 0}
    assert unread_target([True], 0, True, -1, SECTIONS, "國際", counts) == UnreadTarget(
        section="要聞"
    )


def test_nothing_unread_anywhere_goes_nowhere() -> None:
    counts = {"要聞": 0, "財經": 0}
    assert unread_target([True, True], 0, True, 1, SECTIONS, "要聞", counts) == UnreadTarget()
    assert unread_target([], None, False, 1, SECTIONS, "要聞", {}) == UnreadTarget()
