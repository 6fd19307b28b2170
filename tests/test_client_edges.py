"""Client shapes that real specs have and Dixa's do not: no operations at
all, multipart bodies that are not objects, several schemes that put the same
credential on the wire, an empty path variable, and header parameters (and
parameters named like the per-call options) beside the per-call options. Each
spec is generated into a temporary folder, imported, and driven over
`httpx2.MockTransport`."""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .transport import mock_async_http, mock_http
from .generated_packages import generated_packages

EDGES = """
openapi: 3.0.3
info: {title: Edges, version: '1'}
servers: [{url: 'https://edge.example.com/api'}]
paths:
  /{}/x:
    get:
      operationId: getX
      responses: {'204': {description: ok}}
  /files/{id}:
    post:
      operationId: upload
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {multipart/form-data: {schema: {type: string, format: binary}}}
      responses: {'204': {description: ok}}
  /blob:
    put:
      operationId: putBlob
      requestBody:
        content: {application/octet-stream: {schema: {type: string, format: binary}}}
      responses: {'204': {description: ok}}
  /columns:
    put:
      operationId: setColumns
      requestBody:
        content: {multipart/form-data: {schema: {type: array, items: {type: string}}}}
      responses: {'204': {description: ok}}
  /form:
    post:
      operationId: postForm
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                tags: {type: array, items: {type: string}}
                photo: {type: string, format: binary}
      responses: {'204': {description: ok}}
  /echo/{id}:
    get:
      operationId: getEcho
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: X-Trace, in: header, required: true, schema: {type: string}}
      - {name: X-Flag, in: header, schema: {type: boolean}}
      - {name: timeout, in: query, schema: {type: integer}}
      - {name: options, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
  /items:
    get:
      operationId: listItems
      parameters:
      - {name: pageKey, in: query, schema: {type: string}}
      - {name: X-Tenant, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {type: string}}
                  meta: {type: object, properties: {next: {type: string}}}
components:
  securitySchemes:
    one: {type: http, scheme: bearer}
    two: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
    sameKey: {type: apiKey, in: header, name: x-key}
    other: {type: apiKey, in: header, name: X-Other}
security: [{one: []}, {two: []}, {key: []}, {other: []}]
"""

NO_OPERATIONS = """
openapi: 3.0.3
info: {title: Empty, version: '1'}
paths: {}
"""


@pytest.fixture(scope="module")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Generate a spec's package under a name of its own and import its client."""
    with generated_packages(tmp_path_factory.mktemp("edges")) as load:
        yield load


@pytest.fixture(scope="module")
def edges(generate: Any) -> Any:
    return generate("edges", EDGES)


def client_of(edges: Any, **credentials: str) -> tuple[Any, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        seen.append(request)
        return httpx2.Response(204)

    transport = mock_http(handler)[0]
    return edges.Client(http_client=transport, **credentials), seen


def method(client: Any, edges: Any, operation_id: str) -> Any:
    resource, name = edges.OPERATIONS[operation_id].split(".")
    return getattr(getattr(client, resource), name)


def parts(request: httpx2.Request) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part of a multipart request."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    out = []
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.decode().split("\r\n")[0]
        fields = dict(f.strip().split("=", 1) for f in disposition.split(";")[1:])
        out.append((fields["name"].strip('"'), fields["filename"].strip('"') if "filename" in fields else None, content))
    return out


def test_a_spec_without_operations_gives_a_working_client(generate: Any) -> None:
    empty = generate("empty", NO_OPERATIONS)
    assert empty.OPERATIONS == {}
    client = empty.Client(base_url="https://example.com")  # no schemes: no credential asked for
    assert client.base_url == "https://example.com"
    assert type(client.with_raw_response).__name__ == "ClientWithRawResponse"
    assert type(empty.AsyncClient().with_raw_response).__name__ == "AsyncClientWithRawResponse"


def test_schemes_that_send_the_same_credential_share_one_argument(edges: Any) -> None:
    arguments = [p for p in inspect.signature(edges.Client).parameters if p not in
                 ("base_url", "timeout", "deadline", "max_retries", "http_client", "retry_non_idempotent", "max_response_bytes")]
    assert arguments == ["bearer_token", "api_key", "api_key_2"]
    doc = edges.Client.__init__.__doc__
    assert "`one` and `two` schemes" in doc and "`key` and `sameKey` schemes" in doc and "`other` scheme" in doc
    for credential, header, value in [("bearer_token", "authorization", "Bearer t"), ("api_key", "x-key", "t"),
                                      ("api_key_2", "x-other", "t")]:
        client, seen = client_of(edges, **{credential: "t"})
        method(client, edges, "setColumns")()
        assert seen[0].headers[header] == value


def test_a_binary_multipart_body_is_sent_as_named_file_parts(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    upload = method(client, edges, "upload")
    assert "FileInput" in str(inspect.signature(upload).parameters["body"].annotation)
    upload({"file": ("a.txt", b"one", "text/plain"), "more": [b"two", ("b.txt", b"three")]}, id="x/y")
    request = seen[0]
    assert request.url.raw_path == b"/api/files/x%2Fy"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == [("file", "a.txt", b"one"), ("more", "upload", b"two"), ("more", "b.txt", b"three")]


def test_an_array_multipart_body_repeats_plain_fields_and_may_be_omitted(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    set_columns = method(client, edges, "setColumns")
    set_columns({"columns": ["a", "b"], "single": "c"})
    assert seen[0].headers["content-type"].startswith("multipart/form-data")  # no file, still a form
    assert parts(seen[0]) == [("columns", None, b"a"), ("columns", None, b"b"), ("single", None, b"c")]
    set_columns()
    assert seen[1].content == b"" and "content-type" not in seen[1].headers


def test_an_object_multipart_body_takes_one_argument_per_part(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    post_form = method(client, edges, "postForm")
    signature = inspect.signature(post_form).parameters
    assert signature["name"].default is inspect.Parameter.empty  # required by the schema and the body
    assert signature["photo"].default is not inspect.Parameter.empty
    post_form(name="n", tags=["x", "y"], photo=("p.png", b"png", "image/png"))
    assert parts(seen[0]) == [("name", None, b"n"), ("tags", None, b"x"), ("tags", None, b"y"),
                              ("photo", "p.png", b"png")]
    post_form(name="only")
    assert parts(seen[1]) == [("name", None, b"only")]


def test_extra_body_adds_parts_to_a_multipart_form_and_refuses_a_non_object_body(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    method(client, edges, "postForm")(name="n", extra_body={"note": "x"})
    assert parts(seen[0]) == [("name", None, b"n"), ("note", None, b"x")]
    method(client, edges, "setColumns")(extra_body={"single": "c"})  # a form whose body was left out
    assert parts(seen[1]) == [("single", None, b"c")]
    with pytest.raises(TypeError, match="putBlob: extra_body adds fields to an object body, not to bytes"):
        method(client, edges, "putBlob")(b"raw", extra_body={"a": 1})
    with pytest.raises(TypeError, match="putBlob: extra_body needs a JSON or form body"):
        method(client, edges, "putBlob")(extra_body={"a": 1})
    assert len(seen) == 2


def test_an_empty_path_variable_is_an_argument(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    get_x = method(client, edges, "getX")
    assert list(inspect.signature(get_x).parameters)[0] == "param"
    get_x(param="a b")
    assert seen[0].url.raw_path == b"/api/a%20b/x"


def test_per_call_options_and_header_parameters_reach_the_request(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    get_echo = method(client, edges, "getEcho")
    parameters = inspect.signature(get_echo).parameters
    assert list(parameters) == ["id", "x_trace", "x_flag", "timeout_query", "options_query", "options"]
    assert parameters["options"].kind is inspect.Parameter.VAR_KEYWORD

    get_echo(id="a", x_trace="spec", x_flag=True, timeout_query=3, options_query="o")
    request = seen[0]
    assert (request.headers["x-trace"], request.headers["x-flag"]) == ("spec", "true")
    assert dict(request.url.params) == {"timeout": "3", "options": "o"}
    assert request.extensions["timeout"] == httpx2.Timeout(60.0, connect=5.0).as_dict()  # the client's

    get_echo(id="a", x_trace="spec", timeout=7.5, max_retries=0,
             extra_headers={"x-TRACE": "mine", "X-Extra": "e", "authorization": "Bearer other"})
    request = seen[1]
    assert request.headers.get_list("x-trace") == ["mine"]  # the extra header wins, whatever its case
    assert request.headers["x-extra"] == "e" and request.headers.get_list("authorization") == ["Bearer other"]
    assert "x-flag" not in request.headers  # an optional header parameter not given is not sent
    assert request.extensions["timeout"] == httpx2.Timeout(7.5).as_dict()
    assert "timeout" not in request.url.params


def test_per_call_options_reach_the_pages_and_the_async_client(edges: Any) -> None:
    answers = [{"data": ["a"], "meta": {"next": "k2"}}, {"data": ["b"]}]
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=answers[(len(seen) - 1) % 2])

    assert edges.OPERATIONS["listItems"] == "items.list"
    client = edges.Client(bearer_token="t", http_client=mock_http(handler)[0])
    assert list(client.items.list(x_tenant="t1", extra_headers={"X-Extra": "e"}, timeout=2)) == ["a", "b"]
    assert [r.url.params.get("pageKey") for r in seen] == [None, "k2"]
    for request in seen:
        assert (request.headers["x-tenant"], request.headers["x-extra"]) == ("t1", "e")
        assert request.extensions["timeout"] == httpx2.Timeout(2).as_dict()

    async def call() -> Any:
        http = mock_async_http(handler)[0]
        async with edges.AsyncClient(bearer_token="t", http_client=http) as client:
            return (await client.items.list(x_tenant="t2", extra_headers={"x-tenant": "t3"})).items

    seen.clear()
    assert asyncio.run(call()) == ["a"]
    assert seen[0].headers.get_list("x-tenant") == ["t3"]


def test_a_keyword_that_is_no_parameter_nor_option_is_refused(edges: Any) -> None:
    client, seen = client_of(edges, bearer_token="t")
    get_echo = method(client, edges, "getEcho")
    for wrong in ({"timeuot": 5}, {"body": {"x": 1}}, {"query": {"x": 1}}, {"headers": {"X-A": "b"}}):
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{next(iter(wrong))}'"):
            get_echo(id="a", x_trace="t", **wrong)
    assert seen == []


# User code calling a generated method: the options type-check, and a wrong
# option name or type does not.
OPTIONS_CODE = """
from edges.client import Client


def call(client: Client) -> None:
    client.echo.get(id="a", x_trace="t", timeout=5, max_retries=0, extra_headers={"X-A": "b"})
    client.echo.get(id="a", x_trace="t", timeout=None)
    client.echo.get(id="a", x_trace="t", timeuot=5)
    client.echo.get(id="a", x_trace="t", max_retries="3")
    client.items.list(x_tenant="t", extra_headers={"X-A": 1})
    client.items.list(x_tenant="t", extra_query={"a": 1, "b": None}, extra_body={"c": [1]}, deadline=3.0)
"""


def test_mypy_checks_the_per_call_options(edges: Any, tmp_path: Path, mypy_cache: Path) -> None:
    assert edges.OPERATIONS["getEcho"] == "echo.get"
    root = Path(edges.__file__).parents[2]  # the folder that holds the `edges` package
    (tmp_path / "options_code.py").write_text(OPTIONS_CODE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--show-error-codes", "--no-pretty", "--cache-dir",
         str(mypy_cache), "options_code.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "MYPYPATH": str(root)},
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("options_code.py:") and ": error:" in line]
    assert any(':8: error: Unexpected keyword argument "timeuot"' in line for line in errors), result.stdout
    assert any(":9: error: Argument \"max_retries\"" in line and '"int"' in line for line in errors), result.stdout
    assert any(":10: error: Dict entry 0 has incompatible type" in line for line in errors), result.stdout
    assert len(errors) == 3, result.stdout
