"""What the stub answers a request that passed its checks.

The user's override if there is one; else, in stateful mode, what the store
says (`state.py`); else the documented answer: the success response, or the
one `Prefer: code=404` picks, with its example (`Prefer: example=name`) or,
without one or with `Prefer: dynamic=true`, a value synthesized from the
models (`synth.py`) and repaired to fit the spec (`wire.py`), as Prism does;
a sequence of items is streamed item by item (`streams.py`).
Answers that do not depend on the request are encoded once and kept. A
refusal (`StubError`) is `{"message": ...}`, or the documented answer of its
status where the message would not fit it.
"""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any, Sequence

from pydantic import ValidationError
from starlette.responses import Response

from ..models import to_wire
from . import state, streams
from .base import JSON, Compiled, Handler, StubError, StubRequest, dumps, log, message
from .synth import Synthesizer
from .table import Reply

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["answer", "overridden", "refusal"]

# The statuses the stub answers of its own accord (generator/wire.py documents them).
_STUB_STATUSES = frozenset({"400", "401", "404", "413", "431", "507"})


def answer(app: StubApp, call: StubRequest) -> Response:
    """The answer without an override: the store's (stateful mode) or the documented one."""
    compiled = app._compiled[call.operation.operation_id]
    reply, status = _chosen(compiled, call.prefer)
    if reply.stream is not None:
        # A stream is its items, in stateful mode too (no store keeps them).
        example, dynamic = call.prefer.get("example"), call.prefer.get("dynamic") == "true"
        return streams.streamed(app, compiled, reply, status, example, dynamic)
    if app.stateful and "code" not in call.prefer:
        stateful = state.answer(app, compiled, call, reply, status)
        if stateful is not None:
            return stateful
    return _canned(
        app,
        compiled,
        reply,
        status,
        call.prefer.get("example"),
        call.prefer.get("dynamic") == "true",
    )


async def overridden(compiled: Compiled, call: StubRequest, handler: Handler) -> Response:
    """The answer of an override: a Response, a `(status, payload)` pair or a payload."""
    result = handler(call)
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, Response):
        return result
    status = (
        int(compiled.success.status)
        if compiled.success and compiled.success.status.isdigit()
        else 200
    )
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        status, result = result
    if result is None:
        return Response(status_code=status)
    return Response(dumps(to_wire(result)), status_code=status, media_type=JSON)


def refusal(app: StubApp, compiled: Compiled, exc: StubError) -> Response:
    """`{"message": ...}` with the error's status; where the operation documents
    that status with a body the message does not fit, the documented answer
    (its example, or a value made from its schema) instead, so that every
    answer is one the spec describes. The message then goes to the log and
    to a `Stub-Refusal` header (ASCII, one line)."""
    status = str(exc.status)
    replies = compiled.operation.replies
    # The statuses the stub adds are documented as `{"message"}` wherever the spec has
    # no such status of its own (`server_openapi.json`): a `default` does not stand for them.
    wanted = (
        (status, f"{status[0]}XX")
        if status in _STUB_STATUSES
        else (status, f"{status[0]}XX", "DEFAULT")
    )
    reply = next((r for w in wanted for r in replies if r.status.upper() == w), None)
    if reply is None or (reply.type is None and not reply.examples):
        return message(exc.status, exc.message, exc.headers)
    if reply.schema is not None and app.wire is not None:
        fits = not app.wire.error_paths(reply.schema, {"message": exc.message})
    else:
        fits = reply.type is not None and _fits(compiled, reply.type, {"message": exc.message})
    if fits:
        return message(exc.status, exc.message, exc.headers)
    log.info("%s: %s", compiled.operation.operation_id, exc.message)
    try:
        content, media = _encode(app, compiled, reply, None, False)
    except StubError:
        return message(exc.status, exc.message, exc.headers)
    line = " ".join(exc.message.split()).encode("ascii", "backslashreplace").decode("ascii")
    headers = {**(exc.headers or {}), "Stub-Refusal": line[:1000]}
    return Response(content, status_code=exc.status, media_type=media, headers=headers)


def _chosen(compiled: Compiled, prefer: dict[str, str]) -> tuple[Reply, int]:
    replies = compiled.operation.replies
    code = prefer.get("code")
    if code is None:
        if compiled.success is None:
            raise StubError(500, f"{compiled.operation.operation_id} documents no response")
        reply = compiled.success
        return reply, int(reply.status) if reply.status.isdigit() else 200
    wanted = [code, f"{code[:1]}XX", "default"]
    for status in wanted:
        for reply in replies:
            if reply.status.upper() == status.upper() and code.isdigit():
                return reply, int(code)
    documented = ", ".join(r.status for r in replies)
    raise StubError(
        400, f"Prefer: code={code} is not a documented status of this operation ({documented})"
    )


def _canned(
    app: StubApp,
    compiled: Compiled,
    reply: Reply,
    status: int,
    example: str | None,
    dynamic: bool,
) -> Response:
    key = (reply.status, example, dynamic)
    canned = compiled.canned.get(key)
    if canned is None:
        canned = compiled.canned[key] = _encode(app, compiled, reply, example, dynamic)
    content, media = canned
    return Response(content, status_code=status, media_type=media)


def _encode(
    app: StubApp, compiled: Compiled, reply: Reply, example: str | None, dynamic: bool
) -> tuple[bytes, str | None]:
    if example is not None and example not in reply.examples:
        names = ", ".join(reply.examples) or "none"
        raise StubError(
            400,
            f"Prefer: example={example} is not an example of response {reply.status} ({names})",
        )
    if reply.type is None and not reply.examples:
        return b"", None
    media = reply.content_type or JSON
    paging = compiled.operation.paging
    if reply.examples and not dynamic:
        text = reply.examples[example or next(iter(reply.examples))]
        if paging is None or not reply.status.startswith("2"):
            return text.encode(), media
        value = json.loads(text)
    else:
        seed = f"{app.seed}:{compiled.operation.operation_id}:{reply.status}"
        value = Synthesizer(seed).value(reply.type)
        if app.wire is not None and reply.schema:
            value = app.wire.repaired(reply.schema, value)
    if paging is not None and reply.status.startswith("2"):
        # One canned page stands for the whole list: a next link would
        # send a client round the same page for ever.
        _drop(value, paging.next_path)
    return dumps(value), media


def _fits(compiled: Compiled, type_: Any, value: Any) -> bool:
    try:
        compiled.adapter(type_).validate_python(value)
    except ValidationError:
        return False
    return True


def _drop(body: Any, path: Sequence[str]) -> None:
    for name in path[:-1]:
        body = body.get(name) if isinstance(body, dict) else None
    if isinstance(body, dict):
        body.pop(path[-1], None)
