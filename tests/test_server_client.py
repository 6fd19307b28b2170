"""The generated client against the generated stub, in-process (httpx2's ASGI
transport): every operation of the three APIs is called through the client,
with the arguments of the client's own test cases (`client_cases`), and must
come back parsed, without an error; then a stateful round trip pages through
end users by iterating the page the client's `list` returns.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import httpx2
import pytest

from .client_cases import case, load
from .test_server import server


def _client(api: str, app: Any) -> Any:
    package = importlib.import_module(f"dixa_sdk.{api}")
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://stub")
    return package.AsyncClient(api_key="stub-key", base_url="http://stub", max_retries=0, http_client=http), http


@pytest.mark.parametrize("api", ["v1", "beta", "integrations"])
def test_every_operation_through_the_client(api: str) -> None:
    app = server(api).create_app()
    spec = load(api)
    operations = importlib.import_module(f"dixa_sdk.{api}").OPERATIONS

    async def run() -> list[str]:
        client, http = _client(api, app)
        failures = []
        async with http:
            for operation in spec.operations:
                resource, method = operations[operation.operation_id].split(".")
                call = case(spec, operation)
                try:
                    result = await getattr(getattr(client, resource), method)(**call.kwargs)
                except Exception as exc:  # collected, reported together
                    failures.append(f"{operation.operation_id}: {type(exc).__name__}: {exc}")
                    continue
                if call.payload is not None and result is None:
                    failures.append(f"{operation.operation_id}: no payload")
        return failures

    failures = asyncio.run(run())
    assert not failures, "\n".join(failures)


def test_the_clients_pager_walks_the_stateful_stub() -> None:
    app = server("v1").create_app(stateful=True, seed=3)

    async def run() -> tuple[list[str], list[str]]:
        client, http = _client("v1", app)
        async with http:
            created = [
                str((await client.end_users.create(body={"displayName": f"user {n}"})).id) for n in range(7)
            ]
            listed = [str(user.id) async for user in await client.end_users.list(page_limit=3)]
        return created, listed

    created, listed = asyncio.run(run())
    assert listed == created
