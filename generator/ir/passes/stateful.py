"""What the stub's stateful mode keeps, decided from the paths once.

A POST on a path `/x` creates items when its body does not name an item
itself (no `id` field: a query by id is no creation) and its answer's
envelope holds an object with an `id`, and the path is listed (`GET /x`) or
has item routes below it (`/x/{id}`): `/x` is then a collection, its items
identified by `id`. On it, POST creates and GET lists (when its envelope holds
a list); on `/x/{id}`, GET, PUT, PATCH and DELETE read, replace, update and
delete the item that path parameter names. Any other operation below
`/x/{id}/` needs that item to exist (`Operation.parents`).
"""

from __future__ import annotations

from typing import Literal

from ..media import is_success
from ..model import Api, ArrayType, Collection, ObjectType, Operation, ParentItem, StatefulRole, Type, UnionType

ItemRole = Literal["read", "replace", "update", "delete"]
ITEM_ROLES: dict[str, ItemRole] = {"GET": "read", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


def run(api: Api) -> None:
    api.collections = _collections(api)
    for operation in api.operations:
        operation.stateful = _role(api, operation)
        operation.parents = _parents(operation, api.collections)


def _collections(api: Api) -> dict[str, Collection]:
    paths = {(op.method, op.path) for op in api.operations}
    # The paths that have item routes (`/x/{id}` → `/x`), found once: asked of
    # every path for every POST, a scan of all the paths makes the pass take
    # time in the square of the operations (minutes for Graph's 22,000).
    with_items = {_item_of(path) for _, path in paths}
    found: dict[str, Collection] = {}
    for op in api.operations:
        if op.method != "POST" or op.body is None or _carries_id(api, op.body.type):
            continue
        item = _created_item(api, op)
        has_items = op.path in with_items
        if item is not None and (("GET", op.path) in paths or has_items):
            found[op.path] = Collection(path=op.path, item=item, id_property="id")
    return found


def _carries_id(api: Api, type_: Type) -> bool:
    """The body names an item itself (a query by id, not a creation)."""
    resolved = api.resolve(type_)
    if isinstance(resolved, UnionType):
        return any(_carries_id(api, variant) for variant in resolved.variants)
    return isinstance(resolved, ObjectType) and any(p.wire_name == "id" for p in resolved.properties)


def _created_item(api: Api, op: Operation) -> Type | None:
    for response in op.responses:
        if is_success(response.status) and response.envelope and response.payload is not None:
            item = api.resolve(response.payload)
            if isinstance(item, ObjectType) and any(p.wire_name == "id" for p in item.properties):
                return response.payload
    return None


def _item_of(path: str) -> str | None:
    """`/x/{id}` → `/x`; None for a path that does not end in a parameter."""
    head, _, last = path.rpartition("/")
    return head if last.startswith("{") and last.endswith("}") and head else None


def _role(api: Api, op: Operation) -> StatefulRole | None:
    if op.path in api.collections:
        if op.method == "POST":
            return StatefulRole(role="create", collection=op.path)
        if op.method == "GET" and _lists(api, op):
            return StatefulRole(role="list", collection=op.path)
        return None
    owner = _item_of(op.path)
    role = ITEM_ROLES.get(op.method)
    if owner is None or owner not in api.collections or role is None:
        return None
    return StatefulRole(role=role, collection=owner, id_param=op.path.rpartition("/")[2][1:-1])


def _lists(api: Api, op: Operation) -> bool:
    """The answer's envelope holds an array of items."""
    for response in op.responses:
        if is_success(response.status) and response.envelope and response.payload is not None:
            return isinstance(api.resolve(response.payload), ArrayType)
    return False


def _parents(op: Operation, collections: dict[str, Collection]) -> list[ParentItem]:
    """Items of collections that the path goes through (not counting the item
    the operation itself reads, updates or deletes)."""
    segments = op.path.split("/")
    out = []
    for end in range(2, len(segments)):
        prefix, last = "/".join(segments[:end]), segments[end]
        if last.startswith("{") and prefix in collections and end + 1 < len(segments):
            out.append(ParentItem(collection=prefix, param=last[1:-1]))
    return out
