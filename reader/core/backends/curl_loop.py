"""libcurl's multi interface driven by the asyncio loop: curl says which sockets to watch and
when to wake it, the loop does the watching, and each transfer is one awaitable.

libcurl does the HTTP work in C (as it does for newsboat), so a download costs the refresh
a few callbacks instead of a Python HTTP stack per request.
"""

from __future__ import annotations

import asyncio

import pycurl


class CurlFailed(Exception):
    """A transfer libcurl gave up on: its error code and message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CurlLoop:
    """One `CurlMulti` on the running loop; connections are kept alive between transfers."""

    def __init__(self, max_connections: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._multi = pycurl.CurlMulti()
        self._multi.setopt(pycurl.M_SOCKETFUNCTION, self._watch)
        self._multi.setopt(pycurl.M_TIMERFUNCTION, self._set_timer)
        self._multi.setopt(pycurl.M_MAXCONNECTS, max_connections)
        self._watched: set[int] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._transfers: dict[pycurl.Curl, asyncio.Future[Exception | None]] = {}
        self._closed = False

    async def perform(self, handle: pycurl.Curl) -> None:
        """Run one prepared transfer to its end; raise CurlFailed when libcurl fails it, or
        what `stop` was given.

        Cancelling the caller removes the transfer (its connection is closed, not reused).
        """
        done: asyncio.Future[Exception | None] = self._loop.create_future()
        self._transfers[handle] = done
        self._multi.add_handle(handle)
        try:
            failure = await done
        finally:
            if self._transfers.pop(handle, None) is not None:  # cancelled before the end
                self._multi.remove_handle(handle)
        if failure is not None:
            raise failure

    def stop(self, handle: pycurl.Curl, failure: Exception) -> None:
        """End a running transfer now: its `perform` raises `failure`."""
        future = self._transfers.pop(handle, None)
        if future is not None:
            self._multi.remove_handle(handle)
            if not future.done():
                future.set_result(failure)

    def close(self) -> None:
        """Stop watching every socket and close the multi handle with its connections."""
        if self._closed:
            return
        self._closed = True
        for handle in list(self._transfers):
            self._multi.remove_handle(handle)
            future = self._transfers.pop(handle)
            if not future.done():
                future.set_result(CurlFailed(pycurl.E_ABORTED_BY_CALLBACK, "session closed"))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._multi.close()
        for fd in list(self._watched):
            self._forget(fd)

    # libcurl's callbacks: they only change what the loop watches, never call back into curl.

    def _watch(self, event: int, fd: int, _multi: object, _data: object) -> None:
        self._forget(fd)
        if event == pycurl.POLL_REMOVE or self._closed:
            return
        if event in (pycurl.POLL_IN, pycurl.POLL_INOUT):
            self._loop.add_reader(fd, self._act, fd, pycurl.CSELECT_IN)
        if event in (pycurl.POLL_OUT, pycurl.POLL_INOUT):
            self._loop.add_writer(fd, self._act, fd, pycurl.CSELECT_OUT)
        self._watched.add(fd)

    def _forget(self, fd: int) -> None:
        if fd in self._watched:
            self._watched.discard(fd)
            self._loop.remove_reader(fd)
            self._loop.remove_writer(fd)

    def _set_timer(self, milliseconds: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if milliseconds >= 0 and not self._closed:
            self._timer = self._loop.call_later(milliseconds / 1000, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._act(pycurl.SOCKET_TIMEOUT, 0)

    def _act(self, fd: int, events: int) -> None:
        if self._closed:
            return
        try:
            self._multi.socket_action(fd, events)
        except pycurl.error:
            pass  # the multi handle's own trouble: each transfer still ends (its deadline at worst)
        self._collect()

    def _collect(self) -> None:
        while True:
            queued, succeeded, failed = self._multi.info_read()
            for handle in succeeded:
                self._finish(handle, None)
            for handle, code, message in failed:
                self._finish(handle, CurlFailed(code, message))
            if not queued:
                return

    def _finish(self, handle: pycurl.Curl, failure: Exception | None) -> None:
        future = self._transfers.pop(handle, None)
        self._multi.remove_handle(handle)
        if future is not None and not future.done():
            future.set_result(failure)
