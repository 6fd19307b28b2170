"""Find what an operation's responses mean beyond their schema, once, for the
client, the stub and the diff alike.

- Success: the answer a call returns is the first 2xx with a body, typed or
  raw (`Operation.success`).
- Envelope: Dixa wraps payloads as `{"data": ...}` (lists add `"meta"`); the
  client returns what is inside `data` (`Response.payload`).
- Paging (of GET and POST operations without a multipart body: a search or
  an export sends its query again for every page): v1/beta list
  operations take `pageKey` and answer with `meta.next`
  (a link whose `pageKey` is the next cursor); the Integrations API answers
  with `paging.next_page`. Other APIs' common styles are recognised from the
  parameters and the answer's shape, first match wins:
  - `after_id` (Stripe): a `starting_after` (or `after`) parameter, `has_more`
    and a `data` list of items with an `id`;
  - `cursor` (Slack, Google): a cursor parameter (`cursor`, `page_token`,
    `pageToken`) and the next cursor in the answer (`response_metadata.next_cursor`,
    `next_cursor`, `nextPageToken`, ...);
  - `next_page_url` (Twilio, Azure): the next page's URL in the answer
    (`next_page_uri`, `meta.next_page_url`, `nextLink`, ...);
  - `link_header` (GitHub): a declared `Link` response header;
  - `offset`: an integer `offset` parameter (the items so far); an `offset`
    of another type is a cursor the answer hands back (Asana's
    `next_page.offset`), the `cursor` style, and no paging where the answer
    has none; `page_number`: an integer `page` parameter.
  The items are the answer itself when it is a list, else its one list field.
"""

from __future__ import annotations

from ..model import Api, ArrayType, ObjectType, Operation, Paging, Primitive, Type
from ..media import is_multipart, is_success, raw_kind

ENVELOPE_KEYS = {"data", "meta", "paging"}


def run(api: Api) -> None:
    for operation in api.operations:
        for response in operation.responses:
            if response.type is not None and is_success(response.status):
                obj = _object(api, response.type)
                names = {p.wire_name for p in obj.properties} if obj else set()
                if "data" in names and names <= ENVELOPE_KEYS:
                    response.envelope = "data"
        success = next(
            (
                r
                for r in operation.responses
                if is_success(r.status) and (r.type is not None or r.item_type is not None or raw_kind(r.content_type) is not None)
            ),
            None,
        )
        operation.success_status = success.status if success is not None else None
        operation.paging = _paging(api, operation)


def payloads(api: Api) -> None:
    """`Response.payload`: what is inside the envelope, or the answer's type
    when it has none. A pass of its own, after `hoist` has given inline types
    their names, so that the payload is the type the models define."""
    for operation in api.operations:
        for response in operation.responses:
            obj = _object(api, response.type) if response.envelope else None
            inner = next((p.type for p in obj.properties if p.wire_name == response.envelope), None) if obj else None
            response.payload = inner if inner is not None else response.type


def _object(api: Api, type_: Type | None) -> ObjectType | None:
    resolved = api.resolve(type_) if type_ is not None else None
    return resolved if isinstance(resolved, ObjectType) else None


def _paging(api: Api, operation: Operation) -> Paging | None:
    if operation.method not in ("GET", "POST"):
        return None
    if operation.body is not None and is_multipart(operation.body.content_type):
        return None  # a form of files is not sent again page after page
    success = operation.success
    obj = _object(api, success.type if success else None)
    props = {p.wire_name: p for p in obj.properties} if obj is not None else {}
    items = props.get("data")
    if obj is None or items is None or not isinstance(api.resolve(items.type), ArrayType):
        return _other_paging(api, operation)
    query = {p.name for p in operation.parameters if p.location == "query"}
    for container, cursor in (("meta", "next"), ("paging", "next_page"), ("paging", "next")):
        if container in props and _has(api, props[container].type, cursor):
            if "pageKey" in query:
                return Paging(style="page_key", cursor_parameter="pageKey", next_path=[container, cursor], items_path=["data"])
            for candidate in ("page_key", "cursor", "page"):
                if candidate in query:
                    return Paging(style="page_key", cursor_parameter=candidate, next_path=[container, cursor], items_path=["data"])
            return Paging(style="next_page_url", cursor_parameter="", next_path=[container, cursor], items_path=["data"])
    return _other_paging(api, operation)


_AFTER_ID = ("starting_after", "after")
_CURSOR_PARAMETERS = ("cursor", "page_token", "pageToken", "next_token", "continuation_token")
_NEXT_CURSORS = (
    ("response_metadata", "next_cursor"),
    ("next_cursor",),
    ("nextCursor",),
    ("next_page_token",),
    ("nextPageToken",),
    ("meta", "next_cursor"),
)
# Where an answer hands back an `offset` that is not a count (Asana's `next_page.offset`).
_NEXT_OFFSETS = (("next_page", "offset"), ("next_offset",), ("meta", "next_offset"), ("offset",))
_NEXT_URLS = (
    ("next_page_uri",),
    ("next_page_url",),
    ("nextPageUrl",),
    ("nextLink",),
    ("@odata.nextLink",),
    ("meta", "next_page_url"),
    ("links", "next"),
)


def _other_paging(api: Api, operation: Operation) -> Paging | None:
    """The common styles of other APIs (see the module's docstring)."""
    success = operation.success
    if success is None:
        return None
    query = {p.name: p for p in operation.parameters if p.location == "query"}
    answer = api.resolve(success.type) if success.type is not None else None
    obj = answer if isinstance(answer, ObjectType) else None
    items_path: list[str] | None = [] if isinstance(answer, ArrayType) else None
    if obj is not None:
        lists = [p.wire_name for p in obj.properties if isinstance(api.resolve(p.type), ArrayType)]
        items_path = ["data"] if "data" in lists else lists if len(lists) == 1 else None
    if items_path is None:
        return None
    if obj is not None and items_path == ["data"] and _path_of(api, obj, ["has_more"], boolean=True):
        parameter = next((name for name in _AFTER_ID if name in query), None)
        items = api.resolve(next(p.type for p in obj.properties if p.wire_name == "data"))
        assert isinstance(items, ArrayType)
        if parameter and _has(api, items.items, "id"):
            return Paging(
                style="after_id", cursor_parameter=parameter, next_path=[], items_path=["data"],
                has_more_path=["has_more"], item_id="id",
            )
    cursor = next((name for name in _CURSOR_PARAMETERS if name in query), None)
    if obj is not None and cursor:
        for path in _NEXT_CURSORS:
            if _path_of(api, obj, list(path)):
                return Paging(style="cursor", cursor_parameter=cursor, next_path=list(path), items_path=items_path)
    if obj is not None:
        for path in _NEXT_URLS:
            if _path_of(api, obj, list(path)):
                return Paging(style="next_page_url", cursor_parameter="", next_path=list(path), items_path=items_path)
    if any(is_success(r.status) and "link" in (h.lower() for h in r.headers) for r in operation.responses):
        return Paging(style="link_header", cursor_parameter="", next_path=[], items_path=items_path)
    if "offset" in query and _integer(api, query["offset"].type):
        return Paging(style="offset", cursor_parameter="offset", next_path=[], items_path=items_path)
    if "offset" in query and obj is not None:
        for path in _NEXT_OFFSETS:
            if _path_of(api, obj, list(path)):
                return Paging(style="cursor", cursor_parameter="offset", next_path=list(path), items_path=items_path)
    if "page" in query and _integer(api, query["page"].type):
        return Paging(style="page_number", cursor_parameter="page", next_path=[], items_path=items_path)
    return None


def _integer(api: Api, type_: Type) -> bool:
    resolved = api.resolve(type_)
    return isinstance(resolved, Primitive) and resolved.name == "integer"


def _path_of(api: Api, obj: ObjectType, path: list[str], *, boolean: bool = False) -> bool:
    """Whether `obj` has the field at `path` (a string one, or a boolean one)."""
    node: ObjectType | None = obj
    for index, key in enumerate(path):
        prop = next((p for p in node.properties if p.wire_name == key), None) if node is not None else None
        if prop is None:
            return False
        resolved = api.resolve(prop.type)
        if index == len(path) - 1:
            wanted = "boolean" if boolean else "string"
            return isinstance(resolved, Primitive) and resolved.name == wanted
        node = resolved if isinstance(resolved, ObjectType) else None
    return False


def _has(api: Api, type_: Type, name: str) -> bool:
    obj = _object(api, type_)
    return obj is not None and any(p.wire_name == name for p in obj.properties)
