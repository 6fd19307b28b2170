"""Paging styles of other APIs: Stripe's `starting_after`/`has_more`, GitHub's
`Link` header, Twilio's `next_page_uri`, Slack's `response_metadata.next_cursor`,
offsets and page numbers. A small spec (`paging_styles.yaml`) has one operation
of each; its generated client pages through an in-process server (an
`httpx.MockTransport`) and must yield every item exactly once, sync and async."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.pipeline import read_api

from .generated_packages import generated_packages

SPEC = Path(__file__).with_name("paging_styles.yaml")
ITEMS = 7
SIZE = 3


def _slice(start: int) -> tuple[list[int], bool]:
    numbers = list(range(1, ITEMS + 1))[start : start + SIZE]
    return numbers, start + SIZE < ITEMS


def _answer(request: httpx.Request) -> httpx.Response:
    """One server for the six styles, with pages of SIZE of ITEMS items."""
    query = request.url.params
    path = request.url.path
    if path == "/v1/customers":  # Stripe
        after = query.get("starting_after")
        start = int(after.removeprefix("cus_")) if after else 0
        numbers, more = _slice(start)
        data = [{"id": f"cus_{n}", "email": f"{n}@x.test"} for n in numbers]
        return httpx.Response(200, json={"object": "list", "url": path, "has_more": more, "data": data})
    if path == "/repos/issues":  # GitHub
        page = int(query.get("page", "1"))
        numbers, more = _slice((page - 1) * SIZE)
        headers = {"Link": f'<http://pages.test/repos/issues?page={page + 1}&per_page={SIZE}>; rel="next", '
                           '<http://pages.test/repos/issues?page=1>; rel="first"'} if more else {}
        return httpx.Response(200, json=[{"number": n} for n in numbers], headers=headers)
    if path == "/2010-04-01/Messages.json":  # Twilio
        start = int(query.get("PageToken", "PA0").removeprefix("PA"))
        numbers, more = _slice(start)
        following = f"/2010-04-01/Messages.json?PageSize={SIZE}&Page=1&PageToken=PA{start + SIZE}" if more else None
        return httpx.Response(200, json={"messages": [{"sid": f"SM{n}"} for n in numbers], "next_page_uri": following, "page": 0})
    if path == "/conversations.list":  # Slack: cursors are base64, "=" and all
        cursor = query.get("cursor")
        start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
        numbers, more = _slice(start)
        following = base64.b64encode(f"offset:{start + SIZE}".encode()).decode() if more else ""
        return httpx.Response(200, json={"ok": True, "channels": [{"id": f"C{n}"} for n in numbers],
                                         "response_metadata": {"next_cursor": following}})
    if path == "/things":  # offset
        numbers, _ = _slice(int(query.get("offset", "0")))
        return httpx.Response(200, json=[{"n": n} for n in numbers])
    if path == "/widgets":  # page number
        numbers, _ = _slice((int(query.get("page", "1")) - 1) * SIZE)
        return httpx.Response(200, json={"total": ITEMS, "widgets": [{"n": n} for n in numbers]})
    return httpx.Response(404, json={"message": "no such path"})


EXPECTED = {
    "stripe": ("after_id", [f"cus_{n}" for n in range(1, ITEMS + 1)], lambda item: item.id),
    "github": ("link_header", list(range(1, ITEMS + 1)), lambda item: item.number),
    "twilio": ("next_page_url", [f"SM{n}" for n in range(1, ITEMS + 1)], lambda item: item.sid),
    "slack": ("cursor", [f"C{n}" for n in range(1, ITEMS + 1)], lambda item: item.id),
    "offsets": ("offset", list(range(1, ITEMS + 1)), lambda item: item.n),
    "pages": ("page_number", list(range(1, ITEMS + 1)), lambda item: item.n),
}


@pytest.fixture(scope="module")
def client_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_packages(tmp_path_factory.mktemp("paging")) as load:
        yield load("paging_styles", SPEC.read_text())


def test_the_ir_names_each_style() -> None:
    api = read_api(SPEC).api
    styles = {op.tags[0]: op.paging.style if op.paging else None for op in api.operations}
    assert styles == {tag: style for tag, (style, _, _) in EXPECTED.items()}


def _iter_method(resource: Any) -> Any:
    (name,) = [n for n in dir(resource) if n.endswith("_iter")]
    return getattr(resource, name)


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_sync_iteration_yields_every_item_once(client_module: ModuleType, tag: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _answer(request)

    _, expected, key = EXPECTED[tag]
    http = httpx.Client(transport=httpx.MockTransport(answer))
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        assert [key(item) for item in _iter_method(getattr(client, tag))()] == expected
        pages = list(_iter_method(getattr(client, tag))().pages())
    ends_with_empty_page = tag in ("offsets", "pages")
    assert len(pages) == -(-ITEMS // SIZE) + ends_with_empty_page
    assert [len(p.items) for p in pages][: -(-ITEMS // SIZE)] == [3, 3, 1]
    assert all(r.url.host == "pages.test" for r in sent)


@pytest.mark.parametrize("tag", sorted(EXPECTED))
def test_async_iteration_yields_every_item_once(client_module: ModuleType, tag: str) -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return _answer(request)

    _, expected, key = EXPECTED[tag]

    async def collect() -> list[Any]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        async with client_module.AsyncClient(http_client=http, base_url="http://pages.test") as client:
            return [key(item) async for item in _iter_method(getattr(client, tag))()]

    assert asyncio.run(collect()) == expected


def test_the_plain_method_still_returns_the_whole_answer(client_module: ModuleType) -> None:
    """Paging adds `_iter`; the method itself keeps returning the spec's answer (Stripe's list object)."""
    http = httpx.Client(transport=httpx.MockTransport(_answer))
    with client_module.Client(http_client=http, base_url="http://pages.test") as client:
        (name,) = [n for n in dir(client.stripe) if n.endswith("_iter")]
        first = getattr(client.stripe, name.removesuffix("_iter"))()
    assert first.has_more is True and [c.id for c in first.data] == ["cus_1", "cus_2", "cus_3"]
    assert json.loads(json.dumps(first.to_wire()))["object"] == "list"
