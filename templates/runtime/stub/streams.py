"""A streamed answer: the items of a sequential media type sent one by one.

An operation whose success is a sequence of items (OpenAPI 3.2 `itemSchema`,
or a 3.0/3.1 event stream or JSON Lines whose schema types the items) is
answered as a real stream: the records of its example (`Prefer: example=name`
picks one), or, without one or with `Prefer: dynamic=true`, `stream_items`
items synthesized from the item's model, with `stream_delay` seconds between
two of them, so that a client sees each item before the next is sent. They
are framed as the media type says:

- `text/event-stream`: one event per item, its `event` and `id` where the
  example or the schema gives them (a synthesized event's `id` is its number),
  its data on `data:` lines, a blank line after it;
- JSON Lines: each item's JSON (or text) and a line feed;
- `application/json-seq` (RFC 7464): a record separator, the JSON, a line feed;
- `multipart/mixed` (RFC 2046): one part per item, `Content-Type:
  application/json` (`text/plain` for a text item), between delimiters of the
  fixed `MULTIPART_BOUNDARY` that the answer's Content-Type names. Each chunk
  ends with the delimiter after its part, so that a client knows the part has
  ended without waiting for the next one; the last adds the closing `--`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import anyio
from starlette.responses import Response, StreamingResponse

from .base import Compiled, StubError, dumps
from .synth import Synthesizer
from .table import Reply, Streamed

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["MULTIPART_BOUNDARY", "framed", "streamed"]

# The boundary of a multipart answer: fixed, so that answers are the same from
# run to run; only a text item with a line `--` and this token could break it.
MULTIPART_BOUNDARY = "stub-item-boundary-9f1c2e"

# The line ends of the event stream format (CRLF, LF, CR): a data line cannot hold one.
_LINE_ENDS = re.compile(r"\r\n|\r|\n")


def streamed(
    app: StubApp,
    compiled: Compiled,
    reply: Reply,
    status: int,
    example: str | None,
    dynamic: bool,
) -> Response:
    """The streamed answer of `reply` (which has a `stream`)."""
    key = (reply.status, example, dynamic)
    chunks = compiled.streamed.get(key)
    if chunks is None:
        chunks = compiled.streamed[key] = _chunks(app, compiled, reply, example, dynamic)
    delay = app.stream_delay

    async def body() -> AsyncIterator[bytes]:
        for index, chunk in enumerate(chunks):
            if index and delay > 0:
                await anyio.sleep(delay)
            yield chunk

    # No cache, and no buffering by a proxy in between: the items are wanted as they come.
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    media_type = reply.content_type
    if reply.stream is not None and reply.stream.framing == "multipart":
        media_type = f"{(media_type or '').split(';')[0].strip()}; boundary={MULTIPART_BOUNDARY}"
    return StreamingResponse(body(), status_code=status, media_type=media_type, headers=headers)


def _chunks(
    app: StubApp, compiled: Compiled, reply: Reply, example: str | None, dynamic: bool
) -> tuple[bytes, ...]:
    stream = reply.stream
    assert stream is not None
    if example is not None and example not in reply.examples:
        names = ", ".join(reply.examples) or "none"
        raise StubError(
            400,
            f"Prefer: example={example} is not an example of response {reply.status} ({names})",
        )
    if reply.examples and not dynamic:
        records = json.loads(reply.examples[example or next(iter(reply.examples))])
    else:
        records = []
        for number in range(1, app.stream_items + 1):
            seed = f"{app.seed}:{compiled.operation.operation_id}:{reply.status}:{number}"
            value = Synthesizer(seed).value(stream.item)
            text = value if stream.text and isinstance(value, str) else dumps(value).decode()
            records.append({"data": text, "id": str(number)} if stream.framing == "sse" else text)
    chunks = [framed(stream, record) for record in records]
    if stream.framing == "multipart":
        # The first delimiter opens the body; the last one is the closing delimiter.
        opening = f"--{MULTIPART_BOUNDARY}".encode()
        chunks = [opening + chunk for chunk in chunks[:1]] + chunks[1:] or [opening]
        chunks[-1] += b"--\r\n"
    return tuple(chunks)


def framed(stream: Streamed, record: Any) -> bytes:
    """One record as the media type frames it: an event (a dict of its fields)
    for an event stream, else the item's text (for multipart: the part, then
    the delimiter after it)."""
    if stream.framing == "sse":
        fields = record if isinstance(record, dict) else {"data": record}
        lines = []
        event = fields.get("event", stream.event)
        if event:
            lines.append(f"event: {_one_line(str(event))}")
        if fields.get("id") is not None:
            lines.append(f"id: {_one_line(str(fields['id']))}")
        if isinstance(fields.get("retry"), int):
            lines.append(f"retry: {fields['retry']}")
        lines += [f"data: {line}" for line in _LINE_ENDS.split(str(fields.get("data", "")))]
        return ("\n".join(lines) + "\n\n").encode()
    text = str(record)
    if stream.framing == "multipart":
        media = "text/plain; charset=utf-8" if stream.text else "application/json"
        head = f"\r\nContent-Type: {media}\r\n\r\n"
        return head.encode() + text.encode() + f"\r\n--{MULTIPART_BOUNDARY}".encode()
    if stream.framing == "json-seq":
        return b"\x1e" + text.encode() + b"\n"
    return _LINE_ENDS.sub(" ", text).encode() + b"\n"


def _one_line(text: str) -> str:
    """A field of an event on one line (a line end would start another field); no NUL in an id."""
    return _LINE_ENDS.sub(" ", text).replace("\0", "")
