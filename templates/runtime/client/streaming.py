"""An answer read item by item as it arrives: Server-Sent Events, JSON Lines
and JSON text sequences (RFC 7464).

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
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import httpx2

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

T = TypeVar("T")
Framing = Literal["sse", "lines", "json-seq"]


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


class _Reader(Generic[T]):
    """What the sync and the async stream share: how chunks become items."""

    def __init__(self, framing: Framing, parse: Callable[[bytes | str], T]) -> None:
        self.framing = framing
        self.parse = parse
        self.events = _EventParser() if framing == "sse" else None
        self.records = _Splitter(_RS if framing == "json-seq" else b"\n")

    def feed(self, chunk: bytes, final: bool = False) -> Iterator[ServerSentEvent[T]]:
        if self.events is not None:
            for data, event, id_, retry in self.events.feed(chunk, final):
                yield ServerSentEvent(
                    data=data, event=event, id=id_, retry=retry, item=self.parse(data)
                )
        else:
            for record in self.records.feed(chunk, final):
                item = self.parse(record)
                yield ServerSentEvent(data=record.decode("utf-8", "replace"), item=item)


class Stream(Generic[T]):
    """The items of an answer, as they arrive; iterate it once, in a `with` block or then `close()` it."""

    def __init__(
        self, response: httpx2.Response, framing: Framing, parse: Callable[[bytes | str], T]
    ) -> None:
        self.response = response
        self._reader = _Reader(framing, parse)

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
        self, response: httpx2.Response, framing: Framing, parse: Callable[[bytes | str], T]
    ) -> None:
        self.response = response
        self._reader = _Reader(framing, parse)

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
