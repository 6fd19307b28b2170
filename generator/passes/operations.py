"""Find what an operation's responses mean beyond their schema.

- Envelope: Dixa wraps payloads as `{"data": ...}` (lists add `"meta"`); the
  client returns what is inside `data`.
- Paging: v1/beta list operations take `pageKey` and answer with `meta.next`
  (a link whose `pageKey` is the next cursor); the Integrations API answers
  with `paging.next_page`.
"""

from __future__ import annotations

from ..ir import Api, ArrayType, ObjectType, Operation, Paging, Type

ENVELOPE_KEYS = {"data", "meta", "paging"}


def run(api: Api) -> None:
    for operation in api.operations:
        for response in operation.responses:
            if response.type is not None and response.status.startswith("2"):
                obj = _object(api, response.type)
                names = {p.wire_name for p in obj.properties} if obj else set()
                if "data" in names and names <= ENVELOPE_KEYS:
                    response.envelope = "data"
        operation.paging = _paging(api, operation)


def _object(api: Api, type_: Type | None) -> ObjectType | None:
    resolved = api.resolve(type_) if type_ is not None else None
    return resolved if isinstance(resolved, ObjectType) else None


def _paging(api: Api, operation: Operation) -> Paging | None:
    if operation.method != "GET":
        return None
    success = next((r for r in operation.responses if r.status.startswith("2") and r.type is not None), None)
    obj = _object(api, success.type if success else None)
    if obj is None:
        return None
    props = {p.wire_name: p for p in obj.properties}
    items = props.get("data")
    if items is None or not isinstance(api.resolve(items.type), ArrayType):
        return None
    query = {p.name for p in operation.parameters if p.location == "query"}
    for container, cursor in (("meta", "next"), ("paging", "next_page"), ("paging", "next")):
        if container in props and _has(api, props[container].type, cursor):
            if "pageKey" in query:
                return Paging(style="page_key", cursor_parameter="pageKey", next_path=[container, cursor], items_path=["data"])
            for candidate in ("page_key", "cursor", "page"):
                if candidate in query:
                    return Paging(style="page_key", cursor_parameter=candidate, next_path=[container, cursor], items_path=["data"])
            return Paging(style="next_page_url", cursor_parameter="", next_path=[container, cursor], items_path=["data"])
    return None


def _has(api: Api, type_: Type, name: str) -> bool:
    obj = _object(api, type_)
    return obj is not None and any(p.wire_name == name for p in obj.properties)
