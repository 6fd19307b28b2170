"""A request checked before it is answered: credentials, parameters, body.

A secured operation answers 401 unless the request carries, non-empty, what
one of its security alternatives sends (the `Authorization` header, an API
key's header, query parameter or cookie). Path, query and header parameters
are read back from their styles (`styles.py`, the module the client writes
them with) and validated with the generated models, and, where the spec is
shipped, against their schemas there too (`wire.py`); so is the body. The
first problems become `400 {"message": ...}` naming the parameter or the body
field and what was wrong. An OpenAPI 3.2 `querystring` parameter is the whole
query string (less the query parameters declared beside it and query
credentials) read as form fields, or as JSON text where its media type is
JSON, and checked the same way. Malformed JSON, a wrong content type and a body
over `max_body_bytes` (413) are refused too.
"""

from __future__ import annotations

import fnmatch
import json
from enum import Enum
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import parse_qsl, unquote

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from ..models import to_wire
from ..styles import cookie_value, decode_query, decode_text
from .base import Compiled, StubError, StubRequest
from .table import Param, is_json

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["parse", "problems"]

# Requests with more header lines, or more bytes of them, are refused with 431.
MAX_HEADERS = 100
MAX_HEADER_BYTES = 64 * 1024
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def parse(
    app: StubApp, compiled: Compiled, request: Request, names: dict[str, str]
) -> StubRequest:
    """`request` as an override gets it, or `StubError` for what is wrong with it."""
    op = compiled.operation
    _bounded_headers(request)
    if op.body is None and _has_body(request):
        raise StubError(400, "Invalid value for: body (this operation takes none)")
    if op.security and not any(
        all(_carries(request, where, name) for where, name in alternative)
        for alternative in op.security
    ):
        raise StubError(401, f"Unauthorized: {_wanted(op.security)} is missing or empty")
    call = StubRequest(operation=op, request=request, app=app)
    path_values = {names.get(k, k): v for k, v in request.path_params.items()}
    declared = frozenset(p.name for p in op.params if p.location == "query")
    query = request.query_params.multi_items() if op.params else []
    for param in op.params:
        if param.location == "querystring":
            credentials = {name for a in op.security for where, name in a if where == "query"}
            others = declared | credentials
            fields = [(name, value) for name, value in query if name not in others]
            call.query[param.name] = _querystring(app, compiled, param, request, fields)
            continue
        raw = _sent(param, request, query, path_values, declared)
        value = _param(app, compiled, param, raw)
        if param.location == "path":
            call.path[param.name] = value
        elif param.location == "query":
            call.query[param.name] = value
        else:
            call.headers[param.name] = value
    if op.body is not None:
        call.body = await _body(app, compiled, request)
    call.prefer = _prefer(request.headers.get("prefer"))
    return call


def _param(app: StubApp, compiled: Compiled, param: Param, raw: Any) -> Any:
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
        except (ValueError, RecursionError) as exc:
            problem = problems(exc) if isinstance(exc, ValidationError) else str(exc)
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
            raise StubError(400, f"Invalid value for: {where} ({problems(exc)})") from None
    written = param.styled[0] == "json"
    deep = param.styled[0] == "deepObject"
    if app.wire is not None and param.schema and (written or deep or not param.object):
        # A deepObject's leaves are text: the spec checks them as the models read them.
        sent = raw if written else _jsonable(value) if deep else _as_sent(raw, value)
        found = app.wire.problems(param.schema, sent)
        if found:
            raise StubError(400, f"Invalid value for: {where} ({'; '.join(found)})")
    return value


def _querystring(
    app: StubApp,
    compiled: Compiled,
    param: Param,
    request: Request,
    fields: Sequence[tuple[str, str]],
) -> Any:
    """The value of a `querystring` parameter: `fields` (the query's own, less
    the parameters declared beside it) typed by its schema, or the whole query
    string as JSON text; validated like any parameter (None when absent)."""
    where = f"querystring parameter {param.name}"
    if param.styled[0] == "json":
        text = unquote(request.scope.get("query_string", b"").decode("latin-1"))
        if not text.strip():
            sent: Any = None
        else:
            try:
                sent = json.loads(text)
            except (ValueError, RecursionError) as exc:
                raise StubError(400, f"Invalid value for: {where} ({exc})") from None
    elif not fields:
        sent = None
    else:
        by_name: dict[str, list[str]] = {}
        for name, value in fields:
            by_name.setdefault(name, []).append(value)
        if app.wire is not None and param.schema:
            sent = app.wire.form_fields(param.schema, by_name)
        else:
            sent = {
                name: values[0] if len(values) == 1 else values for name, values in by_name.items()
            }
    if sent is None:
        if param.required:
            raise StubError(400, f"Invalid value for: {where} (missing)")
        return None
    try:
        value = compiled.adapter(param.type).validate_python(sent)
    except ValidationError as exc:
        raise StubError(400, f"Invalid value for: {where} ({problems(exc)})") from None
    if app.wire is not None and param.schema:
        found = app.wire.problems(param.schema, sent)
        if found:
            raise StubError(400, f"Invalid value for: {where} ({'; '.join(found)})")
    return value


async def _body(app: StubApp, compiled: Compiled, request: Request) -> Any:
    body = compiled.operation.body
    assert body is not None
    raw = await _read(app, request)
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
        if app.wire is not None and body.schema and mime in _FORMS:
            # A form's fields, read as their schemas type them, against the spec.
            header = request.headers.get("content-type", "")
            fields = app.wire.form_fields(body.schema, _form(raw, mime, header))
            found = app.wire.problems(body.schema, fields)
            if found:
                raise StubError(400, f"Invalid value for: body ({'; '.join(found)})")
        return raw  # the handler gets a form or other media as it came
    try:
        parsed = compiled.adapter(body.type).validate_json(raw)
    except ValidationError as exc:
        raise StubError(400, f"Invalid value for: body ({problems(exc)})") from None
    if app.wire is not None and body.schema:
        found = app.wire.problems(body.schema, json.loads(raw))
        if found:
            raise StubError(400, f"Invalid value for: body ({'; '.join(found)})")
    return parsed


async def _read(app: StubApp, request: Request) -> bytes:
    limit = app.max_body_bytes
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


def _bounded_headers(request: Request) -> None:
    """`431` for more than `MAX_HEADERS` header lines or `MAX_HEADER_BYTES` of them
    (the server in front may have no limit of its own)."""
    raw = request.headers.raw
    if len(raw) > MAX_HEADERS:
        raise StubError(431, f"Request header fields too large: more than {MAX_HEADERS} headers")
    if sum(len(name) + len(value) for name, value in raw) > MAX_HEADER_BYTES:
        raise StubError(431, f"Request header fields too large: more than {MAX_HEADER_BYTES} bytes")


def _has_body(request: Request) -> bool:
    """Whether the request announces a body (one is not read to find out)."""
    length = request.headers.get("content-length", "").strip()
    return "transfer-encoding" in request.headers or (length not in ("", "0"))


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


def _sent(
    param: Param,
    request: Request,
    query: Sequence[tuple[str, str]],
    path_values: Mapping[str, str],
    declared: frozenset[str],
) -> Any:
    """A parameter as the request sent it, its `style` undone: a string, a list
    of strings (an array) or a dict of strings (an object); None when absent."""
    shape = {"array": param.array, "object": param.object}
    if param.location == "query":
        return decode_query(query, param.name, param.styled, declared=declared, **shape)
    if param.location == "path":
        raw = path_values.get(param.name)
    elif param.location == "header":
        raw = request.headers.get(param.name)
    else:
        raw = request.cookies.get(param.name)
        raw = None if raw is None else cookie_value(raw)  # the client percent-encodes cookies
    if raw is None:
        return None
    return decode_text(raw, param.styled, name=param.name, **shape)


def _as_sent(raw: Any, value: Any) -> Any:
    """A parameter as JSON Schema sees it: numbers and booleans parsed, any
    other value as the request spelled it (`0.5` is not a date-time, though
    pydantic reads it as a timestamp)."""
    if isinstance(value, list) and isinstance(raw, list):
        return [_as_sent(r, v) for r, v in zip(raw, value)]
    if isinstance(value, (bool, int, float)) and not isinstance(value, Enum):
        return value
    return raw


def problems(exc: ValidationError, limit: int = 3) -> str:
    """The first errors of a validation by the models, each `message at 'where'`."""
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


def _form(raw: bytes, mime: str, header: str) -> dict[str, list[str]]:
    """The fields of a form body by name, each with its values as text (a
    file's content read as Latin-1: any bytes are a valid binary field)."""
    fields: dict[str, list[str]] = {}
    if mime == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
            fields.setdefault(name, []).append(value)
        return fields
    # Imported here: only a multipart body needs the email package.
    import email.policy
    from email.parser import BytesParser

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
