"""A process forked while a user's program runs (as a refresh's parse pool forks its workers
while exec: feeds and filters run) keeps no copy of that program's pipes, so the program still
sees the end of its input and the run ends as it would alone."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from reader.core.backends.user_command import CommandOutput, UserCommandFailed, run_user_command


def test_a_fork_during_a_run_does_not_hold_the_programs_input_open(tmp_path: Path) -> None:
    started = tmp_path / "started"
    data = "鄭州新聞 ".encode() * 200_000  # far more than a pipe holds: the writer is still busy
    outcome: list[CommandOutput | UserCommandFailed] = []

    def run() -> None:
        try:
            outcome.append(
                run_user_command(["sh", "-c", f"touch '{started}'; sleep 1; cat"], data, timeout=20)
            )
        except UserCommandFailed as error:
            outcome.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    while not started.exists():  # the program runs and its input is not all written yet
        time.sleep(0.01)
    # A forked child that lives longer than the run's time limit: had it kept a copy of the
    # input's write end, `cat` would never see the end of its input and the run would time out.
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    child.start()
    try:
        runner.join(timeout=60)
        assert outcome and isinstance(outcome[0], CommandOutput), outcome
        assert outcome[0].stdout == data
    finally:
        child.terminate()
        child.join()


def test_many_programs_and_forks_at_once_all_finish() -> None:
    """Popen and fork on different threads at once: Popen's own status pipe never leaks into
    a forked child (that would block Popen for as long as the child lives)."""
    results: list[bytes] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        done = run_user_command(["cat"], f"第{n}條".encode(), timeout=20)
        with lock:
            results.append(done.stdout)

    children = []
    threads = [threading.Thread(target=run, args=(n,)) for n in range(40)]
    try:
        for index, thread in enumerate(threads):
            thread.start()
            if index % 8 == 0:
                child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
                child.start()
                children.append(child)
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == sorted(f"第{n}條".encode() for n in range(40))
    finally:
        for child in children:
            child.terminate()
            child.join()
