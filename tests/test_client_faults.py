"""The generated clients against a server that misbehaves on purpose.

A real HTTP server on 127.0.0.1 (a thread of this process, stopped after the
module and in any case after `SERVER_LIFETIME` seconds) answers each request
as the last path segment names: `/v1/endusers/<scenario>`. Every scenario runs
with the sync and the async client, over real sockets, so what is tested is
what httpx2 does on the wire: bodies that trickle or never end, connections
dropped before or in the middle of an answer, headers no server should send.

Retry waits are recorded instead of slept (and must be real waits: finite and
not negative); timeouts and deadlines run in real time, bounded to a few
seconds per test.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import io
import itertools
import json
import logging
import socket
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

KEY = "sk-fault-test-key-8c1f"
USER = {"id": "93b885ad-fe0d-3089-8df6-34904fd59f71", "createdAt": "2020-12-16T09:41:43Z"}
SERVER_LIFETIME = 300.0
FLAVOURS = ["sync", "async"]
CALLS = itertools.count()


# -- the server ---------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Answers as `SCENARIOS[<scenario>]` says, given how often this call asked: the last
    path segment is `<scenario>~<call number>`, so each call starts its scenario afresh."""

    protocol_version = "HTTP/1.1"
    server: FaultServer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        segment = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        scenario = segment.split("~")[0]
        self.server.hits[scenario] += 1
        if segment != scenario:
            self.server.hits[segment] += 1
        try:
            SCENARIOS[scenario](self, self.server.hits[segment])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send(self, status: int, body: bytes | dict[str, Any] | str = b"", **headers: str) -> None:
        if isinstance(body, dict):
            body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **headers}
        elif isinstance(body, str):
            body, headers = body.encode(), {"Content-Type": "text/html; charset=utf-8", **headers}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def drop(self) -> None:
        """Close the connection without a word."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def ok(h: Handler, hit: int) -> None:
    h.send(200, {"data": USER})


def status_then_ok(status: int, **headers: str) -> Callable[[Handler, int], None]:
    def scenario(h: Handler, hit: int) -> None:
        if hit == 1:
            h.send(status, {"message": "try again"}, **headers)
        else:
            ok(h, hit)

    return scenario


def always(status: int, body: bytes | dict[str, Any] | str = b"", **headers: str) -> Callable[[Handler, int], None]:
    return lambda h, hit: h.send(status, body, **headers)


def drop_then_ok(h: Handler, hit: int) -> None:
    if hit == 1:
        h.drop()
    else:
        ok(h, hit)


def drop_mid_body_then_ok(h: Handler, hit: int) -> None:
    if hit > 1:
        return ok(h, hit)
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "500")
    h.end_headers()
    h.wfile.write(b'{"data": {"id"')
    h.wfile.flush()
    h.drop()


def stall(h: Handler, hit: int) -> None:
    time.sleep(2.0)  # longer than the client's timeout, bounded
    h.drop()


def trickle(h: Handler, hit: int) -> None:
    """A valid answer, one byte every 0.2 s: no read ever waits long."""
    body = json.dumps({"data": USER}).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    for i in range(len(body)):
        h.wfile.write(body[i : i + 1])
        h.wfile.flush()
        time.sleep(0.2)
        if i > 30:  # bounded: the client is gone by now
            h.drop()
            return


HUGE = 50 * 1024 * 1024


def huge_error(h: Handler, hit: int) -> None:
    """A 50 MB error page (sent until the client hangs up), counting what went out."""
    h.send_response(500)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", str(HUGE))
    h.end_headers()
    chunk = b"x" * 65536
    for _ in range(HUGE // len(chunk)):
        h.wfile.write(chunk)
        h.server.sent["huge-error"] += len(chunk)


def redirect(h: Handler, hit: int) -> None:
    h.send(302, b"", Location="/v1/endusers/redirected")


def echo_key(h: Handler, hit: int) -> None:
    """A success whose echoed key fails validation (a date field holding it)."""
    h.send(200, {"data": {"id": USER["id"], "createdAt": h.headers["Authorization"]}})


def echo_key_error(h: Handler, hit: int) -> None:
    key = h.headers["Authorization"]
    h.send(400, {"message": f"the key {key} may not do this", "key": key})


BOMB = 16 * 1024 * 1024


def _bomb(payload: bytes) -> bytes:
    """`payload` gzipped twice: a few KiB on the wire, `Content-Encoding: gzip, gzip`."""
    return gzip.compress(gzip.compress(payload, 9), 9)


BOMB_ERROR = _bomb(b"x" * BOMB)
BOMB_OK = _bomb(json.dumps({"data": {**USER, "pad": "x" * BOMB}}).encode())


def trickle_headers(h: Handler, hit: int) -> None:
    """Response headers a byte every 0.1 s: each read returns in time, the whole never does."""
    h.close_connection = True
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"p" * 200
    for i in range(len(head)):
        h.wfile.write(head[i : i + 1])
        h.wfile.flush()
        time.sleep(0.1)
        if i > 60:  # bounded: the client is gone by now
            h.drop()
            return


def echo_key_reason(h: Handler, hit: int) -> None:
    """A status line whose reason phrase is the key, and a body with it in other cases."""
    key = h.headers["Authorization"]
    h.send_response(401, key)
    body = json.dumps({"message": f"no: {key.upper()}", "hint": key.swapcase()}).encode()
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def key_at_the_cut(h: Handler, hit: int) -> None:
    """An error body whose 64 KiB cut falls inside the echoed key."""
    from dixa_sdk._runtime.errors import MAX_ERROR_BODY

    key = h.headers["Authorization"]
    h.send(500, "y" * (MAX_ERROR_BODY - 7) + key + "z" * 1000)


SCENARIOS: dict[str, Callable[[Handler, int], None]] = {
    "ok": ok,
    "gzip-bomb-error": always(500, BOMB_ERROR, Content_Type="text/plain", Content_Encoding="gzip, gzip"),
    "gzip-bomb-ok": always(200, BOMB_OK, Content_Type="application/json", Content_Encoding="gzip, gzip"),
    "trickle-headers": trickle_headers,
    "echo-key-reason": echo_key_reason,
    "key-at-the-cut": key_at_the_cut,
    "retry-after-underscore": status_then_ok(503, Retry_After="1_0"),
    "retry-after-negative": status_then_ok(503, Retry_After="-5"),
    "retry-after-ms-negative": status_then_ok(503, Retry_After_Ms="-1500"),
    "retry-after-nan": status_then_ok(503, Retry_After="nan"),
    "retry-after-infinite": status_then_ok(429, Retry_After="1e999"),
    "retry-after-garbage": status_then_ok(503, Retry_After="soon"),
    "retry-after-seconds": status_then_ok(429, Retry_After="2"),
    "retry-after-date": lambda h, hit: status_then_ok(
        503, Retry_After=email.utils.formatdate(time.time() + 3, usegmt=True)
    )(h, hit),
    "retry-after-long": always(429, {"message": "later"}, Retry_After="3600"),
    "retry-after-past-deadline": always(503, {"message": "later"}, Retry_After="5"),
    "unavailable-then-ok": status_then_ok(503),
    "always-unavailable": always(503, {"message": "down"}),
    "tags": always(503, {"message": "down"}),
    "drop-then-ok": drop_then_ok,
    "drop-mid-body-then-ok": drop_mid_body_then_ok,
    "always-drop": lambda h, hit: h.drop(),
    "stall": stall,
    "trickle": trickle,
    "huge-error": huge_error,
    "html-502": always(502, "<html><body>" + "<p>Bad gateway</p>" * 2000 + "</body></html>"),
    "dixa-error": always(404, {"message": "  End user\n not found  "}, X_Request_Id="req-7f3a"),
    "problem-error": always(422, {"type": "about:blank", "title": "Unprocessable", "detail": "name is empty"}),
    "long-message": always(400, {"message": "m" * 10_000}),
    "redirect": redirect,
    "redirected": ok,
    "echo-key": echo_key,
    "echo-key-error": echo_key_error,
    "unknown-tag": always(200, {"data": {"_type": "FaxEndpoint", "fax": "+4512345678"}}),
    "tag-not-a-string": always(200, {"data": {"_type": 42, "address": "a@b.c"}}),
    "no-known-field": always(200, {"data": {"colour": "blue"}}),
    "untagged-variant": always(200, {"data": {"number": "+4512345678"}}),
}


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    watchdog = threading.Timer(SERVER_LIFETIME, server.shutdown)
    watchdog.daemon = True
    watchdog.start()
    yield server
    watchdog.cancel()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def dixa(generated_package: Any) -> Any:
    return generated_package


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, dixa: Any) -> list[float]:
    """Retry waits, recorded instead of slept; `time.sleep` would refuse a negative one."""
    from dixa_sdk._runtime.client import retries as runtime

    waits: list[float] = []

    def record(seconds: float) -> None:
        time.sleep(0 * seconds)  # what the real wait would refuse (a negative or NaN length)
        waits.append(seconds)

    async def async_record(seconds: float) -> None:
        record(seconds)

    monkeypatch.setattr(runtime, "sleep", record)
    monkeypatch.setattr(runtime, "async_sleep", async_record)
    return waits


def call(
    flavour: str,
    server: FaultServer,
    scenario: str,
    *,
    resource: str = "end_users",
    client_options: dict[str, Any] | None = None,
    **options: Any,
) -> Any:
    """`client.<resource>.get(<scenario>)` with the sync or the async client."""
    from dixa_sdk.v1 import AsyncClient, Client

    settings = {"api_key": KEY, "base_url": server.url, **(client_options or {})}
    scenario += f"~{next(CALLS)}"
    argument = {"end_users": "user_id", "contact_endpoints": "contact_endpoint_id"}[resource]
    if flavour == "sync":
        with Client(**settings) as client:
            return getattr(client, resource).get(**{argument: scenario}, **options)

    async def run() -> Any:
        async with AsyncClient(**settings) as client:
            return await getattr(client, resource).get(**{argument: scenario}, **options)

    return asyncio.run(run())


def create_tag(flavour: str, server: FaultServer) -> Any:
    """`POST /v1/tags`, answered by the `tags` scenario."""
    from dixa_sdk.v1 import AsyncClient, Client

    if flavour == "sync":
        with Client(api_key=KEY, base_url=server.url) as client:
            return client.tags.create({"name": "vip"})

    async def run() -> Any:
        async with AsyncClient(api_key=KEY, base_url=server.url) as client:
            return await client.tags.create({"name": "vip"})

    return asyncio.run(run())


def leaked(error: BaseException) -> list[str]:
    """Everything of `error` that could reach a log or a screen and holds the key."""
    logger = logging.getLogger("fault-test")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        try:
            raise error
        except BaseException:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
    places = {
        "str": str(error),
        "repr": repr(error),
        "traceback": "".join(traceback.format_exception(error)),
        "log": stream.getvalue(),
        "body": json.dumps(getattr(error, "body", None)),
        "message": str(getattr(error, "message", "")),
    }
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        places["chained"] = repr(cause) + str(getattr(cause, "errors", lambda: "")())
    return [name for name, text in places.items() if KEY in text]


# -- Retry-After: waits that cannot be waited fall back to the backoff --------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "scenario",
    ["retry-after-negative", "retry-after-ms-negative", "retry-after-nan", "retry-after-infinite", "retry-after-garbage"],
)
def test_an_unusable_retry_after_falls_back_to_the_backoff(
    server: FaultServer, sleeps: list[float], flavour: str, scenario: str
) -> None:
    before = server.hits[scenario]
    user = call(flavour, server, scenario)
    assert str(user.id) == USER["id"]
    assert server.hits[scenario] - before == 2
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5  # the first backoff step, with jitter


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_retry_after_in_seconds_and_as_a_date(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    call(flavour, server, "retry-after-seconds")
    call(flavour, server, "retry-after-date")
    assert sleeps[0] == 2.0
    assert 1.0 <= sleeps[1] <= 3.0


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_retry_after_beyond_the_cap_is_not_waited_for(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import RateLimitError

    before = server.hits["retry-after-long"]
    with pytest.raises(RateLimitError) as caught:
        call(flavour, server, "retry-after-long")
    assert server.hits["retry-after-long"] - before == 1 and sleeps == []
    assert caught.value.message == "later"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_unavailable_then_ok_and_retries_running_out(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    assert str(call(flavour, server, "unavailable-then-ok").id) == USER["id"]
    before = server.hits["always-unavailable"]
    with pytest.raises(InternalServerError) as caught:
        call(flavour, server, "always-unavailable", max_retries=3)
    assert server.hits["always-unavailable"] - before == 4
    assert str(caught.value) == "503 Service Unavailable: down"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_post_is_not_sent_again_once_the_server_may_have_acted(
    server: FaultServer, sleeps: list[float], flavour: str
) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    before = server.hits["tags"]
    with pytest.raises(InternalServerError):
        create_tag(flavour, server)
    assert server.hits["tags"] - before == 1 and sleeps == []


# -- connections that drop, stall or trickle -------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("scenario", ["drop-then-ok", "drop-mid-body-then-ok"])
def test_a_dropped_connection_is_retried(server: FaultServer, sleeps: list[float], flavour: str, scenario: str) -> None:
    assert str(call(flavour, server, scenario).id) == USER["id"]
    assert len(sleeps) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_connection_that_always_drops_is_a_connection_error(
    server: FaultServer, sleeps: list[float], flavour: str
) -> None:
    from dixa_sdk._runtime.errors import APIConnectionError, APITimeoutError

    before = server.hits["always-drop"]
    with pytest.raises(APIConnectionError) as caught:
        call(flavour, server, "always-drop")
    assert not isinstance(caught.value, APITimeoutError)
    assert server.hits["always-drop"] - before == 3
    assert "GET " in str(caught.value) and KEY not in str(caught.value)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_stalled_answer_times_out(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import APITimeoutError

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="timed out"):
        call(flavour, server, "stall", timeout=0.3, max_retries=0)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_trickling_body_meets_the_deadline(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    """Each read gets a byte well within `timeout`; only `deadline` bounds the call."""
    from dixa_sdk._runtime.errors import APITimeoutError

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline of 1s"):
        call(flavour, server, "trickle", timeout=1, deadline=1, max_retries=0)
    assert time.monotonic() - started < 1.8


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_deadline_is_the_clients_default_too(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import APITimeoutError

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline of 0.8s"):
        call(flavour, server, "trickle", client_options={"deadline": 0.8, "max_retries": 0})
    assert time.monotonic() - started < 1.6


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_no_retry_wait_passes_the_deadline(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    before = server.hits["retry-after-past-deadline"]
    with pytest.raises(InternalServerError):
        call(flavour, server, "retry-after-past-deadline", deadline=2)
    assert server.hits["retry-after-past-deadline"] - before == 1 and sleeps == []
    assert str(call(flavour, server, "retry-after-seconds", deadline=30).id) == USER["id"]


# -- error answers: short messages, bodies read once and capped ---------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_huge_error_body_is_read_once_and_capped(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import MAX_ERROR_BODY, InternalServerError

    server.sent["huge-error"] = 0
    before = server.hits["huge-error"]
    with pytest.raises(InternalServerError) as caught:
        call(flavour, server, "huge-error", max_retries=2)
    assert server.hits["huge-error"] - before == 3
    assert str(caught.value) == "500 Internal Server Error"
    assert caught.value.message == "Internal Server Error"
    assert len(caught.value.body) == MAX_ERROR_BODY
    # Three answers of 50 MB were offered; the two retried ones were not read and
    # the last one only up to the cap (what went out is what the socket buffers took).
    assert server.sent["huge-error"] < HUGE / 2


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_html_error_page_is_not_the_message(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    with pytest.raises(InternalServerError) as caught:
        call(flavour, server, "html-502", max_retries=0)
    assert str(caught.value) == "502 Bad Gateway"
    assert caught.value.body.startswith("<html><body><p>Bad gateway")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_dixas_error_message_and_the_request_id(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.errors import NotFoundError, UnprocessableEntityError

    with pytest.raises(NotFoundError) as caught:
        call(flavour, server, "dixa-error")
    assert str(caught.value) == "404 Not Found: End user not found (request id req-7f3a)"
    assert caught.value.message == "End user not found" and caught.value.request_id == "req-7f3a"
    with pytest.raises(UnprocessableEntityError) as problem:
        call(flavour, server, "problem-error")
    assert problem.value.message == "Unprocessable: name is empty" and problem.value.request_id is None


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_long_message_is_shortened(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.errors import BadRequestError

    with pytest.raises(BadRequestError) as caught:
        call(flavour, server, "long-message")
    assert 400 < len(str(caught.value)) < 600 and str(caught.value).endswith("…")
    assert caught.value.body == {"message": "m" * 10_000}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_redirects_are_not_followed(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.errors import APIStatusError

    before = server.hits["redirected"]
    with pytest.raises(APIStatusError) as caught:
        call(flavour, server, "redirect")
    assert caught.value.status_code == 302 and server.hits["redirected"] == before


# -- the key never shows ------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_echoed_key_in_an_answer_that_does_not_parse_never_shows(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.errors import APIResponseValidationError

    with pytest.raises(APIResponseValidationError) as caught:
        call(flavour, server, "echo-key")
    assert "createdAt" in str(caught.value)
    assert caught.value.body["data"]["createdAt"] == "***"
    assert leaked(caught.value) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_echoed_key_in_an_error_answer_never_shows(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.errors import BadRequestError

    with pytest.raises(BadRequestError) as caught:
        call(flavour, server, "echo-key-error")
    assert caught.value.message == "the key *** may not do this"
    assert caught.value.body == {"message": "the key *** may not do this", "key": "***"}
    assert leaked(caught.value) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_connection_errors_chain_nothing_that_could_hold_the_key(
    server: FaultServer, sleeps: list[float], flavour: str
) -> None:
    from dixa_sdk._runtime.errors import APIConnectionError

    with pytest.raises(APIConnectionError) as caught:
        call(flavour, server, "always-drop", max_retries=0)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert leaked(caught.value) == []


# -- unions: unknown variants are kept, impossible ones refused ---------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_unknown_tag_is_a_variant_added_later(server: FaultServer, flavour: str) -> None:
    from dixa_sdk._runtime.models import UnknownVariant
    from dixa_sdk.v1 import models

    endpoint = call(flavour, server, "unknown-tag", resource="contact_endpoints")
    assert isinstance(endpoint, UnknownVariant)
    assert endpoint.to_wire() == {"_type": "FaxEndpoint", "fax": "+4512345678"}
    untagged = call(flavour, server, "untagged-variant", resource="contact_endpoints")
    assert isinstance(untagged, models.TelephonyEndpoint) and untagged.number == "+4512345678"


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("scenario", ["tag-not-a-string", "no-known-field"])
def test_a_payload_that_can_be_no_variant_is_refused(server: FaultServer, flavour: str, scenario: str) -> None:
    from dixa_sdk._runtime.errors import APIResponseValidationError

    with pytest.raises(APIResponseValidationError) as caught:
        call(flavour, server, scenario, resource="contact_endpoints")
    assert "first at data: no variant fits: `_type` must be a string naming the variant" in str(caught.value)


def test_the_server_stops_itself() -> None:
    """However a run ends, the server cannot outlive it for long."""
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    watchdog = threading.Timer(0.2, server.shutdown)
    watchdog.start()
    thread.join(3)
    server.server_close()
    assert not thread.is_alive()


# -- hostile servers: sizes count decompressed bytes, the deadline covers headers, no key leaks


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_compressed_bomb_error_keeps_only_its_cap(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import MAX_ERROR_BODY, InternalServerError

    assert len(BOMB_ERROR) < 64 * 1024  # small on the wire
    with pytest.raises(InternalServerError) as caught:
        call(flavour, server, "gzip-bomb-error", max_retries=0)
    assert len(caught.value.body) == MAX_ERROR_BODY


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_success_past_max_response_bytes_is_a_typed_error(
    server: FaultServer, sleeps: list[float], flavour: str
) -> None:
    from dixa_sdk import DixaError
    from dixa_sdk._runtime.errors import ResponseTooLargeError

    limit = 1024 * 1024
    with pytest.raises(ResponseTooLargeError) as caught:
        call(flavour, server, "gzip-bomb-ok", client_options={"max_response_bytes": limit})
    assert isinstance(caught.value, DixaError) and caught.value.limit == limit
    assert "max_response_bytes=1048576" in str(caught.value)
    # The default limit is generous: the same answer is read whole when it fits.
    assert str(call(flavour, server, "gzip-bomb-ok").id) == USER["id"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_deadline_bounds_headers_that_trickle(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    from dixa_sdk._runtime.errors import APITimeoutError

    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        call(flavour, server, "trickle-headers", deadline=1.0, max_retries=0)
    assert time.monotonic() - started < 2.5
    assert "deadline of 1s" in str(caught.value)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_key_echoed_in_the_reason_phrase_and_other_cases_leaks_nowhere(
    server: FaultServer, sleeps: list[float], flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    from dixa_sdk._runtime.errors import AuthenticationError

    with caplog.at_level(logging.DEBUG):
        with pytest.raises(AuthenticationError) as caught:
            call(flavour, server, "echo-key-reason", max_retries=0)
    error = caught.value
    assert leaked(error) == []
    assert KEY.lower() not in (str(error) + repr(error) + json.dumps(error.body) + error.message).lower()
    assert KEY not in repr(error.response)
    assert str(error).startswith("401 ***")
    # Every log line of every logger, the HTTP library's included, at every level.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request" in logged and KEY.lower() not in logged.lower()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_key_cut_by_the_error_body_cap_leaves_no_fragment(
    server: FaultServer, sleeps: list[float], flavour: str
) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    with pytest.raises(InternalServerError) as caught:
        call(flavour, server, "key-at-the-cut", max_retries=0)
    body = caught.value.body
    assert body.endswith("y***")
    assert KEY[:7] not in body


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_retry_after_is_digits_only(server: FaultServer, sleeps: list[float], flavour: str) -> None:
    assert str(call(flavour, server, "retry-after-underscore").id) == USER["id"]
    assert len(sleeps) == 1 and sleeps[0] < 1.0  # the backoff, not `1_0` read as 10 s
