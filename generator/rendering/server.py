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
import re
from dataclasses import dataclass
from typing import Any

from ..ir.model import Api, ArrayType, MapType, ObjectType, Operation, Type, UnionType
from .code import Assign, display
from ..ir.media import is_json_media, is_success
from .pytypes import Annotator, literal
from .common import ENV, header

# The spec as the wire speaks it (`generator.wire`), beside the table: what the stub validates with.
WIRE_DOCUMENT = "server_openapi.json"
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
    types = sorted(_named_types(operations))
    context = dict(header=header(api.source), api=api, runtime=runtime, package=prefix.replace("/", "."))
    files = {
        f"{prefix}/server_operations.py": ENV.get_template("server/server_operations.py.jinja").render(
            types=Assign("TYPES: dict[str, Any]", display("{", [f"{literal(t)}: {t}" for t in types], exploded=True)),
            imports=_imports(annotator.needs, runtime),
            **context,
        ),
        f"{prefix}/server_operations.json": _table_json(operations),
        f"{prefix}/server.py": ENV.get_template("server/server.py.jinja").render(**context),
    }
    if api.wire_document is not None:
        files[f"{prefix}/{WIRE_DOCUMENT}"] = _escaped(json.dumps(api.wire_document, ensure_ascii=False, indent=1, default=str)) + "\n"
    return files


def _operation(api: Api, annotator: Annotator, op: Operation, collections: dict[str, _Collection]) -> dict[str, Any]:
    """One entry of the table, as the fields of `stub_table.Operation`; fields
    at their default are left out, and types are named by their annotation."""
    entry: dict[str, Any] = dict(operation_id=op.operation_id, summary=op.summary or "", method=op.method, path=op.path)
    params = []
    for param in op.parameters:
        resolved = api.resolve(param.type)
        array = isinstance(resolved, ArrayType)
        type_ = annotator.annotation(resolved.items if isinstance(resolved, ArrayType) else param.type)
        entry_param = _without_defaults(
            name=param.name,
            location=param.location,
            type=type_,
            required=param.required,
            array=array,
            object=isinstance(resolved, (ObjectType, MapType)),
            style="json" if param.content_type and is_json_media(param.content_type) else param.style,
            schema=(param.schema_pointer or None) if api.wire_document is not None else None,
        )
        if param.explode is not None:  # false is not a default here: OpenAPI's depends on the style
            entry_param["explode"] = param.explode
        params.append(entry_param)
    if params:
        entry["params"] = params
    if op.body is not None:
        entry["body"] = _without_defaults(
            type=annotator.annotation(op.body.type),
            content_type=op.body.content_type,
            # The other JSON media types the spec documents for the body (`text/json`, ...).
            also=tuple(
                b.content_type
                for b in op.bodies
                if b is not op.body and is_json_media(op.body.content_type) and "json" in b.content_type.lower()
            )
            or None,
            required=op.body.required,
            schema=(op.body.schema_pointer or None) if api.wire_document is not None else None,
        )
    replies = []
    for response in op.responses:
        reply = _without_defaults(
            status=response.status,
            type=annotator.annotation(response.type) if response.type is not None else None,
            content_type=response.content_type,
            envelope=response.envelope,
            schema=(response.schema_pointer or None) if api.wire_document is not None else None,
        )
        examples = {name: value for name, value in response.examples.items() if name not in response.off_schema}
        if examples:
            reply["examples"] = {name: _Compact.of(value) for name, value in examples.items()}
        replies.append(reply)
    if replies:
        entry["replies"] = replies
    security = _security(api, op)
    if security:
        entry["security"] = security
    paging = _paging(op)
    if paging is not None:
        entry["paging"] = paging
    resource = _resource(api, op, collections)
    if resource is not None:
        entry["resource"] = resource
    parents = [dict(collection=c, param=p) for c, p in _parents(op, collections)]
    if parents:
        entry["parents"] = parents
    return entry


def _without_defaults(**fields: Any) -> dict[str, Any]:
    """The fields that differ from the table's defaults (False, None)."""
    return {key: value for key, value in fields.items() if value is not None and value is not False}


def _named_types(operations: list[dict[str, Any]]) -> set[str]:
    """Every annotation the table names (as `type` or a resource's `item`)."""
    found: set[str] = set()
    for entry in operations:
        for part in [*entry.get("params", []), entry.get("body") or {}, *entry.get("replies", [])]:
            if "type" in part:
                found.add(part["type"])
        if "resource" in entry:
            found.add(entry["resource"]["item"])
    return found


@dataclass(frozen=True)
class _Compact:
    """An example payload, as the JSON text written on one line of the table."""

    text: str

    @classmethod
    def of(cls, value: Any) -> _Compact:
        return cls(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _table_json(operations: list[dict[str, Any]]) -> str:
    """The table as JSON laid out for reading: what fits on a line of 100
    characters is written on one, the rest one item per line; an example is
    always one line."""

    def one_line(value: Any, budget: int) -> str | None:
        """`value` on one line, or None when that is longer than `budget` (known
        as soon as the budget is spent: a large value is not written out in full
        at every level it is tried at)."""
        if budget < 1:
            return None
        if isinstance(value, _Compact):
            text = value.text
        elif isinstance(value, (dict, list)):
            pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            parts: list[str] = []
            used = 2
            for key, item in pairs:
                head = "" if key is None else json.dumps(key, ensure_ascii=False) + ": "
                inner = one_line(item, budget - used - len(head))
                if inner is None:
                    return None
                parts.append(head + inner)
                used += len(head) + len(inner) + 2
                if used > budget + 2:
                    return None
            text = ("{%s}" if isinstance(value, dict) else "[%s]") % ", ".join(parts)
        else:
            text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= budget else None

    def dump(value: Any, indent: str, lead: str) -> str:
        if isinstance(value, _Compact):
            return value.text
        if not isinstance(value, (dict, list)) or not value:
            return json.dumps(value, ensure_ascii=False)
        flat = one_line(value, 100 - len(indent) - len(lead))
        if flat is not None:
            return flat
        inner = indent + "  "
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                head = f"{json.dumps(key, ensure_ascii=False)}: "
                items.append(inner + head + dump(item, inner, head))
            return "{\n" + ",\n".join(items) + "\n" + indent + "}"
        return "[\n" + ",\n".join(inner + dump(item, inner, "") for item in value) + "\n" + indent + "]"

    return _escaped(dump({"operations": operations}, "", "") + "\n")


def _escaped(text: str) -> str:
    """A lone surrogate (a JSON spec may escape one) written as its escape: UTF-8 cannot hold it."""
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _security(api: Api, op: Operation) -> list[list[list[str]]]:
    """What a request must carry, as alternatives of `[location, name]`s that must
    all be present: a header, a query parameter or a cookie (HTTP and OAuth
    schemes send `Authorization`). Empty when any alternative asks for nothing
    (`[{}]`), or for a scheme the stub cannot check (mutual TLS, an undeclared one)."""
    requirements = op.security if op.security is not None else api.security
    schemes = {scheme.name: scheme for scheme in api.security_schemes}
    alternatives: list[list[list[str]]] = []
    for requirement in requirements or []:
        needed: list[list[str]] = []
        for name in requirement:
            scheme = schemes.get(name)
            if scheme is None:
                return []
            if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie") and scheme.parameter_name:
                needed.append([scheme.location, scheme.parameter_name])
            elif scheme.type in ("http", "oauth2", "openIdConnect"):
                needed.append(["header", "Authorization"])
            else:
                return []
        if not needed:
            return []
        unique = [list(pair) for pair in dict.fromkeys(tuple(pair) for pair in needed)]
        if unique not in alternatives:
            alternatives.append(unique)
    return alternatives


def _paging(op: Operation) -> dict[str, Any] | None:
    # The stub pages with a cursor or next link in the answer's body (Dixa's styles).
    if op.paging is None or op.paging.style not in ("page_key", "next_page_url") or op.paging.items_path != ["data"]:
        return None
    query = [p.name for p in op.parameters if p.location == "query"]
    limit = next((name for name in PAGE_SIZE_PARAMETERS if name in query), None)
    return dict(
        cursor=op.paging.cursor_parameter or "pageKey",
        limit=limit,
        next_path=op.paging.next_path,
        items_path=op.paging.items_path,
    )


# -- stateful mode -------------------------------------------------------------------


def _collections(api: Api, annotator: Annotator) -> dict[str, _Collection]:
    """Collection paths where a POST creates items: its answer's `data` is an
    object with an `id` the body does not carry, and the path is listed or has
    item routes below it."""
    paths = {(op.method, op.path) for op in api.operations}
    with_items = {_item_of(path) for _, path in paths}  # once, not once per POST
    found: dict[str, _Collection] = {}
    for op in api.operations:
        if op.method != "POST" or op.body is None:
            continue
        if _carries_id(api, op.body.type):
            continue
        item = _created_item(api, op)
        has_items = op.path in with_items
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
        if is_success(response.status) and response.envelope and response.payload is not None:
            item = api.resolve(response.payload)
            if isinstance(item, ObjectType) and any(p.wire_name == "id" for p in item.properties):
                return response.payload
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
    return _without_defaults(
        role=role, collection=collection.path, item=collection.item, id_property=collection.id_property, id_param=id_param
    )


def _lists(api: Api, op: Operation) -> bool:
    """The answer's envelope holds an array of items."""
    for response in op.responses:
        if is_success(response.status) and response.envelope and response.payload is not None:
            return isinstance(api.resolve(response.payload), ArrayType)
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
    """The imports `TYPES` needs, standard library first."""
    lines = []
    if "date" in needs:
        lines.append("from datetime import date")
    lines.append("from typing import Any, Literal" if "Literal" in needs else "from typing import Any")
    if "UUID" in needs:
        lines.append("from uuid import UUID")
    lines.append("")
    if "DateTime" in needs:
        lines.append(f"from {runtime}.models import DateTime")
    return lines
