"""Credentials kept out of what a client shows: scrubbing in any letter case,
fragments at a cut, a credential sent in the query kept out of the HTTP
library's log lines, and answers read within their size limits."""

from __future__ import annotations

import gzip
import logging

import httpx2
import pytest

from tests.runtime_source import runtime

errors = runtime("errors")
logs = runtime("client.logs")
deadline = runtime("client.deadline")
transport = runtime("client.transport")
auth = runtime("client.auth")
parsing = runtime("client.parsing")

KEY = "Query-Key-5e1b9c"
REQUEST = httpx2.Request("GET", "https://api.example.com/things")


def test_scrub_ignores_letter_case() -> None:
    text = f"a {KEY.upper()} b {KEY.lower()} c {KEY}"
    assert errors.scrub(text, [KEY]) == "a *** b *** c ***"
    assert errors.scrub({"k": [KEY.swapcase()]}, [KEY]) == {"k": ["***"]}


@pytest.mark.parametrize("size", [1, 5, len(KEY) - 1])
def test_a_fragment_of_a_key_at_the_cut_is_scrubbed(size: int) -> None:
    assert errors.scrub_cut("body " + KEY[:size].lower(), [KEY]) == "body ***"
    assert errors.scrub_cut("body text", [KEY]) == "body text"


def test_the_http_library_logs_no_credential_sent_in_the_query(caplog: pytest.LogCaptureFixture) -> None:
    """httpx2 logs each request's URL at INFO, query included; the client's filter scrubs it."""
    scheme = auth.AuthScheme(name="key", kind="query", params=("api_key",), key="token")

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={}, request=request)

    client = transport.SyncBaseClient(
        schemes=[scheme],
        security=(("key",),),
        credentials={"api_key": KEY},
        base_url="https://api.example.com",
        timeout=5.0,
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        retry_non_idempotent=False,
    )
    endpoint = parsing.Endpoint(operation_id="get", method="GET", path="/things", response=None)
    with caplog.at_level(logging.DEBUG):
        client._call(endpoint, {})
        logging.getLogger("httpcore2.http11").debug("status line %s", KEY.encode())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request: GET https://api.example.com/things?token=***" in logged
    assert KEY.lower() not in logged.lower()


def test_a_success_body_is_bounded_after_decompression() -> None:
    body = gzip.compress(gzip.compress(b"x" * 5_000_000))
    headers = {"Content-Encoding": "gzip, gzip"}
    response = httpx2.Response(200, headers=headers, stream=httpx2.ByteStream(body), request=REQUEST)
    with pytest.raises(errors.ResponseTooLargeError):
        deadline.read_body(response, None, 1_000_000)
    response = httpx2.Response(200, headers=headers, stream=httpx2.ByteStream(body), request=REQUEST)
    deadline.read_body(response, None, 10_000_000)
    assert response.content == b"x" * 5_000_000


def test_an_error_body_is_capped_after_decompression() -> None:
    body = gzip.compress(b"e" * 1_000_000)
    response = httpx2.Response(500, headers={"Content-Encoding": "gzip"}, stream=httpx2.ByteStream(body), request=REQUEST)
    deadline.read_body(response, None, 10_000_000)
    assert response.content == b"e" * errors.MAX_ERROR_BODY
    assert response.extensions[errors.TRUNCATED] is True


def test_a_short_key_is_scrubbed_as_a_word_and_never_inside_other_words() -> None:
    """A one-letter test key leaves `conversationId` alone; standing alone, it goes."""
    assert errors.scrub("conversationId e, key=e", ["e"]) == "conversationId ***, key=***"
    assert errors.scrub("Request failed", ["k"]) == "Request failed"


def test_a_real_length_key_is_scrubbed_wherever_it_appears() -> None:
    key = "sk_live_0123456789"
    assert errors.scrub(f"token{key}x and {key.upper()}", [key]) == "token***x and ***"
