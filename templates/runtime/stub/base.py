"""What the modules of the stub server share: the request an override gets,
the error that ends a request, and an operation readied for answering.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from pydantic import TypeAdapter
from starlette.requests import Request
from starlette.responses import Response

from .table import Operation, Reply

if TYPE_CHECKING:
    from .app import StubApp

__all__ = [
    "JSON",
    "Compiled",
    "Handler",
    "StubError",
    "StubRequest",
    "dumps",
    "log",
    "message",
    "shared_adapter",
]

JSON = "application/json"
# uvicorn's own logger: a line there reads like the server's other lines.
log = logging.getLogger("uvicorn.error")


class StubError(Exception):
    """Ends a request with `{"message": ...}` and `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass
class StubRequest:
    """A request that passed routing, authentication and validation, as an
    override handler gets it. `path`, `query` and `headers` hold the declared
    parameters by wire name, parsed (an OpenAPI 3.2 `querystring` parameter's
    value, the whole query string read as its model, is in `query` under its
    name); `body` is the parsed body (a model)."""

    operation: Operation
    request: Request
    app: StubApp
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    prefer: dict[str, str] = field(default_factory=dict)

    async def default(self) -> Response:
        """What the stub answers without the override (to wrap or adjust it)."""
        return self.app._answer(self)


# An override: takes the request, returns (or awaits to) a Response, a
# `(status, payload)` pair or a payload sent as JSON with the success status.
Handler = Callable[[StubRequest], Any]


class Compiled:
    """An operation with what answering it needs, built on first use."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self.success = _success(operation.replies)
        self.canned: dict[tuple[str, str | None, bool], tuple[bytes, str | None]] = {}
        # A streamed answer's chunks, one per item (`streams.py`), by the same key.
        self.streamed: dict[tuple[str, str | None, bool], tuple[bytes, ...]] = {}
        self._adapters: dict[int, TypeAdapter[Any]] = {}

    def adapter(self, type_: Any) -> TypeAdapter[Any]:
        adapter = self._adapters.get(id(type_))
        if adapter is None:
            adapter = self._adapters[id(type_)] = shared_adapter(type_)
        return adapter


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def shared_adapter(type_: Any) -> TypeAdapter[Any]:
    """One `TypeAdapter` per type for the whole process: building one is costly."""
    adapter = _ADAPTERS.get(type_)
    if adapter is None:
        adapter = _ADAPTERS[type_] = TypeAdapter(type_)
    return adapter


def _success(replies: Sequence[Reply]) -> Reply | None:
    ok = [r for r in replies if r.status.startswith("2")]
    return min(ok, key=lambda r: r.status) if ok else (replies[0] if replies else None)


def dumps(value: Any) -> bytes:
    """JSON as the stub sends it: compact, UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def message(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """`{"message": text}` with `status`: how Dixa says what went wrong."""
    return Response(dumps({"message": text}), status_code=status, media_type=JSON, headers=headers)
