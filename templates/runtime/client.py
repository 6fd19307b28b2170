"""The HTTP machinery under every generated client, written once for all specs.

A generated client is a thin layer: one method per operation that turns its
typed arguments into an `Endpoint` call. Everything else lives here:

- authentication: each security scheme of the spec (`AuthScheme`) puts its
  credential in a header, a query parameter, a cookie, HTTP Basic or HTTP
  Digest; each operation sends the first of its security requirement's
  alternatives whose credentials were all given (`_Base._credentials`). A
  credential never appears in a `repr`, an exception message or a log line;
- cookie parameters, sent with any cookie credential in one `Cookie` header;
- retries with exponential backoff and jitter on connection errors, timeouts,
  408, 409, 429 and 5xx, honouring `Retry-After` (seconds or an HTTP date) up
  to `MAX_RETRY_AFTER`; a POST or PATCH is not retried once the server may
  have acted on it unless the client was built with `retry_non_idempotent`;
- two limits in time: `timeout`, httpx's, bounds each connect, read and write
  of one attempt; `deadline` bounds the whole call (every attempt, the waits
  between them and reading the answer), checked between the reads of a body
  and capping each attempt's `timeout` at what is left;
- error mapping to `errors.py`'s exception tree; an error answer's body is
  read once, at most `MAX_ERROR_BODY` bytes, and not at all when it is retried;
- response parsing with one pydantic `TypeAdapter` per endpoint, built on
  first use; Dixa's `{"data": ...}` envelope is parsed as a `TypedDict` so
  only the payload becomes models;
- `NOT_GIVEN`, which tells an omitted argument from an explicit `None`;
- raw responses (`client.with_raw_response.<resource>.<method>(...)`) and
  auto-paging (`paging.py`).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import gc
import json
import logging
import math
import os
import random
import re
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import IO, Any, Generic, Literal, ParamSpec, TypeVar, Union, cast
from urllib.parse import quote, urlencode
from uuid import UUID

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from typing_extensions import NotRequired, Self, TypedDict

from .errors import (
    MAX_ERROR_BODY,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    APIError,
    scrub,
    status_error,
)
from .models import to_wire
from .paging import AsyncPager, Page, Paging, SyncPager

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIResponse",
    "AsyncBaseClient",
    "AsyncResource",
    "AuthScheme",
    "Endpoint",
    "FileInput",
    "NotGiven",
    "Paging",
    "RequestOptions",
    "Security",
    "SyncBaseClient",
    "SyncResource",
    "TimeoutTypes",
    "path_param",
    "to_async_raw_response",
    "to_raw_response",
]

T = TypeVar("T")
P = ParamSpec("P")

TimeoutTypes = Union[float, httpx.Timeout, None]
FileContent = Union[bytes, IO[bytes]]
# A file to upload: its content, or (filename, content) or (filename, content, content type).
FileInput = Union[FileContent, tuple[str, FileContent], tuple[str, FileContent, str]]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A `Retry-After` longer than this is not waited for: the error is raised at once.
MAX_RETRY_AFTER = 60.0
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# A variable of a path template (`{agentId}`; `{}` too), as the generator finds them.
_PATH_VARIABLE = re.compile(r"{([^{}/]*)}")
_RETRY_STATUSES = frozenset({408, 409, 429})
# Statuses that say the request was not acted on, so even a POST may be sent again.
_NOT_ACTED_STATUSES = frozenset({408, 409, 429})

# The generated package this runtime belongs to (`dixa` for `dixa._runtime.client`).
_PACKAGE = __name__.partition("._runtime")[0]
log = logging.getLogger(_PACKAGE)


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
    # Seconds (or an `httpx.Timeout`; None waits forever) for each connect, read and write of
    # this call, instead of the client's.
    timeout: TimeoutTypes
    # Seconds the whole call may take, retries and their waits included, instead of the
    # client's (None: no limit but `timeout`).
    deadline: float | None
    # Retries for this call instead of the client's.
    max_retries: int


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


@dataclass(frozen=True)
class AuthScheme:
    """How one of the spec's security schemes puts a credential on a request.

    `name` is the scheme's name in the spec, as security requirements name it.
    `params` are the constructor arguments that carry the credential: a user
    name and a password for `basic` and `digest`, else one value. `kind` says
    where it goes: `header` (`prefix` + the value in the header `key`), `query`
    (the query parameter `key`), `cookie` (the cookie `key`), `basic`
    (`Authorization: Basic ...`) or `digest` (HTTP Digest, answering the
    server's challenge through `httpx.DigestAuth`). `env` is the environment
    variable the first argument falls back to when no credential is passed."""

    name: str
    kind: Literal["header", "query", "cookie", "basic", "digest"]
    params: tuple[str, ...]
    key: str = "Authorization"
    prefix: str = ""
    env: str | None = None


# A security requirement: alternatives, each the names of the schemes it needs
# together; an empty alternative needs none (the credentials are optional).
Security = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Credentials:
    """What credentials add to a request: its headers (the client's own with
    the credentials' over them), query parameters, cookies and an auth flow."""

    headers: Mapping[str, str]
    params: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    flow: httpx.Auth | None = None


# How a parameter is written, as the spec's `style` and `explode` say; the
# defaults are OpenAPI's: `form` exploded in a query, `simple` in a path or header.
Style = tuple[str, bool]
_DEFAULT_STYLES: dict[str, Style] = {"query": ("form", True), "header": ("simple", False)}


def path_param(value: Any, style: str = "simple", explode: bool = False, name: str = "") -> str:
    """A path parameter, percent-encoded so it stays one path segment; arrays
    and objects as `style` (`simple`, `label`, `matrix`) and `explode` say
    (`json`: a parameter the spec describes by `content`, written as JSON)."""
    if style == "json":
        return quote(_json_text(value), safe="")
    texts = _texts(value, explode, lambda text: quote(text, safe=""))
    if style == "label":
        return "." + ("." if explode else ",").join(texts)
    if style == "matrix":
        key = f";{quote(name, safe='')}="
        if _fields(value) is not None and explode:
            return ";" + ";".join(texts)
        return key + (key.join(texts) if explode else ",".join(texts))
    return ",".join(texts)


def _fields(value: Any) -> list[tuple[str, Any]] | None:
    """The fields of an object parameter by wire name (None for anything else);
    unset and null fields are left out."""
    if isinstance(value, BaseModel):
        value = to_wire(value)
    if isinstance(value, Mapping):
        return [(str(key), item) for key, item in value.items() if item is not None]
    return None


def _texts(value: Any, explode: bool, encode: Callable[[str], str] = str) -> list[str]:
    """The pieces of a parameter's value: one per item of an array; for an
    object `key=value` pieces when exploded, else keys and values in turn."""
    fields = _fields(value)
    if fields is not None:
        pairs = [(encode(key), encode(_scalar(item))) for key, item in fields]
        if explode:
            return [f"{key}={item}" for key, item in pairs]
        return [text for pair in pairs for text in pair]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(_scalar(item)) for item in value]
    return [encode(_scalar(value))]


def _query_pairs(name: str, value: Any, style: Style) -> list[tuple[str, str]]:
    """A query parameter as `(name, value)` pairs, before URL encoding."""
    kind, explode = style
    if kind == "json":
        return [(name, _json_text(value))]
    if kind == "deepObject" and (_fields(value) is not None or isinstance(value, (list, tuple))):
        return _deep_pairs(name, value)  # nested objects and lists too: `name[a][0][b]=v`
    fields = _fields(value)
    if fields is not None:
        if explode:
            return [(key, _scalar(item)) for key, item in fields]
        return [(name, ",".join(_texts(value, False)))]
    if isinstance(value, (list, tuple, set, frozenset)):
        texts = _texts(value, explode)
        if explode:
            return [(name, text) for text in texts]
        return [(name, {"spaceDelimited": " ", "pipeDelimited": "|"}.get(kind, ",").join(texts))]
    return [(name, _scalar(value))]


def _header_text(value: Any, style: Style) -> str:
    return _json_text(value) if style[0] == "json" else _simple_text(value, style[1])


def _json_text(value: Any) -> str:
    """A parameter written as JSON (the spec describes it by `content`)."""
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=False)


def _simple_text(value: Any, explode: bool) -> str:
    """A header or cookie parameter: arrays and objects comma-separated."""
    return ",".join(_texts(value, explode))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# What may stand in a cookie value unencoded (RFC 6265's cookie-octet): printable
# ASCII but the double quote, comma, semicolon and backslash.
_COOKIE_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;\\')


def _cookie_text(value: str, *, name: bool = False) -> str:
    """A cookie value, or with `name` a cookie name (without `=`), with what may not stand in it
    percent-encoded (spaces, quotes, commas, semicolons, backslashes, anything not ASCII)."""
    return quote(value, safe=_COOKIE_SAFE.replace("=", "") if name else _COOKIE_SAFE)


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return to_wire(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _encode_json(body: Any) -> bytes:
    return json.dumps(
        body, default=_json_default, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _encode_body(body: Any, media: str, styles: Mapping[str, Style] | None = None) -> bytes:
    """A request body in its media type: JSON, a form, or bytes and text as they are.
    A form's fields go as their `encoding` says (`styles`): `deepObject` ones as
    `name[key]=value` (nested: `name[a][0][b]=value`), the others one pair per
    item of an array, objects as JSON."""
    if media == "application/json":
        return _encode_json(body)
    if media.lower().startswith("application/x-www-form-urlencoded"):
        fields = _fields(body)
        if fields is None:
            raise TypeError(f"a form body is a model or a mapping, not {type(body).__name__}")
        pairs: list[tuple[str, str]] = []
        for key, value in fields:
            if (styles or {}).get(key, ("form", True))[0] == "deepObject":
                pairs += _deep_pairs(key, value)
            else:
                items = value if isinstance(value, (list, tuple)) else [value]
                pairs += [(key, _form_value(item)) for item in items]
        return urlencode(pairs).encode()
    if isinstance(body, str):
        return body.encode()
    return bytes(body)


def _deep_pairs(key: str, value: Any) -> list[tuple[str, str]]:
    """`value` under `key` as `deepObject` writes it: one pair per leaf, its path in brackets."""
    if isinstance(value, BaseModel):
        value = to_wire(value)
    if isinstance(value, Mapping):
        return [
            pair
            for name, item in value.items()
            if item is not None
            for pair in _deep_pairs(f"{key}[{name}]", item)
        ]
    if isinstance(value, (list, tuple)):
        return [
            pair
            for index, item in enumerate(value)
            for pair in _deep_pairs(f"{key}[{index}]", item)
        ]
    return [(key, _scalar(value))]


def _form_value(value: Any) -> str:
    """A form field: scalars as text, nested objects as JSON."""
    if isinstance(value, (dict, list)):
        return _encode_json(value).decode()
    return _scalar(value)


def _typed_dict(name: str, fields: Mapping[str, Any]) -> Any:
    return TypedDict(name, dict(fields))  # type: ignore[operator]


class Endpoint(Generic[T]):
    """One operation: how to call it, with which credentials, and how to read its success answer.

    `response` returns the payload type (inside the envelope, if any); it is
    called on first use so that importing a client does not build models.
    """

    __slots__ = (
        "method",
        "path",
        "operation_id",
        "idempotent",
        "envelope",
        "paging",
        "styles",
        "answer",
        "body_media",
        "form_styles",
        "accept",
        "security",
        "_response",
        "_adapter",
    )

    def __init__(
        self,
        method: str,
        path: str,
        operation_id: str,
        *,
        response: Callable[[], Any] | None = None,
        envelope: str | None = None,
        paging: Paging | None = None,
        styles: Mapping[tuple[str, str], Style] | None = None,
        answer: Literal["bytes", "str"] | None = None,
        body_media: str | None = None,
        form_styles: Mapping[str, Style] | None = None,
        accept: str | None = None,
        security: Security | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.operation_id = operation_id
        self.idempotent = method in _IDEMPOTENT
        self.envelope = envelope
        self.paging = paging
        # `(location, name)` of the parameters the spec gives a `style` or `explode` of their own.
        self.styles: Mapping[tuple[str, str], Style] = styles or {}
        # A success answer that is not JSON (a download, a text) is returned as its bytes or text.
        self.answer = answer
        # The media type of a body that is neither JSON nor multipart (a form, bytes, a text).
        self.body_media = body_media
        # The fields of a form body that its `encoding` gives a style of their own.
        self.form_styles = form_styles
        # The `Accept` header: the media type of the success answer, when it is not plain JSON
        # (a server that negotiates answers a download asked for as JSON with 406).
        self.accept = accept
        # The operation's own security requirement; None: the client's (the spec's default).
        self.security = security
        self._response = response
        self._adapter: TypeAdapter[Any] | None = None

    def __repr__(self) -> str:
        return f"Endpoint({self.method} {self.path}, {self.operation_id})"

    def url_path(self, values: Mapping[str, Any] | None) -> str:
        """The path with each `{variable}` replaced by its value from `values`
        (by wire name), encoded as its style says: the template is only ever
        split and joined, never formatted."""
        pieces = _PATH_VARIABLE.split(self.path)  # literal, variable, literal, ...
        if len(pieces) == 1:
            return self.path
        given = values or {}
        return "".join(
            (
                piece
                if index % 2 == 0
                else path_param(
                    given[piece], *self.styles.get(("path", piece), ("simple", False)), piece
                )
            )
            for index, piece in enumerate(pieces)
        )

    @property
    def adapter(self) -> TypeAdapter[Any]:
        adapter = self._adapter
        if adapter is None:
            assert self._response is not None
            payload = self._response()
            if self.paging is not None:
                shape = _paging_shape(self.paging, payload)
            elif self.envelope is not None:
                shape = _typed_dict("Envelope", {self.envelope: payload})
            else:
                shape = payload
            adapter = self._adapter = TypeAdapter(shape)
        return adapter

    def parse(self, response: httpx.Response, secrets: Sequence[str] = ()) -> T:
        """The answer's payload as models (None for an answer without a body);
        `secrets` are kept out of the error raised for an answer that does not parse."""
        if self.answer is not None:
            return cast(T, response.content if self.answer == "bytes" else response.text)
        if self._response is None or response.status_code == 204 or not response.content:
            return None  # type: ignore[return-value]
        value = self._validate(response, secrets)
        if self.paging is not None:
            return cast(T, value[self.paging.items_path[0]])
        if self.envelope is not None:
            return cast(T, value[self.envelope])
        return cast(T, value)

    def parse_page(
        self, response: httpx.Response, cursor: str | None, secrets: Sequence[str] = ()
    ) -> tuple[list[Any], str | None]:
        """The items of the page at `cursor` and what leads to the next one, if any."""
        assert self.paging is not None
        return self.paging.page(self._validate(response, secrets), response, cursor)

    def _validate(self, response: httpx.Response, secrets: Sequence[str]) -> Any:
        try:
            return _validate_json(self.adapter, response.content)
        except ValidationError as exc:
            # Said from the error's location and message only: pydantic's own text
            # quotes the input, which may hold a credential the server echoed.
            first = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "the top"
            message = (
                f"the {self.operation_id} answer does not match the spec: "
                f"{exc.error_count()} error(s), first at {where}: {first['msg']}"
            )
            error = APIResponseValidationError(
                scrub(message, secrets), response=response, body=scrub(_body(response), secrets)
            )
        raise error


_LARGE_BODY = 64 * 1024


def _validate_json(adapter: TypeAdapter[Any], content: bytes) -> Any:
    """Parse a body; for large ones with the garbage collector paused.

    A long list answer creates tens of thousands of objects that all survive;
    the collector would scan them again and again while they are being built,
    which costs about a third of the parse.
    """
    if len(content) < _LARGE_BODY or not gc.isenabled():
        return adapter.validate_json(content)
    gc.disable()
    try:
        return adapter.validate_json(content)
    finally:
        gc.enable()


def _paging_shape(paging: Paging, items: Any) -> Any:
    """A TypedDict that reads only the items (required) and the next cursor
    (optional, may be null) of a page, wherever the paging says they are."""
    if not paging.items_path:
        return items  # the answer is the list
    tree: dict[str, Any] = {}
    for path, leaf in (
        (paging.items_path, (True, items)),
        (paging.next_path, (False, Union[str, None])),
        (paging.has_more_path, (False, Union[bool, None])),
    ):
        if not path:
            continue
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = leaf
    return _as_typed_dict(tree)[1]


def _as_typed_dict(tree: Mapping[str, Any]) -> tuple[bool, Any]:
    fields: dict[str, Any] = {}
    required_any = False
    for key, value in tree.items():
        required, type_ = _as_typed_dict(value) if isinstance(value, dict) else value
        if isinstance(value, dict) and not required:
            type_ = Union[type_, None]
        fields[key] = type_ if required else NotRequired[type_]
        required_any = required_any or required
    return required_any, _typed_dict("Page", fields)


def _body(response: httpx.Response) -> Any:
    """The parsed JSON of an answer, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


class APIResponse(Generic[T]):
    """A raw answer: the `httpx.Response` plus the parsing the method would do."""

    def __init__(
        self, endpoint: Endpoint[T], response: httpx.Response, secrets: Sequence[str] = ()
    ) -> None:
        self._endpoint = endpoint
        self._secrets = secrets
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        """What the method itself returns: the payload as models."""
        return self._endpoint.parse(self.http_response, self._secrets)

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


def _retry_after(headers: httpx.Headers) -> float | None:
    """The wait an answer asks for, in seconds: `Retry-After-Ms`, else `Retry-After`
    (seconds or an HTTP date). None when it asks for none, or for one that cannot
    be waited (negative, not a number, not a date): then the backoff applies."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            seconds = _seconds_until(value) if scale == 1.0 else math.nan
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _seconds_until(value: str) -> float:
    """The seconds from now to an HTTP date (none when it is past), NaN for anything else."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return math.nan
    return max(0.0, when.timestamp() - time.time())


class _Deadline:
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


class _Expired(Exception):
    """The call's deadline passed: raised inside the send loop, turned into `APITimeoutError`."""


def _limit(
    request: httpx.Request, timeouts: Mapping[str, float | None], deadline: _Deadline
) -> None:
    """Cap this attempt's connect, read, write and pool timeouts at what is left of the deadline."""
    left = deadline.left()
    if left <= 0:
        raise _Expired
    request.extensions["timeout"] = {
        name: left if value is None else min(value, left) for name, value in timeouts.items()
    }


class _Cut:
    """Where reading a body stops: after `limit` bytes (the rest is not
    downloaded), or with `_Expired` once the deadline has passed."""

    __slots__ = ("deadline", "left")

    def __init__(self, deadline: _Deadline | None, limit: int | None) -> None:
        self.deadline = deadline
        self.left = limit

    def take(self, chunk: bytes) -> bytes:
        if self.deadline is not None and self.deadline.left() <= 0:
            raise _Expired
        if self.left is None:
            return chunk
        chunk = chunk[: self.left]
        self.left -= len(chunk)
        return chunk


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, cut: _Cut) -> None:
        self._stream = stream
        self._cut = cut

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            yield self._cut.take(chunk)
            if self._cut.left == 0:
                return

    def close(self) -> None:
        self._stream.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, cut: _Cut) -> None:
        self._stream = stream
        self._cut = cut

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield self._cut.take(chunk)
            if self._cut.left == 0:
                return

    async def aclose(self) -> None:
        await self._stream.aclose()


def _bound(response: httpx.Response, deadline: _Deadline | None) -> None:
    """Have `response` read within the deadline: all of a success, `MAX_ERROR_BODY` of an error."""
    limit = MAX_ERROR_BODY if response.status_code >= 300 else None
    if deadline is None and limit is None:
        return
    cut = _Cut(deadline, limit)
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _BoundedStream(response.stream, cut)
    else:
        response.stream = _AsyncBoundedStream(response.stream, cut)


def _backoff(retries: int) -> float:
    delay = min(INITIAL_RETRY_DELAY * 2.0**retries, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class _Base:
    """What the sync and the async client share: configuration, request
    building, the retry decisions and error mapping."""

    _base_url: str
    _headers: dict[str, str]
    _schemes: dict[str, AuthScheme]
    _applied: dict[str, _Credentials]
    _security: Security
    _chosen: dict[Security | None, _Credentials]
    _secrets: tuple[str, ...]
    _anonymous: bool
    _timeout: TimeoutTypes
    _deadline: float | None
    _max_retries: int
    _retry_non_idempotent: bool
    _raw: bool
    _owns_http: bool

    def _configure(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool,
        base_url: str,
        timeout: TimeoutTypes,
        deadline: float | None,
        max_retries: int,
        retry_non_idempotent: bool,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._deadline = deadline
        self._max_retries = max_retries
        self._retry_non_idempotent = retry_non_idempotent
        self._raw = False
        self._headers = {"Accept": "application/json", "User-Agent": f"{_PACKAGE}-python"}
        given = _given(schemes, credentials)
        _refuse_clashes(schemes, security, given)
        self._schemes = {scheme.name: scheme for scheme in schemes}
        self._applied = {}
        secrets: set[str] = set()
        for scheme in schemes:
            values = [given.get(param) for param in scheme.params]
            if all(values):
                self._applied[scheme.name] = _apply(scheme, cast(list[str], values), secrets)
        self._security = security
        self._chosen = {}
        self._anonymous = not given  # then, and only then, the environment was read
        self._secrets = tuple(sorted(secrets, key=len, reverse=True))
        if check_credentials and not given and security and all(security):
            # Every operation needs credentials: say so now rather than at the first call.
            raise APIError(f"no credentials: pass {self._spell(security)}")

    def _copy(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_non_idempotent: bool | NotGiven = NOT_GIVEN,
        raw: bool = False,
    ) -> Self:
        """A client sharing this one's connection pool with some settings changed."""
        new = object.__new__(type(self))
        for name in (
            "_base_url",
            "_headers",
            "_schemes",
            "_applied",
            "_security",
            "_chosen",
            "_secrets",
            "_anonymous",
            "_timeout",
            "_deadline",
            "_max_retries",
            "_retry_non_idempotent",
            "_raw",
            "_http",
        ):
            setattr(new, name, getattr(self, name))
        new._owns_http = False
        if not isinstance(timeout, NotGiven):
            new._timeout = timeout
        if not isinstance(deadline, NotGiven):
            new._deadline = deadline
        if not isinstance(max_retries, NotGiven):
            new._max_retries = max_retries
        if not isinstance(retry_non_idempotent, NotGiven):
            new._retry_non_idempotent = retry_non_idempotent
        new._raw = raw or self._raw
        return new

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_non_idempotent: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """This client with other defaults, sharing its connections:
        `client.with_options(max_retries=5).end_users.list()`."""
        return self._copy(
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    def _url(self, path: str) -> str:
        return self._base_url + path

    def _next_url(self, link: str) -> str:
        """A next-page link, which must stay on the API's host: the key is never sent elsewhere."""
        if link.startswith("/"):
            return self._base_url + link
        target, base = httpx.URL(link), httpx.URL(self._base_url)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise APIError(f"refusing to follow a next-page link to another host: {target.host}")
        return link

    def _credentials(self, endpoint: Endpoint[Any]) -> _Credentials:
        """What the credentials add to a request of `endpoint`: those of the first
        alternative of its security requirement whose credentials were all given;
        none when the requirement is empty or has an empty alternative and none is
        met. Raises `APIError` naming what to pass when nothing given meets it."""
        chosen = self._chosen.get(endpoint.security)
        if chosen is not None:
            return chosen
        security = self._security if endpoint.security is None else endpoint.security
        chosen = _Credentials(self._headers)
        met = [alt for alt in security if alt and all(name in self._applied for name in alt)]
        if met:
            for name in met[0]:
                part = self._applied[name]
                chosen = _Credentials(
                    _merge_headers(chosen.headers, part.headers),
                    {**chosen.params, **part.params},
                    {**chosen.cookies, **part.cookies},
                    part.flow or chosen.flow,
                )
        elif security and all(security):
            raise APIError(
                f"{endpoint.operation_id} needs credentials: pass {self._spell(security)}"
            )
        self._chosen[endpoint.security] = chosen
        return chosen

    def _spell(self, security: Security) -> str:
        """What to pass for `security`: `api_key (or set DIXA_API_KEY), or username and password`
        (the environment variable is named when no credential was passed)."""
        alternatives = []
        for alternative in security:
            params: list[str] = []
            for name in alternative:
                scheme = self._schemes.get(name)
                if scheme is None:
                    continue
                env = f" (or set {scheme.env})" if scheme.env and self._anonymous else ""
                params += [p + (env if i == 0 else "") for i, p in enumerate(scheme.params)]
            if params:
                alternatives.append(" and ".join(dict.fromkeys(params)))
        return ", or ".join(dict.fromkeys(alternatives))

    def _page_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        endpoint: Endpoint[Any],
        path: str,
        query: Mapping[str, Any] | None,
        cursor: str | None,
        headers: Mapping[str, Any] | None,
        cookies: Mapping[str, Any] | None,
        credentials: _Credentials,
        options: RequestOptions,
    ) -> httpx.Request:
        """The request for the page at `cursor` of a list (None: the first page)."""
        assert endpoint.paging is not None
        url, params = endpoint.paging.request(self._base_url + path, query, cursor, self._next_url)
        return self._build(
            http, endpoint, url, params, NOT_GIVEN, None, headers, cookies, credentials, options
        )

    def _build(
        self,
        http: httpx.Client | httpx.AsyncClient,
        endpoint: Endpoint[Any],
        url: str,
        query: Mapping[str, Any] | None,
        body: Any,
        files: Mapping[str, Any] | NotGiven | None,
        header_params: Mapping[str, Any] | None,
        cookie_params: Mapping[str, Any] | None,
        credentials: _Credentials,
        options: RequestOptions,
    ) -> httpx.Request:
        styles = endpoint.styles
        if header_params:
            header_params = {
                name: _header_text(value, styles.get(("header", name), _DEFAULT_STYLES["header"]))
                for name, value in header_params.items()
                if not isinstance(value, NotGiven) and value is not None
            }
        # The client's headers with the credentials', then the operation's header
        # parameters, then its cookies (with cookie credentials), then the call's extra ones.
        headers = credentials.headers
        if endpoint.accept is not None:
            headers = _merge_headers(headers, {"Accept": endpoint.accept})
        for more in (
            header_params,
            _cookie_header(credentials.cookies, cookie_params),
            options.get("extra_headers"),
        ):
            if more:
                headers = _merge_headers(headers, more)
        timeout = options.get("timeout", NOT_GIVEN)
        params = None
        if query or credentials.params:
            default = _DEFAULT_STYLES["query"]
            given = {
                name: value
                for name, value in (query or {}).items()
                if not isinstance(value, NotGiven) and value is not None
            }
            # Credentials sent in the query first; a parameter of the same name wins.
            pairs: list[tuple[str, str | int | float | bool | None]] = [
                (k, v) for k, v in credentials.params.items() if k not in given
            ]
            for name, value in given.items():
                pairs += _query_pairs(name, value, styles.get(("query", name), default))
            params = httpx.QueryParams(pairs)
        content = None
        multipart = None
        if isinstance(files, Mapping):
            multipart = _multipart(files)
        elif not isinstance(body, NotGiven):
            media = endpoint.body_media or "application/json"
            content = _encode_body(body, media, endpoint.form_styles)
            headers = {**headers, "Content-Type": media}
        return http.build_request(
            endpoint.method,
            url,
            params=params,
            content=content,
            files=multipart,
            headers=headers,
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
        )

    def _retries(self, options: RequestOptions) -> int:
        max_retries = options.get("max_retries", NOT_GIVEN)
        return self._max_retries if isinstance(max_retries, NotGiven) else max_retries

    def _deadline_of(self, options: RequestOptions) -> _Deadline | None:
        """When the call that starts now must be over, if it has a deadline."""
        seconds = options.get("deadline", self._deadline)
        return None if seconds is None else _Deadline(seconds)

    def _status_delay(
        self,
        request: httpx.Request,
        response: httpx.Response,
        idempotent: bool,
        retries: int,
        allowed: int,
        deadline: _Deadline | None,
    ) -> float | None:
        """How long to wait before sending again after `response`, or None to keep it
        (a success, an error not worth retrying, or no retry left in count or time)."""
        status = response.status_code
        if status < 300 or retries >= allowed:
            return None
        if not (status in _RETRY_STATUSES or status >= 500):
            return None
        if not (idempotent or self._retry_non_idempotent or status in _NOT_ACTED_STATUSES):
            return None
        delay = _retry_after(response.headers)
        if delay is None:
            delay = _backoff(retries)
        elif delay > MAX_RETRY_AFTER:
            return None
        return delay if deadline is None or deadline.allows(delay) else None

    def _error_delay(
        self,
        error: httpx.TransportError,
        idempotent: bool,
        retries: int,
        allowed: int,
        deadline: _Deadline | None,
    ) -> float | None:
        """How long to wait after a transport error, or None to give up.

        A request that never reached the server (connect errors and timeouts,
        pool timeouts) may always be sent again; any other may have been acted on."""
        if retries >= allowed:
            return None
        reached = not isinstance(
            error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
        )
        if reached and not (idempotent or self._retry_non_idempotent):
            return None
        delay = _backoff(retries)
        return delay if deadline is None or deadline.allows(delay) else None

    def _connection_error(
        self, error: httpx.TransportError, request: httpx.Request
    ) -> APIConnectionError:
        what = f"{request.method} {request.url.copy_with(query=None)}"
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(
                f"request timed out ({type(error).__name__}): {what}", request=request
            )
        message = f"connection error: {what}: {type(error).__name__}: {error}"
        return APIConnectionError(scrub(message, self._secrets), request=request)

    def _deadline_error(self, request: httpx.Request, deadline: _Deadline) -> APITimeoutError:
        what = f"{request.method} {request.url.copy_with(query=None)}"
        return APITimeoutError(
            f"no complete answer within the call's deadline of {deadline.seconds:g}s: {what}",
            request=request,
        )

    def _finish(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s",
                response.request.method,
                response.request.url.copy_with(query=None),
                response.status_code,
            )
        if response.status_code >= 300:
            raise status_error(response, _body(response), self._secrets)
        if self._raw:
            return cast(T, APIResponse(endpoint, response, self._secrets))
        return endpoint.parse(response, self._secrets)

    def _page(
        self, endpoint: Endpoint[Any], response: httpx.Response, cursor: str | None
    ) -> Page[Any]:
        if response.status_code >= 300:
            raise status_error(response, _body(response), self._secrets)
        items, following = endpoint.parse_page(response, cursor, self._secrets)
        return Page(items=items, next=following, response=response)


def _check_options(endpoint: Endpoint[Any], options: RequestOptions) -> None:
    """Refuse a keyword that is neither the operation's nor a `RequestOptions` one,
    as Python does for a function without `**kwargs` (type checkers refuse it too)."""
    if not _OPTION_NAMES.issuperset(options):
        unknown = min(options.keys() - _OPTION_NAMES)
        raise TypeError(f"{endpoint.operation_id} got an unexpected keyword argument {unknown!r}")


def _merge_headers(headers: Mapping[str, str], more: Mapping[str, Any]) -> dict[str, str]:
    """`headers` and `more`; a name in both, in whatever case, takes `more`'s value.
    A value in `more` that is `NOT_GIVEN` or None is not sent (nor does it replace one)."""
    given = {
        k: _scalar(v) for k, v in more.items() if not isinstance(v, NotGiven) and v is not None
    }
    names = {name.lower() for name in given}
    return {**{k: v for k, v in headers.items() if k.lower() not in names}, **given}


def _given(schemes: Sequence[AuthScheme], credentials: Mapping[str, str | None]) -> dict[str, str]:
    """The credentials passed to the constructor (empty ones are not given); when
    none is, the one an environment variable holds, if any."""
    given = {param: value for param, value in credentials.items() if value}
    if not given:
        for scheme in schemes:
            value = os.environ.get(scheme.env) if scheme.env else None
            if value:
                return {scheme.params[0]: value}
    return given


def _where(scheme: AuthScheme) -> str:
    """Where a scheme's credential goes, for the clash check and its message."""
    if scheme.kind == "query":
        return f"the {scheme.key} query parameter"
    if scheme.kind == "cookie":
        return f"the {scheme.key} cookie"
    key = scheme.key if scheme.kind == "header" else "Authorization"
    return f"the {key.title()} header"


def _refuse_clashes(
    schemes: Sequence[AuthScheme], security: Security, given: Mapping[str, str]
) -> None:
    """Credentials for alternatives of the spec's default requirement that go in the
    same place (an API key and a bearer token both in `Authorization`) are refused:
    which one is meant cannot be told."""
    offered = {name for alternative in security for name in alternative}
    places: dict[str, list[tuple[str, ...]]] = {}
    for scheme in schemes:
        if scheme.name in offered and all(given.get(param) for param in scheme.params):
            params = places.setdefault(_where(scheme), [])
            if scheme.params not in params:
                params.append(scheme.params)
    for where, params in places.items():
        if len(params) > 1:
            names = ", ".join(" and ".join(p) for p in params)
            raise APIError(f"pass only one of {names}: each is sent in {where}")


def _apply(scheme: AuthScheme, values: list[str], secrets: set[str]) -> _Credentials:
    """What a scheme adds to a request, given its credential; the forms of the
    secret that may show on the wire go into `secrets`, to be kept out of messages."""
    if scheme.kind in ("basic", "digest"):
        user, password = values[0], values[1]
        secrets.add(password)
        if scheme.kind == "digest":
            return _Credentials({}, flow=httpx.DigestAuth(user, password))
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        secrets.add(token)
        return _Credentials({"Authorization": "Basic " + token})
    value = values[0]
    secrets.update((value, quote(value, safe=""), _cookie_text(value)))
    if scheme.kind == "query":
        return _Credentials({}, params={scheme.key: value})
    if scheme.kind == "cookie":
        return _Credentials({}, cookies={scheme.key: value})
    return _Credentials({scheme.key: scheme.prefix + value})


def _cookie_header(
    credentials: Mapping[str, str], params: Mapping[str, Any] | None
) -> dict[str, str] | None:
    """The `Cookie` header of a request: the cookie credentials and the operation's
    cookie parameters (theirs win on the same name; `NOT_GIVEN` and None are not sent)."""
    cookies = dict(credentials)
    if params:
        for name, value in params.items():
            if not isinstance(value, NotGiven) and value is not None:
                cookies[name] = _simple_text(value, False)
    if not cookies:
        return None
    pairs = (f"{_cookie_text(k, name=True)}={_cookie_text(v)}" for k, v in cookies.items())
    return {"Cookie": "; ".join(pairs)}


def _multipart(fields: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The parts of a form, in order: a file (bytes, a file object or a tuple
    with its name) is a file part, anything else a plain field; a sequence
    gives one part per item, and `None` (a form has no null) none; an object
    is a JSON part (`application/json`). Plain
    fields go as parts without a filename, so the body is multipart even when
    no file is in it."""
    parts: list[tuple[str, Any]] = []
    for name, value in fields.items():
        if isinstance(value, NotGiven) or value is None:
            continue
        many = (
            isinstance(value, Iterable)
            and not isinstance(value, (str, Mapping))
            and not _is_file(value)
        )
        for item in value if many else [value]:
            if _is_file(item):
                parts.append((name, item))
            elif isinstance(item, (BaseModel, Mapping)):
                # An object goes as JSON (OpenAPI's default for a part that is an object).
                wire = to_wire(item) if isinstance(item, BaseModel) else dict(item)
                text = json.dumps(wire, default=_json_default, separators=(",", ":"))
                parts.append((name, (None, text, "application/json")))
            else:
                parts.append((name, (None, _scalar(item))))
    return parts


def _is_file(value: Any) -> bool:
    return isinstance(value, (bytes, tuple)) or hasattr(value, "read")


class SyncBaseClient(_Base):
    """The synchronous client: one `httpx.Client`, closed with the client unless it was passed in."""

    _http: httpx.Client

    def __init__(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool = True,
        base_url: str,
        timeout: TimeoutTypes,
        deadline: float | None = None,
        max_retries: int,
        http_client: httpx.Client | None,
        retry_non_idempotent: bool,
    ) -> None:
        self._configure(
            schemes=schemes,
            security=security,
            credentials=credentials,
            check_credentials=check_credentials,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the connections (a client passed as `http_client` is left to its owner)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(
        self,
        endpoint: Endpoint[T],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        files: Mapping[str, Any] | NotGiven | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> T:
        _check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        request = self._build(
            self._http,
            endpoint,
            self._base_url + endpoint.url_path(path),
            query,
            body,
            files,
            headers,
            cookies,
            credentials,
            options,
        )
        return self._finish(endpoint, self._send(request, endpoint, options, credentials.flow))

    def _send(
        self,
        request: httpx.Request,
        endpoint: Endpoint[Any],
        options: RequestOptions,
        flow: httpx.Auth | None,
    ) -> httpx.Response:
        """Send `request`, again while it is worth it; the answer kept is read (see `_bound`)."""
        idempotent, allowed = endpoint.idempotent, self._retries(options)
        deadline = self._deadline_of(options)
        timeouts = dict(request.extensions.get("timeout", {}))
        retries = 0
        while True:
            try:
                if deadline is not None:
                    _limit(request, timeouts, deadline)
                response = self._http.send(
                    request, auth=flow or httpx.USE_CLIENT_DEFAULT, stream=True
                )
                try:
                    delay = self._status_delay(
                        request, response, idempotent, retries, allowed, deadline
                    )
                    if delay is None:
                        _bound(response, deadline)
                        response.read()
                        return response
                finally:
                    response.close()
            except httpx.TransportError as exc:
                delay = self._error_delay(exc, idempotent, retries, allowed, deadline)
                if delay is None:
                    raise self._connection_error(exc, request) from None
            except _Expired:
                assert deadline is not None
                raise self._deadline_error(request, deadline) from None
            log.info(
                "retrying %s %s in %.2fs", request.method, request.url.copy_with(query=None), delay
            )
            retries += 1
            _sleep(delay)

    def _pager(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> SyncPager[T]:
        _check_options(endpoint, options)
        credentials = self._credentials(endpoint)

        url_path = endpoint.url_path(path)

        def fetch(cursor: str | None) -> Page[T]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        return SyncPager(fetch)


class AsyncBaseClient(_Base):
    """The asynchronous client: one `httpx.AsyncClient`, closed with the client unless it was passed in."""

    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool = True,
        base_url: str,
        timeout: TimeoutTypes,
        deadline: float | None = None,
        max_retries: int,
        http_client: httpx.AsyncClient | None,
        retry_non_idempotent: bool,
    ) -> None:
        self._configure(
            schemes=schemes,
            security=security,
            credentials=credentials,
            check_credentials=check_credentials,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        """Close the connections (a client passed as `http_client` is left to its owner)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _call(
        self,
        endpoint: Endpoint[T],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        files: Mapping[str, Any] | NotGiven | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> T:
        _check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        request = self._build(
            self._http,
            endpoint,
            self._base_url + endpoint.url_path(path),
            query,
            body,
            files,
            headers,
            cookies,
            credentials,
            options,
        )
        return self._finish(
            endpoint, await self._send(request, endpoint, options, credentials.flow)
        )

    async def _send(
        self,
        request: httpx.Request,
        endpoint: Endpoint[Any],
        options: RequestOptions,
        flow: httpx.Auth | None,
    ) -> httpx.Response:
        """The async twin of `SyncBaseClient._send`."""
        idempotent, allowed = endpoint.idempotent, self._retries(options)
        deadline = self._deadline_of(options)
        timeouts = dict(request.extensions.get("timeout", {}))
        retries = 0
        while True:
            try:
                if deadline is not None:
                    _limit(request, timeouts, deadline)
                response = await self._http.send(
                    request, auth=flow or httpx.USE_CLIENT_DEFAULT, stream=True
                )
                try:
                    delay = self._status_delay(
                        request, response, idempotent, retries, allowed, deadline
                    )
                    if delay is None:
                        _bound(response, deadline)
                        await response.aread()
                        return response
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                delay = self._error_delay(exc, idempotent, retries, allowed, deadline)
                if delay is None:
                    raise self._connection_error(exc, request) from None
            except _Expired:
                assert deadline is not None
                raise self._deadline_error(request, deadline) from None
            log.info(
                "retrying %s %s in %.2fs", request.method, request.url.copy_with(query=None), delay
            )
            retries += 1
            await _async_sleep(delay)

    def _pager(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> AsyncPager[T]:
        _check_options(endpoint, options)
        credentials = self._credentials(endpoint)

        url_path = endpoint.url_path(path)

        async def fetch(cursor: str | None) -> Page[T]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = await self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        return AsyncPager(fetch)


class SyncResource:
    """The base of a generated resource (`client.end_users`): the operations of one tag."""

    __slots__ = ("_client",)

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncResource:
    """The base of a generated async resource."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
