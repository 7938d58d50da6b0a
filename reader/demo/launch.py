"""The demo for `reader --demo`: its server started where it last ran, and its config."""

from __future__ import annotations

from urllib.parse import urlsplit

from reader.core.config import Config
from reader.core.paths import Paths
from reader.demo.server import DemoServer, demo_sections, start_demo_server

DEMO_PORT = 47821  # a fixed port keeps the demo's feed URLs, and so its cache, the same across runs


def last_demo_url(paths: Paths) -> str:
    """Where the demo server last ran (its cached links point there), else its usual address."""
    try:
        return (paths.data_dir / "demo-url").read_text(encoding="utf-8").strip()
    except OSError:
        return f"http://127.0.0.1:{DEMO_PORT}"


def start_demo(paths: Paths) -> DemoServer:
    """Start the demo server where it last ran, else on its usual port, else on any free one;
    remember its URL."""
    last_port = urlsplit(last_demo_url(paths)).port
    server = None
    for port in dict.fromkeys(p for p in (last_port, DEMO_PORT) if p):
        try:
            server = start_demo_server(port)
            break
        except OSError:
            continue
    if server is None:
        server = start_demo_server(0)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    (paths.data_dir / "demo-url").write_text(server.base_url, encoding="utf-8")
    return server


def demo_config(paths: Paths, base_url: str) -> Config:
    """The demo's sections and feeds, served at `base_url`, with the default settings."""
    return Config(path=paths.config_file, sections=tuple(demo_sections(base_url)))
