"""Every operation of every API, called through the generated sync and async
clients over an in-process transport that answers with the spec's example
(or a minimal valid payload): the request goes where the spec says, with the
key, the parameters and the body, and the answer comes back parsed."""

from __future__ import annotations

import asyncio
import importlib
import json
from typing import Any

import httpx2
import pytest

from generator.ir.model import Api

from .transport import mock_async_http, mock_http
from .client_cases import Case, Recorder, cases, load
from .wire import differences

APIS = ["v1", "beta", "integrations"]


@pytest.fixture(scope="module", params=APIS)
def api_case(request: pytest.FixtureRequest, generated_package: Any) -> tuple[str, Api, Any]:
    name = request.param
    return name, load(name), importlib.import_module(f"dixa_sdk.{name}")


def _check_request(case: Case, request: httpx2.Request) -> None:
    assert request.method == case.operation.method
    assert request.url.raw_path.split(b"?")[0].decode() == case.path
    assert request.headers["authorization"] == "secret-key"
    for parameter in case.operation.parameters:
        if parameter.location == "query" and parameter.required:
            assert parameter.name in request.url.params, parameter.name
    if case.multipart:
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b'filename="logo.png"' in request.content
    elif case.operation.body is not None:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body


def _items(case: Case, result: Any) -> Any:
    """What a call returned, as the payload reads: a list method's page by its items."""
    if case.operation.paging is None or case.operation.paging.items is None:
        return result
    assert type(result).__name__ in ("SyncPage", "AsyncPage"), case.operation.operation_id
    return result.items


def _check_result(package: Any, case: Case, result: Any) -> None:
    if case.payload is None:
        assert result is None
    else:
        # Same data; a date-time may come back spelled differently for the same instant.
        diffs, _ = differences(case.payload, package.models.to_wire(result))
        assert not diffs, (case.operation.operation_id, diffs)


def test_operations_map_is_complete_and_unique(api_case: tuple[str, Api, Any]) -> None:
    name, api, package = api_case
    assert set(package.OPERATIONS) == {op.operation_id for op in api.operations}
    assert len(set(package.OPERATIONS.values())) == len(api.operations)
    client = package.Client(api_key="k")
    for operation in api.operations:
        resource, method = package.OPERATIONS[operation.operation_id].split(".")
        bound = getattr(getattr(client, resource), method)
        assert bound.__doc__ and f"({operation.operation_id})" in bound.__doc__
        if operation.summary:
            assert operation.summary.strip() in bound.__doc__


def test_every_operation_sync(api_case: tuple[str, Api, Any]) -> None:
    name, api, package = api_case
    todo = cases(api)
    recorder = Recorder(api, todo)
    with package.Client(api_key="secret-key", http_client=mock_http(recorder)[0]) as client:
        for case in todo:
            resource, method = package.OPERATIONS[case.operation.operation_id].split(".")
            result = getattr(getattr(client, resource), method)(**case.kwargs)
            _check_request(case, recorder.requests[-1])
            _check_result(package, case, _items(case, result))
    assert len(recorder.requests) == len(todo)  # a list fetches its first page only


def test_every_operation_async(api_case: tuple[str, Api, Any]) -> None:
    name, api, package = api_case
    todo = cases(api)
    recorder = Recorder(api, todo)

    async def run() -> None:
        http = mock_async_http(recorder)[0]
        async with package.AsyncClient(api_key="secret-key", http_client=http) as client:
            for case in todo:
                resource, method = package.OPERATIONS[case.operation.operation_id].split(".")
                result = await getattr(getattr(client, resource), method)(**case.kwargs)
                _check_request(case, recorder.requests[-1])
                _check_result(package, case, _items(case, result))
        await http.aclose()

    asyncio.run(run())
    assert len(recorder.requests) == len(todo)


def test_every_operation_raw(api_case: tuple[str, Api, Any]) -> None:
    """`with_raw_response` reaches the `httpx2.Response` of every call and parses the same."""
    name, api, package = api_case
    todo = cases(api)
    recorder = Recorder(api, todo)
    client = package.Client(api_key="secret-key", http_client=mock_http(recorder)[0])
    for case in todo:
        resource, method = package.OPERATIONS[case.operation.operation_id].split(".")
        raw = getattr(getattr(client.with_raw_response, resource), method)(**case.kwargs)
        assert isinstance(raw.http_response, httpx2.Response)
        assert raw.status_code == case.status
        _check_result(package, case, _items(case, raw.parse()))
