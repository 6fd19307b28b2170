"""Stateful mode: created items are kept (`store.py`) and read, listed, updated
and deleted consistently.

Each operation's `Resource` says what it does to which collection; an item's
parents in the path must exist (404 otherwise). A created item is a value
synthesized for the item's type with the request's fields over it and a new
id; a field the models or the spec refuse (an input shape that differs from
the output's) keeps the synthesized value. Lists are paged as the operation's
`Paging` says, with cursors only this server makes.
"""

from __future__ import annotations

import typing
import uuid
from typing import TYPE_CHECKING, Any, Sequence

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.responses import Response

from ..models import to_wire, wire_key
from .base import JSON, Compiled, StubError, StubRequest, dumps, shared_adapter
from .store import decode_cursor, encode_cursor
from .synth import Synthesizer
from .table import Reply, Resource

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["answer"]


def answer(
    app: StubApp, compiled: Compiled, call: StubRequest, reply: Reply, status: int
) -> Response | None:
    """The store's answer to `call`, or None when the operation touches no collection."""
    op = compiled.operation
    raw_path = {k: _key(v) for k, v in call.path.items()}
    for parent in op.parents:
        owner = _fill(parent.collection, raw_path)
        if app.store.get(owner, raw_path[parent.param]) is None:
            raise StubError(404, f"Not found: {parent.param} {raw_path[parent.param]}")
    resource = op.resource
    if resource is None:
        return None
    collection = _fill(resource.collection, raw_path)
    if resource.role == "create":
        item = _create(app, resource, call.body, reply)
        app.store.put(collection, _key(item[resource.id_property]), item)
        return _item_response(reply, status, item)
    if resource.role == "list":
        return _list(app, compiled, call, collection, reply, status)
    assert resource.id_param is not None
    item_id = raw_path[resource.id_param]
    stored = app.store.get(collection, item_id)
    if stored is None:
        raise StubError(404, f"Not found: {resource.id_param} {item_id}")
    if resource.role == "delete":
        app.store.delete(collection, item_id)
    elif resource.role in ("replace", "update"):
        stored = _merged(
            app, resource.item, stored, _wire_object(call.body), {resource.id_property}, reply
        )
        app.store.put(collection, item_id, stored)
    return _item_response(reply, status, _shaped(app, reply, stored))


def _create(app: StubApp, resource: Resource, body: Any, reply: Reply) -> dict[str, Any]:
    app._counter += 1
    base = Synthesizer(f"{app.seed}:{resource.collection}:{app._counter}").value(resource.item)
    base = base if isinstance(base, dict) else {}
    base[resource.id_property] = _new_id(app, resource)
    return _merged(
        app, resource.item, base, _wire_object(body), keep={resource.id_property}, reply=reply
    )


def _new_id(app: StubApp, resource: Resource) -> Any:
    annotation = _field_annotation(resource.item, resource.id_property)
    if annotation is int:
        return app._counter
    return str(app._ids.uuid())


def _merged(
    app: StubApp,
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
    adapter = shared_adapter(item_type)
    for _ in range(len(changes) + 1):
        bad = _refused(app, adapter, candidate, reply)
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


def _shaped(app: StubApp, reply: Reply, item: dict[str, Any]) -> dict[str, Any]:
    """A stored item as `reply` describes it: the create answer's item may
    be another type than a read's (Dixa's `POST /conversations` answers
    `{id}`, `GET /conversations/{id}` a whole conversation), so where the
    item does not fit, a value made up for the reply takes the fields of
    the item that do."""
    if reply.type is None:
        return item
    item_type = _field_annotation(reply.type, reply.envelope) if reply.envelope else reply.type
    if item_type is None or not _refused(app, shared_adapter(item_type), item, reply):
        return item
    base = Synthesizer(f"{app.seed}:{reply.schema}:{item.get('id')}").value(item_type)
    if not isinstance(base, dict):
        return item
    return _merged(app, item_type, base, item, set(), reply)


def _refused(
    app: StubApp, adapter: TypeAdapter[Any], item: dict[str, Any], reply: Reply
) -> set[str]:
    """The top-level fields of `item` that make it invalid (by the models,
    then by the reply's schema); `{""}` when the fault is the item's as a whole."""
    try:
        adapter.validate_python(item)
    except ValidationError as exc:
        return {str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()}
    if app.wire is None or not reply.schema:
        return set()
    payload = {reply.envelope: item} if reply.envelope else item
    depth = 1 if reply.envelope else 0
    return {
        str(path[depth]) if len(path) > depth else ""
        for path in app.wire.error_paths(reply.schema, payload)
    }


def _list(
    app: StubApp,
    compiled: Compiled,
    call: StubRequest,
    collection: str,
    reply: Reply,
    status: int,
) -> Response:
    op = compiled.operation
    items = app.store.items(collection)
    paging = op.paging
    skip = {paging.cursor_parameter, paging.limit_parameter} if paging else set()
    for name, value in call.query.items():
        if value is not None and name not in skip and any(name in item for item in items):
            items = [item for item in items if _key(item.get(name)) == _key(value)]
    body: dict[str, Any] = {}
    if paging is None:
        _put(body, ("data",), items)
        return Response(dumps(body), status_code=status, media_type=reply.content_type or JSON)
    offset = 0
    cursor = call.request.query_params.get(paging.cursor_parameter)
    if cursor:
        decoded = decode_cursor(str(cursor))
        if decoded is None:
            raise StubError(
                400,
                f"Invalid value for: query parameter {paging.cursor_parameter}"
                " (not a cursor of this server)",
            )
        offset = decoded
    limit = call.query.get(paging.limit_parameter) if paging.limit_parameter else None
    size = max(1, int(limit)) if isinstance(limit, int) else app.page_limit
    _put(body, paging.items_path, items[offset : offset + size])
    if offset + size < len(items):
        link = call.request.url.include_query_params(
            **{paging.cursor_parameter: encode_cursor(offset + size)}
        )
        _put(body, paging.next_path, str(link))
    return Response(dumps(body), status_code=status, media_type=reply.content_type or JSON)


def _fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _key(value: Any) -> str:
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)


def _wire_object(body: Any) -> dict[str, Any]:
    wire = to_wire(body) if body is not None else {}
    return wire if isinstance(wire, dict) else {}


def _item_response(reply: Reply, status: int, item: dict[str, Any]) -> Response:
    if reply.type is None:
        return Response(status_code=status)
    payload = {reply.envelope: item} if reply.envelope else item
    return Response(dumps(payload), status_code=status, media_type=reply.content_type or JSON)


def _put(body: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for name in path[:-1]:
        body = body.setdefault(name, {})
    body[path[-1]] = value


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
