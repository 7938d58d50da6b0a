"""[[query]] sections and [[filter]] rules in config.toml: what loads, and the config error
(file, line, key, and the query's column and what was expected there) for what cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import ConfigError, parse_config
from reader.core.feeds.subscriptions import add_feeds
from reader.core.model import FeedConfig
from reader.core.store.query.rules import FilterRule, QuerySection

SECTION = '[[section]]\nname = "要聞"\n\n'
GOOD = (
    SECTION + "[[query]]                  # a tab of its own\n"
    'name = "鄭州"\nquery = "title:郑州 is:unread"\n\n'
    '[[filter]]\nquery = "title:推广 OR title:廣告"\naction = "hide"\n\n'
    '[[filter]]\nquery = "feed:新华 is:unread"\naction = "highlight"\n'
)


def test_query_sections_and_filters_load_in_order(tmp_path: Path) -> None:
    config = parse_config(GOOD, tmp_path / "config.toml")
    assert config.queries == (QuerySection("鄭州", "title:郑州 is:unread"),)
    assert config.filters == (
        FilterRule("title:推广 OR title:廣告", "hide"),
        FilterRule("feed:新华 is:unread", "highlight"),
    )


def test_a_config_without_rules_has_none(tmp_path: Path) -> None:
    config = parse_config(SECTION, tmp_path / "config.toml")
    assert config.queries == () and config.filters == ()


@pytest.mark.parametrize(
    ("rules", "line", "fragments"),
    [
        (
            '[[filter]]\nquery = "title:推广 OR (廣告"\naction = "hide"\n',
            5,
            ("filter.query", "column 16", "expected ')'"),
        ),
        (
            '[[filter]]\naction = "hide"\n\nquery = "x OR"\n',
            None,  # TOML puts the query in the table: the line of `query`
            ("filter.query", "column 5", "expected a term after OR"),
        ),
        ('[[filter]]\nquery = "推广"\naction = "delete"\n', 6, ("filter.action", "'delete'")),
        ('[[filter]]\nquery = "推广"\n', 4, ("filter.action", "missing")),
        ('[[filter]]\naction = "star"\n', 4, ("filter.query", "missing")),
        ('[[filter]]\nquery = 42\naction = "hide"\n', 5, ("filter.query", "expected a query")),
        ('[[filter]]\nquery = "推广"\naction = "hide"\nwhen = 1\n', 7, ("filter.when", "unknown")),
        ('[[filter]]\nquery = "。，"\naction = "hide"\n', 5, ("filter.query", "looks for nothing")),
        ('[[query]]\nquery = "郑州"\n', 4, ("query.name", "needs a name")),
        ('[[query]]\nname = "要聞"\nquery = "郑州"\n', 5, ("query.name", "'要聞'")),
        (
            '[[query]]\nname = "a"\nquery = "郑州"\n\n[[query]]\nname = "a"\nquery = "x"\n',
            9,
            ("query.name", "'a'"),
        ),
        ('[[query]]\nname = "a"\nquery = "age:<7y"\n', 6, ("query.query", "column 5")),
        ('[[query]]\nname = "a"\n', 4, ("query.query", "missing")),
    ],
)
def test_a_bad_rule_is_a_config_error_naming_line_key_and_column(
    tmp_path: Path, rules: str, line: int | None, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "config.toml"
    text = SECTION + rules
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path)
    message = str(caught.value)
    assert message.startswith(str(path) + ":")
    if line is None:
        line = text.splitlines().index('query = "x OR"') + 1
    assert caught.value.line == line, message
    for fragment in fragments:
        assert fragment in message, message


def test_rules_not_written_as_tables_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('filter = "hide ads"\n' + SECTION, tmp_path / "config.toml")
    assert caught.value.line == 1 and "[[filter]]" in str(caught.value)


def test_editing_feeds_keeps_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD, encoding="utf-8")
    config, _ = add_feeds(path, "要聞", [FeedConfig("http://127.0.0.1/new.xml")])
    assert config.queries == (QuerySection("鄭州", "title:郑州 is:unread"),)
    assert len(config.filters) == 2
    assert "[[filter]]" in path.read_text(encoding="utf-8")
