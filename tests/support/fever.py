"""A private coldsweat (Fever API) for the sync tests, through scripts/fever_server.py."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fever_server.py"


@dataclass(frozen=True)
class FeverServer:
    url: str
    user: str
    password: str
    state: Path

    def subscribe(self, feed_urls: list[str], group: str) -> None:
        """Subscribe to the feeds in `group` and have coldsweat fetch them now."""
        outlines = "".join(f'<outline type="rss" text="f" xmlUrl="{url}"/>' for url in feed_urls)
        opml = self.state / "import.opml"
        opml.write_text(
            f'<?xml version="1.0"?><opml version="1.0"><head><title>t</title></head><body>'
            f'<outline text="{group}">{outlines}</outline></body></opml>',
            encoding="utf-8",
        )
        subprocess.run(
            [sys.executable, str(SCRIPT), "import", str(self.state), str(opml)],
            check=True,
            timeout=300,
        )


@contextmanager
def running_fever() -> Iterator[FeverServer | str]:
    """A started coldsweat, or the reason it cannot run here; always stopped and wiped after."""
    state = Path(tempfile.mkdtemp(prefix="reader-fever-")) / "server"
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "start", str(state)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode == 3:
            yield (done.stderr.strip().splitlines() or ["coldsweat did not start"])[-1]
            return
        if done.returncode != 0:
            raise RuntimeError(f"coldsweat did not start:\n{done.stderr[-3000:]}")
        info = json.loads(done.stdout)
        yield FeverServer(info["url"], info["user"], info["password"], state)
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "stop", str(state)], timeout=120)
        subprocess.run(["rm", "-rf", str(state.parent)], check=False)
