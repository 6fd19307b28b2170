"""How a call's answer is read, and which media type it asks for, once for
the client (its return type and `Endpoint`) and whoever else reads the IR.

- `answer_kind`: a success answer in a media type that is not JSON is
  returned as it is, `str` for text (and XML), `bytes` for anything else; so
  is one of any media type (`*/*`) whose schema is a string (a text, or a
  download with `format: binary`): only an answer described as a structure is
  read as JSON.
- `accept`: the media type of the first documented success answer (or, where
  the operation documents no success, of its `default` one), when it is not
  `application/json`, which the client asks for anyway.
"""

from __future__ import annotations

from ..media import Raw, essence, is_success, raw_kind
from ..model import Api, Operation, Primitive


def run(api: Api) -> None:
    for operation in api.operations:
        operation.answer_kind = _answer_kind(api, operation)
        operation.accept = _accept(operation)


def _answer_kind(api: Api, op: Operation) -> Raw | None:
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
