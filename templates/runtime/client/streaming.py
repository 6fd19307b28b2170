"""An answer read item by item as it arrives: Server-Sent Events, JSON Lines,
JSON text sequences (RFC 7464) and the parts of a `multipart/mixed` body.

A streaming call returns once the answer's status and headers are in (the
retries and the deadline apply to getting there, not to the stream's length);
`Stream` (and `AsyncStream`) then reads the body chunk by chunk and yields
each item parsed into its model as soon as its last byte has arrived. The
connection is closed when the iteration ends, when `close()` is called or the
`with` block is left, and when the stream is garbage collected abandoned.

Server-Sent Events are parsed as the HTML standard says: lines end with CRLF,
LF or CR; a line starting with `:` is a comment; `field: value` loses one
space after the colon; `data` lines are joined with newlines; an empty line
dispatches the event, unless it has no data; `id` with a NUL is ignored and
`retry` must be digits. The item is the event's `data`; `.events()` yields
the events themselves (`ServerSentEvent`), with the parsed item as `.item`.

A `multipart/mixed` body is cut as RFC 2046 says, at its Content-Type's
`boundary`: the preamble before the first delimiter and the epilogue after
the closing one are ignored; each part is its headers, a blank line, then its
body up to the next delimiter (the line end before it belongs to the
delimiter). A part is given out as soon as the delimiter after it has
arrived, parsed as JSON when its Content-Type is JSON (or, without one, when
the item is not a text), else given as its text. A part larger than the
client's `max_response_bytes` raises `ResponseTooLargeError` (a stream has no
end to bound, its items do); a body without a boundary, a part without the
blank line after its headers, or one that ends before its closing delimiter
raises `APIResponseValidationError`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import httpx2

from ..errors import APIResponseValidationError, ResponseTooLargeError
from .deadline import DEFAULT_MAX_RESPONSE_BYTES

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

T = TypeVar("T")
Framing = Literal["sse", "lines", "json-seq", "multipart"]
# An item's record, and whether it is JSON (True), a text (False) or as the item's type says (None).
Parse = Callable[[bytes | str, bool | None], T]


@dataclass
class ServerSentEvent(Generic[T]):
    """One event of an event stream: its fields as sent, and its `data` parsed (`item`)."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None
    item: T | None = None


class _EventParser:
    """Text in, events out (the HTML standard's event stream interpretation)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        self._first = True

    def feed(
        self, chunk: bytes, final: bool = False
    ) -> Iterator[tuple[str, str, str | None, int | None]]:
        text = self._decoder.decode(chunk, final)
        if self._first and text:
            text, self._first = text.removeprefix("\ufeff"), False
        self._pending += text
        while True:
            cut = _line_end(self._pending, final)
            if cut is None:
                return
            end, after = cut
            line, self._pending = self._pending[:end], self._pending[after:]
            event = self._line(line)
            if event is not None:
                yield event

    def _line(self, line: str) -> tuple[str, str, str | None, int | None] | None:
        if not line:
            data, self._data = self._data, []
            event, self._event = self._event or "message", ""
            if not data:
                return None
            return "\n".join(data), event, self._id, self._retry
        if line.startswith(":"):
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self._id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None


def _line_end(text: str, final: bool) -> tuple[int, int] | None:
    """Where the first line of `text` ends and the next starts; a CR at the very
    end waits for the next chunk (it may be the first half of CRLF)."""
    for index, char in enumerate(text):
        if char == "\n":
            return index, index + 1
        if char == "\r":
            if index + 1 < len(text):
                return index, index + 2 if text[index + 1] == "\n" else index + 1
            return (index, index + 1) if final else None
    return None


class _Splitter:
    """Bytes in, records out: JSON Lines end with LF, JSON text sequences start with RS.

    A JSON text sequence's record also ends with LF (RFC 7464), though a JSON
    text may hold LFs of its own: a record is given out once it ends with LF
    and is whole JSON (nothing can follow it then but the next RS), not when
    the next record starts, which may be long after."""

    def __init__(self, separator: bytes) -> None:
        self._separator = separator
        self._pending = b""

    def feed(self, chunk: bytes, final: bool = False) -> Iterator[bytes]:
        self._pending += chunk
        *records, self._pending = self._pending.split(self._separator)
        if final or (self._separator == _RS and _complete(self._pending)):
            records.append(self._pending)
            self._pending = b""
        for record in records:
            record = record.strip()
            if record:
                yield record


_RS = b"\x1e"


def _complete(record: bytes) -> bool:
    """A JSON text sequence's record that has all arrived: it ends with LF and is JSON."""
    if not record.endswith(b"\n") or not record.strip():
        return False
    try:
        json.loads(record)
    except ValueError:
        return False
    return True


class _Malformed(ValueError):
    """A `multipart/mixed` body that does not follow RFC 2046."""


class _PartTooLarge(ValueError):
    """A part larger than the stream's bound on one item."""


# The `boundary` parameter of a Content-Type, quoted or not (RFC 2046: 1 to 70 characters).
_BOUNDARY = re.compile(r';\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^;\s"]{1,70}))', re.IGNORECASE)


def multipart_boundary(content_type: str | None) -> bytes:
    """The boundary a `multipart/mixed` answer's Content-Type names."""
    found = _BOUNDARY.search(content_type or "")
    if found is None:
        raise _Malformed("its Content-Type has no boundary parameter")
    return (found.group(1) or found.group(2)).encode("latin-1", "replace")


class _Multipart:
    """Bytes in, parts out (`(content type or None, body)`), each as soon as the
    delimiter after it has arrived: the boundary cannot occur inside a part,
    so the part has ended there whatever follows the delimiter."""

    def __init__(self, boundary: bytes, limit: int) -> None:
        self._delimiter = b"\n--" + boundary
        self._limit = limit
        self._pending = b"\n"  # the first delimiter may start the body, with no line end before it
        self._state: Literal["preamble", "part", "after", "done"] = "preamble"

    def feed(self, chunk: bytes, final: bool = False) -> Iterator[tuple[str | None, bytes]]:
        if self.done:
            return  # the epilogue
        self._pending += chunk
        while not self.done:
            if self._state == "after":
                if not self._after_delimiter():
                    break
                continue
            found = self._pending.find(self._delimiter)
            if found < 0:
                if self._state == "preamble":
                    self._pending = self._pending[-len(self._delimiter) :]
                elif len(self._pending) > self._limit + len(self._delimiter):
                    raise _PartTooLarge(f"a part is larger than {self._limit} bytes")
                break
            part = self._pending[:found]
            self._pending = self._pending[found + len(self._delimiter) :]
            if self._state == "part":
                yield self._split(part.removesuffix(b"\r"))
            self._state = "after"
        if final and not self.done:
            raise _Malformed("it ends before its closing delimiter")

    @property
    def done(self) -> bool:
        """The closing delimiter has arrived: what follows is the epilogue."""
        return self._state == "done"

    def _after_delimiter(self) -> bool:
        """Read what follows a delimiter: `--` closes the body, else the rest of
        the line (transport padding) precedes the next part; False: not in yet."""
        if self._pending.startswith(b"--"):
            self._state, self._pending = "done", b""
            return True
        if len(self._pending) < 2 and self._pending in (b"", b"-"):
            return False
        line_end = self._pending.find(b"\n")
        if line_end < 0:
            if self._pending.strip(b" \t\r"):
                raise _Malformed("a delimiter is followed by more than white space")
            return False
        if self._pending[:line_end].strip(b" \t\r"):
            raise _Malformed("a delimiter is followed by more than white space")
        self._pending = self._pending[line_end + 1 :]
        self._state = "part"
        return True

    def _split(self, part: bytes) -> tuple[str | None, bytes]:
        if len(part) > self._limit:
            raise _PartTooLarge(f"a part is larger than {self._limit} bytes")
        if part.startswith(b"\r\n"):
            return None, part[2:]
        if part.startswith(b"\n"):
            return None, part[1:]
        ends = [(at, len(mark)) for mark in (b"\r\n\r\n", b"\n\n") if (at := part.find(mark)) >= 0]
        if not ends:
            raise _Malformed("a part has no blank line between its headers and its body")
        at, width = min(ends)
        content_type = None
        for line in re.split(rb"\r?\n", part[:at]):
            name, colon, value = line.partition(b":")
            if colon and name.strip().lower() == b"content-type":
                content_type = value.strip().decode("latin-1")
        return content_type, part[at + width :]


_JSON_MEDIA = re.compile(r"^application/([^;]+\+)?json\s*(;.*)?$", re.IGNORECASE)


class _Reader(Generic[T]):
    """What the sync and the async stream share: how chunks become items."""

    def __init__(
        self, framing: Framing, parse: Parse[T], response: httpx2.Response, limit: int
    ) -> None:
        self.framing = framing
        self.parse = parse
        self.response = response
        self.limit = limit
        self.events = _EventParser() if framing == "sse" else None
        self.records = _Splitter(_RS if framing == "json-seq" else b"\n")
        self.parts: _Multipart | None = None

    def feed(self, chunk: bytes, final: bool = False) -> Iterator[ServerSentEvent[T]]:
        if self.events is not None:
            for data, event, id_, retry in self.events.feed(chunk, final):
                yield ServerSentEvent(
                    data=data, event=event, id=id_, retry=retry, item=self.parse(data, None)
                )
        elif self.framing == "multipart":
            yield from self._parts(chunk, final)
        else:
            for record in self.records.feed(chunk, final):
                item = self.parse(record, None)
                yield ServerSentEvent(data=record.decode("utf-8", "replace"), item=item)

    def _parts(self, chunk: bytes, final: bool) -> Iterator[ServerSentEvent[T]]:
        try:
            if self.parts is None:
                boundary = multipart_boundary(self.response.headers.get("content-type"))
                self.parts = _Multipart(boundary, self.limit)
            for content_type, body in self.parts.feed(chunk, final):
                text = body.decode("utf-8", "replace")
                if content_type is None:
                    item = self.parse(body, None)
                elif _JSON_MEDIA.match(content_type):
                    item = self.parse(body, True)
                else:
                    item = self.parse(text, False)
                yield ServerSentEvent(data=text, item=item)
        except _PartTooLarge as exc:
            raise ResponseTooLargeError(
                f"the multipart answer is too large to read: {exc}",
                response=self.response,
                limit=self.limit,
            ) from None
        except _Malformed as exc:
            raise APIResponseValidationError(
                f"the multipart answer is malformed: {exc}", response=self.response, body=None
            ) from None


class Stream(Generic[T]):
    """The items of an answer, as they arrive; iterate it once, in a `with` block or then `close()` it."""

    def __init__(
        self,
        response: httpx2.Response,
        framing: Framing,
        parse: Parse[T],
        *,
        max_item_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.response = response
        self._reader = _Reader(framing, parse, response, max_item_bytes)

    def events(self) -> Iterator[ServerSentEvent[T]]:
        """Each event as sent (for JSON Lines and sequences: each record), its item parsed as `.item`."""
        try:
            for chunk in self.response.iter_bytes():
                yield from self._reader.feed(chunk)
            yield from self._reader.feed(b"", final=True)
        finally:
            self.close()

    def __iter__(self) -> Iterator[T]:
        for event in self.events():
            yield event.item  # type: ignore[misc]

    def close(self) -> None:
        """Close the connection (the rest of the answer is not read)."""
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if not self.response.is_closed:
            self.response.close()


class AsyncStream(Generic[T]):
    """The async twin of `Stream`: `async for`, `async with`, `await close()`."""

    def __init__(
        self,
        response: httpx2.Response,
        framing: Framing,
        parse: Parse[T],
        *,
        max_item_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.response = response
        self._reader = _Reader(framing, parse, response, max_item_bytes)

    async def events(self) -> AsyncIterator[ServerSentEvent[T]]:
        """Each event as sent (see `Stream.events`)."""
        try:
            async for chunk in self.response.aiter_bytes():
                for event in self._reader.feed(chunk):
                    yield event
            for event in self._reader.feed(b"", final=True):
                yield event
        finally:
            await self.close()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for event in self.events():
            yield event.item  # type: ignore[misc]

    async def close(self) -> None:
        """Close the connection (the rest of the answer is not read)."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
