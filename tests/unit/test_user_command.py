"""Running the user's own programs: no shell, input on stdin, a time limit and an output cap."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader.core.backends.user_command import (
    UserCommandFailed,
    command_argv,
    run_user_command,
)


def test_stdin_reaches_the_program_and_its_output_comes_back() -> None:
    done = run_user_command("cat", "鄭州 $(rm -rf ~) `x`".encode())
    assert done.stdout.decode() == "鄭州 $(rm -rf ~) `x`"


def test_the_command_is_split_without_a_shell(tmp_path: Path) -> None:
    target = tmp_path / "out file.txt"
    run_user_command(["sh", "-c", 'cat > "$1"', "sh", str(target)], b"saved")
    assert target.read_bytes() == b"saved"
    # A shell operator in the string is an argument, not an operator.
    done = run_user_command("echo a ; echo b")
    assert done.stdout == b"a ; echo b\n"


def test_a_quoted_argument_stays_whole() -> None:
    assert command_argv("say -v 'Ting-Ting' x") == ["say", "-v", "Ting-Ting", "x"]


@pytest.mark.parametrize("command", ["", "   ", "echo 'unclosed"])
def test_an_unreadable_command_is_one_line(command: str) -> None:
    with pytest.raises(UserCommandFailed) as caught:
        run_user_command(command)
    assert "\n" not in str(caught.value)


def test_a_missing_program_says_so() -> None:
    with pytest.raises(UserCommandFailed, match="no-such-program-here: command not found"):
        run_user_command("no-such-program-here --flag")


def test_a_failing_program_gives_its_exit_and_last_error_line() -> None:
    with pytest.raises(UserCommandFailed) as caught:
        run_user_command(["sh", "-c", "echo first >&2; echo 'last \x1b[31mred' >&2; exit 3"])
    message = str(caught.value)
    assert message.startswith("sh: exit 3: last")
    assert "\x1b" not in message


def test_a_program_that_hangs_is_stopped_with_its_children() -> None:
    with pytest.raises(UserCommandFailed, match="no answer within 0.5 s"):
        run_user_command(["sh", "-c", "sleep 30; echo late"], timeout=0.5)


def test_a_program_that_writes_without_end_is_stopped_at_the_cap() -> None:
    endless = [sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('x' * 4096)"]
    with pytest.raises(UserCommandFailed, match="wrote more than 100000 bytes"):
        run_user_command(endless, output_cap=100_000, timeout=20)


def test_a_program_that_ignores_its_input_is_fine() -> None:
    done = run_user_command("true", b"x" * 1_000_000)
    assert done.stdout == b""


def test_a_chatty_stderr_does_not_fail_a_good_program() -> None:
    chatty = [sys.executable, "-c", "import sys\nsys.stderr.write('w' * 100000)\nprint('ok')"]
    assert run_user_command(chatty).stdout == b"ok\n"
