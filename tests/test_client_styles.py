"""Parameters written as the spec's `style` and `explode` say: arrays and
objects in the query (`form` exploded or not, `spaceDelimited`,
`pipeDelimited`, `deepObject`), in the path (`simple`, `label`, `matrix`) and in
headers and cookies (`form`, or JSON for a parameter described by `content`). The spec is generated into a temporary folder, imported, and driven
over `httpx2.MockTransport`; what is checked is the request on the wire."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx2
import pytest

from .transport import mock_http

SPEC = """
openapi: 3.0.3
info: {title: Styles, version: '1'}
servers: [{url: 'https://styles.example.com'}]
paths:
  /search:
    get:
      operationId: search
      parameters:
      - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
      - {name: tags, in: query, style: form, explode: false, schema: {type: array, items: {type: string}}}
      - {name: words, in: query, style: spaceDelimited, schema: {type: array, items: {type: string}}}
      - {name: codes, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
      - {name: filter, in: query, style: deepObject, explode: true, schema: {$ref: '#/components/schemas/Filter'}}
      - {name: point, in: query, schema: {$ref: '#/components/schemas/Point'}}
      - {name: box, in: query, explode: false, schema: {$ref: '#/components/schemas/Point'}}
      - {name: X-Ids, in: header, schema: {type: array, items: {type: integer}}}
      - {name: X-Point, in: header, explode: true, schema: {$ref: '#/components/schemas/Point'}}
      - {name: langs, in: cookie, schema: {type: array, items: {type: string}}}
      - {name: prefs, in: cookie, content: {application/json: {schema: {$ref: '#/components/schemas/Point'}}}}
      responses: {'204': {description: ok}}
  /simple/{ids}/label/{tags}/matrix/{point}/{codes}:
    get:
      operationId: paths
      parameters:
      - {name: ids, in: path, required: true, schema: {type: array, items: {type: integer}}}
      - {name: tags, in: path, required: true, style: label, explode: true, schema: {type: array, items: {type: string}}}
      - {name: point, in: path, required: true, style: matrix, schema: {$ref: '#/components/schemas/Point'}}
      - {name: codes, in: path, required: true, style: matrix, explode: true, schema: {type: array, items: {type: string}}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Filter:
      type: object
      properties:
        color: {type: string}
        size: {type: integer}
    Point:
      type: object
      properties:
        x: {type: integer}
        y: {type: integer}
"""


@pytest.fixture(scope="module")
def styles(spec_package: Any) -> Any:
    return spec_package("styles_pkg", SPEC, strict=True)


def sent(styles: Any, operation_id: str, **arguments: Any) -> httpx2.Request:
    http, seen = mock_http()
    client = styles.Client(http_client=http)
    resource, name = styles.OPERATIONS[operation_id].split(".")
    getattr(getattr(client, resource), name)(**arguments)
    return seen[0]


def test_query_arrays_and_objects_follow_their_style(styles: Any) -> None:
    models = importlib.import_module("styles_pkg.models")
    request = sent(
        styles, "search",
        ids=[1, 2], tags=["a", "b c"], words=["x", "y"], codes=["p", "q"],
        filter=models.Filter(color="red", size=3), point={"x": 1, "y": 2}, box=models.Point(x=3, y=4),
    )
    pairs = parse_qsl(request.url.query.decode())
    assert pairs == [
        ("ids", "1"), ("ids", "2"),  # form, exploded: repeated
        ("tags", "a,b c"),  # form, not exploded: one comma-separated value
        ("words", "x y"), ("codes", "p|q"),
        ("filter[color]", "red"), ("filter[size]", "3"),  # deepObject
        ("x", "1"), ("y", "2"),  # an exploded object: its fields are the parameters
        ("box", "x,3,y,4"),
    ]


def test_unset_fields_and_values_not_given_are_not_sent(styles: Any) -> None:
    models = importlib.import_module("styles_pkg.models")
    request = sent(styles, "search", filter=models.Filter(color="red"))
    assert unquote(request.url.query.decode()) == "filter[color]=red"


def test_header_arrays_and_objects_are_comma_separated(styles: Any) -> None:
    request = sent(styles, "search", x_ids=[1, 2], x_point={"x": 1, "y": 2})
    assert request.headers["x-ids"] == "1,2"
    assert request.headers["x-point"] == "x=1,y=2"


def test_cookies_follow_their_style(styles: Any) -> None:
    request = sent(styles, "search", langs=["en", "da"], prefs={"x": 5, "y": 6})
    cookies = dict(part.split("=", 1) for part in request.headers["cookie"].split("; "))
    assert unquote(cookies["langs"]) == "en,da"
    assert unquote(cookies["prefs"]) == '{"x":5,"y":6}'


def test_path_parameters_follow_their_style(styles: Any) -> None:
    request = sent(styles, "paths", ids=[1, 2], tags=["a", "b/c"], point={"x": 1, "y": 2}, codes=["p", "q"])
    assert request.url.raw_path.decode() == "/simple/1,2/label/.a.b%2Fc/matrix/;point=x,1,y,2/;codes=p;codes=q"


def test_the_stub_reads_every_style_back(styles: Any) -> None:
    """Client to stub server: each parameter arrives parsed into its type."""
    pytest.importorskip("fastapi")
    server = importlib.import_module("styles_pkg.server")
    models = importlib.import_module("styles_pkg.models")
    app = server.create_app()
    parsed: dict[str, Any] = {}

    def keep(request: Any) -> Any:
        parsed.update(path=request.path, query=request.query, headers=request.headers)
        return 204, None

    app.override("search", keep)
    app.override("paths", keep)

    async def drive() -> None:
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="https://styles.example.com")
        async with styles.AsyncClient(http_client=http) as client:
            search, paths = (getattr(getattr(client, r), m) for r, m in
                             (styles.OPERATIONS[o].split(".") for o in ("search", "paths")))
            await search(
                ids=[1, 2], tags=["a", "b c"], words=["x", "y"], codes=["p", "q"],
                filter=models.Filter(color="red", size=3), box=models.Point(x=3, y=4),
                x_ids=[1, 2], x_point={"x": 1, "y": 2}, langs=["en", "da"], prefs=models.Point(x=5, y=6),
            )
            assert parsed["query"] == {
                "ids": [1, 2], "tags": ["a", "b c"], "words": ["x", "y"], "codes": ["p", "q"],
                "filter": models.Filter(color="red", size=3), "point": None, "box": models.Point(x=3, y=4),
            }
            assert parsed["headers"] == {"X-Ids": [1, 2], "X-Point": models.Point(x=1, y=2), "langs": ["en", "da"],
                                         "prefs": models.Point(x=5, y=6)}
            await paths(ids=[1, 2], tags=["a", "b"], point={"x": 1, "y": 2}, codes=["p", "q"])
            assert parsed["path"] == {
                "ids": [1, 2], "tags": ["a", "b"], "point": models.Point(x=1, y=2), "codes": ["p", "q"],
            }

    asyncio.run(drive())
