"""Script modes (as published, 简体, 繁體) and the OpenCC conversion engine behind them; nothing
else touches OpenCC.

Converters load lazily (never at import) and are kept per config, conversions are cached in a
bounded LRU per paragraph-sized chunk, and URLs inside text are never converted.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from reader.core.model import SCRIPT_MODES, ScriptMode, Variant

if TYPE_CHECKING:
    from opencc import OpenCC


# Traditional in the chosen variant: from any source, starting from simplified rules (OpenCC's
# s2* configs leave traditional characters as they are).
_HANT_CONFIG_BY_VARIANT: dict[str, str] = {"t": "s2t", "tw": "s2tw", "twp": "s2twp", "hk": "s2hk"}
# Simplified, reading the source with its region's rules (Taiwan phrases: 軟體 -> 软件).
_HANS_CONFIG_BY_REGION: dict[str, str] = {"cn": "t2s", "tw": "tw2sp", "hk": "hk2s"}
# A source tagged only zh-Hant is most often Taiwan's: tw2s reads its characters (隨著 -> 随着,
# which t2s leaves as 随著) without rewriting its words as the tw2sp of a known region would.
_HANS_CONFIG_TRADITIONAL_NO_REGION = "tw2s"

# Texts longer than this are converted paragraph by paragraph, so each paragraph caches.
CHUNK_CHARS = 2000
CACHE_ENTRIES = 4096

# A URL runs to whitespace, a quote or angle bracket, or full-width punctuation.
_URL_PATTERN = r"(?i:https?|ftp)://[^\s<>\"'，。、；：！？（）「」『』【】《》〈〉]+"
_CHUNK_BREAK_PATTERN = r"(?<=[\n。！？])"
# Patterns are compiled on first use (re caches them), not at import.

_converters: dict[str, OpenCC] = {}
_converters_lock = threading.Lock()


def next_mode(mode: ScriptMode) -> ScriptMode:
    """The mode after this one in the toggle cycle: original -> hans -> hant -> original."""
    return SCRIPT_MODES[(SCRIPT_MODES.index(mode) + 1) % len(SCRIPT_MODES)]


def region_from_language(language: str | None) -> str | None:
    """The region a language tag names: zh-TW / zh-Hant-TW -> tw, zh-HK / zh-MO -> hk,
    zh-CN / zh-SG / zh-Hans -> cn; None when the tag does not say."""
    if not language:
        return None
    subtags = language.strip().lower().replace("_", "-").split("-")
    if subtags[0] != "zh":
        return None
    rest = set(subtags[1:])
    if "tw" in rest:
        return "tw"
    if rest & {"hk", "mo"}:
        return "hk"
    if rest & {"cn", "sg", "my", "hans"}:
        return "cn"
    return None


def _is_traditional_tag(language: str | None) -> bool:
    """True for a Chinese language tag with the Hant script subtag (zh-Hant, zh_hant)."""
    if not language:
        return False
    subtags = language.strip().lower().replace("_", "-").split("-")
    return subtags[0] == "zh" and "hant" in subtags[1:]


def config_for(
    mode: ScriptMode,
    variant: Variant = "t",
    region: str | None = None,
    language: str | None = None,
) -> str | None:
    """The OpenCC config that shows a source's text in a mode, or None for as published.

    hant uses the variant (s2t, s2tw, s2twp, s2hk); hans uses the source's region, given
    explicitly or read from its language tag (tw2sp, hk2s, tw2s for zh-Hant alone, else t2s)."""
    if mode == "original":
        return None
    if mode == "hant":
        if variant not in _HANT_CONFIG_BY_VARIANT:
            raise ValueError(f"unknown traditional variant {variant!r}")
        return _HANT_CONFIG_BY_VARIANT[variant]
    if mode == "hans":
        source_region = region or region_from_language(language)
        if source_region is None and _is_traditional_tag(language):
            return _HANS_CONFIG_TRADITIONAL_NO_REGION
        return _HANS_CONFIG_BY_REGION.get(source_region or "cn", "t2s")
    raise ValueError(f"unknown script mode {mode!r}")


def _converter(config: str) -> OpenCC:
    """The converter for a config, loaded on first use and kept."""
    converter = _converters.get(config)
    if converter is not None:
        return converter
    with _converters_lock:
        converter = _converters.get(config)
        if converter is None:
            from opencc import OpenCC

            converter = OpenCC(config)
            _converters[config] = converter
    return converter


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _ChunkCache:
    """Bounded LRU of chunk conversions keyed by (config, chunk), shared by threads.

    Called like the function it caches; `peek` answers from the cache without ever converting,
    so the UI thread can redraw at once when a script was shown before."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def __call__(self, config: str, chunk: str) -> str:
        key = (config, chunk)
        with self._lock:
            converted = self._entries.get(key)
            if converted is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return converted
            self._misses += 1
        converted = _converter(config).convert(chunk)  # outside the lock: slow
        with self._lock:
            self._entries[key] = converted
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return converted

    def peek(self, config: str, chunk: str) -> str | None:
        """The cached conversion, or None (never converts)."""
        key = (config, chunk)
        with self._lock:
            converted = self._entries.get(key)
            if converted is not None:
                self._entries.move_to_end(key)
                self._hits += 1
            return converted

    def cache_info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses, self.maxsize, len(self._entries))

    def cache_clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0


_convert_chunk = _ChunkCache(CACHE_ENTRIES)


class _NotCached(Exception):
    """A chunk has not been converted yet (raised by cached-only lookups)."""


def _cached_chunk(config: str, chunk: str) -> str:
    converted = _convert_chunk.peek(config, chunk)
    if converted is None:
        raise _NotCached
    return converted


def _chunks(text: str) -> Iterator[str]:
    """Split text after line breaks and sentence ends into pieces of about CHUNK_CHARS."""
    if len(text) <= CHUNK_CHARS:
        yield text
        return
    pending: list[str] = []
    pending_chars = 0
    for piece in re.split(_CHUNK_BREAK_PATTERN, text):
        if pending and pending_chars + len(piece) > CHUNK_CHARS:
            yield "".join(pending)
            pending, pending_chars = [], 0
        pending.append(piece)
        pending_chars += len(piece)
    if pending:
        yield "".join(pending)


ChunkConverter = Callable[[str, str], str]


def _convert_prose(text: str, config: str, convert_chunk: ChunkConverter = _convert_chunk) -> str:
    """Convert text that holds no URLs, chunked so each piece caches."""
    if not text or text.isascii():
        return text
    return "".join(convert_chunk(config, chunk) for chunk in _chunks(text))


def convert_with_config(
    text: str, config: str, convert_chunk: ChunkConverter = _convert_chunk
) -> str:
    """Convert text with an OpenCC config name, leaving URLs in it untouched."""
    if not text or text.isascii():
        return text
    parts: list[str] = []
    position = 0
    for url in re.finditer(_URL_PATTERN, text):
        parts.append(_convert_prose(text[position : url.start()], config, convert_chunk))
        parts.append(url.group())
        position = url.end()
    parts.append(_convert_prose(text[position:], config, convert_chunk))
    return "".join(parts)


def cached_with_config(text: str, config: str) -> str | None:
    """`convert_with_config` answered from the cache alone: None when any piece of the text
    has not been converted yet (cheap: never loads or runs OpenCC)."""
    try:
        return convert_with_config(text, config, _cached_chunk)
    except _NotCached:
        return None


def convert_text(
    text: str,
    mode: ScriptMode,
    variant: Variant = "t",
    region: str | None = None,
    language: str | None = None,
) -> str:
    """Plain feed text in a script mode; Latin text, numbers and URLs come out unchanged."""
    config = config_for(mode, variant, region, language)
    return text if config is None else convert_with_config(text, config)


def cached_text(
    text: str,
    mode: ScriptMode,
    variant: Variant = "t",
    region: str | None = None,
    language: str | None = None,
) -> str | None:
    """`convert_text` if every piece of `text` is already converted for its config, else None."""
    config = config_for(mode, variant, region, language)
    return text if config is None else cached_with_config(text, config)


def convert_html(
    html: str,
    mode: ScriptMode,
    variant: Variant = "t",
    region: str | None = None,
    language: str | None = None,
) -> str:
    """HTML in a script mode: text nodes and alt/title values change; tags, other attributes,
    entities, comments and <script>/<style>/<pre>/<code> contents stay byte for byte."""
    config = config_for(mode, variant, region, language)
    if config is None or html.isascii():
        return html
    from reader.core.script.html import convert_html_text_nodes

    return convert_html_text_nodes(html, lambda text: convert_with_config(text, config))


# Regional phrasings differ by more than characters (软件 / 軟體, 信息 / 資訊): these
# conversions give a search query its other regions' words.
_PHRASE_CONFIGS = ("s2twp", "tw2sp", "s2hk", "hk2s")


def phrase_variants(text: str) -> set[str]:
    """`text` as other regions would write it (软件 -> 軟體, 軟體 -> 软件), itself excluded.

    For search: character folding already equates 鄭州 and 郑州; these add whole-word
    differences. Loads the converters on first use."""
    return {convert_with_config(text, config) for config in _PHRASE_CONFIGS} - {text}


def search_spellings(query: str) -> set[str]:
    """Every folded spelling a search for `query` matches: its words, and their other regions'
    words (for highlighting what the search found)."""
    from reader.core.script.fold import fold_for_search

    spellings: set[str] = set()
    for word in query.split():
        spellings.add(fold_for_search(word))
        if any(ord(ch) > 0x2E7F for ch in word):
            spellings.update(fold_for_search(v) for v in phrase_variants(word))
    return spellings


def warm_up(variant: Variant = "t", regions: Iterable[str | None] = (None,)) -> None:
    """Load the converters the UI will need (slow: call it from a worker after the first paint)."""
    configs = {config_for("hant", variant)}
    configs.update(config_for("hans", variant, region) for region in regions)
    for config in sorted(c for c in configs if c is not None):
        _converter(config)


def is_loaded() -> bool:
    """Whether any converter has been loaded (none must be at start-up)."""
    return bool(_converters)


def clear_cache() -> None:
    """Forget cached conversions (converters stay loaded); for benchmarks and tests."""
    _convert_chunk.cache_clear()
