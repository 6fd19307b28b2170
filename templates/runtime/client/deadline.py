"""Two limits in time, and two in size, on a call.

`timeout` (httpx2's) bounds each connect, read and write of one attempt;
`deadline` bounds the whole call, from the connect to the last byte: every
attempt, its response headers, the waits between attempts and the body. It
caps each attempt's timeouts at what is left (`limit`), is checked between
the reads of a body (`read_body`), and a watchdog (`Watchdog`, sync) or a
cancel scope (`within`, async) ends an attempt still waiting for its headers
when it passes, however slowly the server trickles them.

Sizes count the body as decompressed, by our own bounded decoder (gzip and
deflate, in any number of layers up to `MAX_CODINGS`): an error answer's body
is kept up to `MAX_ERROR_BODY` bytes and the rest not downloaded; a success
larger than the client's `max_response_bytes` raises `ResponseTooLargeError`.
Neither a long answer nor a small compressed bomb can make a client hold more.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import zlib
from collections.abc import Mapping
from types import FrameType
from typing import Any, Callable

import httpx2

from ..errors import MAX_ERROR_BODY, TRUNCATED, APIResponseValidationError, ResponseTooLargeError

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Deadline",
    "Expired",
    "Watchdog",
    "limit",
    "read_body",
    "read_body_async",
    "within",
]

# The largest success answer a client holds unless built with another `max_response_bytes`.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# More content codings than this on one answer are refused (httpx2's own limit).
MAX_CODINGS = 5
_ZLIB_CODINGS = {
    "gzip": zlib.MAX_WBITS | 16,
    "x-gzip": zlib.MAX_WBITS | 16,
    "deflate": zlib.MAX_WBITS,
}


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


class _TooMuch(Exception):
    """The decoded body passed its limit."""


class _Layer:
    """One content coding, undone at most `cap` bytes at a time."""

    __slots__ = ("coding", "inflater", "started", "total")

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.inflater = zlib.decompressobj(_ZLIB_CODINGS[coding])
        self.started = False
        self.total = 0

    def run(self, data: bytes, cap: int) -> tuple[bytes, bool]:
        """At most `cap` bytes of what `data` decodes to, and whether there was more."""
        try:
            out = self.inflater.decompress(data, cap + 1)
        except zlib.error:
            if self.coding != "deflate" or self.started:
                raise
            # Some servers send raw deflate without the zlib header (httpx2 accepts it too).
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self.inflater.decompress(data, cap + 1)
        self.started = True
        over = len(out) > cap or bool(self.inflater.unconsumed_tail)
        self.total += min(len(out), cap)
        return out[:cap], over


class _Decoder:
    """The body's content codings undone in turn, each layer's output bounded, so
    that no chunk, however well it compresses, decodes to more than the limit."""

    def __init__(self, codings: list[str], limit: int) -> None:
        known = [coding for coding in codings if coding in _ZLIB_CODINGS]
        if len(known) > MAX_CODINGS:
            raise zlib.error(f"more than {MAX_CODINGS} content codings")
        self.layers = [_Layer(coding) for coding in reversed(known)]
        # A layer between two others may be a little larger than the body it holds.
        self.middle = 2 * limit + 65536

    def decode(self, chunk: bytes, room: int) -> tuple[bytes, bool]:
        """What `chunk` decodes to, at most `room` bytes, and whether there was more."""
        data, over = chunk, False
        for index, layer in enumerate(self.layers):
            last = index == len(self.layers) - 1
            cap = room if last else max(0, self.middle - layer.total)
            data, more = layer.run(data, cap)
            over = over or more
        if not self.layers:
            data, over = chunk[:room], len(chunk) > room
        return data, over


class _Reading:
    """A body as it is read: decoded, counted against its limit, within the deadline."""

    def __init__(
        self, response: httpx2.Response, deadline: Deadline | None, max_bytes: int
    ) -> None:
        self.response = response
        self.deadline = deadline
        self.error = response.status_code >= 300
        self.limit = MAX_ERROR_BODY if self.error else max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        codings = [
            value.strip().lower()
            for value in response.headers.get_list("content-encoding", split_commas=True)
        ]
        try:
            self.decoder: _Decoder | None = _Decoder(codings, self.limit)
        except zlib.error:
            self.decoder = None
            self._refuse("too many content codings")

    def take(self, chunk: bytes) -> bool:
        """Add one raw chunk; False when reading should stop (an error body is full)."""
        if self.deadline is not None and self.deadline.left() <= 0:
            raise Expired
        assert self.decoder is not None
        try:
            data, over = self.decoder.decode(chunk, self.limit - self.size)
        except zlib.error:
            self._refuse("a body that does not decode as its Content-Encoding says")
            return False
        self.parts.append(data)
        self.size += len(data)
        if over:
            if not self.error:
                raise ResponseTooLargeError(
                    f"the answer is larger than max_response_bytes={self.limit} "
                    f"(decompressed): {self.response.request.method} "
                    f"{self.response.request.url.copy_with(query=None)}",
                    response=self.response,
                    limit=self.limit,
                )
            self.response.extensions[TRUNCATED] = True
            return False
        return True

    def _refuse(self, what: str) -> None:
        """A success that cannot be decoded is refused; of an error answer, what was
        decoded is kept (the status says enough)."""
        if not self.error:
            raise APIResponseValidationError(
                f"the answer has {what}", response=self.response, body=None
            )

    def finish(self) -> None:
        self.response._content = b"".join(self.parts)

    def read_already(self) -> bool:
        """Bound a body that was read before it came here (a mock transport's);
        False when there is none and the stream is to be read."""
        if not hasattr(self.response, "_content"):
            return False
        content = self.response.content
        self.decoder = _Decoder([], self.limit)
        self.take(content)
        self.finish()
        return True


def read_body(response: httpx2.Response, deadline: Deadline | None, max_bytes: int) -> None:
    """Read `response`'s body within the deadline and its size limit (see the module)."""
    reading = _Reading(response, deadline, max_bytes)
    if reading.read_already():
        return
    if reading.decoder is not None:
        for chunk in response.iter_raw():
            if not reading.take(chunk):
                break
    reading.finish()


async def read_body_async(
    response: httpx2.Response, deadline: Deadline | None, max_bytes: int
) -> None:
    """The async twin of `read_body`."""
    reading = _Reading(response, deadline, max_bytes)
    if reading.read_already():
        return
    if reading.decoder is not None:
        async for chunk in response.aiter_raw():
            if not reading.take(chunk):
                break
    reading.finish()


def within(deadline: Deadline | None) -> contextlib.AbstractContextManager[Any]:
    """An async attempt's cancel scope: it ends with `TimeoutError` when the deadline passes."""
    if deadline is None:
        return contextlib.nullcontext()
    import anyio  # here, not at the top: a sync program does not pay for it (and asyncio)

    return anyio.fail_after(max(deadline.left(), 0.0))


Trace = Callable[[str, dict[str, Any]], Any]


class Watchdog:
    """Ends a sync attempt at the deadline, even one whose server trickles its
    headers a byte at a time (each read then returns within the read timeout).

    A trace hook finds the HTTP/1.1 connection the attempt is sent on; at the
    deadline a timer shuts its socket down, which fails the blocked read at
    once. `fired` then tells the send loop that the failure is the deadline's.
    An HTTP/2 connection, shared with other requests, is left alone (its reads
    are still capped by `limit`)."""

    def __init__(self, request: httpx2.Request, deadline: Deadline, previous: Trace | None) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._previous = previous
        request.extensions["trace"] = self._trace
        self._timer = threading.Timer(max(deadline.left(), 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _trace(self, event: str, info: dict[str, Any]) -> Any:
        if event == "http11.send_request_headers.started":
            # The connection is the `self` of a caller a few frames up.
            frame: FrameType | None = sys._getframe(1)
            for _ in range(6):
                if frame is None:
                    break
                owner = frame.f_locals.get("self")
                if type(owner).__name__ == "HTTP11Connection":
                    stream = getattr(owner, "_network_stream", None)
                    sock = stream.get_extra_info("socket") if stream is not None else None
                    with self._lock:
                        self._sock = sock if isinstance(sock, socket.socket) else None
                    if self.fired:
                        self._fire()
                    break
                frame = frame.f_back
        if self._previous is not None:
            return self._previous(event, info)
        return None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sock = None
