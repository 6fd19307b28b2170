"""The stub of an OpenAPI 3.2 document (tests/cases/openapi32), in-process:
it routes `QUERY` and the custom methods of `additionalOperations`, and checks
a `querystring` parameter as it checks any other (a bad one is a 400).
Both through the generated client and through raw requests.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Iterator

import httpx2
import pytest

from .generated_packages import generated_packages

SPEC = Path(__file__).resolve().parent / "cases" / "openapi32" / "spec.yaml"


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with generated_packages(tmp_path_factory.mktemp("openapi32")) as load:
        load("streams32", SPEC.read_text())
        yield importlib.import_module("streams32")


@pytest.fixture
def stub(streams: Any) -> Any:
    return importlib.import_module("streams32.testing").create_stub(stateful=False)


@pytest.fixture
def raw(streams: Any, stub: Any) -> Iterator[httpx2.Client]:
    testing = importlib.import_module("streams32.testing")
    with httpx2.Client(transport=testing.SyncASGITransport(stub), base_url=testing.BASE_URL) as http:
        yield http


def test_query_and_custom_methods_through_the_client(streams: Any, stub: Any) -> None:
    testing = importlib.import_module("streams32.testing")
    seen: list[tuple[str, Any]] = []
    stub.override("searchTicks", lambda call: seen.append((call.request.method, call.body.symbol)) or [{"seq": 3, "price": 1.0}])
    with testing.client(stub) as client:
        found = client.feed.search_ticks({"symbol": "X"})
        assert [(t.seq, t.price) for t in found] == [(3, 1.0)]
        assert client.feed.admin.purge_ticks() is None
    assert seen == [("QUERY", "X")]


def test_query_and_custom_methods_raw(raw: httpx2.Client) -> None:
    answer = raw.request("QUERY", "/search", json={"symbol": "X", "limit": 2})
    assert answer.status_code == 200 and isinstance(answer.json(), list)
    # The body of a QUERY is validated as any body is.
    bad = raw.request("QUERY", "/search", json={"limit": "many"})
    assert bad.status_code == 400 and "body" in bad.json()["message"]
    assert raw.request("PURGE", "/search").status_code == 204
    # The path's own methods, and nothing else: a custom method is not a path's because another has it.
    refused = raw.get("/search")
    assert refused.status_code == 405 and refused.headers["allow"] == "QUERY, PURGE"
    elsewhere = raw.request("PURGE", "/ticks")
    assert elsewhere.status_code == 405 and elsewhere.headers["allow"] == "GET, HEAD"
    assert raw.request("QUERY", "/ticks").status_code == 405


@pytest.mark.parametrize(
    "query, problem",
    [
        ("limit=many", "querystring parameter filter (Input should be a valid integer"),
        ("limit=1.5", "querystring parameter filter (Input should be a valid integer"),
        ("symbol=A&symbol=B", "querystring parameter filter"),
    ],
)
def test_a_bad_querystring_is_a_400(raw: httpx2.Client, query: str, problem: str) -> None:
    answer = raw.get("/find?" + query)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Invalid value for: " + problem), answer.json()


def test_a_querystring_reaches_an_override_as_its_model(streams: Any, stub: Any, raw: httpx2.Client) -> None:
    seen: list[Any] = []
    stub.override("findTicks", lambda call: seen.append(call.query["filter"]) or [])
    assert raw.get("/find?symbol=A+B&limit=3").status_code == 200
    assert raw.get("/find").status_code == 200  # not required: absent is None
    assert type(seen[0]).__name__ == "Filter" and (seen[0].symbol, seen[0].limit) == ("A B", 3)
    assert seen[1] is None
    testing = importlib.import_module("streams32.testing")
    with testing.client(stub) as client:
        client.feed.find_ticks(filter=streams.models.Filter(symbol="Z", limit=9))
    assert (seen[2].symbol, seen[2].limit) == ("Z", 9)
