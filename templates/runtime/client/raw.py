"""Raw responses: `client.with_raw_response.<resource>.<method>(...)`.

A raw-response client (one made by `_copy(raw=True)`) returns an
`APIResponse` instead of the parsed payload: the `httpx2.Response` (status,
headers) plus the parsing the method would have done, on demand. Errors are
raised all the same. A streaming method's raw response comes back once the
answer has begun, its stream open: `parse()` gives the stream to read (close
it, or read it in a `with` block).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx2

from .parsing import Endpoint

__all__ = ["APIResponse", "to_async_raw_response", "to_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")


class APIResponse(Generic[T]):
    """A raw answer: the `httpx2.Response` plus the parsing the method would do."""

    def __init__(
        self,
        endpoint: Endpoint[Any],
        response: httpx2.Response,
        secrets: Sequence[str] = (),
        *,
        parsed: Any = None,
    ) -> None:
        self._endpoint = endpoint
        # What the method made of the answer, where it is more than its parsed body: a list
        # method's page (`SyncPage`, `AsyncPage`), a streaming method's `Stream` (`AsyncStream`).
        self._parsed = parsed
        self._secrets = secrets
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """What the method itself returns: the payload as models (a list method's
        page, a streaming method's stream, which reads the body as it arrives)."""
        if self._parsed is not None:
            return cast(T, self._parsed)
        return cast(T, self._endpoint.parse(self.http_response, self._secrets))

    def __repr__(self) -> str:
        return f"<APIResponse {self._endpoint.operation_id} [{self.status_code}]>"


def to_raw_response(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """Retypes a method of a raw-response client (one made by `_copy(raw=True)`)."""
    return cast(Callable[P, APIResponse[T]], method)


def to_async_raw_response(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The async twin of `to_raw_response`."""
    return cast(Callable[P, Awaitable[APIResponse[T]]], method)
