"""Stateful mode: created items are kept (`store.py`) and read, listed, updated
and deleted consistently.

Where the API ships a table of effects (`effects.py`), an operation it names
does what the table says; every other operation follows its `Resource`, what
its path tells. An item's parents in the path must exist (404 otherwise). A
created item is the request's fields with a new id, and, made up, only the
required fields the request did not send (an optional field the client did
not set stays unset); a field the models or the spec refuse (an input shape
that differs from the output's) keeps the made-up value. A stored item is
answered shaped to the reply: its own variant of a union (by its `_type`),
the fields the reply's type declares, required ones made up where missing.
Lists are paged as the operation's `Paging` says, with cursors only this
server makes.
"""

from __future__ import annotations

import typing
import uuid
from typing import TYPE_CHECKING, Any, Sequence

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.responses import Response

from ..models import to_wire, wire_key
from . import effects
from .base import JSON, Compiled, StubError, StubRequest, dumps, shared_adapter
from .store import decode_cursor, encode_cursor
from .synth import Synthesizer
from .table import Reply, Resource

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["answer", "item_response", "listed", "shaped"]


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
    if op.effects is not None:
        return effects.run(app, call, op.effects, reply, status)
    resource = op.resource
    if resource is None:
        return None
    collection = _fill(resource.collection, raw_path)
    body = _wire_object(call.body, resource.body_envelope)
    if resource.role == "create":
        item = _create(app, resource, collection, body, reply)
        app.store.put(collection, _key(item[resource.id_property]), item)
        return item_response(reply, status, shaped(app, reply, item), app)
    if resource.role == "list":
        return listed(
            app,
            call,
            app.store.items(collection),
            reply,
            status,
            filtered=True,
            items_path=resource.items_path,
        )
    assert resource.id_param is not None
    item_id = raw_path[resource.id_param]
    stored = app.store.get(collection, item_id)
    if stored is None and resource.creates:
        # A PUT that creates: the item is stored under the id its path names.
        given = to_wire(call.path[resource.id_param])
        item = _create(app, resource, collection, body, reply, given=given)
        app.store.put(collection, item_id, item)
        reply, status = _reply_of(compiled, "201", reply, status)
        return item_response(reply, status, shaped(app, reply, item), app)
    if stored is None:
        raise StubError(404, f"Not found: {resource.id_param} {item_id}")
    if resource.role == "delete":
        app.store.delete(collection, item_id)
    elif resource.role in ("replace", "update"):
        stored = _merged(app, resource.item, stored, body, {resource.id_property}, reply)
        app.store.put(collection, item_id, stored)
        if resource.creates:
            reply, status = _reply_of(compiled, "200", reply, status)
    return item_response(reply, status, shaped(app, reply, stored), app)


def _reply_of(compiled: Compiled, wanted: str, reply: Reply, status: int) -> tuple[Reply, int]:
    """The documented reply of status `wanted` (a PUT's `201` when it created,
    its `200` when it replaced), else the one already chosen."""
    for candidate in compiled.operation.replies:
        if candidate.status == wanted:
            return candidate, int(wanted)
    return reply, status


def _create(
    app: StubApp,
    resource: Resource,
    collection: str,
    body: dict[str, Any],
    reply: Reply,
    given: Any = None,
) -> dict[str, Any]:
    """A new item: the body's fields over values made up for the required
    ones, identified by `given` (a PUT's path), else by the id the body
    names (`{"username": ...}`), else by a new id."""
    count = app._counters[resource.collection] = app._counters.get(resource.collection, 0) + 1
    base = Synthesizer(f"{app.seed}:{resource.collection}:{count}", optional=False).value(
        resource.item
    )
    base = base if isinstance(base, dict) else {}
    key = resource.id_property
    if given is not None:
        # The path's value as the field types it (`/slots/7` names the slot `"7"`).
        annotation = _field_annotation(resource.item, key)
        base[key] = str(given) if annotation is str and not isinstance(given, str) else given
    elif body.get(key) is not None:
        base[key] = body[key]
    else:
        base[key] = _new_id(app, resource, collection, base.get(key))
    return _merged(app, resource.item, base, body, keep={key}, reply=reply)


def _new_id(app: StubApp, resource: Resource, collection: str, made: Any) -> Any:
    """An id no item of `collection` has, as `resource.id_kind` says: the
    collection's next number (as text for a string id), a uuid, or `made`,
    the value made up from the field's type (made again until it is free)."""
    for attempt in range(app.store.max_items + 1):
        if resource.id_kind == "uuid":
            candidate: Any = str(app._ids.uuid())
        elif resource.id_kind in ("integer", "string"):
            number = app._serials.get(resource.collection, 0) + 1
            app._serials[resource.collection] = number
            candidate = number if resource.id_kind == "integer" else str(number)
        elif attempt == 0 and made is not None:
            candidate = made
        else:
            seed = f"{app.seed}:{resource.collection}:id:{attempt}"
            annotation = _field_annotation(resource.item, resource.id_property)
            candidate = to_wire(Synthesizer(seed).value(annotation))
        if app.store.get(collection, _key(candidate)) is None:
            return candidate
    raise StubError(507, f"Insufficient storage: no free id left in {collection}")


def _merged(
    app: StubApp,
    item_type: Any,
    base: dict[str, Any],
    changes: dict[str, Any],
    keep: set[str],
    reply: Reply | None,
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


def shaped(app: StubApp, reply: Reply, item: Any) -> Any:
    """A stored item as `reply` describes it. The create answer's item may be
    another type than a read's (Dixa's `POST /conversations` answers `{id}`,
    `GET /conversations/{id}` a whole conversation, one of a union), so the
    item is answered as its own variant of the reply's type (by its union
    tag), with the fields that type declares; required fields it lacks are
    made up, optional ones stay unset."""
    if reply.type is None or not isinstance(item, dict):
        return item
    item_type = _field_annotation(reply.type, reply.envelope) if reply.envelope else reply.type
    if item_type is None:
        return item
    return _shaped_as(app, item_type, item, reply)


def _shaped_as(app: StubApp, item_type: Any, item: dict[str, Any], reply: Reply | None) -> Any:
    model = _variant(item_type, item)
    if model is None:
        return item
    fields = _wire_fields(model)
    projected = {k: v for k, v in item.items() if k in fields}
    seed = f"{app.seed}:{getattr(model, '__name__', '')}:{item.get('id')}"
    base = Synthesizer(seed, optional=False).value(model)
    if not isinstance(base, dict):
        return projected
    return _merged(app, model, base, projected, set(), reply)


def _variant(item_type: Any, item: dict[str, Any]) -> Any:
    """The model `item` is answered as: `item_type` itself, or the variant of
    a union that its tag names; else the first whose required fields it all has."""
    while typing.get_origin(item_type) is typing.Annotated:
        item_type = typing.get_args(item_type)[0]
    if isinstance(item_type, type) and issubclass(item_type, BaseModel):
        return item_type
    options: list[type[BaseModel]] = []
    for option in typing.get_args(item_type):
        while typing.get_origin(option) is typing.Annotated:
            option = typing.get_args(option)[0]
        if isinstance(option, type) and issubclass(option, BaseModel):
            if getattr(option, "__wire_tag__", None) is not None or not options:
                options.append(option)
    if not options:
        return None
    tagged = [m for m in options if getattr(m, "__wire_tag__", None) is not None]
    for model in tagged:
        tag = getattr(model, "__wire_tag__", None)
        if any(item.get(name) == tag for name in _tag_names(model)):
            return model
    for model in tagged or options:
        if not model.__pydantic_fields_complete__:
            model.model_rebuild()
        required = {wire_key(model, n) for n, f in model.model_fields.items() if f.is_required()}
        if required <= item.keys():
            return model
    return (tagged or options)[0]


def _wire_fields(model: type[BaseModel]) -> set[str]:
    if not model.__pydantic_fields_complete__:
        model.model_rebuild()
    return {wire_key(model, name) for name in model.model_fields} | _tag_names(model)


def _refused(
    app: StubApp, adapter: TypeAdapter[Any], item: dict[str, Any], reply: Reply | None
) -> set[str]:
    """The top-level fields of `item` that make it invalid (by the models,
    then by the reply's schema); `{""}` when the fault is the item's as a whole."""
    try:
        adapter.validate_python(item)
    except ValidationError as exc:
        return {str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()}
    if app.wire is None or reply is None or not reply.schema:
        return set()
    payload = {reply.envelope: item} if reply.envelope else item
    depth = 1 if reply.envelope else 0
    return {
        str(path[depth]) if len(path) > depth else ""
        for path in app.wire.error_paths(reply.schema, payload)
    }


def listed(
    app: StubApp,
    call: StubRequest,
    items: list[dict[str, Any]],
    reply: Reply,
    status: int,
    filtered: bool = False,
    items_path: Sequence[str] | None = None,
) -> Response:
    """`items` answered as a list (paged as the operation pages), each shaped
    to the list's item type; with `filtered`, narrowed first by the query
    parameters that name a field of the items. Without paging, the items go
    at `items_path` (empty: the answer is the list; None: in `data`)."""
    paging = call.operation.paging
    skip = {paging.cursor_parameter, paging.limit_parameter} if paging else set()
    for name, value in call.query.items() if filtered else ():
        if value is not None and name not in skip and any(name in item for item in items):
            items = [item for item in items if _key(item.get(name)) == _key(value)]
    where = paging.items_path if paging else ("data",) if items_path is None else items_path
    element = _list_item_type(reply, where)
    if element is not None:
        items = [_shaped_as(app, element, item, None) for item in items]
    body: dict[str, Any] = {}
    if paging is None:
        return _respond(app, reply, status, _put(body, where, items))
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
    answer = _put(body, paging.items_path, items[offset : offset + size])
    if offset + size < len(items) and isinstance(answer, dict):
        link = call.request.url.include_query_params(
            **{paging.cursor_parameter: encode_cursor(offset + size)}
        )
        _put(body, paging.next_path, str(link))
    return _respond(app, reply, status, answer)


def _list_item_type(reply: Reply, items_path: Sequence[str]) -> Any:
    """The type of a list answer's items (`data: list[Message]` → `Message`,
    `list[Pet]` → `Pet` for an answer that is the list)."""
    listed_type = reply.type
    for name in items_path:
        listed_type = _field_annotation(listed_type, name)
    args = typing.get_args(listed_type) if typing.get_origin(listed_type) is list else ()
    return args[0] if args else None


def _respond(app: StubApp, reply: Reply, status: int, payload: Any) -> Response:
    """`payload` as the reply's body; where it breaks the reply's schema (a
    value the models allow but the spec does not), the faulty parts repaired."""
    if app.wire is not None and reply.schema and app.wire.error_paths(reply.schema, payload):
        payload = app.wire.repaired(reply.schema, payload)
    return Response(dumps(payload), status_code=status, media_type=reply.content_type or JSON)


def _fill(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _key(value: Any) -> str:
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)


def _wire_object(body: Any, envelope: str | None = None) -> dict[str, Any]:
    """The request body as wire data, the item inside its `envelope` where it has one."""
    wire = to_wire(body) if body is not None else {}
    if envelope is not None and isinstance(wire, dict) and isinstance(wire.get(envelope), dict):
        wire = wire[envelope]
    return wire if isinstance(wire, dict) else {}


def item_response(reply: Reply, status: int, item: Any, app: StubApp | None = None) -> Response:
    """One item as the reply's body (in its envelope); the status alone for a reply without one."""
    if reply.type is None:
        return Response(status_code=status)
    payload = {reply.envelope: item} if reply.envelope else item
    if app is not None:
        return _respond(app, reply, status, payload)
    return Response(dumps(payload), status_code=status, media_type=reply.content_type or JSON)


def _put(body: dict[str, Any], path: Sequence[str], value: Any) -> Any:
    """`body` with `value` at `path`; `value` itself for an empty path."""
    if not path:
        return value
    inner = body
    for name in path[:-1]:
        inner = inner.setdefault(name, {})
    inner[path[-1]] = value
    return body


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
