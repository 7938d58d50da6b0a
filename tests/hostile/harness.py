"""Helpers for the hardening tests: a config over loopback feeds and the CLI run in-process."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reader.cli.main import main

HERE = Path(__file__).parent


def corpus_file(name: str) -> bytes:
    """A hostile feed file from tests/hostile/."""
    return (HERE / name).read_bytes()


def write_config(
    path: Path, feed_urls: Sequence[str], section: str = "測試", **settings: Any
) -> Path:
    """A config with one section holding `feed_urls`; `settings` go in [settings]."""
    lines = ["[settings]", "refresh_on_start = false", "feed_deadline = 10.0"]
    for key, value in settings.items():
        lines.append(f"{key} = {json.dumps(value)}")
    lines += ["", "[[section]]", f'name = "{section}"']
    for url in feed_urls:
        lines += ["", "[[section.feed]]", f'url = "{url}"']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`reader ARGV` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def rss_item(
    title: str, body_html: str, n: int, author: str = "記者 王小明", link: str | None = None
) -> str:
    """One RSS 2.0 item; the body goes in CDATA exactly as given (CDATA ends are split safely)."""
    safe_body = body_html.replace("]]>", "]]]]><![CDATA[>")
    href = link if link is not None else f"http://127.0.0.1/news/{n}"
    return (
        f"<item><title>{escape(title)}</title><link>{escape(href)}</link>"
        f"<guid>item-{n}</guid><author>{escape(author)}</author>"
        f"<pubDate>Thu, 12 Nov 2026 0{n % 10}:00:00 +0800</pubDate>"
        f"<description><![CDATA[{safe_body}]]></description></item>"
    )


def rss(channel_title: str, items: Sequence[str]) -> str:
    """An RSS 2.0 document around `items`."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(channel_title)}</title><link>http://127.0.0.1/</link>"
        "<language>zh-TW</language>" + "".join(items) + "</channel></rss>"
    )
