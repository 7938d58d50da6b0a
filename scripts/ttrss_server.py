"""Start and stop a private Tiny Tiny RSS on loopback, for the sync tests and bench.

`install` installs what is missing (Debian packages, no service started); `start DIR` does too,
then makes a private PostgreSQL cluster and web root under DIR, serves tt-rss with PHP's built-in
server as www-data on free ports and prints one JSON line (url, user, password). `stop DIR`
signals only the processes named by DIR's PID files. Loopback only; see SERVERS.md.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PACKAGES = [
    "tt-rss",
    "php8.2-cgi",
    "php8.2-cli",
    "php8.2-pgsql",
    "php8.2-curl",
    "php8.2-intl",
    "php8.2-mbstring",
    "php8.2-xml",
    "dbconfig-no-thanks",
]
# Kept out: apt would otherwise pull Apache in as the PHP web server.
UNWANTED = ["libapache2-mod-php8.2-", "libapache2-mod-php-"]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TTRSS_WWW = Path("/usr/share/tt-rss/www")
SCHEMA = Path("/usr/share/dbconfig-common/data/tt-rss/install/pgsql")
USER, PASSWORD = "admin", "password"  # what Debian's schema creates
WAIT_STEPS = 300  # tenths of a second for a server to answer


class ServerUnavailable(Exception):
    """tt-rss cannot run on this machine (not Debian, packages cannot be had): the reason."""


def missing_packages() -> list[str]:
    """The packages tt-rss needs that dpkg does not list as installed."""
    missing = []
    for package in PACKAGES:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "install ok installed" not in done.stdout:
            missing.append(package)
    return missing


def install() -> None:
    """apt-get install what is missing (only that: install also upgrades), no service started."""
    if shutil.which("dpkg-query") is None or shutil.which("apt-get") is None:
        raise ServerUnavailable("no apt-get/dpkg on this machine: tt-rss comes from Debian")
    missing = missing_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        raise ServerUnavailable(f"not root, cannot install {' '.join(missing)}")
    policy = Path("/usr/sbin/policy-rc.d")
    had_policy = policy.exists()
    if not had_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        command = ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
        done = subprocess.run(command + missing + UNWANTED, env=env, capture_output=True)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            done = subprocess.run(command + missing + UNWANTED, env=env, capture_output=True)
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise ServerUnavailable(f"apt-get could not install tt-rss: {' '.join(tail)}")
    finally:
        if not had_policy:
            policy.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_user(user: str, command: list[str]) -> list[str]:
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *command]


def psql(state: Path, port: int, sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(state / "pg"), "-p", str(port)]
        + ["-U", "postgres", "-d", database, "-c", sql],
        check=True,
        capture_output=True,
    )


def start_postgres(state: Path) -> int:
    data = state / "pg"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    subprocess.run(
        as_user("postgres", [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust"])
        + ["-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off"
    subprocess.run(
        as_user("postgres", [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options])
        + ["-l", str(data / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    psql(state, port, "create user ttrss password 'ttrss'")
    psql(state, port, "create database ttrss owner ttrss")
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(data), "-p", str(port)]
        + ["-U", "ttrss", "-d", "ttrss", "-f", str(SCHEMA)],
        check=True,
        capture_output=True,
    )
    psql(
        state,
        port,
        "insert into ttrss_user_prefs (owner_uid, pref_name, value)"
        " values (1, 'ENABLE_API_ACCESS', 'true')",
        "ttrss",
    )
    return port


def patch_loopback_feeds(www: Path) -> None:
    """Let the private copy fetch loopback feeds on any port (the tests serve them there)."""
    path = www / "classes" / "urlhelper.php"
    text = path.read_text()
    text = text.replace(
        "$tmp = $parts['scheme'] . \"://\" . $parts['host'];",
        "$tmp = $parts['scheme'] . \"://\" . $parts['host'];"
        " if (isset($parts['port'])) $tmp .= ':' . $parts['port'];",
    )
    text = text.replace("if ($extended_filtering) {", "if (false && $extended_filtering) {")
    text = text.replace('strpos($ip_addr, "127.") === 0', "false")
    text = text.replace('strpos($fetch_effective_ip_addr, "127.") === 0', "false")
    path.write_text(text)


def web_root(state: Path, pg_port: int, web_port: int) -> Path:
    www = state / "www"
    shutil.copytree(TTRSS_WWW, www, symlinks=False)
    (www / "config.php").unlink()
    shutil.rmtree(www / "feed-icons", ignore_errors=True)
    for name in ("lock", "cache", "icons"):
        (state / name).mkdir()
    # The cache stays unwritable for www-data except what tt-rss insists on: a writable feeds/
    # would keep feed bodies for 30 seconds and hide changes from the tests.
    for name in ("images", "upload", "export", "js"):
        (state / "cache" / name).mkdir()
    (state / "cache" / "feeds").mkdir()
    defines = {
        "DB_TYPE": "pgsql",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(pg_port),
        "DB_USER": "ttrss",
        "DB_NAME": "ttrss",
        "DB_PASS": "ttrss",
        "MYSQL_CHARSET": "UTF8",
        "SELF_URL_PATH": f"http://127.0.0.1:{web_port}/",
        "PHP_EXECUTABLE": "/usr/bin/php",
        "LOCK_DIRECTORY": str(state / "lock"),
        "CACHE_DIR": str(state / "cache"),
        "ICONS_DIR": str(state / "icons"),
        "ICONS_URL": "feed-icons",
        "PLUGINS": "auth_internal, note",
        "SMTP_FROM_NAME": "Tiny Tiny RSS",
        "SMTP_FROM_ADDRESS": "noreply@localhost",
        "DIGEST_SUBJECT": "digest",
        "LOG_DESTINATION": "sql",
    }
    flags = {
        "SINGLE_USER_MODE": "false",
        "SIMPLE_UPDATE_MODE": "false",
        "AUTH_AUTO_CREATE": "true",
        "AUTH_AUTO_LOGIN": "true",
        "FORCE_ARTICLE_PURGE": "0",
        "ENABLE_REGISTRATION": "false",
        "REG_MAX_USERS": "10",
        "SESSION_COOKIE_LIFETIME": "86400",
        "CHECK_FOR_UPDATES": "false",
        "ENABLE_GZIP_OUTPUT": "false",
        "CONFIG_VERSION": "26",
    }
    lines = ["<?php"]
    lines += [f"define('{key}', {json.dumps(value)});" for key, value in defines.items()]
    lines += [f"define('{key}', {value});" for key, value in flags.items()]
    (www / "config.php").write_text("\n".join(lines) + "\n")
    patch_loopback_feeds(www)
    for path in [state, *state.rglob("*")]:
        if path.is_relative_to(state / "pg") or path.parent == state / "cache":
            continue
        path.chmod(path.stat().st_mode | 0o005 | (0o001 if path.is_dir() else 0))
    for name in ("lock", "icons", "cache/images", "cache/upload", "cache/export", "cache/js"):
        shutil.chown(state / name, "www-data", "www-data")
    state.chmod(0o755)
    return www


def start_web(state: Path, www: Path, port: int) -> None:
    log = (state / "php.log").open("wb")
    process = subprocess.Popen(
        as_user("www-data", ["php", "-S", f"127.0.0.1:{port}", "-t", str(www)]),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (state / "php.pid").write_text(str(process.pid))


def wait_for_api(url: str) -> None:
    body = json.dumps({"op": "getApiLevel"}).encode()
    for _ in range(WAIT_STEPS):
        try:
            request = urllib.request.Request(url + "api/", data=body, method="POST")
            with urllib.request.urlopen(request, timeout=2) as answer:
                json.loads(answer.read())
                return
        except (OSError, ValueError):
            time.sleep(0.1)
    raise ServerUnavailable("tt-rss did not answer its API")


def start(state: Path) -> dict[str, str]:
    """Install, set up and start tt-rss in `state` (which must not exist yet)."""
    install()
    state.mkdir(parents=True)
    state.chmod(0o755)  # PostgreSQL and PHP run as their own users and must reach it
    pg_port = start_postgres(state)
    web_port = free_port()
    www = web_root(state, pg_port, web_port)
    start_web(state, www, web_port)
    url = f"http://127.0.0.1:{web_port}/"
    wait_for_api(url)
    info = {"url": url, "user": USER, "password": PASSWORD, "pg_port": str(pg_port)}
    (state / "server.json").write_text(json.dumps(info))
    return info


def stop(state: Path) -> None:
    """Stop the web server (its process group) and the cluster, by the PID files in `state`."""
    pid_file = state / "php.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        pid_file.unlink()
    postmaster = state / "pg" / "postmaster.pid"
    if postmaster.exists():
        pid = int(postmaster.read_text().splitlines()[0])
        try:
            os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
        except ProcessLookupError:
            return
        for _ in range(WAIT_STEPS):
            if not postmaster.exists():
                break
            time.sleep(0.1)


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        try:
            install()
        except ServerUnavailable as reason:
            print(f"tt-rss unavailable: {reason}", file=sys.stderr)
            return 3
        return 0
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: ttrss_server.py install | start|stop STATE_DIR", file=sys.stderr)
        return 2
    state = Path(argv[1]).resolve()
    if argv[0] == "stop":
        stop(state)
        return 0
    try:
        print(json.dumps(start(state)))
    except ServerUnavailable as reason:
        print(f"tt-rss unavailable: {reason}", file=sys.stderr)
        return 3
    except subprocess.CalledProcessError as error:
        stop(state)
        output = (error.stderr or b"").decode(errors="replace")[-2000:]
        print(f"tt-rss setup failed: {error.cmd[:6]}\n{output}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
