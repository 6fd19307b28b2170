"""Render the stub server of one API: `server.py` (create_app, `python -m`) and
`server_operations.py`, the operation table the static runtime serves.

Everything the server needs to know about an operation is decided here, from
the IR, and written as data: the typed parameters with their wire names, the
body type, the documented responses with their examples (as JSON text), whether
it is secured, how it pages, and what it does in stateful mode. Stateful mode
follows the paths: a POST on a collection `/x` whose answer carries an `id` the
body did not send creates items; GET `/x` lists them; GET, PUT, PATCH and DELETE
on `/x/{id}` read, replace, update and delete one; any other operation below
`/x/{id}/` needs that item to exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .ir import Api, ArrayType, ObjectType, Operation, Type, UnionType
from .layout import Node, call, display
from .pytypes import Annotator, literal
from .render import ENV, header

PAGE_SIZE_PARAMETERS = ("pageLimit", "limit", "page_limit", "pageSize", "per_page")
ROLES = {"GET": "read", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


@dataclass
class _Collection:
    path: str
    item: str  # annotation of the item type
    id_property: str


def server_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    # Models are named through the module, so none can clash with the table's own names.
    annotator = Annotator(api, prefix="models.")
    collections = _collections(api, annotator)
    operations = [_operation(api, annotator, op, collections) for op in api.operations]
    context = dict(header=header(api.source), api=api, runtime=runtime, package=prefix.replace("/", "."))
    return {
        f"{prefix}/server_operations.py": ENV.get_template("server/server_operations.py.jinja").render(
            operations=operations, imports=_imports(annotator.needs, runtime), **context
        ),
        f"{prefix}/server.py": ENV.get_template("server/server.py.jinja").render(**context),
    }


def _operation(api: Api, annotator: Annotator, op: Operation, collections: dict[str, _Collection]) -> dict[str, Any]:
    params = []
    for param in op.parameters:
        resolved = api.resolve(param.type)
        array = isinstance(resolved, ArrayType)
        type_ = annotator.annotation(resolved.items if isinstance(resolved, ArrayType) else param.type)
        params.append(
            call(
                "Param",
                literal(param.name),
                literal(param.location),
                type_,
                f"required={param.required}",
                f"array={array}",
            )
        )
    body = None
    if op.body is not None:
        body = call(
            "body=Body",
            annotator.annotation(op.body.type),
            literal(op.body.content_type),
            f"required={op.body.required}",
        )
    replies = []
    for response in op.responses:
        examples = {name: json.dumps(value, separators=(",", ":"), ensure_ascii=False) for name, value in response.examples.items()}
        replies.append(
            dict(
                status=literal(response.status),
                type=annotator.annotation(response.type) if response.type is not None else "None",
                content_type=literal(response.content_type),
                envelope=literal(response.envelope),
                examples=display(
                    "{", [f"{literal(k)}: {literal(v)}" for k, v in examples.items()], head="examples=", exploded=True
                ),
            )
        )
    return dict(
        operation_id=literal(op.operation_id),
        method=literal(op.method),
        path=literal(op.path),
        summary=op.summary or "",
        params=display("(", params, head="params=", exploded=True),
        body=body,
        replies=replies,
        secured=_secured(api, op),
        paging=_paging(op),
        resource=_resource(api, op, collections),
        parents=display(
            "(",
            [call("Parent", literal(c), literal(p)) for c, p in _parents(op, collections)],
            head="parents=",
            exploded=True,
        ),
    )


def _secured(api: Api, op: Operation) -> bool:
    """Secured when every alternative asks for a scheme (`[{}]` makes it optional)."""
    requirements = op.security if op.security is not None else api.security
    return bool(requirements) and all(requirements)


def _paging(op: Operation) -> Node | None:
    if op.paging is None:
        return None
    query = [p.name for p in op.parameters if p.location == "query"]
    limit = next((name for name in PAGE_SIZE_PARAMETERS if name in query), None)
    return call(
        "paging=Paging",
        literal(op.paging.cursor_parameter or "pageKey"),
        literal(limit),
        _tuple(op.paging.next_path),
        _tuple(op.paging.items_path),
    )


def _tuple(items: list[str]) -> Node:
    """A path into the answer, one key per line (as the table has always been written)."""
    return display("(", [literal(item) for item in items], exploded=True)


# -- stateful mode -------------------------------------------------------------------


def _collections(api: Api, annotator: Annotator) -> dict[str, _Collection]:
    """Collection paths where a POST creates items: its answer's `data` is an
    object with an `id` the body does not carry, and the path is listed or has
    item routes below it."""
    paths = {(op.method, op.path) for op in api.operations}
    found: dict[str, _Collection] = {}
    for op in api.operations:
        if op.method != "POST" or op.body is None:
            continue
        if _carries_id(api, op.body.type):
            continue
        item = _created_item(api, op)
        has_items = any(_item_of(path) == op.path for _, path in paths)
        if item is not None and (("GET", op.path) in paths or has_items):
            found[op.path] = _Collection(op.path, annotator.annotation(item), "id")
    return found


def _carries_id(api: Api, type_: Type) -> bool:
    """The body names an item itself (a query by id, not a creation)."""
    resolved = api.resolve(type_)
    if isinstance(resolved, UnionType):
        return any(_carries_id(api, variant) for variant in resolved.variants)
    return isinstance(resolved, ObjectType) and any(p.wire_name == "id" for p in resolved.properties)


def _created_item(api: Api, op: Operation) -> Type | None:
    for response in op.responses:
        if response.status.startswith("2") and response.envelope and response.type is not None:
            envelope = api.resolve(response.type)
            assert isinstance(envelope, ObjectType)
            data = next(p for p in envelope.properties if p.wire_name == response.envelope)
            item = api.resolve(data.type)
            if isinstance(item, ObjectType) and any(p.wire_name == "id" for p in item.properties):
                return data.type
    return None


def _item_of(path: str) -> str | None:
    """`/x/{id}` → `/x`; None for a path that does not end in a parameter."""
    head, _, last = path.rpartition("/")
    return head if last.startswith("{") and last.endswith("}") and head else None


def _resource(api: Api, op: Operation, collections: dict[str, _Collection]) -> dict[str, Any] | None:
    collection = collections.get(op.path)
    role: str | None = None
    id_param = None
    if collection is not None:
        role = {"POST": "create", "GET": "list"}.get(op.method)
        if role == "list" and not _lists(api, op):
            role = None
    else:
        owner = _item_of(op.path)
        collection = collections.get(owner) if owner else None
        if collection is not None:
            role = ROLES.get(op.method)
            id_param = op.path.rpartition("/")[2][1:-1]
    if role is None or collection is None:
        return None
    return dict(
        role=literal(role),
        collection=literal(collection.path),
        item=collection.item,
        id_property=literal(collection.id_property),
        id_param=literal(id_param),
    )


def _lists(api: Api, op: Operation) -> bool:
    """The answer's envelope holds an array of items."""
    for response in op.responses:
        if response.status.startswith("2") and response.envelope and response.type is not None:
            envelope = api.resolve(response.type)
            if isinstance(envelope, ObjectType):
                data = next(p for p in envelope.properties if p.wire_name == response.envelope)
                return isinstance(api.resolve(data.type), ArrayType)
    return False


def _parents(op: Operation, collections: dict[str, _Collection]) -> list[tuple[str, str]]:
    """Items of stateful collections that the path goes through (not counting
    the item the operation itself reads, updates or deletes)."""
    segments = op.path.split("/")
    out = []
    for end in range(2, len(segments)):
        prefix, last = "/".join(segments[:end]), segments[end]
        if last.startswith("{") and prefix in collections and end + 1 < len(segments):
            out.append((prefix, last[1:-1]))
    return out


def _imports(needs: set[str], runtime: str) -> list[str]:
    lines = []
    if "date" in needs:
        lines.append("from datetime import date")
    typing_names = sorted(n for n in ("Any", "Literal") if n in needs)
    if typing_names:
        lines.append(f"from typing import {', '.join(typing_names)}")
    if "UUID" in needs:
        lines.append("from uuid import UUID")
    if "DateTime" in needs:
        lines.append(f"from {runtime}.models import DateTime")
    return lines
