"""The generated `testing` module and pytest plugin, in-process: clients bound to a
stub land on the spec's paths whatever path the server URL has, carry the
credentials the stub wants, and the plugin's fixtures are named after the package.
Warnings are errors in these tests (the in-process pattern must be clean).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx2
import pytest

from .generated_packages import generated_packages

pytestmark = pytest.mark.filterwarnings("error")

# A server URL with a path, as many specs have (`https://dev.dixa.io/v1`, `/v2`): the
# client appends the spec's paths to it; the stub serves the spec's paths themselves.
SPEC = """
openapi: 3.0.3
info: {title: Things, version: "2.0"}
servers:
- url: https://api.example.com/v2
security:
- key: []
- basic: []
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
  schemas:
    NewThing:
      type: object
      required: [name]
      properties:
        name: {type: string}
    OneThing:
      type: object
      required: [data]
      properties:
        data: {$ref: '#/components/schemas/Thing'}
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
paths:
  /things:
    post:
      operationId: createThing
      tags: [things]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewThing'}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OneThing'}
    get:
      operationId: listThings
      tags: [things]
      responses:
        "200":
          description: all
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data:
                    type: array
                    items: {$ref: '#/components/schemas/Thing'}
  /things/{thingId}:
    get:
      operationId: getThing
      tags: [things]
      parameters:
      - {name: thingId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: one
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OneThing'}
"""


@pytest.fixture(scope="module")
def things(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Path]]:
    root = tmp_path_factory.mktemp("testing")
    with generated_packages(root) as load:
        client = load("things_sdk", SPEC)
        yield importlib.import_module("things_sdk.testing"), root
        del client


def test_the_default_base_url_keeps_the_servers_path(things: tuple[ModuleType, Path]) -> None:
    """The premise: a client built as users build it sends to /v2/things, where the stub has no route."""
    testing, _ = things
    client = importlib.import_module("things_sdk.client").Client(api_key="k")
    assert client.base_url == "https://api.example.com/v2"
    assert sorted(op.path for op in testing.create_stub().operations.values()) == [
        "/things", "/things", "/things/{thingId}"
    ]


def test_a_bound_sync_client_lands_on_the_stubs_paths(things: tuple[ModuleType, Path]) -> None:
    testing, _ = things
    assert testing.CREDENTIALS == ("api_key", "username", "password")
    app = testing.create_stub()
    with testing.client(app) as client:
        made = client.things.create(body={"name": "lamp"})
        assert client.things.get(thing_id=made.id).name == "lamp"
        assert [thing.name for thing in client.things.list()] == ["lamp"]
        http = client._http
    assert http.is_closed  # closing the bound client closes what it was bound with


def test_a_bound_async_client_lands_on_the_stubs_paths(things: tuple[ModuleType, Path]) -> None:
    testing, _ = things
    app = testing.create_stub()

    async def main() -> list[str]:
        async with testing.async_client(app) as client:
            made = await client.things.create(body={"name": "desk"})
            assert (await client.things.get(thing_id=made.id)).name == "desk"
            return [thing.name for thing in await client.things.list()]

    assert asyncio.run(main()) == ["desk"]


def test_given_credentials_are_sent_and_the_stub_refuses_none(things: tuple[ModuleType, Path]) -> None:
    testing, _ = things
    app = testing.create_stub()
    seen: list[str] = []

    def handler(request: object) -> object:
        seen.append(request.request.headers.get("x-key", ""))  # type: ignore[attr-defined]
        return {"data": []}

    app.override("listThings", handler)
    with testing.client(app, api_key="mine") as client:
        assert client.things.list() == []
    assert seen == ["mine"]
    # The placeholders matter: without a credential the stub answers 401, as the real service would.
    with httpx2.Client(transport=testing.SyncASGITransport(app), base_url=testing.BASE_URL) as http:
        assert http.get("/things").status_code == 401
        assert http.get("/things", headers={"X-Key": "any"}).status_code == 200


def test_the_single_package_plugin_names_its_fixtures_after_the_package(
    things: tuple[ModuleType, Path], tmp_path: Path
) -> None:
    _, root = things
    (tmp_path / "test_user.py").write_text(
        "import pytest\n"
        "\n"
        "def test_sync(things_client, things_stub):\n"
        "    made = things_client.things.create(body={'name': 'lamp'})\n"
        "    assert things_client.things.get(thing_id=made.id).name == 'lamp'\n"
        "    assert things_stub.stateful\n"
        "\n"
        "def test_each_test_has_a_new_stub(things_client):\n"
        "    assert things_client.things.list() == []\n"
        "\n"
        "@pytest.mark.anyio\n"
        "async def test_async(things_async_client):\n"
        "    made = await things_async_client.things.create(body={'name': 'desk'})\n"
        "    assert [t.name for t in await things_async_client.things.list()] == ['desk']\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(root)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-p", "things_sdk.pytest_plugin", "test_user.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout
