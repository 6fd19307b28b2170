"""Rules of OpenAPI that a mock server enforces and the generated code follows:
parameters a path item declares for all its operations, header parameters the
spec says to ignore, the `Accept` header of a download, object parts of a
multipart body, parameters described by `content`; and the located warnings
for examples that a mock would answer but the models cannot take.

The spec is generated into a temporary folder and driven over
`httpx2.MockTransport`, then against its own stub server."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
import pytest

from .transport import mock_http

SPEC = """
openapi: 3.0.3
info: {title: Rules, version: '1'}
servers: [{url: 'https://rules.example.com'}]
paths:
  /devices/{id}/run:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: runDevice
      parameters:
        - {name: method, in: query, required: true, schema: {type: string}}
        - {name: Accept, in: header, required: true, schema: {type: string}}
        - {name: Content-Type, in: header, schema: {type: string}}
        - {name: Authorization, in: header, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses:
        '200':
          description: ran
          content: {application/json: {schema: {type: object, properties: {ok: {type: boolean}}}}}
  /page:
    get:
      operationId: getPage
      responses:
        default:
          description: the page
          content: {text/html: {schema: {type: string}}}
  /uploads:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, owner]
              properties:
                file: {type: string, format: binary}
                owner: {type: object, properties: {name: {type: string}}}
                note: {type: string}
      responses: {'204': {description: stored}}
  /nodes:
    post:
      operationId: addNode
      security: [{key: []}]
      requestBody:
        required: true
        content:
          application/*+json: {schema: {$ref: '#/components/schemas/Node'}}
          application/json: {schema: {$ref: '#/components/schemas/Node'}}
          text/json: {schema: {$ref: '#/components/schemas/Node'}}
      responses:
        '200':
          description: added
          content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}
        '401':
          description: no key
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [error]
                properties: {error: {type: string}, status: {type: integer}}
  /logs/{name}:
    get:
      operationId: getLog
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: the log
          content: {'*/*': {schema: {type: string}}}
  /search:
    get:
      operationId: search
      parameters:
        - name: filter
          in: query
          required: true
          content:
            application/json:
              schema: {type: object, required: [term], properties: {term: {type: string}, limit: {type: integer}}}
      responses:
        '200':
          description: found
          content: {application/json: {schema: {type: array, items: {type: string}}}}
  /codes:
    get:
      operationId: getCode
      responses:
        '200':
          description: a code
          content:
            application/json:
              schema:
                type: object
                required: [code, count]
                properties:
                  code: {type: string, pattern: '^[A-Z]{2}-\\d{3}$'}
                  count: {type: integer, minimum: 5, maximum: 9}
                  name: {type: string, minLength: 12}
  /charges:
    post:
      operationId: createCharge
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            encoding:
              metadata: {style: deepObject, explode: true}
              items: {style: deepObject, explode: true}
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer}
                metadata:
                  anyOf: [{type: object, additionalProperties: {type: string}}, {type: string, enum: ['']}]
                items:
                  type: array
                  items: {type: object, properties: {price: {type: string}, quantity: {type: integer}}}
                expand: {type: array, items: {type: string}}
      responses: {'204': {description: charged}}
  /invoices/upcoming:
    get:
      operationId: upcomingInvoice
      parameters:
        - name: lines
          in: query
          style: deepObject
          explode: true
          schema:
            anyOf:
              - type: array
                items: {type: object, required: [price], properties: {price: {type: string}, quantity: {type: integer}}}
              - {type: string, enum: ['']}
        - name: filter
          in: query
          style: deepObject
          explode: true
          schema:
            type: object
            properties:
              created: {type: object, properties: {gte: {type: integer}}}
              ids: {type: array, items: {type: integer}}
      responses: {'204': {description: previewed}}
  /translations:
    get:
      operationId: listTranslations
      responses:
        '200':
          description: translations
          content:
            application/json:
              schema:
                type: array
                items:
                  anyOf: [{$ref: '#/components/schemas/Custom'}, {$ref: '#/components/schemas/Redox'}]
                  discriminator: {propertyName: type}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Node:
      type: object
      required: [address]
      properties: {address: {type: string}}
    Custom:
      type: object
      required: [type]
      properties: {type: {type: string}, name: {type: string}}
    Redox: {}
"""


@pytest.fixture(scope="module")
def rules(spec_package: Any) -> Any:
    return spec_package("rules_pkg", SPEC, strict=True)


def over(rules: Any, answer: httpx2.Response) -> tuple[Any, list[httpx2.Request]]:
    http, seen = mock_http(answer)
    return rules.Client(http_client=http), seen


def method(client: Any, rules: Any, operation_id: str) -> Any:
    resource, name = rules.OPERATIONS[operation_id].split(".")
    return getattr(getattr(client, resource), name)


def test_a_parameter_of_the_path_item_points_at_its_own_schema(tmp_path: Path) -> None:
    """The path item's `id` (an integer) is not read with the schema of the operation's first parameter."""
    from generator.reading.read import read_api

    spec = tmp_path / "rules.yaml"
    spec.write_text(SPEC)
    api = read_api(spec).api
    op = next(o for o in api.operations if o.operation_id == "runDevice")
    pointers = {p.name: p.schema_pointer for p in op.parameters}
    assert pointers["id"] == "/paths/~1devices~1{id}~1run/parameters/0/schema"
    assert pointers["method"] == "/paths/~1devices~1{id}~1run/get/parameters/0/schema"


def test_accept_content_type_and_authorization_are_not_parameters(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(200, json={"ok": True}))
    run = method(client, rules, "runDevice")
    import inspect

    assert {"accept", "content_type", "authorization"}.isdisjoint(inspect.signature(run).parameters)
    assert run(id=7, method="ping", x_trace="t").ok is True
    assert seen[0].headers["accept"] == "application/json" and seen[0].headers["x-trace"] == "t"


def test_a_download_is_asked_for_in_its_media_type(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(200, text="<p>hi</p>", headers={"content-type": "text/html"}))
    method(client, rules, "getPage")()
    assert seen[0].headers["accept"] == "text/html"
    client, seen = over(rules, httpx2.Response(200, json={"ok": True}))
    method(client, rules, "runDevice")(id=1, method="m", extra_headers={"Accept": "application/x-custom"})
    assert seen[0].headers["accept"] == "application/x-custom"  # the call's own headers still win


def test_an_object_part_of_a_form_is_json(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(204))
    method(client, rules, "upload")(file=b"\x00data", owner={"name": "Ann"}, note="n")
    content_type = seen[0].headers["content-type"]
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + seen[0].content
    )
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert parts["owner"].get_content_type() == "application/json"
    assert json.loads(parts["owner"].get_content()) == {"name": "Ann"}
    assert parts["note"].get_content().strip() == "n"


def test_a_parameter_described_by_content_is_written_as_json(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(200, json=["a"]))
    assert method(client, rules, "search")(filter={"term": "x y", "limit": 2}) == ["a"]
    query = parse_qsl(urlsplit(str(seen[0].url)).query)
    assert query == [("filter", '{"term":"x y","limit":2}')]


def test_the_stub_reads_a_json_parameter_back(rules: Any) -> None:
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    app = importlib.import_module("rules_pkg.server").create_app()
    http = TestClient(app)
    good = http.get("/search", params={"filter": '{"term":"x"}'})
    assert good.status_code == 200, good.text
    for wrong in ('{"limit":2}', "term=x", '{"term":1}'):
        refused = http.get("/search", params={"filter": wrong})
        assert refused.status_code == 400 and "query parameter filter" in refused.json()["message"], wrong
    assert http.get("/devices/abc/run", params={"method": "m"}).status_code == 400
    assert http.get("/devices/7/run", params={"method": "m"}).status_code == 200


def test_a_body_goes_in_plain_json_and_the_stub_takes_each_json_type_documented(rules: Any) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        seen.append(request)
        return httpx2.Response(200, json={"address": "a"})

    client = rules.Client(api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    method(client, rules, "addNode")({"address": "a"})
    assert seen[0].headers["content-type"] == "application/json"  # not the range application/*+json
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    http = TestClient(importlib.import_module("rules_pkg.server").create_app())
    for media in ("application/json", "text/json", "application/vnd.node+json"):
        answer = http.post("/nodes", content=b'{"address": "a"}', headers={"Content-Type": media, "X-Key": "k"})
        assert answer.status_code == 200, (media, answer.text)
    assert http.post("/nodes", content=b"address=a", headers={"Content-Type": "text/plain", "X-Key": "k"}).status_code == 400


def test_a_refusal_the_spec_documents_has_the_documented_shape(rules: Any) -> None:
    """Without the key the stub answers 401 as the spec writes a 401 ({error, status}), not {message}."""
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    http = TestClient(importlib.import_module("rules_pkg.server").create_app())
    answer = http.post("/nodes", content=b'{"address": "a"}', headers={"Content-Type": "application/json"})
    assert answer.status_code == 401
    assert set(answer.json()) <= {"error", "status"} and "error" in answer.json(), answer.text
    assert answer.headers["stub-refusal"] == "Unauthorized: the X-Key header is missing or empty"
    refused = http.post("/nodes", content=b'{"addr": 1}', headers={"Content-Type": "application/json", "X-Key": "k"})
    assert refused.status_code == 400 and "Invalid value for: body" in refused.json()["message"]


def test_a_string_answer_of_any_media_type_is_text(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(200, text="line 1\n", headers={"content-type": "text/plain"}))
    assert method(client, rules, "getLog")(name="app") == "line 1\n"
    assert seen[0].headers["accept"] == "*/*"


def test_a_discriminated_variant_that_is_any_value_still_dispatches(rules: Any) -> None:
    """`Redox: {}` has no fields: a payload without the tag is matched by shape among the others."""
    answer = [{"type": "Custom", "name": "a"}, {"type": "Redox", "x": 1}, {"name": "b"}]
    client, _ = over(rules, httpx2.Response(200, json=answer))
    parsed = method(client, rules, "listTranslations")()
    assert [type(item).__name__ for item in parsed[:1]] == ["Custom"] and parsed[1] == {"type": "Redox", "x": 1}
    assert len(parsed) == 3


def test_a_synthesized_answer_keeps_the_patterns_and_bounds_of_its_schema(rules: Any) -> None:
    """The models know no pattern, bound or length; the stub's answer still has them right."""
    pytest.importorskip("fastapi")
    import importlib
    import re

    from starlette.testclient import TestClient

    answer = TestClient(importlib.import_module("rules_pkg.server").create_app()).get("/codes").json()
    assert re.search(r"^[A-Z]{2}-\d{3}$", answer["code"]), answer
    assert 5 <= answer["count"] <= 9 and len(answer["name"]) >= 12, answer


def test_the_stub_checks_a_form_against_its_schema(rules: Any) -> None:
    """A multipart body missing a required part, or with an object part that is not one, is refused."""
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    http = TestClient(importlib.import_module("rules_pkg.server").create_app())
    files = {"file": ("a.bin", b"\x00\x01")}
    good = http.post("/uploads", files=files, data={"owner": '{"name": "Ann"}'})
    assert good.status_code == 204, good.text
    for data in ({}, {"owner": "Ann"}):
        refused = http.post("/uploads", files=files, data=data)
        assert refused.status_code == 400 and "Invalid value for: body" in refused.json()["message"], data


def test_a_form_field_encoded_as_deep_object_goes_in_brackets_and_the_stub_reads_it(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(204))
    body = {"amount": 5, "metadata": {"order": "7"}, "items": [{"price": "p1", "quantity": 2}], "expand": ["a", "b"]}
    method(client, rules, "createCharge")(body)
    sent = parse_qsl(seen[0].content.decode())
    assert sent == [("amount", "5"), ("metadata[order]", "7"), ("items[0][price]", "p1"), ("items[0][quantity]", "2"),
                    ("expand", "a"), ("expand", "b")]
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    http = TestClient(importlib.import_module("rules_pkg.server").create_app())
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    good = http.post("/charges", content=seen[0].content, headers=form)
    assert good.status_code == 204, good.text
    assert http.post("/charges", content=b"amount=5&metadata=", headers=form).status_code == 204  # the '' variant
    bad = http.post("/charges", content=b"amount=5&items[0][quantity]=many", headers=form)
    assert bad.status_code == 400 and "Invalid value for: body" in bad.json()["message"], bad.text


def test_deep_object_query_parameters_nest_and_the_stub_reads_them_back(rules: Any) -> None:
    client, seen = over(rules, httpx2.Response(204))
    lines = [{"price": "p1", "quantity": 2}, {"price": "p2"}]
    method(client, rules, "upcomingInvoice")(lines=lines, filter={"created": {"gte": 5}, "ids": [3, 4]})
    query = parse_qsl(urlsplit(str(seen[0].url)).query)
    assert query == [("lines[0][price]", "p1"), ("lines[0][quantity]", "2"), ("lines[1][price]", "p2"),
                     ("filter[created][gte]", "5"), ("filter[ids][0]", "3"), ("filter[ids][1]", "4")]
    pytest.importorskip("fastapi")
    import importlib

    from starlette.testclient import TestClient

    http = TestClient(importlib.import_module("rules_pkg.server").create_app())
    assert http.get("/invoices/upcoming", params=query).status_code == 204
    refused = http.get("/invoices/upcoming", params=[("lines[0][quantity]", "x")])
    assert refused.status_code == 400 and "query parameter lines" in refused.json()["message"], refused.text


EXAMPLES = """
openapi: 3.0.3
info: {title: Examples, version: '1'}
paths:
  /count:
    get:
      operationId: getCount
      responses:
        '200':
          description: a count
          content: {application/json: {schema: {$ref: '#/components/schemas/Counter'}}}
  /events:
    get:
      operationId: listEvents
      responses:
        '200':
          description: events, each used on its own
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Event'}}}}
  /exchanges:
    get:
      operationId: listExchanges
      responses:
        '200':
          description: either kind
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Exchange'}}}}
  /channel:
    get:
      operationId: getChannel
      responses:
        '200':
          description: a channel
          content:
            application/json:
              schema: {type: object, properties: {channel: {$ref: '#/components/schemas/Channel'}}}
              example: {channel: {id: C1}}
components:
  schemas:
    Counter:
      type: object
      properties: {counter: {type: integer, example: twelve}}
      example: '{"counter": 12}'
    Channel:
      items: {type: object, properties: {id: {type: string}}}
    Flag: {type: string, enum: ['yes', true]}
    Labels:
      type: object
      additionalProperties: {$ref: '#/components/schemas/Names', type: object}
    Names: {type: array, items: {type: string}}
    Highest: {maxItems: 1, properties: {amount: {type: number}}}
    Exchange:
      oneOf: [{$ref: '#/components/schemas/Event'}, {$ref: '#/components/schemas/Pair'}]
      discriminator:
        propertyName: type
        mapping: {event: '#/components/schemas/Event', pair: '#/components/schemas/Pair'}
    Kind: {type: object, required: [type], properties: {type: {type: string, enum: [pair, event]}}}
    Event:
      allOf: [{$ref: '#/components/schemas/Kind'}, {type: object, properties: {message: {type: string}}}]
    Pair:
      type: object
      required: [type]
      properties: {type: {type: string, enum: [pair]}, request: {type: string}}
"""


def test_examples_a_mock_would_answer_but_the_models_refuse_are_located_warnings(tmp_path: Path) -> None:
    from generator.reading.read import read_api

    spec = tmp_path / "examples.yaml"
    spec.write_text(EXAMPLES)
    warnings = {w.pointer: w for w in read_api(spec, strict=False).warnings}
    schema_level = warnings["/components/schemas/Counter/example"]
    assert "schema example does not match its schema" in schema_level.message
    lines = EXAMPLES.splitlines()
    # The line of the schema the example is written in (a scalar's own line is not kept).
    assert lines.index("    Counter:") < (schema_level.line or 0) <= lines.index("      example: '{\"counter\": 12}'") + 1
    assert "twelve" in warnings["/components/schemas/Counter/properties/counter/example"].message
    untyped = warnings["/paths/~1channel/get/responses/200/content/application~1json/example"]
    assert "only because a schema in it has no `type`" in untyped.message
    assert str(spec) in str(untyped) and ": warning: " in str(untyped)
    assert "enum member true is not of the schema's type string" in warnings["/components/schemas/Flag/enum/1"].message
    assert "/components/schemas/Flag/enum/0" not in warnings
    beside = warnings["/components/schemas/Labels/additionalProperties"].message
    assert beside.startswith("`type: object` beside a `$ref` to a schema of type array")
    loose = warnings["/components/schemas/Event"].message
    assert "'Event', the variant of discriminator 'Exchange' for 'event', is also used on its own" in loose
    assert "lets `type` be any of ['pair', 'event']" in loose
    assert "/components/schemas/Pair" not in warnings  # it pins its tag: no warning
    mixed = warnings["/components/schemas/Highest"].message
    assert "without `type` has keywords of objects (properties) and of arrays (maxItems)" in mixed
    assert "/components/schemas/Channel" not in warnings  # keywords of one type only: it says what it is


def test_the_package_passes_mypy_strict(rules: Any, tmp_path: Path, mypy_cache: Path) -> None:
    """What these rules render (form styles, Accept, JSON-written parameters) type-checks."""
    import subprocess
    import sys

    root = Path(rules.__file__).parents[2]  # rules_pkg/client/__init__.py
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(mypy_cache),
         "-p", "rules_pkg"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]
