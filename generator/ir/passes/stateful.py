"""What the stub's stateful mode keeps, decided from the paths once.

A path `/x` is a collection when something creates its items and something
reads them back:

- creates: a POST on `/x` whose success answer is an item (an object, or a
  union of objects, holding the identity field, in an envelope or not) and
  whose body is not a query by id (a body that names an item by the identity
  field is a query, unless the body is the item itself or the field is the
  one the path names, `/users/{username}`); or a PUT with a body on `/x/{p}`
  when no POST creates (or when the PUT documents `201 Created`): it stores
  the item under the path's id;
- reads back: `GET /x` or any operation on `/x/{p}`.

The items' type is the richest answer that holds the identity field: the
read's (`GET /x/{p}`), else the create's, the replace's, the update's, the
list's element. A create may answer less than a read (Dixa's
`POST /conversations` answers `{id}`, `GET /conversations/{id}` the whole
conversation); the item is the whole thing.

The identity field is found from the path parameter and the schema: the
property the parameter names (`{username}` → `username`), else the one its
name ends with (`{petId}` → `id`, `{project_gid}` → `gid`), else `id`, else a
read-only scalar (the server assigns it), else a conventional name (`gid`,
`uuid`, `key`, `slug`, `name`). How new ids look follows its schema (and the
path parameter's, for an untyped string): integers count, uuids are uuids,
other strings count as text.

On a collection, POST creates and GET lists (when its answer holds a list:
the answer itself, its envelope's `data`, or its one array field); on
`/x/{p}`, GET, PUT, PATCH and DELETE read, replace, update and delete the
item that path parameter names. Any other operation below `/x/{p}/` needs
that item to exist (`Operation.parents`). Operations that touch no collection
answer as the plain stub does; the stub says which at start-up.
"""

from __future__ import annotations

from typing import Literal

from ..media import is_success
from ..model import (
    Api,
    ArrayType,
    Collection,
    EnumType,
    ObjectType,
    Operation,
    ParentItem,
    Primitive,
    Property,
    StatefulRole,
    Type,
    UnionType,
)
from .operations import ENVELOPE_KEYS

ItemRole = Literal["read", "replace", "update", "delete"]
ITEM_ROLES: dict[str, ItemRole] = {"GET": "read", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}
# Names that identify an item where neither the path nor the schema says more, in order.
CONVENTIONAL_KEYS = ("gid", "uuid", "_id", "key", "slug", "name")
IdKind = Literal["integer", "uuid", "string", "synth"]


def run(api: Api) -> None:
    api.collections = {}
    roles: dict[int, StatefulRole] = {}
    # Each operation by method and path, and the item routes of each collection
    # path (`/x/{id}` → `/x`), found once: asked of every operation for every
    # candidate, the pass would take time in the square of the operations
    # (minutes for Microsoft Graph's 22,000).
    ops = {(op.method, op.path): op for op in api.operations}
    items: dict[str, list[Operation]] = {}
    for op in api.operations:
        owner = _item_of(op.path)
        if owner is not None and op.method in ITEM_ROLES:
            items.setdefault(owner, []).append(op)
    for path in _candidates(api):
        _collection(api, path, roles, ops, items.get(path, []))
    for operation in api.operations:
        operation.stateful = roles.get(id(operation))
        operation.parents = _parents(operation, api.collections)


def _candidates(api: Api) -> list[str]:
    """Paths that may be collections: a POST's, or the parent of an item path."""
    found: dict[str, None] = {}
    for op in api.operations:
        if op.method == "POST":
            found[op.path] = None
        owner = _item_of(op.path)
        if owner is not None and op.method == "PUT":
            found[owner] = None
    return list(found)


def _collection(
    api: Api,
    path: str,
    roles: dict[int, StatefulRole],
    ops: dict[tuple[str, str], Operation],
    item_ops: list[Operation],
) -> None:
    params = list(dict.fromkeys(_last_param(op.path) for op in item_ops))
    post, listing = ops.get(("POST", path)), ops.get(("GET", path))
    reads = [op for op in item_ops if op.method == "GET"]
    puts = [op for op in item_ops if op.method == "PUT"]
    patches = [op for op in item_ops if op.method == "PATCH"]

    candidates = [
        *(_answer(op) for op in reads),
        _answer(post) if post is not None else None,
        *(_answer(op) for op in puts),
        *(_answer(op) for op in patches),
        _list_element(api, listing) if listing is not None else None,
    ]
    item: Type | None = None
    key: str | None = None
    for candidate in candidates:
        if candidate is not None and _fields(api, candidate):
            key = _identity(api, candidate, params)
            if key is not None:
                item = candidate
                break
    if item is None or key is None:
        return

    creates = post is not None and _creates(api, post, item, key, params)
    put_creates = [op for op in puts if op.body is not None and (not creates or _documents_created(op))]
    readable = listing is not None or bool(item_ops)
    if not (creates and readable) and not (put_creates and (listing is not None or reads)):
        return
    api.collections[path] = Collection(path=path, item=item, id_property=key, id_kind=_id_kind(api, item, key, item_ops))

    if creates and post is not None:
        roles[id(post)] = StatefulRole(role="create", collection=path, body_envelope=_body_envelope(api, post, item))
    if listing is not None:
        items_path = _items_path(api, listing)
        if items_path is not None:
            roles[id(listing)] = StatefulRole(role="list", collection=path, items_path=items_path)
    for op in item_ops:
        role = ITEM_ROLES[op.method]
        roles[id(op)] = StatefulRole(
            role=role,
            collection=path,
            id_param=_last_param(op.path),
            creates=op in put_creates,
            body_envelope=_body_envelope(api, op, item) if role in ("replace", "update") else None,
        )


def _answer(op: Operation) -> Type | None:
    """The success answer's payload (inside its envelope, if any)."""
    for response in op.responses:
        if is_success(response.status) and response.payload is not None:
            return response.payload
    return None


def _list_element(api: Api, op: Operation) -> Type | None:
    path = _items_path(api, op)
    answer = _answer(op)
    if path is None or answer is None:
        return None
    listed = api.resolve(answer)
    for name in path[1:] if _envelope(op) else path:
        if not isinstance(listed, ObjectType):
            return None
        listed = api.resolve(next(p.type for p in listed.properties if p.wire_name == name))
    return listed.items if isinstance(listed, ArrayType) else None


def _envelope(op: Operation) -> str | None:
    for response in op.responses:
        if is_success(response.status) and response.payload is not None:
            return response.envelope
    return None


def _items_path(api: Api, op: Operation) -> list[str] | None:
    """Where a list answer holds its items: the answer itself (`[]`), its
    envelope (`["data"]`), or its one array field (`["items"]`); None: no list."""
    answer = _answer(op)
    if answer is None:
        return None
    envelope = _envelope(op)
    head = [envelope] if envelope else []
    resolved = api.resolve(answer)
    if isinstance(resolved, ArrayType):
        return head
    if isinstance(resolved, ObjectType):
        arrays = [p.wire_name for p in resolved.properties if isinstance(api.resolve(p.type), ArrayType)]
        if len(arrays) == 1:
            return [*head, arrays[0]]
    return None


def _fields(api: Api, type_: Type) -> dict[str, Property]:
    """The fields every shape of `type_` has: an object's, or those all of a
    union's objects share. Empty for anything else."""
    resolved = api.resolve(type_)
    if isinstance(resolved, ObjectType):
        return {p.wire_name: p for p in resolved.properties}
    if isinstance(resolved, UnionType) and resolved.variants:
        shapes = [_fields(api, variant) for variant in resolved.variants]
        if all(shapes):
            return {name: prop for name, prop in shapes[0].items() if all(name in s for s in shapes[1:])}
    return {}


def _identity(api: Api, type_: Type, params: list[str]) -> str | None:
    """The field that identifies an item of `type_` on paths named by `params`."""
    fields = {name: prop for name, prop in _fields(api, type_).items() if _scalar(api, prop.type)}
    for param in params:
        if param in fields:
            return param
    for param in params:
        ends = [name for name in fields if _ends_with(param, name)]
        if ends:
            return max(ends, key=len)
    if "id" in fields:
        return "id"
    assigned = [name for name, prop in fields.items() if prop.read_only]
    if len(assigned) == 1:
        return assigned[0]
    return next((name for name in CONVENTIONAL_KEYS if name in fields), None)


def _ends_with(param: str, name: str) -> bool:
    """`petId` ends with the word `id`, `project_gid` with `gid`; `csid` does not end with `id`."""
    if len(param) <= len(name) or not param.lower().endswith(name.lower()):
        return False
    start = len(param) - len(name)
    return param[start - 1] in "_-." or (param[start].isupper() and not param[start - 1].isupper())


def _scalar(api: Api, type_: Type) -> bool:
    resolved = api.resolve(type_)
    return isinstance(resolved, EnumType) or (isinstance(resolved, Primitive) and resolved.name in ("string", "integer"))


def _id_kind(api: Api, item: Type, key: str, item_ops: list[Operation]) -> IdKind:
    """How the stub makes a new id: by the field's type and format, and for a
    string without one, by the path parameter's (a uuid parameter takes uuids)."""
    kind = _kind_of(api.resolve(_fields(api, item)[key].type))
    if kind != "string":
        return kind
    params = [p for op in item_ops for p in op.parameters if p.location == "path" and p.name == _last_param(op.path)]
    kinds = {_kind_of(api.resolve(p.type)) for p in params}
    return "uuid" if "uuid" in kinds else "string"


def _kind_of(resolved: Type) -> IdKind:
    if isinstance(resolved, Primitive) and resolved.name == "integer":
        return "integer"
    if isinstance(resolved, Primitive) and resolved.name == "string":
        if resolved.format == "uuid":
            return "uuid"
        return "string" if resolved.format is None else "synth"
    return "synth"


def _creates(api: Api, post: Operation, item: Type, key: str, params: list[str]) -> bool:
    """The POST answers an item and its body is not a query by id."""
    answer = _answer(post)
    if post.body is None or answer is None or key not in _fields(api, answer):
        return False
    body = post.body.type
    names_item = any(key in _fields(api, variant) for variant in _shapes(api, body))
    return not names_item or key in params or _same(api, body, item) or _same(api, body, answer)


def _shapes(api: Api, type_: Type) -> list[Type]:
    resolved = api.resolve(type_)
    return list(resolved.variants) if isinstance(resolved, UnionType) else [type_]


def _same(api: Api, one: Type, other: Type) -> bool:
    return api.resolve(one) is api.resolve(other)


def _documents_created(op: Operation) -> bool:
    return any(response.status == "201" for response in op.responses)


def _body_envelope(api: Api, op: Operation, item: Type) -> str | None:
    """`data` when the request body wraps the item as `{"data": {...}}` (and the item has no `data` field)."""
    if op.body is None:
        return None
    body = api.resolve(op.body.type)
    if not isinstance(body, ObjectType) or "data" in _fields(api, item):
        return None
    names = {p.wire_name for p in body.properties}
    return "data" if "data" in names and names <= ENVELOPE_KEYS else None


def _last_param(path: str) -> str:
    return path.rpartition("/")[2][1:-1]


def _item_of(path: str) -> str | None:
    """`/x/{id}` → `/x`; None for a path that does not end in a parameter."""
    head, _, last = path.rpartition("/")
    return head if last.startswith("{") and last.endswith("}") and head else None


def _parents(op: Operation, collections: dict[str, Collection]) -> list[ParentItem]:
    """Items of collections that the path goes through (not counting the item
    the operation itself reads, updates or deletes)."""
    segments = op.path.split("/")
    out = []
    prefix = "/".join(segments[:2])  # the path up to segment `end`, grown one segment at a time
    for end in range(2, len(segments) - 1):
        last = segments[end]
        if last.startswith("{") and prefix in collections:
            out.append(ParentItem(collection=prefix, param=last[1:-1]))
        prefix += "/" + last
    return out
