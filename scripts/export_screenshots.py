"""Write SVG screenshots of the demo into screenshots/ at fixed sizes.

Runs the demo server on a free loopback port, fills a throwaway cache from it, then drives
the real app headless: `.venv/bin/python scripts/export_screenshots.py`; name files (e.g.
`article-photo-120x40.svg`) to write only those.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.worker import WorkerCancelled  # noqa: E402

from reader.core.config import Config, Settings  # noqa: E402
from reader.core.library import Library, open_library  # noqa: E402
from reader.core.paths import Paths  # noqa: E402
from reader.demo.server import demo_sections, start_demo_server  # noqa: E402
from reader.ui.app import ReaderApp  # noqa: E402

# (file name, terminal size, keys pressed before the picture)
SHOTS: list[tuple[str, tuple[int, int], Sequence[str]]] = [
    ("list-80x24.svg", (80, 24), ()),
    ("article-80x24.svg", (80, 24), ("j", "enter")),
    ("list-120x40.svg", (120, 40), ()),
    ("article-120x40.svg", (120, 40), ("j", "j", "enter")),
    ("list-alone-120x40.svg", (120, 40), ("z",)),
    ("wide-160x48.svg", (160, 48), ("j", "enter")),
    ("wide-simplified-160x48.svg", (160, 48), ("j", "enter", "t")),
    ("wide-traditional-160x48.svg", (160, 48), ("j", "enter", "t", "t")),
    ("search-120x40.svg", (120, 40), ("slash", *"郑州", "enter")),
    ("help-120x40.svg", (120, 40), ("question_mark",)),
    # An article with its photo drawn in half-blocks above the caption (issue 16).
    ("article-photo-120x40.svg", (120, 40), ("enter",)),
]


async def shoot(
    library: Library, name: str, size: tuple[int, int], keys: Sequence[str], out: Path
) -> None:
    library.paths.ui_state_file.unlink(missing_ok=True)  # every picture starts afresh
    app = ReaderApp(library, refresh_on_start=False, warm_up=False)
    async with app.run_test(size=size) as pilot:
        for key in ("", *keys):
            if key:
                await pilot.press(key)
            for _ in range(3):
                try:
                    await app.workers.wait_for_complete()
                except WorkerCancelled:
                    pass
                await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(filename=name, path=str(out))
        print(out / name)


def main(names: Sequence[str] = ()) -> int:
    out = ROOT / "screenshots"
    shots = [shot for shot in SHOTS if not names or shot[0] in names]
    out.mkdir(exist_ok=True)
    server = start_demo_server(0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            paths = Paths(
                config_file=base / "config.toml", data_dir=base / "data", cache_dir=base / "cache"
            )
            config = Config(
                path=paths.config_file,
                sections=tuple(demo_sections(server.base_url)),
                settings=Settings(refresh_interval=0, refresh_on_start=False),
            )
            library = open_library(paths, config)
            try:
                library.refresh()
                for name, size, keys in shots:
                    asyncio.run(shoot(library, name, size, keys, out))
            finally:
                library.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
