"""Start and stop coldsweat (a Fever API server) on loopback, for the sync tests.

coldsweat pins urllib3 below 2 while reader's own dependencies need 2, so it lives in a virtual
environment of its own (made once, kept at READER_COLDSWEAT_VENV; `install` only makes it).
`start DIR` sets up a user and serves it on a free port, printing one JSON line; `import DIR
OPML` subscribes and fetches; `stop DIR` signals only the process group in DIR's PID file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

COLDSWEAT = "coldsweat==0.10.2"
EMAIL, PASSWORD = "reader@example.org", "a-long-test-password"  # 12+ characters, as it asks
WAIT_STEPS = 300  # tenths of a second for the server to answer


class ServerUnavailable(Exception):
    """coldsweat cannot be installed or run here: the reason."""


def venv() -> Path:
    return Path(os.environ.get("READER_COLDSWEAT_VENV", "/var/tmp/reader-coldsweat-venv"))


def coldsweat() -> Path:
    """The coldsweat command, installing it into its own environment when missing."""
    command = venv() / "bin" / "coldsweat"
    if command.exists():
        return command
    made = subprocess.run([sys.executable, "-m", "venv", str(venv())], capture_output=True)
    if made.returncode == 0:
        pip = [str(venv() / "bin" / "python"), "-m", "pip", "install", "-q", COLDSWEAT]
        made = subprocess.run(pip, capture_output=True)
    if made.returncode != 0 or not command.exists():
        tail = made.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise ServerUnavailable(f"could not install {COLDSWEAT}: {' '.join(tail)}")
    return command


def environment(state: Path) -> dict[str, str]:
    return dict(
        os.environ,
        FLASK_DATABASE_URL=f"sqlite:///{state / 'cs.db'}",
        FLASK_SECRET_KEY="reader-tests",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(state: Path) -> dict[str, str]:
    command = coldsweat()
    state.mkdir(parents=True)
    env = environment(state)
    subprocess.run(
        [str(command), "setup", EMAIL, "-p", PASSWORD], env=env, check=True, capture_output=True
    )
    port = free_port()
    log = (state / "coldsweat.log").open("wb")
    process = subprocess.Popen(
        [str(command), "run", "-h", "127.0.0.1", "-p", str(port), "--no-reload", "--no-debug"],
        env=env,
        cwd=state,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (state / "coldsweat.pid").write_text(str(process.pid))
    url = f"http://127.0.0.1:{port}/fever/"
    for _ in range(WAIT_STEPS):
        try:
            request = urllib.request.Request(url + "?api", data=b"api_key=x", method="POST")
            with urllib.request.urlopen(request, timeout=2) as answer:
                json.loads(answer.read())
                break
        except (OSError, ValueError):
            time.sleep(0.1)
    else:
        stop(state)
        raise ServerUnavailable("coldsweat did not answer")
    return {"url": url, "user": EMAIL, "password": PASSWORD}


def import_feeds(state: Path, opml: Path) -> None:
    """Subscribe the user to the OPML file's feeds and fetch them now."""
    subprocess.run(
        [str(coldsweat()), "import", str(opml), EMAIL, "--fetch"],
        env=environment(state),
        check=True,
        capture_output=True,
    )


def stop(state: Path) -> None:
    pid_file = state / "coldsweat.pid"
    if pid_file.exists():
        try:
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        except ProcessLookupError:
            pass
        pid_file.unlink()


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        try:
            coldsweat()
        except ServerUnavailable as reason:
            print(f"coldsweat unavailable: {reason}", file=sys.stderr)
            return 3
        return 0
    if len(argv) < 2 or argv[0] not in ("start", "stop", "import"):
        print(
            "usage: fever_server.py start|stop STATE_DIR | import STATE_DIR OPML", file=sys.stderr
        )
        return 2
    state = Path(argv[1]).resolve()
    try:
        if argv[0] == "start":
            print(json.dumps(start(state)))
        elif argv[0] == "import":
            import_feeds(state, Path(argv[2]))
        else:
            stop(state)
    except ServerUnavailable as reason:
        print(f"coldsweat unavailable: {reason}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
