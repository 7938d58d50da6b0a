"""Precision and recall of same-story grouping on real feed items and hand labels.

    python -m bench.eval_dedup CORPUS_DIR [--list] [--labels bench/dedup_labels.json]

CORPUS_DIR holds JSON Feed files (the shared corpus: never copied into the project). Every pair
of items from different files is a pair; the labels (bench/dedup_labels.json) name pairs by a
hash of their files and item ids only, never by their text, and say `copy` (one story, the same
copy republished or edited), `event` (the same event in the portal's own words) or `other`.
Pairs not labelled count as `other` (`--list` prints every pair worth a look, to label).
Grouping is judged as the store does it: a pair is grouped when the two share a key that is not
boilerplate and `same_story` holds for their leads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from pathlib import Path

from reader.core.script.fold import fold_for_search
from reader.core.store.search import plain_text
from reader.core.store.stories import text as story

BOILERPLATE = 20  # as the store: a key more articles share than this is ignored
MIN_SHARED_KEYS = 2  # as the store: keys a pair must share (one for a text with two or fewer)


def item_hash(feed: str, item_id: str) -> str:
    return hashlib.blake2b(f"{feed}\0{item_id}".encode(), digest_size=6).hexdigest()


def pair_hash(a: str, b: str) -> str:
    return "-".join(sorted((a, b)))


def load(corpus: Path) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for path in sorted(corpus.glob("*.json")):
        feed = path.stem
        for entry in json.loads(path.read_text("utf-8")).get("items", []):
            text = plain_text(entry.get("content_html") or entry.get("content_text") or "")
            items.append(
                {
                    "feed": feed,
                    "hash": item_hash(feed, str(entry.get("id"))),
                    "title": str(entry.get("title") or ""),
                    "text": text,
                }
            )
    return items


def _title_jaccard(a: str, b: str) -> float:
    sa = {a[i : i + 3] for i in range(len(a) - 2)}
    sb = {b[i : i + 3] for i in range(len(b) - 2)}
    return len(sa & sb) / max(1, len(sa | sb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument(
        "--labels", type=Path, default=Path(__file__).with_name("dedup_labels.json")
    )
    parser.add_argument("--list", action="store_true", help="print the pairs worth labelling")
    args = parser.parse_args()
    items = load(args.corpus)
    started = time.perf_counter()
    for item in items:
        item["lead"], item["keys"] = story.story_signature(str(item["title"]), str(item["text"]))
    per_item = (time.perf_counter() - started) / max(1, len(items)) * 1e6
    key_count = Counter(key for item in items for key in set(item["keys"]))  # type: ignore[arg-type]
    labels: dict[str, str] = {}
    if args.labels.exists():
        labels = {row["pair"]: row["label"] for row in json.loads(args.labels.read_text())}
    tally: Counter[tuple[str, str]] = Counter()
    candidates = 0
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if a["feed"] == b["feed"]:
                continue
            pair = pair_hash(str(a["hash"]), str(b["hash"]))
            label = labels.get(pair, "other")
            shared = [
                k
                for k in set(a["keys"]) & set(b["keys"])  # type: ignore[arg-type]
                if key_count[k] <= BOILERPLATE
            ]
            lead_a, lead_b = str(a["lead"]), str(b["lead"])
            grouped = False
            # The store asks the new article's key count; here the later of the two is not known,
            # so the shorter's count decides.
            fewest = min(len(a["keys"]), len(b["keys"]))  # type: ignore[arg-type]
            need = MIN_SHARED_KEYS if fewest > MIN_SHARED_KEYS else 1
            if len(shared) >= need:
                candidates += 1
                grouped = story.same_story(lead_a, lead_b)
            tally[(label, "grouped" if grouped else "apart")] += 1
            if args.list:
                containment, jaccard = story.similarity(lead_a, lead_b)
                title = _title_jaccard(
                    fold_for_search(str(a["title"])), fold_for_search(str(b["title"]))
                )
                if containment >= 0.3 or title >= 0.3 or len(shared) >= 2:
                    print(
                        f"{pair} {label:5} keys={len(shared)} C={containment:.2f} "
                        f"J={jaccard:.2f} T={title:.2f} grouped={grouped}\n"
                        f"   {a['feed']}: {str(a['title'])[:40]} | {lead_a[:60]}\n"
                        f"   {b['feed']}: {str(b['title'])[:40]} | {lead_b[:60]}"
                    )
    copies = tally[("copy", "grouped")] + tally[("copy", "apart")]
    grouped = sum(n for (label, how), n in tally.items() if how == "grouped")
    right = tally[("copy", "grouped")]
    print(f"items {len(items)}, cross-feed pairs {sum(tally.values())}, candidates {candidates}")
    print(f"signature {per_item:.1f} us/item (lead and keys, this machine, now)")
    for label in ("copy", "event", "other"):
        print(f"  {label:5}: grouped {tally[(label, 'grouped')]}, apart {tally[(label, 'apart')]}")
    print(
        f"precision {right / max(1, grouped):.3f} ({right}/{grouped}), "
        f"recall {right / max(1, copies):.3f} ({right}/{copies})"
    )


if __name__ == "__main__":
    main()
