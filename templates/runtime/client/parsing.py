"""One operation (`Endpoint`) and the reading of its success answer.

A generated client is a thin layer: one method per operation that turns its
typed arguments into a call of its `Endpoint`, which knows the method, the
path template, the parameters' styles, the credentials it needs and how to
read the answer. Answers are parsed with one pydantic `TypeAdapter` per
endpoint, built on first use (so importing a client builds no models);
Dixa's `{"data": ...}` envelope and a list's page are parsed as `TypedDict`s
so that only the payload becomes models. An answer that does not match the
spec raises `APIResponseValidationError`, said without quoting the input.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar, Union, cast

import httpx2
from pydantic import TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from ..errors import APIResponseValidationError, scrub
from ..paging import Paging
from ..styles import Style, path_param
from .auth import Security
from .failures import body_of
from .retries import IDEMPOTENT

__all__ = ["Endpoint"]

T = TypeVar("T")

# A variable of a path template (`{agentId}`; `{}` too), as the generator finds them.
_PATH_VARIABLE = re.compile(r"{([^{}/]*)}")


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
        "stream",
        "stream_text",
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
        stream: Literal["sse", "lines", "json-seq", "multipart"] | None = None,
        stream_text: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.operation_id = operation_id
        self.idempotent = method in IDEMPOTENT
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
        # An answer read item by item (`streaming.py`): how its items are framed;
        # `stream_text`: each item is its text, not JSON.
        self.stream = stream
        self.stream_text = stream_text
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

    def parse(self, response: httpx2.Response, secrets: Sequence[str] = ()) -> T:
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

    def parse_item(
        self,
        record: bytes | str,
        response: httpx2.Response,
        secrets: Sequence[str] = (),
        as_json: bool | None = None,
    ) -> T:
        """One item of a streamed answer, as its model. `as_json`: the record
        says it is JSON (True) or a text (False; a multipart part's own
        Content-Type); None: as the item's type says (a text item is its text)."""
        if as_json is False:
            text = record if isinstance(record, str) else record.decode("utf-8", "replace")
            return cast(T, self._validate_value(text, text.encode(), response, secrets))
        if self.stream_text and as_json is None:
            return cast(T, record if isinstance(record, str) else record.decode("utf-8", "replace"))
        return cast(
            T,
            self._validate_bytes(
                record.encode() if isinstance(record, str) else record, response, secrets
            ),
        )

    def parse_page(
        self, response: httpx2.Response, cursor: str | None, secrets: Sequence[str] = ()
    ) -> tuple[list[Any], str | None]:
        """The items of the page at `cursor` and what leads to the next one, if any."""
        assert self.paging is not None
        return self.paging.page(self._validate(response, secrets), response, cursor)

    def _validate(self, response: httpx2.Response, secrets: Sequence[str]) -> Any:
        return self._validate_bytes(response.content, response, secrets)

    def _validate_bytes(
        self, content: bytes, response: httpx2.Response, secrets: Sequence[str]
    ) -> Any:
        return self._validate_value(None, content, response, secrets)

    def _validate_value(
        self, text: str | None, content: bytes, response: httpx2.Response, secrets: Sequence[str]
    ) -> Any:
        """`content` parsed as JSON, or `text` (when given) validated as it is."""
        try:
            if text is not None:
                return self.adapter.validate_python(text)
            return _validate_json(self.adapter, content)
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
                scrub(message, secrets),
                response=response,
                body=scrub(
                    (
                        body_of(response)
                        if self.stream is None
                        else content.decode("utf-8", "replace")
                    ),
                    secrets,
                ),
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
