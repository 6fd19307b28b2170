"""The stub server's operation table: one `Operation` per operation of the spec.

The table is plain data rendered from the IR, so that the server itself
(`stub/app.py` in this runtime) is written once for every spec. Each generated
`server_operations` module ships it as JSON beside itself and loads it with
`load_operations`: data, not code, is what a large spec has most of, and JSON
loads faster than Python compiles. Types are named in the JSON by their
annotation and looked up in the module's `TYPES` (generated models or
builtins, validated with pydantic when a request comes in) the first time a
field naming one is read: loading the table, and building the app from it,
imports no model, so a program pays for the models of the operations it calls
(`LazyTypes`). Examples are kept
as the JSON text that is sent, so answering with an example costs no encoding.
Importing this module needs no FastAPI: a list's paging is the runtime's
`paging.Paging`, the one the client follows pages with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Literal, Mapping, Sequence, TypeVar

from ..models import LazyTypes
from ..paging import Paging

__all__ = [
    "EFFECTS_FILE",
    "Body",
    "LazyTypes",
    "Operation",
    "Paging",
    "Param",
    "Parent",
    "Reply",
    "Resource",
    "StatefulEntry",
    "Streamed",
    "is_json",
    "load_operations",
    "stateful_table",
    "load_webhook_table",
]

# The table of stateful effects an API may ship beside its operation table (`stub/effects.py`).
EFFECTS_FILE = "server_effects.json"
# `querystring` (OpenAPI 3.2): the whole query string is the one value of the parameter.
Location = Literal["path", "query", "querystring", "header", "cookie"]
Role = Literal["create", "list", "read", "replace", "update", "delete"]
IdKind = Literal["integer", "uuid", "string", "synth"]
_Class = TypeVar("_Class", bound=type)


class _Named:
    """A type of the table not looked up yet: `types[name]` when first read."""

    __slots__ = ("name", "types")

    def __init__(self, name: str, types: Mapping[str, Any]) -> None:
        self.name = name
        self.types = types

    def __repr__(self) -> str:
        return self.name


class _TypeField:
    """A dataclass field that holds a type and may be given a `_Named` one: it is
    looked up the first time the field is read, then kept. (A data descriptor
    set on the class after `dataclass` made it: the frozen `__init__` stores
    through it, and reads come here before the instance's `__dict__`.)"""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name]
        if isinstance(value, _Named):
            value = instance.__dict__[self.name] = value.types[value.name]
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.name] = value


def _types_on_first_read(*names: str) -> Callable[[_Class], _Class]:
    def install(cls: _Class) -> _Class:
        for name in names:
            setattr(cls, name, _TypeField(name))
        return cls

    return install


@_types_on_first_read("type")
@dataclass(frozen=True)
class Param:
    """A parameter by its wire name. `array` and `object` parameters are written
    as `style` and `explode` say (None: the spec leaves OpenAPI's default); for
    an array, `type` is its items' type. `schema` points at its schema in the
    wire document (`wire.py`), where it has one."""

    name: str
    location: Location
    type: Any
    required: bool = False
    array: bool = False
    object: bool = False
    style: str | None = None
    explode: bool | None = None
    schema: str | None = None

    @property
    def styled(self) -> tuple[str, bool]:
        """`style` and `explode` with OpenAPI's defaults filled in."""
        form = self.location in ("query", "querystring", "cookie")
        style = self.style or ("form" if form else "simple")
        return style, self.explode if self.explode is not None else style == "form"


@_types_on_first_read("type")
@dataclass(frozen=True)
class Body:
    """The request body; `also` lists other JSON media types it may come in."""

    type: Any
    content_type: str
    required: bool = False
    schema: str | None = None
    also: tuple[str, ...] = ()


@_types_on_first_read("item")
@dataclass(frozen=True)
class Streamed:
    """A response that is a sequence of items (`stub/streams.py`): how they are
    framed (`sse`, `lines`, `json-seq`, `multipart`), each one's type, whether an item is
    its text (`text`) rather than JSON, and the `event` name an event stream's
    schema gives its events (None: none, or several)."""

    framing: Literal["sse", "lines", "json-seq", "multipart"]
    item: Any
    text: bool = False
    event: str | None = None


@_types_on_first_read("type")
@dataclass(frozen=True)
class Reply:
    """A documented response: `type` is the whole body (envelope included),
    `examples` maps example names to their JSON text, `schema` points at the
    body's schema in the wire document. A streamed response (`stream`) has
    examples that are lists of records: for an event stream, events
    (`{"data": text, "event", "id", "retry"}`), else each item's text."""

    status: str
    type: Any = None
    content_type: str | None = None
    envelope: str | None = None
    examples: Mapping[str, str] = field(default_factory=dict)
    schema: str | None = None
    stream: Streamed | None = None


@dataclass(frozen=True)
class Parent:
    """An item the path goes through (`/conversations/{conversationId}/...`):
    in stateful mode it must exist."""

    collection: str
    param: str


@_types_on_first_read("item")
@dataclass(frozen=True)
class Resource:
    """What the operation does to a collection in stateful mode. `collection`
    is the collection's path template, `item` the type of its items,
    `id_property` the field that identifies one and `id_kind` how a new id is
    made (`integer`: 1, 2, ...; `uuid`; `string`: "1", "2", ...; `synth`: made
    from the field's type), `id_param` the path parameter naming one item.
    `creates`: a replace that stores the item when there is none (a PUT that
    creates); `body_envelope`: the request body's property that holds the item;
    `items_path`: where a list answer holds the items (empty: it is the list)."""

    role: Role
    collection: str
    item: Any
    id_property: str = "id"
    id_kind: IdKind = "string"
    id_param: str | None = None
    creates: bool = False
    body_envelope: str | None = None
    items_path: tuple[str, ...] | None = None

    def __str__(self) -> str:
        """`create in /pets`, `replace (creates) in /pets by petId`: how the start-up report shows it."""
        text = (
            f"{self.role}{' (creates when missing)' if self.creates else ''} in {self.collection}"
        )
        return text + (f" by {self.id_param}" if self.id_param else "")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    summary: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    replies: tuple[Reply, ...] = ()
    # What a request must carry: alternatives of (location, name) pairs that must all be
    # present (`("header", "Authorization")`, `("query", "api_key")`); none: open to all.
    security: tuple[tuple[tuple[str, str], ...], ...] = ()
    paging: Paging | None = None
    resource: Resource | None = None
    parents: tuple[Parent, ...] = ()
    # What the operation does in stateful mode when the API ships a table of
    # effects (`server_effects.json`, see `stub/effects.py`): it takes the
    # place of `resource`.
    effects: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StatefulEntry:
    """What one operation does in stateful mode: `kind` is `collection` (it
    creates, lists, reads, replaces, updates or deletes items of a collection:
    `resource` says which), `effects` (the API's table of effects says what it
    does) or `canned` (it touches no stored item: it answers its documented
    example or a value made from its schema, as the plain stub does)."""

    operation_id: str
    method: str
    path: str
    kind: Literal["collection", "effects", "canned"]
    resource: Resource | None = None

    def __str__(self) -> str:
        how = str(self.resource) if self.resource is not None else self.kind
        return f"{self.method} {self.path} ({self.operation_id}): {how}"


def stateful_table(operations: Sequence[Operation]) -> tuple[StatefulEntry, ...]:
    """What each operation does in stateful mode, in the table's order."""
    entries = []
    for op in operations:
        kind: Literal["collection", "effects", "canned"] = (
            "effects"
            if op.effects is not None
            else "collection" if op.resource is not None else "canned"
        )
        resource = op.resource if kind == "collection" else None
        entries.append(StatefulEntry(op.operation_id, op.method, op.path, kind, resource))
    return tuple(entries)


def load_operations(module: str, types: Mapping[str, Any]) -> tuple[Operation, ...]:
    """The table of the generated module `module` (`<module>.json` beside it),
    its type names resolved through `types` when a field naming one is first read."""
    package, _, name = module.rpartition(".")
    folder = resources.files(package)
    text = folder.joinpath(f"{name}.json").read_text(encoding="utf-8")
    effects_file = folder.joinpath(EFFECTS_FILE)
    effects: dict[str, Any] = (
        json.loads(effects_file.read_text(encoding="utf-8"))["operations"]
        if effects_file.is_file()
        else {}
    )
    return tuple(
        _operation({**entry, "effects": effects.get(entry["operation_id"])}, types)
        for entry in json.loads(text)["operations"]
    )


def _operation(entry: dict[str, Any], types: Mapping[str, Any]) -> Operation:
    def type_of(part: dict[str, Any], key: str = "type") -> dict[str, Any]:
        name = part.get(key)
        if name is None:
            return part
        if name not in types:  # a table naming a type its module lacks fails when loaded
            raise KeyError(f"{entry['operation_id']}: no type {name!r} in the table's types")
        return {**part, key: _Named(name, types)}

    body = entry.get("body")
    paging = entry.get("paging")
    resource = entry.get("resource")
    return Operation(
        **{
            **entry,
            "params": tuple(Param(**type_of(param)) for param in entry.get("params", ())),
            "body": (
                Body(**{**type_of(body), "also": tuple(body.get("also", ()))}) if body else None
            ),
            "replies": tuple(
                Reply(
                    **{
                        **type_of(reply),
                        "examples": {
                            example: _example_text(value, reply.get("content_type"))
                            for example, value in reply.get("examples", {}).items()
                        },
                        "stream": (
                            Streamed(**type_of(reply["stream"], "item"))
                            if reply.get("stream")
                            else None
                        ),
                    }
                )
                for reply in entry.get("replies", ())
            ),
            # The stub answers a page with a link to the next one that carries the
            # cursor in its query, which is what the `page_key` style reads.
            "paging": (
                Paging(
                    "page_key",
                    paging["cursor"],
                    tuple(paging["next_path"]),
                    tuple(paging["items_path"]),
                    limit_parameter=paging["limit"],
                )
                if paging
                else None
            ),
            "resource": (
                Resource(
                    **{
                        **type_of(resource, "item"),
                        "items_path": (
                            tuple(resource["items_path"]) if "items_path" in resource else None
                        ),
                    }
                )
                if resource
                else None
            ),
            "parents": tuple(Parent(**parent) for parent in entry.get("parents", ())),
            "security": tuple(
                tuple((where, name) for where, name in alternative)
                for alternative in entry.get("security", ())
            ),
        }
    )


def load_webhook_table(package: str) -> Mapping[str, Any] | None:
    """The `webhooks` section of the table of effects of the generated API
    package `package` (how its stub sends webhook events, `stub/events.py`),
    or None when it ships none."""
    effects_file = resources.files(package).joinpath(EFFECTS_FILE)
    if not effects_file.is_file():
        return None
    section = json.loads(effects_file.read_text(encoding="utf-8")).get("webhooks")
    return section if isinstance(section, dict) else None


def is_json(media: str) -> bool:
    """`application/json` or a `+json` type (parameters such as `charset` aside)."""
    bare = media.split(";")[0].strip().lower()
    return bare == "application/json" or bare.endswith("+json")


def _example_text(value: Any, content_type: str | None) -> str:
    """What answering with an example sends: JSON text, or a text example of
    another media type (`text/plain`, XML) as it is."""
    if isinstance(value, str) and content_type and not is_json(content_type):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
