"""Bodies and answers that are not JSON: a form (`application/x-www-form-urlencoded`),
bytes and text uploads, binary and text downloads (with or without a schema).
The spec is generated into a temporary folder, imported, and driven over
`httpx2.MockTransport`, then against its own stub server."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any
from urllib.parse import parse_qsl

import httpx2
import pytest

from .transport import mock_http

SPEC = """
openapi: 3.0.3
info: {title: Media, version: '1'}
servers: [{url: 'https://media.example.com'}]
paths:
  /form:
    post:
      operationId: postForm
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                tags: {type: array, items: {type: string}}
                meta: {type: object, properties: {a: {type: integer}}}
      responses: {'204': {description: stored}}
  /files/{id}:
    put:
      operationId: putFile
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/octet-stream: {schema: {type: string, format: binary}}}
      responses: {'204': {description: stored}}
    get:
      operationId: getFile
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: the file
          content: {application/pdf: {}}
  /notes:
    post:
      operationId: postNote
      requestBody:
        required: true
        content: {text/plain: {schema: {type: string}}}
      responses:
        '200':
          description: the note as stored
          content: {text/plain: {schema: {type: string}, example: stored}}
  /photo:
    get:
      operationId: getPhoto
      responses:
        '200':
          description: the photo
          content:
            image/png: {schema: {type: string, format: binary}}
"""


@pytest.fixture(scope="module")
def media(spec_package: Any) -> Any:
    return spec_package("media_pkg", SPEC, strict=True)


def method(client: Any, media: Any, operation_id: str) -> Any:
    resource, name = media.OPERATIONS[operation_id].split(".")
    return getattr(getattr(client, resource), name)


def over(media: Any, answer: httpx2.Response) -> tuple[Any, list[httpx2.Request]]:
    http, seen = mock_http(answer)
    return media.Client(http_client=http), seen


def test_a_form_body_is_sent_url_encoded(media: Any) -> None:
    client, seen = over(media, httpx2.Response(204))
    method(client, media, "postForm")({"name": "a b", "tags": ["x", "y"], "meta": {"a": 1}})
    request = seen[0]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(request.content.decode()) == [("name", "a b"), ("tags", "x"), ("tags", "y"), ("meta", '{"a":1}')]


def test_bytes_and_text_uploads_are_sent_as_they_are(media: Any) -> None:
    client, seen = over(media, httpx2.Response(204))
    put = method(client, media, "putFile")
    assert inspect.signature(put).parameters["body"].annotation == "bytes"
    put(b"\x00\x01", id="a")
    assert seen[0].headers["content-type"] == "application/octet-stream" and seen[0].content == b"\x00\x01"
    client, seen = over(media, httpx2.Response(200, text="stored", headers={"content-type": "text/plain"}))
    note = method(client, media, "postNote")
    assert inspect.signature(note).return_annotation == "str"
    assert note("héllo") == "stored"
    assert seen[0].headers["content-type"] == "text/plain" and seen[0].content == "héllo".encode()


def test_downloads_come_back_as_bytes_with_or_without_a_schema(media: Any) -> None:
    for operation_id, kwargs in [("getFile", {"id": "a"}), ("getPhoto", {})]:
        client, _ = over(media, httpx2.Response(200, content=b"%PDF\x00", headers={"content-type": "application/pdf"}))
        download = method(client, media, operation_id)
        assert inspect.signature(download).return_annotation == "bytes"
        assert "Returns:\n            the answer's body, as bytes." in download.__doc__
        assert download(**kwargs) == b"%PDF\x00"


def test_the_stub_takes_and_gives_what_the_client_sends_and_reads(media: Any) -> None:
    pytest.importorskip("fastapi")
    app = importlib.import_module("media_pkg.server").create_app()

    async def drive() -> None:
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="https://media.example.com")
        async with media.AsyncClient(http_client=http) as client:
            await method(client, media, "postForm")({"name": "a"})
            await method(client, media, "putFile")(b"\x00", id="a")
            assert await method(client, media, "postNote")("x") == "stored"
            assert isinstance(await method(client, media, "getPhoto")(), bytes)

    asyncio.run(drive())
