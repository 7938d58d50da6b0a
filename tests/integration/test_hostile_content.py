"""Hostile feed text through the whole path: loopback fetch -> cache -> `reader list/show` and the
TUI's article rendering. Markup stays literal, control and bidi characters never reach output,
scripts and unsafe links are dropped, huge text is cut in lists and wrapped when read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text

from reader.core.text.blocks import html_to_blocks
from reader.core.text.cells import clean_line
from reader.ui.article_text import ArticleRow, article_text
from tests.hostile.cases import HOSTILE_TEXTS, HostileText, assert_terminal_safe
from tests.hostile.harness import rss, rss_item, run_cli, write_config
from tests.support.feedserver import FeedServer

CASE_IDS = [case.name for case in HOSTILE_TEXTS]


def json_feed(title: str, items: list[dict[str, object]]) -> str:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    )


def fetch_one(
    tmp_path: Path, server: FeedServer, path: str, body: str, content_type: str
) -> list[str]:
    """Serve `body`, fetch it into a fresh cache; the config options to pass to every command."""
    url = server.add(path, body, content_type=content_type)
    options = ["--config", str(write_config(tmp_path / "config.toml", [url]))]
    code, out, err = run_cli("fetch", *options)
    assert code == 0, (out, err)
    return options


def all_output(options: list[str]) -> tuple[str, list[dict[str, object]]]:
    """Everything `list`, `list --json`, `show` and `show --json` print for the cache."""
    code, listed_json, _ = run_cli("list", "--json", *options)
    assert code == 0
    items = json.loads(listed_json)
    texts = [listed_json, run_cli("list", *options)[1], run_cli("sections", *options)[1]]
    for item in items:
        for extra in ([], ["--json"]):
            code, shown, err = run_cli("show", str(item["id"]), *extra, *options)
            assert code == 0, err
            texts.append(shown)
    return "\n".join(texts), items


@pytest.mark.parametrize("case", HOSTILE_TEXTS, ids=CASE_IDS)
def test_hostile_text_in_rss_every_field(
    tmp_path: Path, feed_server: FeedServer, case: HostileText
) -> None:
    """RSS cannot carry C0 characters legally; whatever is left of the attack is inert text."""
    body = rss(case.text, [rss_item(case.text, f"<p>{case.text}</p>", 1, author=case.text)])
    options = fetch_one(tmp_path, feed_server, "/hostile.xml", body, "application/rss+xml")
    output, items = all_output(options)
    assert len(items) == 1
    assert_terminal_safe_chars(output)
    for word in case.keep:
        assert word in output


@pytest.mark.parametrize("case", HOSTILE_TEXTS, ids=CASE_IDS)
def test_hostile_text_in_json_feed_every_field(
    tmp_path: Path, feed_server: FeedServer, case: HostileText
) -> None:
    """JSON strings carry escapes intact (\\u001b), so here whole sequences must go, payload too."""
    item = {
        "id": "x1",
        "title": case.text,
        "url": "http://127.0.0.1/x/1",
        "authors": [{"name": case.text}],
        "content_html": f"<p>{case.text}</p>",
    }
    body = json_feed(case.text, [item])
    options = fetch_one(tmp_path, feed_server, "/hostile.json", body, "application/feed+json")
    output, items = all_output(options)
    assert len(items) == 1
    assert_terminal_safe(output)
    for word in case.keep:
        assert word in output


def assert_terminal_safe_chars(output: str) -> None:
    from tests.hostile.cases import unsafe_characters

    assert not unsafe_characters(output)


def test_escapes_hidden_in_html_entities_are_removed(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """`&#x1b;` inside escaped HTML becomes a real ESC only after entity decoding: still removed."""
    item = (
        "<item><title>實體&amp;#x1b;]52;c;ZWNobyBoaQ==&amp;#x07;標題</title><link>http://127.0.0.1/e</link>"
        "<description>&lt;p&gt;正文&amp;#x1b;]0;假冒視窗標題&amp;#x07;結尾&amp;#x202e;反&amp;#x9b;31m"
        "&lt;/p&gt;</description></item>"
    )
    options = fetch_one(
        tmp_path, feed_server, "/entities.xml", rss("實體", [item]), "application/rss+xml"
    )
    output, _ = all_output(options)
    assert_terminal_safe(output)
    assert "正文結尾反" in output


SCRIPTED_BODY = (
    "<p onclick=\"steal()\" onmouseover='steal()'>正文第一段</p>"
    "<script>document.write('腳本內容')</script><style>p { color: red }</style>"
    "<iframe src='http://127.0.0.1/frame'>框架內容</iframe><noscript>無腳本</noscript>"
    "<p><a href='javascript:alert(1)'>腳本連結</a> <a href=' JaVa&#x09;Script:alert(2)'>大小寫</a> "
    "<a href='data:text/html;base64,PHNjcmlwdD4='>數據連結</a> <a href='vbscript:x'>舊腳本</a> "
    "<a href='file:///etc/passwd'>檔案</a> <a href='/news/ok'>正常連結</a></p>"
    "<img src='javascript:alert(3)' alt='壞圖' onerror='steal()'><img src='/pic.jpg' alt='好圖'>"
)


def test_scripts_styles_and_unsafe_links_never_shown(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    item = rss_item("腳本測試", SCRIPTED_BODY, 1, link="http://127.0.0.1/news/1")
    options = fetch_one(
        tmp_path, feed_server, "/scripted.xml", rss("頻道", [item]), "application/rss+xml"
    )
    output, _ = all_output(options)
    for gone in (
        "腳本內容",
        "color: red",
        "steal",
        "alert",
        "javascript",
        "JaVa",
        "data:",
        "vbscript",
        "file:",
        "/frame",
        "PHNjcmlwdD4",
    ):
        assert gone not in output, gone
    assert "正文第一段" in output and "腳本連結" in output and "正常連結" in output
    assert "http://127.0.0.1/news/ok" in output, "the safe link is offered, made absolute"

    blocks = html_to_blocks(SCRIPTED_BODY, "http://127.0.0.1/news/1")
    offered = (
        [link.url for block in blocks for link in block.links]
        + [url for block in blocks for _, _, url in block.spans]
        + [b.url for b in blocks if b.url]
    )
    assert offered and all(url.startswith("http://127.0.0.1/") for url in offered), offered


# ---- the TUI's rendering ------------------------------------------------------------------


def tui_text(title: str, body_html: str, query: str | None = None) -> Text:
    """The reading pane's Text, built the way the main screen builds it."""
    blocks = html_to_blocks(body_html, "http://127.0.0.1/news/1")
    return article_text(
        clean_line(title), clean_line(f"2026-11-12 08:00  {title}"), blocks, "[圖]", query
    )


def click_actions(text: Text) -> list[str]:
    """Every @click action attached to any span of `text` (what a mouse click would run)."""
    actions = []
    for span in text.spans:
        style = span.style
        if isinstance(style, str):
            assert "@click" not in style
            continue
        action = style.meta.get("@click") if style.meta else None
        if action:
            actions.append(action)
    return actions


@pytest.mark.parametrize("case", HOSTILE_TEXTS, ids=CASE_IDS)
def test_tui_article_rendering_is_literal_and_clean(case: HostileText) -> None:
    text = tui_text(
        case.text, f"<p>{case.text}</p><p><a href='javascript:x'>{case.text}</a></p>", "新聞"
    )
    assert_terminal_safe(text.plain)
    for word in case.keep:
        assert word in text.plain, "markup is shown as the characters it is"
    assert click_actions(text) == [], "no link and no markup-made action in a hostile body"


def test_tui_links_are_only_safe_open_link_actions() -> None:
    text = tui_text("連結", SCRIPTED_BODY)
    actions = click_actions(text)
    assert actions, "the safe link stays clickable"
    for action in actions:
        assert action.startswith("app.open_link('http://127.0.0.1/"), action
    assert "app.quit" not in " ".join(actions)


def test_tui_link_with_quotes_cannot_break_out_of_its_action() -> None:
    from textual.actions import parse

    href = "http://127.0.0.1/a'),app.quit('\"x"
    text = tui_text("引號", f'<p><a href="{href.replace(chr(34), "&quot;")}">怪連結</a></p>')
    [action] = set(click_actions(text))
    target, name, arguments = parse(action)
    assert (target, name) == ("app", "open_link")
    assert len(arguments) == 1 and str(arguments[0]).startswith("http://127.0.0.1/a'")


# ---- sizes --------------------------------------------------------------------------------


def test_ten_thousand_character_title_is_cut_in_lists_and_wrapped_when_read(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    title = ("河南省鄭州市" * 1700)[:10_000]
    item = rss_item(title, "<p>" + "長" * 3000 + "</p>", 1)
    options = fetch_one(
        tmp_path, feed_server, "/long.xml", rss("長標題", [item]), "application/rss+xml"
    )
    code, listed, _ = run_cli("list", *options)
    assert code == 0
    [line] = listed.splitlines()
    assert cell_len(line) <= 120 and line.endswith("…")
    code, shown, _ = run_cli("show", "1", *options)
    assert code == 0
    body_lines = shown.splitlines()[4:]
    assert body_lines and max(cell_len(line) for line in body_lines) <= 100
    row = ArticleRow(listing_of(options), title, "長標題", "1 小時")
    assert cell_len(row.line(80).plain) <= 80


def listing_of(options: list[str]):  # noqa: ANN201 - a Listing, read back from the cache
    from reader.core.paths import default_paths
    from reader.core.store.database import Store

    with Store.open(default_paths().database) as store:
        [listing] = store.listings(None, limit=1)
    return listing


def test_five_megabyte_body_is_stored_and_shown(tmp_path: Path, feed_server: FeedServer) -> None:
    paragraph = "<p>鄭州今日晴，氣溫二十度，市民外出踏青。<b>[bold]</b>\u202e</p>"
    body = paragraph * (5 * 1024 * 1024 // len(paragraph.encode()))
    item = rss_item("五百萬字節", body, 1)
    options = fetch_one(tmp_path, feed_server, "/big.xml", rss("大", [item]), "application/rss+xml")
    from reader.core.paths import default_paths
    from reader.core.store.database import Store

    with Store.open(default_paths().database) as store:
        stored = store.article(1)
    assert stored is not None and stored.summary_html + stored.content_html == body, "cached whole"
    code, shown, _ = run_cli("show", "1", *options)
    assert code == 0
    # The reading view stops at a block cap (blocks.html_to_blocks max_blocks) instead of hanging.
    assert shown.count("市民外出踏青") >= 1000
    assert_terminal_safe(shown)
    text = tui_text("五百萬字節", body)
    assert text.plain.count("市民外出踏青") >= 1000


def test_deeply_nested_html_keeps_its_text(tmp_path: Path, feed_server: FeedServer) -> None:
    depth = 20_000
    body = "<div><span>" * depth + "最深處的新聞" + "</span></div>" * depth + "<p>之後的段落</p>"
    item = rss_item("深層巢狀", body, 1)
    options = fetch_one(
        tmp_path, feed_server, "/deep.xml", rss("深", [item]), "application/rss+xml"
    )
    code, shown, _ = run_cli("show", "1", *options)
    assert code == 0 and "最深處的新聞" in shown and "之後的段落" in shown
    assert "最深處的新聞" in tui_text("深", body).plain
