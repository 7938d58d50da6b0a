"""Run a program the user configured (pipe, bookmark, notify, exec: feeds, feed filters).

The command line comes from the user's own config or prompt and is split with shlex; it never
goes through a shell, and feed text only ever reaches the program's standard input or its
separate arguments. Every run has a time limit and an output cap, like a download.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

DEFAULT_TIMEOUT = 30.0
DEFAULT_OUTPUT_CAP = 10 * 1024 * 1024
_STDERR_CAP = 4096


# A fork of this process while a program runs (a refresh's parse pool forks its workers on the
# first feed body) must not keep copies of that program's pipes: a copy of its stdin's write end
# would keep it waiting for the end of its input, and one taken inside Popen (its exec-status
# pipe) would block Popen forever. So Popen runs under this lock, which every fork takes first,
# and a forked child closes the pipe ends listed here (their numbers change only under the lock).
_FORK_LOCK = threading.RLock()
_OPEN_PIPES: set[int] = set()
_fork_hooks_installed = False


def _before_fork() -> None:
    _FORK_LOCK.acquire()


def _after_fork_in_parent() -> None:
    _FORK_LOCK.release()


def _after_fork_in_child() -> None:
    global _FORK_LOCK
    for fd in _OPEN_PIPES:
        try:
            os.close(fd)
        except OSError:
            pass
    _OPEN_PIPES.clear()
    _FORK_LOCK = threading.RLock()  # the parent's is held by a thread the child does not have


def _install_fork_hooks() -> None:
    global _fork_hooks_installed
    with _FORK_LOCK:
        if not _fork_hooks_installed:
            os.register_at_fork(
                before=_before_fork,
                after_in_parent=_after_fork_in_parent,
                after_in_child=_after_fork_in_child,
            )
            _fork_hooks_installed = True


def _close_pipe(stream: IO[bytes]) -> None:
    """Close our end of a program's pipe, and stop listing it for forked children to close."""
    with _FORK_LOCK:
        try:
            _OPEN_PIPES.discard(stream.fileno())
        except ValueError:  # closed already
            return
        try:
            stream.close()
        except OSError:
            pass


class UserCommandFailed(Exception):
    """The program could not run, ran too long, wrote too much or exited non-zero: one line."""


@dataclass(frozen=True, slots=True)
class CommandOutput:
    """What a program that exited 0 wrote."""

    stdout: bytes
    stderr: bytes


def command_argv(command: str | Sequence[str]) -> list[str]:
    """The program and its arguments: a string is split as a POSIX shell would, with no shell."""
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as error:
            raise UserCommandFailed(f"cannot read the command: {error}") from None
    else:
        argv = list(command)
    if not argv:
        raise UserCommandFailed("the command is empty")
    return argv


def command_problem(command: str) -> str | None:
    """Why a configured command line cannot be used, or None (an empty one means "not set")."""
    if not command.strip():
        return None
    try:
        command_argv(command)
    except UserCommandFailed as problem:
        return str(problem)
    return None


def _read_capped(
    stream: IO[bytes], cap: int, into: list[bytes], on_overflow: Callable[[], None] | None
) -> None:
    """Keep up to cap + 1 bytes (one more tells that the cap was passed).

    Past the cap, on_overflow stops the program; without one the rest is read and dropped.
    """
    size = 0
    while chunk := stream.read1(65536):  # type: ignore[attr-defined]
        if size > cap:
            continue
        into.append(chunk[: cap + 1 - size])
        size += len(into[-1])
        if size > cap and on_overflow is not None:
            on_overflow()
            break
    _close_pipe(stream)


def _feed_stdin(stream: IO[bytes], data: bytes) -> None:
    # A program that does not read its input (or exits early) is not an error.
    try:
        stream.write(data)
        stream.flush()
    except (BrokenPipeError, OSError):
        pass
    finally:
        _close_pipe(stream)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # The program's own children (sh -c '...') go too: it leads a session of its own.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def run_user_command(
    command: str | Sequence[str],
    stdin: bytes = b"",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    output_cap: int = DEFAULT_OUTPUT_CAP,
) -> CommandOutput:
    """Run the program with stdin as its input; its output, or UserCommandFailed saying why."""
    argv = command_argv(command)
    name = os.path.basename(argv[0])
    _install_fork_hooks()
    with _FORK_LOCK:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise UserCommandFailed(f"{name}: command not found") from None
        except PermissionError:
            raise UserCommandFailed(f"{name}: not allowed to run") from None
        except OSError as error:
            raise UserCommandFailed(f"{name}: cannot run ({error.strerror or error})") from None
        assert process.stdin and process.stdout and process.stderr
        _OPEN_PIPES.update(p.fileno() for p in (process.stdin, process.stdout, process.stderr))
    out: list[bytes] = []
    err: list[bytes] = []

    def stop() -> None:
        _kill_group(process)

    threads = [
        threading.Thread(target=_feed_stdin, args=(process.stdin, stdin), daemon=True),
        threading.Thread(
            target=_read_capped, args=(process.stdout, output_cap, out, stop), daemon=True
        ),
        threading.Thread(
            target=_read_capped, args=(process.stderr, _STDERR_CAP, err, None), daemon=True
        ),
    ]
    for thread in threads:
        thread.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.wait()
        raise UserCommandFailed(f"{name}: no answer within {timeout:g} s, stopped") from None
    for thread in threads:
        thread.join(timeout=5)
    stdout = b"".join(out)
    if len(stdout) > output_cap:
        raise UserCommandFailed(f"{name}: wrote more than {output_cap} bytes")
    stderr = b"".join(err)
    if code != 0:
        raise UserCommandFailed(_exit_message(name, code, stderr))
    return CommandOutput(stdout, stderr)


def _exit_message(name: str, code: int, stderr: bytes) -> str:
    """One line: how the program ended and the last thing it said on stderr, made printable."""
    how = f"killed by signal {-code}" if code < 0 else f"exit {code}"
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    said = "".join(ch for ch in lines[-1] if ch.isprintable())[:200] if lines else ""
    return f"{name}: {how}" + (f": {said}" if said else "")
