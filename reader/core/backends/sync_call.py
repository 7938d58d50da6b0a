"""One API call to a sync server, its transport errors turned into SyncError.

Kept apart from sync_source so the start-up path never loads httpx.
"""

from __future__ import annotations

from typing import Any

import httpx

from reader.core.backends.sync_source import SyncError


def api_answer(client: httpx.Client, server: str, endpoint: str, **request: Any) -> Any:
    """POST one API call and return its JSON, or SyncError naming `server` and what went wrong."""
    try:
        answer = client.post(endpoint, **request)
    except httpx.HTTPError as error:
        raise SyncError(f"{server} server unreachable: {type(error).__name__}") from None
    if answer.status_code != 200:
        raise SyncError(f"{server} server answered HTTP {answer.status_code}")
    try:
        return answer.json()
    except ValueError:
        raise SyncError(f"{server} server answered something that is not its API") from None
