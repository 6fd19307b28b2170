"""What a caller passes besides an operation's own arguments.

`NOT_GIVEN` tells an omitted argument from an explicit `None` (which is sent,
as JSON `null`, where the API accepts it); `RequestOptions` are the per-call
keywords every generated method takes (`timeout`, `deadline`, `max_retries`,
`extra_headers`, `extra_query`, `extra_body`); the defaults of a client's timeout and retries live here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Literal, Union

import httpx2
from typing_extensions import TypedDict

from ..styles import scalar

if TYPE_CHECKING:
    from .parsing import Endpoint

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "FileInput",
    "NotGiven",
    "RequestOptions",
    "TimeoutTypes",
    "check_options",
    "merge_headers",
]

TimeoutTypes = Union[float, httpx2.Timeout, None]
FileContent = Union[bytes, IO[bytes]]
# A file to upload: its content, or (filename, content) or (filename, content, content type).
FileInput = Union[FileContent, tuple[str, FileContent], tuple[str, FileContent, str]]

DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2


class NotGiven:
    """The default of every optional argument: the argument is not sent at all.

    Distinct from `None`, which is sent (as JSON `null`) where the API accepts it.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


class RequestOptions(TypedDict, total=False):
    """The per-call options every generated method takes as keyword arguments,
    besides the operation's own: `client.end_users.get(user_id=..., timeout=5)`."""

    # Headers to add to this request; on the same name they win over the client's and the operation's.
    extra_headers: Mapping[str, str] | None
    # Query parameters to add to this request (to every page of a list); on the same name they
    # win over the operation's. A None value is not sent.
    extra_query: Mapping[str, object] | None
    # JSON fields to add to the request body (on the same name they win over the body's), or
    # form parts to add to a multipart body; for an operation without a body, the body itself.
    extra_body: Mapping[str, object] | None
    # Seconds (or an `httpx2.Timeout`; None waits forever) for each connect, read and write of
    # this call, instead of the client's.
    timeout: TimeoutTypes
    # Seconds the whole call may take, retries and their waits included, instead of the
    # client's (None: no limit but `timeout`).
    deadline: float | None
    # Retries for this call instead of the client's.
    max_retries: int


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


def check_options(endpoint: Endpoint[Any], options: RequestOptions) -> None:
    """Refuse a keyword that is neither the operation's nor a `RequestOptions` one,
    as Python does for a function without `**kwargs` (type checkers refuse it too)."""
    if not _OPTION_NAMES.issuperset(options):
        unknown = min(options.keys() - _OPTION_NAMES)
        raise TypeError(f"{endpoint.operation_id} got an unexpected keyword argument {unknown!r}")


def merge_headers(headers: Mapping[str, str], more: Mapping[str, Any]) -> dict[str, str]:
    """`headers` and `more`; a name in both, in whatever case, takes `more`'s value.
    A value in `more` that is `NOT_GIVEN` or None is not sent (nor does it replace one)."""
    given = {k: scalar(v) for k, v in more.items() if not isinstance(v, NotGiven) and v is not None}
    names = {name.lower() for name in given}
    return {**{k: v for k, v in headers.items() if k.lower() not in names}, **given}
