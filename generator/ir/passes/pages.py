"""What a paged operation's pages hold, once for the client and the stub
(the operations pass found the paging style; this one reads the answer).

- `items`: the list type at the paging's `items_path` in the JSON answer; where
  there is none (a raw answer, a path that leads to no list), the operation is
  not paged by the client.
- `served`: the stub pages the operation itself: a cursor or a next link in
  the body (Dixa's styles), the items in `data`, of a GET (a POST search
  answers as its examples say); `size_parameter` is the query
  parameter that sets a page's size, first of `SIZE_PARAMETERS` the operation takes.
"""

from __future__ import annotations

from ..model import Api, ArrayType, ObjectType, Operation, Type

SIZE_PARAMETERS = ("pageLimit", "limit", "page_limit", "pageSize", "per_page")


def run(api: Api) -> None:
    for operation in api.operations:
        paging = operation.paging
        if paging is None:
            continue
        success = operation.success
        answer = success.type if success is not None and operation.answer_kind is None else None
        paging.items = _items(api, operation, answer)
        paging.served = (
            operation.method == "GET"
            and paging.style in ("page_key", "next_page_url")
            and paging.items_path == ["data"]
        )
        query = [p.name for p in operation.parameters if p.location == "query"]
        paging.size_parameter = next((name for name in SIZE_PARAMETERS if name in query), "")


def _items(api: Api, op: Operation, answer: Type | None) -> ArrayType | None:
    """The list type at the paging's `items_path` in `answer`."""
    if op.paging is None or answer is None:
        return None
    node: Type | None = answer
    for key in op.paging.items_path:
        resolved = api.resolve(node) if node is not None else None
        if not isinstance(resolved, ObjectType):
            return None
        node = next((p.type for p in resolved.properties if p.wire_name == key), None)
    resolved = api.resolve(node) if node is not None else None
    return resolved if isinstance(resolved, ArrayType) else None
