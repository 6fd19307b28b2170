"""The runtime's in-process transport for sync clients (`testing.SyncASGITransport`)
and its client binding, against small ASGI apps; warnings are errors here.

Imported from `templates/runtime` (not `generated/`): an edit to the runtime
is tested without regenerating.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx2
import pytest

from tests.runtime_source import runtime

testing = runtime("testing")

pytestmark = pytest.mark.filterwarnings("error")


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers what it got: method, path, query, headers and the body read in chunks."""
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    answer = {
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "key": dict(scope["headers"]).get(b"authorization", b"").decode(),
        "body": body.decode(),
        "thread": threading.current_thread().name,
    }
    await send({"type": "http.response.start", "status": 201, "headers": [(b"x-stub", b"yes")]})
    # The answer in two parts, as a streaming app sends it.
    encoded = json.dumps(answer).encode()
    await send({"type": "http.response.body", "body": encoded[:5], "more_body": True})
    await send({"type": "http.response.body", "body": encoded[5:]})


async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
    raise RuntimeError("the app failed")


def test_a_request_reaches_the_app_and_its_answer_comes_back_whole() -> None:
    transport = testing.SyncASGITransport(echo)
    with httpx2.Client(transport=transport, base_url="http://stub.test") as http:
        answer = http.post("/v2/things", params={"a": "1"}, content=b"hello", headers={"Authorization": "k"})
        streamed = http.post("/v2/things", content=iter([b"he", b"llo"]))  # a body sent in chunks
    assert answer.status_code == 201 and answer.headers["x-stub"] == "yes"
    got = answer.json()
    assert (got["method"], got["path"], got["query"], got["key"], got["body"]) == (
        "POST", "/v2/things", "a=1", "k", "hello"
    )
    assert streamed.json()["body"] == "hello"
    assert got["thread"] == "stub-asgi" != threading.current_thread().name


def test_close_stops_the_thread_and_a_later_request_starts_another() -> None:
    transport = testing.SyncASGITransport(echo)
    http = httpx2.Client(transport=transport)
    http.get("http://stub.test/")
    thread = transport._thread
    assert thread is not None and thread.is_alive()
    http.close()
    assert not thread.is_alive() and transport._thread is None
    again = testing.SyncASGITransport(echo)
    assert again.handle_request(httpx2.Request("GET", "http://stub.test/x")).status_code == 201
    again.close()


def test_the_sync_transport_works_inside_a_running_event_loop() -> None:
    """A sync client called from an async test: the app runs on the transport's own loop."""

    async def main() -> int:
        with httpx2.Client(transport=testing.SyncASGITransport(echo)) as http:
            return http.get("http://stub.test/").status_code

    assert asyncio.run(main()) == 201


def test_an_exception_of_the_app_reaches_the_caller() -> None:
    with httpx2.Client(transport=testing.SyncASGITransport(broken)) as http:
        with pytest.raises(RuntimeError, match="the app failed"):
            http.get("http://stub.test/")


def test_stub_credentials_fill_only_what_is_not_given() -> None:
    assert testing.stub_credentials(("api_key", "user_name"), {"user_name": "me"}) == {"api_key": "stub-api-key"}
    assert testing.stub_credentials((), {}) == {}
