"""The stub server's operation table: what each generated `server_operations`
module declares, one `Operation` per operation of the spec.

Plain data, rendered from the IR, so that the server itself (`server.py` in
this runtime) is written once for every spec. Types are the generated models
(or builtins), validated with pydantic when a request comes in; examples are
kept as the JSON text that is sent, so answering with an example costs no
encoding. Importing this module needs nothing beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

__all__ = ["Body", "Operation", "Paging", "Param", "Parent", "Reply", "Resource"]

Location = Literal["path", "query", "header", "cookie"]
Role = Literal["create", "list", "read", "replace", "update", "delete"]


@dataclass(frozen=True)
class Param:
    """A parameter by its wire name; `array` parameters repeat (`?a=1&a=2`)."""

    name: str
    location: Location
    type: Any
    required: bool = False
    array: bool = False


@dataclass(frozen=True)
class Body:
    type: Any
    content_type: str
    required: bool = False


@dataclass(frozen=True)
class Reply:
    """A documented response: `type` is the whole body (envelope included),
    `examples` maps example names to their JSON text."""

    status: str
    type: Any = None
    content_type: str | None = None
    envelope: str | None = None
    examples: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Paging:
    """How a list pages: the query parameters taking the cursor and the page
    size, and where the next-page link and the items go in the body."""

    cursor: str
    limit: str | None
    next_path: tuple[str, ...]
    items_path: tuple[str, ...]


@dataclass(frozen=True)
class Parent:
    """An item the path goes through (`/conversations/{conversationId}/...`):
    in stateful mode it must exist."""

    collection: str
    param: str


@dataclass(frozen=True)
class Resource:
    """What the operation does to a collection in stateful mode. `collection`
    is the collection's path template, `item` the type of its items, `id_param`
    the path parameter naming one item."""

    role: Role
    collection: str
    item: Any
    id_property: str = "id"
    id_param: str | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    replies: tuple[Reply, ...] = ()
    secured: bool = False
    paging: Paging | None = None
    resource: Resource | None = None
    parents: tuple[Parent, ...] = ()
