"""`reader extract PAGE... [--json] [--script MODE]`: print the story of saved pages or URLs.

Text shows title, meta line, paragraphs and captioned photos; `--json` prints one object a page
and line in input order (a failed page gives {"url", "error"}).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from reader.core.extract.story import ExtractError, Story, extract_story, fetch_page
from reader.core.library import page_backend
from reader.core.model import ScriptMode
from reader.core.text.cells import clean_text

_FETCH_CONCURRENCY = 4


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Extract every page in order, errors to stderr; the exit code is 1 when any page failed."""
    convert = _script_converter(args.script)
    if convert is None:
        print(f"reader: script mode {args.script!r} is not available yet", file=sys.stderr)
        return 2
    results = asyncio.run(_load_all(list(args.pages)))
    failed = False
    for index, (page, outcome) in enumerate(zip(args.pages, results, strict=True)):
        if isinstance(outcome, ExtractError):
            failed = True
            print(f"reader: {clean_text(str(outcome))}", file=sys.stderr)
            if args.json:
                out.write(
                    json.dumps({"url": page, "error": clean_text(str(outcome))}, ensure_ascii=False)
                    + "\n"
                )
            continue
        story = _converted(outcome, convert)
        if args.json:
            out.write(json.dumps(_cleaned_json(story.to_json()), ensure_ascii=False) + "\n")
        else:
            if index:
                out.write("\n" + "─" * 40 + "\n\n")
            out.write(story_as_text(story))
    return 1 if failed else 0


def story_as_text(story: Story) -> str:
    """Title, meta line, paragraphs and photos as plain text, cleaned of control characters."""
    lines: list[str] = []
    if story.title:
        lines += [story.title, ""]
    meta = meta_line(story)
    if meta:
        lines += [meta, ""]
    for paragraph in story.body.split("\n\n"):
        lines += [paragraph, ""]
    for image in story.images:
        lines.append(f"[圖] {image.url}" + (f"  {image.caption}" if image.caption else ""))
    return clean_text("\n".join(lines).rstrip("\n") + "\n")


def meta_line(story: Story) -> str:
    """`2023-03-17 08:41 +0800 · 來源 河南日報 · 作者 … · 編輯 … · 責編 … · 原標題 …` with what
    the story has."""
    parts: list[str] = []
    if story.published:
        parts.append(story.published.strftime("%Y-%m-%d %H:%M %z"))
    for label, value in (
        ("來源", story.source),
        ("作者", story.author),
        ("編輯", story.editor),
        ("責編", story.chief_editor),
        ("原標題", story.original_title),
    ):
        if value:
            parts.append(f"{label} {value}")
    return " · ".join(parts)


async def _load_all(pages: Sequence[str]) -> list[Story | ExtractError]:
    limits = asyncio.Semaphore(_FETCH_CONCURRENCY)
    async with page_backend().session() as session:  # libcurl loads only when pages are extracted

        async def load(page: str) -> Story | ExtractError:
            try:
                if page.startswith(("http://", "https://")):
                    async with limits:
                        body, charset, final_url = await fetch_page(page, session)
                    return await asyncio.to_thread(
                        extract_story, body, final_url, http_charset=charset
                    )
                return await asyncio.to_thread(_extract_file, page)
            except ExtractError as error:
                return error

        return list(await asyncio.gather(*(load(page) for page in pages)))


def _extract_file(page: str) -> Story:
    path = Path(page)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExtractError(f"{page}: cannot read ({error.strerror or error})") from None
    try:
        return extract_story(data, None)
    except ExtractError as error:
        raise ExtractError(f"{page}: {error}") from None


def _script_converter(mode: ScriptMode) -> Callable[[str], str] | None:
    if mode == "original":
        return lambda text: text
    try:
        from reader.core.script.convert import convert_text
    except ImportError:
        return None
    return lambda text: convert_text(text, mode)


def _converted(story: Story, convert: Callable[[str], str]) -> Story:
    def maybe(value: str | None) -> str | None:
        return convert(value) if value else value

    images = tuple(replace(image, caption=maybe(image.caption)) for image in story.images)
    return replace(
        story,
        title=maybe(story.title),
        source=maybe(story.source),
        author=maybe(story.author),
        editor=maybe(story.editor),
        chief_editor=maybe(story.chief_editor),
        original_title=maybe(story.original_title),
        body=convert(story.body),
        images=images,
    )


def _cleaned_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned_json(item) for key, item in value.items()}
    return value
