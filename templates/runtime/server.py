"""The stub server: a FastAPI app built from an API's operation table.

Each generated `server` module hands its table (`stub_table.Operation`s) to
`StubApp`; nothing here is specific to one spec. Needs the `server` extra
(FastAPI, uvicorn).

What a request goes through, in order:
1. routing on the spec's paths and methods: an unknown path is 404, a known
   path with another method 405 (with `Allow`), both as Dixa's `{"message"}`;
2. credentials: a secured operation answers 401 unless the request carries,
   non-empty, what one of its security alternatives sends (the
   `Authorization` header, an API key's header, query parameter or cookie);
3. validation of path, query and header parameters and of the body with the
   generated models; the first problems become `400 {"message": ...}` naming
   the parameter or the body field and what was wrong. Malformed JSON, a
   wrong content type and a body over `max_body_bytes` are refused too;
4. an answer: the user's override if there is one, else (stateful mode) the
   store, else the documented example, or a value synthesized from the
   models. `Prefer: code=404`, `Prefer: example=name` and `Prefer:
   dynamic=true` pick another documented answer, as with Prism.

Routes are plain Starlette routes with a handler per path, not FastAPI
endpoints with declared parameters: the models do the validation, and
answers that do not depend on the request are encoded once and reused.
"""

from __future__ import annotations

import argparse
import email.policy
import fnmatch
import inspect
import json
import logging
import typing
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from enum import Enum
from typing import Any, Awaitable, Callable, Mapping, Sequence
from urllib.parse import parse_qsl

from pydantic import BaseModel, TypeAdapter, ValidationError


def _server_extra(missing: str | None) -> str:
    """What to install when the `server` extra's modules are missing."""
    from importlib.metadata import packages_distributions

    distributions = packages_distributions().get(__name__.partition(".")[0], [])
    install = (
        f'pip install "{distributions[0]}[server]"'
        if distributions
        else "pip install fastapi uvicorn openapi-schema-validator"
    )
    return (
        "the stub server needs the server extra (FastAPI, uvicorn, openapi-schema-validator): "
        f"{install} (no module named {missing!r})"
    )


try:
    from fastapi import FastAPI
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import Response
    from starlette.routing import Route

    from .stub_schema import WireSchemas, as_lists, load_wire_schemas, put_path, split_brackets
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(_server_extra(exc.name), name=exc.name) from None

from .models import to_wire, wire_key
from .stub_store import Store, decode_cursor, encode_cursor
from .stub_synth import Synthesizer
from .stub_table import Operation, Param, Reply, Resource, is_json

__all__ = ["Handler", "StubApp", "StubRequest", "load_wire_schemas", "serve_main"]

MAX_BODY_BYTES = 10 * 1024 * 1024
JSON = "application/json"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
# uvicorn's own logger: a line there reads like the server's other lines.
_log = logging.getLogger("uvicorn.error")


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
    parameters by wire name, parsed; `body` is the parsed body (a model)."""

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


class _Compiled:
    """An operation with what answering it needs, built on first use."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self.success = _success(operation.replies)
        self.canned: dict[tuple[str, str | None, bool], tuple[bytes, str | None]] = {}
        self._adapters: dict[int, TypeAdapter[Any]] = {}

    def adapter(self, type_: Any) -> TypeAdapter[Any]:
        adapter = self._adapters.get(id(type_))
        if adapter is None:
            adapter = self._adapters[id(type_)] = _adapter(type_)
        return adapter


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(type_: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(type_)
    if adapter is None:
        adapter = _ADAPTERS[type_] = TypeAdapter(type_)
    return adapter


def _success(replies: Sequence[Reply]) -> Reply | None:
    ok = [r for r in replies if r.status.startswith("2")]
    return min(ok, key=lambda r: r.status) if ok else (replies[0] if replies else None)


class StubApp(FastAPI):
    """A FastAPI app answering every operation of `operations`.

    `stateful` keeps created items in memory (see `Resource`); `seed` makes
    synthesized values and ids repeatable; `page_limit` is the page size of
    stateful lists when the request gives none. `wire` checks requests against
    the spec itself besides the models (see `stub_schema`).
    """

    def __init__(
        self,
        operations: Sequence[Operation],
        *,
        title: str,
        stateful: bool = False,
        seed: int = 0,
        page_limit: int = 10,
        max_body_bytes: int = MAX_BODY_BYTES,
        wire: WireSchemas | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("openapi_url", None)
        kwargs.setdefault("docs_url", None)
        kwargs.setdefault("redoc_url", None)
        kwargs.setdefault("redirect_slashes", False)
        super().__init__(title=title, **kwargs)
        self.add_exception_handler(HTTPException, _http_error)
        self.add_exception_handler(Exception, _internal_error)
        self.stateful = stateful
        self.seed = seed
        self.page_limit = page_limit
        self.max_body_bytes = max_body_bytes
        self.wire = wire
        self.store = Store()
        self.operations = {op.operation_id: op for op in operations}
        self._overrides: dict[str, Handler] = {}
        self._ids = Synthesizer(f"{seed}:ids")
        self._counter = 0
        self._compiled = {op.operation_id: _Compiled(op) for op in operations}
        by_path: dict[str, dict[str, _Compiled]] = {}
        for compiled in self._compiled.values():
            op = compiled.operation
            by_path.setdefault(op.path, {})[op.method.upper()] = compiled
        for path in sorted(by_path, key=_specificity):
            template, names = _starlette_path(path)
            # Every method reaches the path's endpoint, which answers 405 for one
            # the spec does not list: `PUT /agents/bulk` is refused there,
            # not taken for `PUT /agents/{agentId}` with an id of "bulk".
            self.router.routes.append(
                Route(
                    template,
                    self._endpoint(by_path[path], names),
                    methods=HTTP_METHODS,
                    include_in_schema=False,
                )
            )

    # -- public ------------------------------------------------------------------

    def override(self, operation_id: str, handler: Handler) -> Handler:
        """Answer `operation_id` with `handler` from now on (the request is
        still authenticated and validated first). Returns the handler."""
        if operation_id not in self.operations:
            raise KeyError(
                f"no operation {operation_id!r}; known: {', '.join(sorted(self.operations))}"
            )
        self._overrides[operation_id] = handler
        return handler

    def reset(self) -> None:
        """Forget every stored item and override."""
        self.store.clear()
        self._overrides.clear()

    # -- a request -----------------------------------------------------------------

    def _endpoint(
        self, methods: dict[str, _Compiled], names: dict[str, str]
    ) -> Callable[[Request], Awaitable[Response]]:
        if "GET" in methods:
            methods = {**methods, "HEAD": methods["GET"]}

        allowed = ", ".join(methods)

        async def endpoint(request: Request) -> Response:
            compiled = methods.get(request.method)
            if compiled is None:
                return _message(
                    405,
                    f"Method {request.method} not allowed on {request.url.path} (allowed: {allowed})",
                    {"Allow": allowed},
                )
            try:
                call = await self._parse(compiled, request, names)
                handler = self._overrides.get(compiled.operation.operation_id)
                if handler is not None:
                    return await self._overridden(compiled, call, handler)
                return self._answer(call)
            except StubError as exc:
                return self._refusal(compiled, exc)
            except ClientDisconnect:
                # Nobody is left to answer: one line, not a traceback.
                _log.info(
                    "%s %s: the client disconnected before sending the whole body",
                    request.method,
                    request.url.path,
                )
                return Response(status_code=400)

        return endpoint

    async def _parse(
        self, compiled: _Compiled, request: Request, names: dict[str, str]
    ) -> StubRequest:
        op = compiled.operation
        if op.security and not any(
            all(_carries(request, where, name) for where, name in alternative)
            for alternative in op.security
        ):
            raise StubError(401, f"Unauthorized: {_wanted(op.security)} is missing or empty")
        call = StubRequest(operation=op, request=request, app=self)
        path_values = {names.get(k, k): v for k, v in request.path_params.items()}
        declared = frozenset(p.name for p in op.params if p.location == "query")
        for param in op.params:
            raw = _sent(param, request, path_values, declared)
            value = self._param(compiled, param, raw)
            if param.location == "path":
                call.path[param.name] = value
            elif param.location == "query":
                call.query[param.name] = value
            else:
                call.headers[param.name] = value
        if op.body is not None:
            call.body = await self._body(compiled, request)
        call.prefer = _prefer(request.headers.get("prefer"))
        return call

    def _param(self, compiled: _Compiled, param: Param, raw: Any) -> Any:
        where = f"{param.location} parameter {param.name}"
        if raw is None or ((param.array or param.object) and not raw):
            if param.required:
                raise StubError(400, f"Invalid value for: {where} (missing)")
            return None
        if param.styled[0] == "json":
            try:
                raw = json.loads(raw)
                adapter = compiled.adapter(param.type)
                if param.array:
                    if not isinstance(raw, list):
                        raise ValueError("not a JSON array")
                    value = [adapter.validate_python(item) for item in raw]
                else:
                    value = adapter.validate_python(raw)
            except ValueError as exc:
                problem = _problems(exc) if isinstance(exc, ValidationError) else str(exc)
                raise StubError(400, f"Invalid value for: {where} ({problem})") from None
        elif param.type is str:
            value = raw
        else:
            adapter = compiled.adapter(param.type)
            try:
                if param.styled[0] == "deepObject" and isinstance(raw, (list, dict)):
                    # Nested objects and lists of text: lax validation reads "1" and "true".
                    if param.array and isinstance(raw, list):
                        value = [adapter.validate_python(item) for item in raw]
                    else:
                        value = adapter.validate_python(raw)
                elif param.array:
                    value = [adapter.validate_strings(item) for item in raw]
                else:
                    value = adapter.validate_strings(raw)
            except ValidationError as exc:
                raise StubError(400, f"Invalid value for: {where} ({_problems(exc)})") from None
        written = param.styled[0] == "json"
        deep = param.styled[0] == "deepObject"
        if self.wire is not None and param.schema and (written or deep or not param.object):
            # A deepObject's leaves are text: the spec checks them as the models read them.
            sent = raw if written else _jsonable(value) if deep else _as_sent(raw, value)
            problems = self.wire.problems(param.schema, sent)
            if problems:
                raise StubError(400, f"Invalid value for: {where} ({'; '.join(problems)})")
        return value

    async def _body(self, compiled: _Compiled, request: Request) -> Any:
        body = compiled.operation.body
        assert body is not None
        raw = await self._read(request)
        if not raw.strip():
            if body.required:
                raise StubError(400, "Invalid value for: body (missing)")
            return None
        mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not any(_same_media(mime, declared) for declared in (body.content_type, *body.also)):
            got = mime or "none"
            raise StubError(
                400,
                f"Invalid value for: body (expected Content-Type {body.content_type}, got {got})",
            )
        if not is_json(body.content_type):
            if self.wire is not None and body.schema and mime in _FORMS:
                # A form's fields, read as their schemas type them, against the spec.
                header = request.headers.get("content-type", "")
                fields = self.wire.form_fields(body.schema, _form(raw, mime, header))
                problems = self.wire.problems(body.schema, fields)
                if problems:
                    raise StubError(400, f"Invalid value for: body ({'; '.join(problems)})")
            return raw  # the handler gets a form or other media as it came
        try:
            parsed = compiled.adapter(body.type).validate_json(raw)
        except ValidationError as exc:
            raise StubError(400, f"Invalid value for: body ({_problems(exc)})") from None
        if self.wire is not None and body.schema:
            problems = self.wire.problems(body.schema, json.loads(raw))
            if problems:
                raise StubError(400, f"Invalid value for: body ({'; '.join(problems)})")
        return parsed

    async def _read(self, request: Request) -> bytes:
        limit = self.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise StubError(413, f"Request body larger than {limit} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise StubError(413, f"Request body larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _overridden(
        self, compiled: _Compiled, call: StubRequest, handler: Handler
    ) -> Response:
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
        return Response(_dumps(to_wire(result)), status_code=status, media_type=JSON)

    # -- answers -----------------------------------------------------------------

    def _answer(self, call: StubRequest) -> Response:
        compiled = self._compiled[call.operation.operation_id]
        reply, status = self._chosen(compiled, call.prefer)
        if self.stateful and "code" not in call.prefer:
            stateful = self._stateful(compiled, call, reply, status)
            if stateful is not None:
                return stateful
        return self._canned(
            compiled,
            reply,
            status,
            call.prefer.get("example"),
            call.prefer.get("dynamic") == "true",
        )

    def _refusal(self, compiled: _Compiled, exc: StubError) -> Response:
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
            return _message(exc.status, exc.message, exc.headers)
        if reply.schema is not None and self.wire is not None:
            fits = not self.wire.error_paths(reply.schema, {"message": exc.message})
        else:
            fits = reply.type is not None and _fits(compiled, reply.type, {"message": exc.message})
        if fits:
            return _message(exc.status, exc.message, exc.headers)
        _log.info("%s: %s", compiled.operation.operation_id, exc.message)
        try:
            content, media = self._encode(compiled, reply, None, False)
        except StubError:
            return _message(exc.status, exc.message, exc.headers)
        line = " ".join(exc.message.split()).encode("ascii", "backslashreplace").decode("ascii")
        headers = {**(exc.headers or {}), "Stub-Refusal": line[:1000]}
        return Response(content, status_code=exc.status, media_type=media, headers=headers)

    def _chosen(self, compiled: _Compiled, prefer: dict[str, str]) -> tuple[Reply, int]:
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
        self, compiled: _Compiled, reply: Reply, status: int, example: str | None, dynamic: bool
    ) -> Response:
        key = (reply.status, example, dynamic)
        canned = compiled.canned.get(key)
        if canned is None:
            canned = compiled.canned[key] = self._encode(compiled, reply, example, dynamic)
        content, media = canned
        return Response(content, status_code=status, media_type=media)

    def _encode(
        self, compiled: _Compiled, reply: Reply, example: str | None, dynamic: bool
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
            seed = f"{self.seed}:{compiled.operation.operation_id}:{reply.status}"
            value = Synthesizer(seed).value(reply.type)
            if self.wire is not None and reply.schema:
                value = self.wire.repaired(reply.schema, value)
        if paging is not None and reply.status.startswith("2"):
            # One canned page stands for the whole list: a next link would
            # send a client round the same page for ever.
            _drop(value, paging.next_path)
        return _dumps(value), media

    # -- stateful mode -----------------------------------------------------------

    def _stateful(
        self, compiled: _Compiled, call: StubRequest, reply: Reply, status: int
    ) -> Response | None:
        op = compiled.operation
        raw_path = {k: _key(v) for k, v in call.path.items()}
        for parent in op.parents:
            owner = _fill(parent.collection, raw_path)
            if self.store.get(owner, raw_path[parent.param]) is None:
                raise StubError(404, f"Not found: {parent.param} {raw_path[parent.param]}")
        resource = op.resource
        if resource is None:
            return None
        collection = _fill(resource.collection, raw_path)
        if resource.role == "create":
            item = self._create(resource, call.body, reply)
            self.store.put(collection, _key(item[resource.id_property]), item)
            return _item_response(reply, status, item)
        if resource.role == "list":
            return self._list(compiled, call, collection, reply, status)
        assert resource.id_param is not None
        item_id = raw_path[resource.id_param]
        stored = self.store.get(collection, item_id)
        if stored is None:
            raise StubError(404, f"Not found: {resource.id_param} {item_id}")
        if resource.role == "delete":
            self.store.delete(collection, item_id)
        elif resource.role in ("replace", "update"):
            stored = self._merged(
                resource.item, stored, _wire_object(call.body), {resource.id_property}, reply
            )
            self.store.put(collection, item_id, stored)
        return _item_response(reply, status, self._shaped(reply, stored))

    def _create(self, resource: Resource, body: Any, reply: Reply) -> dict[str, Any]:
        self._counter += 1
        base = Synthesizer(f"{self.seed}:{resource.collection}:{self._counter}").value(
            resource.item
        )
        base = base if isinstance(base, dict) else {}
        base[resource.id_property] = self._new_id(resource)
        return self._merged(
            resource.item, base, _wire_object(body), keep={resource.id_property}, reply=reply
        )

    def _new_id(self, resource: Resource) -> Any:
        annotation = _field_annotation(resource.item, resource.id_property)
        if annotation is int:
            return self._counter
        return str(self._ids.uuid())

    def _merged(
        self,
        item_type: Any,
        base: dict[str, Any],
        changes: dict[str, Any],
        keep: set[str],
        reply: Reply,
    ) -> dict[str, Any]:
        """`base` with the fields of `changes` the item accepts; a field the
        models or the reply's schema refuse (an input shape that differs from
        the output's) keeps its stored value, and the item's union tag is its
        own (a create body's `{"_type": "Email"}` does not make the stored
        `EmailConversation` an `Email`)."""
        keep = keep | _tag_names(item_type)
        candidate = {**base, **{k: v for k, v in changes.items() if k not in keep}}
        adapter = _adapter(item_type)
        for _ in range(len(changes) + 1):
            bad = self._refused(adapter, candidate, reply)
            if not bad:
                return candidate
            bad &= changes.keys()
            if not bad:
                break
            for name in bad:
                if name in base:
                    candidate[name] = base[name]
                else:
                    candidate.pop(name, None)
        return base

    def _shaped(self, reply: Reply, item: dict[str, Any]) -> dict[str, Any]:
        """A stored item as `reply` describes it: the create answer's item may
        be another type than a read's (Dixa's `POST /conversations` answers
        `{id}`, `GET /conversations/{id}` a whole conversation), so where the
        item does not fit, a value made up for the reply takes the fields of
        the item that do."""
        if reply.type is None:
            return item
        item_type = _field_annotation(reply.type, reply.envelope) if reply.envelope else reply.type
        if item_type is None or not self._refused(_adapter(item_type), item, reply):
            return item
        base = Synthesizer(f"{self.seed}:{reply.schema}:{item.get('id')}").value(item_type)
        if not isinstance(base, dict):
            return item
        return self._merged(item_type, base, item, set(), reply)

    def _refused(self, adapter: TypeAdapter[Any], item: dict[str, Any], reply: Reply) -> set[str]:
        """The top-level fields of `item` that make it invalid (by the models,
        then by the reply's schema); `{""}` when the fault is the item's as a whole."""
        try:
            adapter.validate_python(item)
        except ValidationError as exc:
            return {str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()}
        if self.wire is None or not reply.schema:
            return set()
        payload = {reply.envelope: item} if reply.envelope else item
        depth = 1 if reply.envelope else 0
        return {
            str(path[depth]) if len(path) > depth else ""
            for path in self.wire.error_paths(reply.schema, payload)
        }

    def _list(
        self, compiled: _Compiled, call: StubRequest, collection: str, reply: Reply, status: int
    ) -> Response:
        op = compiled.operation
        items = self.store.items(collection)
        paging = op.paging
        skip = {paging.cursor, paging.limit} if paging else set()
        for name, value in call.query.items():
            if value is not None and name not in skip and any(name in item for item in items):
                items = [item for item in items if _key(item.get(name)) == _key(value)]
        body: dict[str, Any] = {}
        if paging is None:
            _put(body, ("data",), items)
            return Response(_dumps(body), status_code=status, media_type=reply.content_type or JSON)
        offset = 0
        cursor = call.request.query_params.get(paging.cursor)
        if cursor:
            decoded = decode_cursor(str(cursor))
            if decoded is None:
                raise StubError(
                    400,
                    f"Invalid value for: query parameter {paging.cursor} (not a cursor of this server)",
                )
            offset = decoded
        limit = call.query.get(paging.limit) if paging.limit else None
        size = max(1, int(limit)) if isinstance(limit, int) else self.page_limit
        _put(body, paging.items_path, items[offset : offset + size])
        if offset + size < len(items):
            link = call.request.url.include_query_params(
                **{paging.cursor: encode_cursor(offset + size)}
            )
            _put(body, paging.next_path, str(link))
        return Response(_dumps(body), status_code=status, media_type=reply.content_type or JSON)


# -- helpers -------------------------------------------------------------------------


def _fits(compiled: _Compiled, type_: Any, value: Any) -> bool:
    try:
        compiled.adapter(type_).validate_python(value)
    except ValidationError:
        return False
    return True


def _message(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _dumps({"message": message}), status_code=status, media_type=JSON, headers=headers
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        text = f"Not found: no route for {request.method} {request.url.path}"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        text = f"Method {request.method} not allowed on {request.url.path} (allowed: {allowed})"
    else:
        text = str(exc.detail)
    return _message(exc.status_code, text, dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _message(500, f"Internal error in the stub: {type(exc).__name__}: {exc}")


def _carries(request: Request, where: str, name: str) -> bool:
    """The request has a non-empty credential in that header, query parameter or cookie."""
    if where == "header":
        found = request.headers.get(name)
    elif where == "query":
        found = request.query_params.get(name)
    else:
        found = request.cookies.get(name)
    return bool(found and found.strip())


def _wanted(security: Sequence[Sequence[tuple[str, str]]]) -> str:
    """`the Authorization header`, `the api_key query parameter or the token cookie`..."""
    words = {"header": "header", "query": "query parameter", "cookie": "cookie"}
    return " or ".join(
        " and ".join(f"the {name} {words[where]}" for where, name in alternative)
        for alternative in security
    )


_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def _sent(
    param: Param, request: Request, path_values: Mapping[str, str], declared: frozenset[str]
) -> Any:
    """A parameter as the request sent it, its `style` undone: a string, a list
    of strings (an array) or a dict of strings (an object); None when absent."""
    style, explode = param.styled
    if style == "json":  # described by `content`: the value is JSON text, read by `_param`
        if param.location == "query":
            return request.query_params.get(param.name)
        if param.location == "path":
            return path_values.get(param.name)
        if param.location == "header":
            return request.headers.get(param.name)
        return request.cookies.get(param.name)
    if param.location == "query":
        query = request.query_params
        prefix = param.name + "["
        if style == "deepObject" and (
            param.object or param.array or any(key.startswith(prefix) for key in query.keys())
        ):
            # `name[key]=v`, nested as `name[a][0][b]=v`: read back into objects and lists
            # (also for a union of them, such as Stripe's "a list, or '' to unset").
            nested: dict[str, Any] = {}
            for key, text in query.multi_items():
                if key.startswith(prefix) and key.endswith("]"):
                    put_path(nested, split_brackets(key)[1:], text)
            value = as_lists(nested)
            if param.array and isinstance(value, dict):
                return list(value.values())
            return value
        if param.object and explode:  # its fields are parameters of their own (not deepObject ones)
            return {k: v for k, v in query.multi_items() if k not in declared and "[" not in k}
        if param.array and explode:
            return query.getlist(param.name)
        raw = query.get(param.name)
        if raw is None or not (param.array or param.object):
            return raw
        parts = raw.split(_DELIMITERS.get(style, ","))
        return dict(zip(parts[0::2], parts[1::2])) if param.object else parts
    if param.location == "path":
        raw = path_values.get(param.name)
    elif param.location == "header":
        raw = request.headers.get(param.name)
    else:
        raw = request.cookies.get(param.name)
    if raw is None:
        return None
    return _unstyled(raw, param, style, explode)


def _unstyled(raw: str, param: Param, style: str, explode: bool) -> Any:
    """A path, header or cookie value written in `simple`, `label` or `matrix` style."""
    if style == "label":
        parts = raw.removeprefix(".").split("." if explode else ",")
    elif style == "matrix":
        pieces = [piece for piece in raw.split(";") if piece]
        if param.object and explode:
            parts = pieces
        else:
            values = [piece.partition("=")[2] for piece in pieces]
            parts = values if explode or not values else values[0].split(",")
    elif param.array or param.object:
        parts = [part.strip() for part in raw.split(",")]
    else:
        return raw
    if param.object:
        if explode:
            return dict(part.partition("=")[::2] for part in parts)
        return dict(zip(parts[0::2], parts[1::2]))
    return parts if param.array else (parts[0] if parts else "")


def _as_sent(raw: Any, value: Any) -> Any:
    """A parameter as JSON Schema sees it: numbers and booleans parsed, any
    other value as the request spelled it (`0.5` is not a date-time, though
    pydantic reads it as a timestamp)."""
    if isinstance(value, list) and isinstance(raw, list):
        return [_as_sent(r, v) for r, v in zip(raw, value)]
    if isinstance(value, (bool, int, float)) and not isinstance(value, Enum):
        return value
    return raw


def _problems(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for error in exc.errors(include_url=False)[:limit]:
        where = _where(error["loc"])
        parts.append(f"{error['msg']} at '{where}'" if where else error["msg"])
    more = exc.error_count() - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _where(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _prefer(header: str | None) -> dict[str, str]:
    """`Prefer: code=404, example=name` as a dictionary."""
    if not header:
        return {}
    out = {}
    for part in header.replace(";", ",").split(","):
        name, sep, value = part.partition("=")
        if sep:
            out[name.strip().lower()] = value.strip().strip('"')
    return out


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# The statuses the stub answers of its own accord (generator/wire.py documents them).
_STUB_STATUSES = frozenset({"400", "401", "404", "413"})


def _form(raw: bytes, mime: str, header: str) -> dict[str, list[str]]:
    """The fields of a form body by name, each with its values as text (a
    file's content read as Latin-1: any bytes are a valid binary field)."""
    fields: dict[str, list[str]] = {}
    if mime == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
            fields.setdefault(name, []).append(value)
        return fields
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + header.encode("latin-1", "replace") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        return fields  # no part at all (only the closing boundary): the schema says if that will do
    for part in message.iter_parts():
        found = part.get_param("name", header="content-disposition")
        if isinstance(found, str):
            content = part.get_payload(decode=True)
            text = content.decode("latin-1") if isinstance(content, bytes) else str(content)
            fields.setdefault(found, []).append(text)
    return fields


def _same_media(got: str, declared: str) -> bool:
    """`got` (a request's media type) is `declared`, or fits it where `declared` is a range
    (`application/*+json`, `*/*`); any two JSON types are alike."""
    declared = declared.split(";")[0].strip().lower()
    if got == declared or (is_json(got) and is_json(declared)):
        return True
    return "*" in declared and fnmatch.fnmatchcase(got, declared)


def _specificity(path: str) -> tuple[tuple[int, str], ...]:
    """Static segments before parameters, so `/agents/presence` wins over `/agents/{id}`."""
    return tuple((1, "") if s.startswith("{") else (0, s) for s in path.strip("/").split("/"))


def _starlette_path(path: str) -> tuple[str, dict[str, str]]:
    """The path with its parameters renamed `p0`, `p1`, ... (any spelling of a
    parameter name is allowed in a spec, not in a Starlette route)."""
    names: dict[str, str] = {}
    segments = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            key = f"p{len(names)}"
            names[key] = segment[1:-1]
            segment = "{" + key + "}"
        segments.append(segment)
    return "/".join(segments), names


def _fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _key(value: Any) -> str:
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return to_wire(value)
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _wire_object(body: Any) -> dict[str, Any]:
    wire = to_wire(body) if body is not None else {}
    return wire if isinstance(wire, dict) else {}


def _item_response(reply: Reply, status: int, item: dict[str, Any]) -> Response:
    if reply.type is None:
        return Response(status_code=status)
    payload = {reply.envelope: item} if reply.envelope else item
    return Response(_dumps(payload), status_code=status, media_type=reply.content_type or JSON)


def _put(body: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for name in path[:-1]:
        body = body.setdefault(name, {})
    body[path[-1]] = value


def _drop(body: Any, path: Sequence[str]) -> None:
    for name in path[:-1]:
        body = body.get(name) if isinstance(body, dict) else None
    if isinstance(body, dict):
        body.pop(path[-1], None)


def _tag_names(item_type: Any) -> set[str]:
    """The wire name of the union tag of `item_type`'s classes (`_type`), if any."""
    names = set()
    for model in (item_type, *typing.get_args(item_type)):
        field_name = getattr(model, "__tag_field__", None)
        if isinstance(model, type) and issubclass(model, BaseModel) and field_name:
            info = model.model_fields[field_name]
            names.add(info.serialization_alias or info.alias or field_name)
    return names


def _field_annotation(model: Any, wire_name: str) -> Any:
    if isinstance(model, type) and issubclass(model, BaseModel):
        if not model.__pydantic_fields_complete__:
            model.model_rebuild()  # its fields' types may still be forward references
        for name, info in model.model_fields.items():
            if wire_key(model, name) == wire_name:
                options = [a for a in typing.get_args(info.annotation) if a is not type(None)]
                return options[0] if len(options) == 1 else info.annotation
    return None


def serve_main(
    create_app: Callable[..., StubApp], argv: Sequence[str] | None = None, *, prog: str
) -> None:
    """`python -m <package>.server`: serve the stub with uvicorn."""
    parser = argparse.ArgumentParser(prog=prog, description="Serve the stub of the API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--stateful", action="store_true", help="keep created items in memory")
    parser.add_argument("--seed", type=int, default=0, help="seed of synthesized values and ids")
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    args = parser.parse_args(argv)
    app = create_app(stateful=args.stateful, seed=args.seed)
    run(app, host=args.host, port=args.port, log_level=args.log_level)


def run(app: StubApp, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve with uvicorn; requests are logged at the `info` level and below."""
    try:
        import uvicorn
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(_server_extra(exc.name), name=exc.name) from None

    access_log = log_level in ("debug", "info")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=access_log)
