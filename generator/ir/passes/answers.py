"""How a call's answer is read, and which media type it asks for, once for
the client (its return type and `Endpoint`) and whoever else reads the IR.

- `answer_kind`: a success answer in a media type that is not JSON is
  returned as it is, `str` for text (and XML), `bytes` for anything else; so
  is one of any media type (`*/*`) whose schema is a string (a text, or a
  download with `format: binary`): only an answer described as a structure is
  read as JSON.
- a success answer in a sequential media type (`text/event-stream`, JSON
  Lines, `application/json-seq`, `multipart/mixed`) whose items have a type is a `stream`: read
  item by item as it arrives (`Operation.stream`). The item type is OpenAPI
  3.2's `itemSchema` (for an event stream whose item schema is the event, the
  type of its `data`); in a document without one (3.0, 3.1), the `schema`
  when it describes a structure: an array documents the stream as the list
  of its items, so each item is of the array's items type (the event's
  `data`, where those items are events), and any other structure is the item
  itself. A schema that is a string describes the whole body, which stays a
  text for JSON Lines and sequences; an event stream is read event by event
  anyway, each event's data a `str` when nothing types it.
- `accept`: the media type of the first documented success answer (or, where
  the operation documents no success, of its `default` one), when it is not
  `application/json`, which the client asks for anyway.
"""

from __future__ import annotations

from typing import Literal

from ..media import essence, is_success, raw_kind, sequence_framing
from ..model import Api, ArrayType, Operation, Primitive, Stream


def run(api: Api) -> None:
    for operation in api.operations:
        operation.stream = _stream(api, operation)
        operation.answer_kind = "stream" if operation.stream is not None else _answer_kind(api, operation)
        operation.accept = _accept(operation)


def _stream(api: Api, op: Operation) -> Stream | None:
    success = op.success
    framing = sequence_framing(success.content_type) if success is not None else None
    if success is None or framing is None:
        return None
    item = success.item_data_type if framing == "sse" else None
    item = item or success.item_type
    if item is None and success.type is not None:
        resolved = api.resolve(success.type)
        if isinstance(resolved, Primitive) and resolved.name in ("string", "any"):
            if framing != "sse":
                return None  # the whole body described as one text
        else:
            item = resolved.items if isinstance(resolved, ArrayType) else success.type
    if item is None:
        if framing != "sse":
            return None
        # An event stream is read event by event whatever its schema says of the
        # body: with no type for the data, each event's data is its text.
        item = Primitive(name="string")
    resolved_item = api.resolve(item)
    text = isinstance(resolved_item, Primitive) and resolved_item.name == "string" and resolved_item.format is None
    return Stream(framing=framing, item=item, text=text)


def _answer_kind(api: Api, op: Operation) -> Literal["bytes", "str"] | None:
    success = op.success
    if success is None:
        return None
    kind = raw_kind(success.content_type)
    if kind is None and essence(success.content_type or "") == "*/*" and success.type is not None:
        resolved = api.resolve(success.type)
        if isinstance(resolved, Primitive) and resolved.name == "string":
            return "bytes" if resolved.format == "binary" else "str"
    return kind


def _accept(op: Operation) -> str | None:
    success = next((r for r in op.responses if is_success(r.status) and r.content_type), None)
    if success is None and not any(is_success(r.status) for r in op.responses):
        success = next((r for r in op.responses if r.status == "default" and r.content_type), None)
    if success is None or success.content_type is None:
        return None
    media = success.content_type.strip()
    return None if essence(media) == "application/json" else media
