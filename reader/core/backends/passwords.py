"""A password from `password_command`: one way for the [sync] table and for a feed's login.

The command is the user's own config line, run through `sh -c` as it always was for [sync] (so
`pass show x | head -1` works), under the user-command runner's time limit and output cap. No
message ever holds what the command printed, on either stream: it may be the secret.
"""

from __future__ import annotations

from reader.core.backends.user_command import UserCommandFailed, run_user_command

PASSWORD_COMMAND_TIMEOUT = 60.0
_PASSWORD_OUTPUT_CAP = 64 * 1024


class PasswordCommandFailed(Exception):
    """`password_command` could not give a password; the message never holds its output."""


def password_from_command(command: str, label: str) -> str:
    """The first line `command` prints; `label` names the key in messages."""
    try:
        done = run_user_command(
            ["sh", "-c", command],
            timeout=PASSWORD_COMMAND_TIMEOUT,
            output_cap=_PASSWORD_OUTPUT_CAP,
        )
    except UserCommandFailed as error:
        # The runner's message ends with the program's last stderr line; it is cut off here
        # (`sh: exit 3: <stderr>` -> `exit 3`), since that line might repeat the secret.
        how = str(error).split(": ")[1] if ": " in str(error) else "failed"
        raise PasswordCommandFailed(f"{label} gave no password ({how})") from None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise PasswordCommandFailed(f"{label} gave no password (it printed nothing)")
    return lines[0]
