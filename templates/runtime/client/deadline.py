"""Two limits in time, and one in size, on a call.

`timeout` (httpx2's) bounds each connect, read and write of one attempt;
`deadline` bounds the whole call: every attempt, the waits between them and
reading the answer. It is checked between the reads of a body (`bound`) and
caps each attempt's timeouts at what is left (`limit`). An error answer's
body is read at most `MAX_ERROR_BODY` bytes, so a server cannot make a client
download an unbounded error page.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping

import httpx2

from ..errors import MAX_ERROR_BODY

__all__ = ["Deadline", "Expired", "bound", "limit"]


class Deadline:
    """When a call must be over: `seconds` after it started, on the monotonic clock."""

    __slots__ = ("seconds", "at")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def allows(self, wait: float) -> bool:
        """Whether waiting `wait` seconds still leaves time for another attempt."""
        return wait < self.left()


class Expired(Exception):
    """The call's deadline passed: raised inside the send loop, turned into `APITimeoutError`."""


def limit(
    request: httpx2.Request, timeouts: Mapping[str, float | None], deadline: Deadline
) -> None:
    """Cap this attempt's connect, read, write and pool timeouts at what is left of the deadline."""
    left = deadline.left()
    if left <= 0:
        raise Expired
    request.extensions["timeout"] = {
        name: left if value is None else min(value, left) for name, value in timeouts.items()
    }


class _Cut:
    """Where reading a body stops: after `limit` bytes (the rest is not
    downloaded), or with `Expired` once the deadline has passed."""

    __slots__ = ("deadline", "left")

    def __init__(self, deadline: Deadline | None, limit: int | None) -> None:
        self.deadline = deadline
        self.left = limit

    def take(self, chunk: bytes) -> bytes:
        if self.deadline is not None and self.deadline.left() <= 0:
            raise Expired
        if self.left is None:
            return chunk
        chunk = chunk[: self.left]
        self.left -= len(chunk)
        return chunk


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, stream: httpx2.SyncByteStream, cut: _Cut) -> None:
        self._stream = stream
        self._cut = cut

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            yield self._cut.take(chunk)
            if self._cut.left == 0:
                return

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(httpx2.AsyncByteStream):
    def __init__(self, stream: httpx2.AsyncByteStream, cut: _Cut) -> None:
        self._stream = stream
        self._cut = cut

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield self._cut.take(chunk)
            if self._cut.left == 0:
                return

    async def aclose(self) -> None:
        await self._stream.aclose()


def bound(response: httpx2.Response, deadline: Deadline | None) -> None:
    """Have `response` read within the deadline: all of a success, `MAX_ERROR_BODY` of an error."""
    limit = MAX_ERROR_BODY if response.status_code >= 300 else None
    if deadline is None and limit is None:
        return
    cut = _Cut(deadline, limit)
    if isinstance(response.stream, httpx2.SyncByteStream):
        response.stream = _BoundedStream(response.stream, cut)
    else:
        response.stream = _AsyncBoundedStream(response.stream, cut)
